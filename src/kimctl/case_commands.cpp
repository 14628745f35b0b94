// kimctl's KIM case commands: open, show, history, fire, list, events, and the figures.
#include <iostream>

#include <kimflow/io/kim_report.hpp>
#include <kimflow/kim/follow_up.hpp>
#include <kimflow/kim/report.hpp>

#include "commands.hpp"
#include "lifecycle_commands.hpp"

namespace kimctl {

using namespace kimflow;
using namespace kimflow::kim;

std::vector<std::pair<std::string, std::string>> describe(const KimCase& c)
{
    std::vector<std::pair<std::string, std::string>> lines;
    if (!c.kommune.empty()) lines.emplace_back("Kommune", c.kommune);
    if (!c.kreis.empty()) lines.emplace_back("Kreis", c.kreis);
    if (!c.traeger.empty()) lines.emplace_back("Träger", c.traeger);
    if (!c.manager.empty()) lines.emplace_back("Case Manager", c.manager);
    if (auto opened = c.opened_at()) lines.emplace_back("eröffnet", format_timestamp(*opened));
    if (c.consent.granted_at) {
        std::string recipients;
        for (const auto& r : c.consent.recipients) recipients += (recipients.empty() ? "" : ", ") + r;
        lines.emplace_back("Einwilligung", format_timestamp(*c.consent.granted_at) + " für " + recipients);
    }
    if (c.consent.withdrawn_at) lines.emplace_back("widerrufen", format_timestamp(*c.consent.withdrawn_at));
    for (const auto& goal : c.goals) lines.emplace_back("Ziel", goal.empty() ? "(gelöscht)" : goal);
    if (auto next = c.next_follow_up()) lines.emplace_back("Wiedervorlage", format_date(*next));
    if (!c.paused_from.empty()) lines.emplace_back("pausiert aus", c.paused_from);
    if (c.closure_reason) lines.emplace_back("Grund", std::string(to_string(*c.closure_reason)));
    if (!c.note.empty()) lines.emplace_back("Notiz", c.note);
    return lines;
}

std::string detail_tables(const KimCase& c)
{
    if (c.referrals.empty()) return {};
    Table t({"Vermittlung an", "Rechtskreis", "am"});
    for (const auto& r : c.referrals) t.add({r.recipient, std::string(to_string(r.rechtskreis)), format_timestamp(r.at)});
    return t.render();
}

void case_open(Context& ctx, const CaseOpenArgs& args)
{
    CaseEngine& engine = ctx.cases();
    const Fired fired = engine.create(args.id, KimCase{}, ctx.actor(), Open{args.kommune, args.traeger, args.manager, args.kreis},
                                      CreateOptions{ctx.recorded_at()});
    if (ctx.json()) return ctx.print(instance_json(ctx, engine, args.id, false));
    std::cout << "Fall " << args.id << " eröffnet: " << fired.from << " --open--> " << fired.to << "  (version "
              << fired.version << ")\n";
}

void case_show(Context& ctx, const std::string& id) { show(ctx, ctx.cases(), id, "Fall"); }

void case_history(Context& ctx, const std::string& id) { history(ctx, ctx.cases(), id); }

void case_fire(Context& ctx, const FireArgs& args)
{
    fire(ctx, ctx.cases(), args.id, args.event, args.fields, args.expected_version);
}

void case_events(Context& ctx) { events<CaseLifecycle>(ctx); }

void case_list(Context& ctx, const ListArgs& args)
{
    if (!args.originator.empty() || !args.body.empty())
        throw UsageError("--originator and --body select papers; for cases use --traeger or --kommune");
    CaseEngine& engine = ctx.cases();
    InstanceQuery query;
    query.state = args.state;
    query.owner = args.traeger;
    query.area = args.kommune;
    if (args.due_for_follow_up || args.overdue) {
        // Open cases carry their next Wiedervorlage as the indexed due day: due means on or
        // before today, overdue means before today.
        const Date today = date_of(ctx.now());
        query.due_before = args.overdue ? today : today + date::days{1};
    }
    const Actor actor = ctx.actor();
    const std::vector<std::string> ids = engine.find(query, actor);
    if (ctx.json()) {
        nlohmann::json j = nlohmann::json::array();
        for (const auto& id : ids) j.push_back(instance_json(ctx, engine, id, false));
        return ctx.print(j);
    }
    if (ids.empty()) {
        std::cout << "(keine Fälle)\n";
        return;
    }
    Table t({"Fall", "Kommune", "Träger", "Phase", "Einwilligung", "Wiedervorlage", "V."});
    for (const auto& id : ids) {
        const auto view = engine.view(id, actor);
        const KimCase& c = view.data;
        const auto next = c.next_follow_up();
        t.add({id, c.kommune, c.traeger, std::string(view.states.at(CaseLifecycle::main_region)),
               std::string(view.states.at(0)), next ? format_date(*next) : "", std::to_string(view.version)});
    }
    std::cout << t.render();
}

void kim_report(Context& ctx, const std::string& from, const std::string& to, const std::string& format)
{
    Date first, last;
    try {
        first = parse_date(from);
        last = parse_date(to);
    } catch (const std::invalid_argument& e) {
        throw UsageError(std::string("--from/--to: ") + e.what());
    }
    if (last < first) throw UsageError("--to " + to + " lies before --from " + from + "; swap them");
    const Report report = make_report(ctx.cases(), ctx.actor(), first, last);
    if (ctx.json() || format == "json") return ctx.print(to_json(report));
    std::cout << (format == "csv" ? to_csv(report) : to_table(report));
}

void case_erase(Context& ctx, const std::string& id, const std::string& reason)
{
    CaseEngine& engine = ctx.cases();
    engine.erase(id, ctx.actor(), reason);  // again on an erased case: what was recorded since
    const std::uint64_t version = engine.version(id);
    if (ctx.json()) return ctx.print({{"lifecycle", "case"}, {"id", id}, {"erased", true}, {"version", version}});
    std::cout << "Fall " << id << ": personenbezogene Daten gelöscht (version " << version
              << "); Phasen, Daten und Zahlen bleiben\n";
}

}  // namespace kimctl
