// kimctl's commands about personal data and the policy: purge (erasure at the end of the
// retention period), erasure of one case on request (`case erase`), and the log of refused
// actions.
#include "privacy_commands.hpp"

#include <algorithm>
#include <iostream>
#include <memory>
#include <optional>

#include <kimflow/core/input.hpp>
#include <kimflow/io/json.hpp>
#include <kimflow/io/table.hpp>

#include "commands.hpp"

namespace kimctl {

using namespace kimflow;

namespace {

// What a reader that held the scrub up means, and when it ends (said apart from the result:
// the erasure itself has committed).
void print_scrub_notice(const Context& ctx, const std::string& again)
{
    std::cout << "Hinweis: ein anderes Programm liest die Datenbank gerade. Alte Kopien der gelöschten Daten "
                 "stehen noch im Write-Ahead-Log ("
              << ctx.options().db
              << "-wal); sie verschwinden beim nächsten Checkpoint, sobald kein Programm sie mehr liest. "
              << again << " schließt das ab, ohne eine weitere Löschung zu protokollieren.\n";
}

}  // namespace

std::string_view reason_label(ErasureReason reason)
{
    switch (reason) {
    case ErasureReason::request_art17: return "Antrag auf Löschung (Art. 17 DSGVO)";
    case ErasureReason::consent_withdrawn: return "Einwilligung widerrufen (Art. 17 Abs. 1 lit. b DSGVO)";
    case ErasureReason::purpose_fulfilled: return "Zweck erfüllt, nicht mehr erforderlich (Art. 17 Abs. 1 lit. a DSGVO)";
    case ErasureReason::objection: return "Widerspruch gegen die Verarbeitung (Art. 21 DSGVO)";
    case ErasureReason::unlawful_processing: return "unrechtmäßig verarbeitet (Art. 17 Abs. 1 lit. d DSGVO)";
    case ErasureReason::legal_obligation: return "Löschpflicht nach Rechtsvorschrift (Art. 17 Abs. 1 lit. e DSGVO)";
    case ErasureReason::retention_expired: return "Aufbewahrungsfrist abgelaufen";
    case ErasureReason::court_order: return "gerichtliche oder aufsichtsbehördliche Anordnung";
    case ErasureReason::duplicate: return "doppelt erfasst";
    case ErasureReason::entered_in_error: return "irrtümlich erfasst";
    }
    return "";
}

void case_erase(Context& ctx, const EraseArgs& args)
{
    const std::optional<ErasureReason> reason = parse_erasure_reason(args.reason);
    if (!reason) {
        std::string codes;
        for (ErasureReason r : erasure_reasons)
            codes += "\n  " + std::string(to_string(r)) + "  " + std::string(reason_label(r));
        throw UsageError("--reason " + args.reason + ": not a reason code; give one of these (what the person said "
                         "goes into --note, which is erased with the case's personal data):" + codes);
    }
    kim::CaseEngine& engine = ctx.cases();
    const ErasureOutcome done = engine.erase(args.id, ctx.actor(), *reason, args.note);
    const std::uint64_t version = engine.version(args.id);
    if (ctx.json())
        return ctx.print({{"lifecycle", "case"},
                          {"id", args.id},
                          {"erased", true},
                          {"recorded", done.recorded},
                          {"reason", to_string(*reason)},
                          {"version", version},
                          {"scrub_pending", done.scrub_pending}});
    if (done.recorded) {
        std::cout << "Fall " << args.id << ": personenbezogene Daten gelöscht (version " << version
                  << ", Grund: " << reason_label(*reason) << "); Phasen, Daten und Zahlen bleiben\n";
        if (!args.note.empty())
            std::cout << "Die Notiz steht im Protokoll, bis die personenbezogenen Daten des Falls das nächste Mal "
                         "gelöscht werden (spätestens mit kimctl purge nach der Aufbewahrungsfrist).\n";
    } else {
        std::cout << "Fall " << args.id << ": war bereits gelöscht, seitdem ist nichts erfasst; keine weitere Löschung "
                  << "protokolliert" << (args.note.empty() ? "" : " (die Notiz nicht gespeichert)")
                  << ", nur die Datenbankdateien bereinigt\n";
    }
    if (done.scrub_pending) print_scrub_notice(ctx, "kimctl case erase " + args.id + " (oder kimctl purge) noch einmal");
}

void add_case_erase_command(CLI::App& case_cmd, const std::function<void(std::function<int(Context&)>)>& choose)
{
    auto args = std::make_shared<EraseArgs>();
    std::string codes;
    for (ErasureReason r : erasure_reasons) codes += (codes.empty() ? "" : ", ") + std::string(to_string(r));
    auto* cmd = case_cmd.add_subcommand("erase", "Erase a case's personal data now (DSGVO art. 17); the figures stay");
    cmd->add_option("id", args->id, "The case id")->required();
    cmd->add_option("--reason", args->reason, "Why, as a code for the audit trail: " + codes)->capture_default_str();
    cmd->add_option("--note", args->note,
                    "Personal text about the request (who asked, how); kept until the case's personal data is "
                    "erased next, never for good");
    cmd->callback([args, choose] { choose([args](Context& ctx) { return case_erase(ctx, *args), 0; }); });
}

void purge(Context& ctx)
{
    const Actor actor = ctx.actor();
    const Timestamp at = ctx.now();
    // Papers first: they are public records and keep everything, so a refusal there comes
    // before anything has changed.
    const std::vector<std::string> papers = ctx.papers().purge(at, actor);
    const std::vector<std::string> cases = ctx.cases().purge(at, actor);
    // Also when nothing was erased now: it finishes the scrub of an earlier erasure that a
    // reader held up.
    const bool scrub_pending = !ctx.cases().scrub();
    if (ctx.json())
        return ctx.print({{"at", format_timestamp(at)},
                          {"erased", {{"case", cases}, {"paper", papers}}},
                          {"scrub_pending", scrub_pending}});
    std::cout << "as of " << format_timestamp(at) << ": ";
    if (cases.empty() && papers.empty()) {
        std::cout << "no case is past its retention period; nothing erased\n";
        if (scrub_pending) print_scrub_notice(ctx, "kimctl purge noch einmal");
        return;
    }
    std::cout << "the personal data of " << cases.size() << (cases.size() == 1 ? " case" : " cases")
              << " past its retention period erased";
    if (!papers.empty()) std::cout << ", and of " << papers.size() << " papers";
    std::cout << '\n';
    for (const auto& id : cases) std::cout << "  erased  case " << id << '\n';
    for (const auto& id : papers) std::cout << "  erased  paper " << id << '\n';
    if (scrub_pending) print_scrub_notice(ctx, "kimctl purge noch einmal");
}

void denials(Context& ctx, const DenialArgs& args)
{
    // The audit trail is read as an actor who may `audit` (usage error without one); each engine
    // gives only the refusals that actor's scope reaches.
    const Actor actor = ctx.actor();
    std::vector<StoredDenial> all;
    std::optional<NotPermitted> refused;
    bool permitted = false;
    const auto collect = [&](std::string_view lifecycle, const auto& engine) {
        if (!args.lifecycle.empty() && args.lifecycle != lifecycle) return;
        try {
            for (auto& d : engine.denials(actor, args.id)) all.push_back(std::move(d));
            permitted = true;
        } catch (const NotPermitted& e) {
            // Without --lifecycle, a policy that grants `audit` on cases only still shows those.
            if (!refused) refused = e;
        }
    };
    collect("paper", ctx.papers());
    collect("case", ctx.cases());
    collect("resolution", ctx.resolutions().engine());
    if (!permitted && refused) throw *refused;
    std::stable_sort(all.begin(), all.end(), [](const StoredDenial& a, const StoredDenial& b) { return a.at < b.at; });
    if (ctx.json()) {
        nlohmann::json j = nlohmann::json::array();
        for (const auto& d : all)
            j.push_back({{"lifecycle", d.lifecycle},
                         {"id", d.instance},
                         {"action", d.action},
                         {"actor", to_json(d.actor)},
                         {"at", format_timestamp(d.at)},
                         {"reason", d.reason}});
        return ctx.print(j);
    }
    if (all.empty()) {
        std::cout << "(keine Ablehnungen)\n";
        return;
    }
    Table t({"Zeit", "Typ", "Id", "Aktion", "durch", "Grund"});
    for (const auto& d : all) {
        std::string by = d.actor.id;
        if (!d.actor.role.empty() || !d.actor.organization.empty())
            by += " (" + d.actor.role + (d.actor.organization.empty() ? "" : ", " + d.actor.organization) + ")";
        // Denials written before the input rule may hold anything: shown escaped, never raw.
        t.add({format_timestamp(d.at), terminal_safe(d.lifecycle), d.instance.empty() ? "-" : terminal_safe(d.instance),
               terminal_safe(d.action), terminal_safe(by), terminal_safe(d.reason)});
    }
    std::cout << t.render();
}

}  // namespace kimctl
