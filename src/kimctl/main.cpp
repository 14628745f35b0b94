// kimctl: run KIM cases and council papers from a terminal or a script.
//
// Parses the command line (CLI11), runs one command, and turns kimflow's error types into
// the exit codes the README documents. Errors go to stderr in one or two lines.
#include <functional>
#include <iostream>
#include <limits>

#include <CLI/CLI.hpp>

#include <kimflow/core/error.hpp>
#include <kimflow/core/error_kind.hpp>
#include <kimflow/store/store.hpp>
#include <kimflow/version.hpp>

#include "admin_commands.hpp"
#include "audit_commands.hpp"
#include "store_commands.hpp"
#include "commands.hpp"
#include "oparl_commands.hpp"
#include "privacy_commands.hpp"
#include "remote_client.hpp"
#include "remote_commands.hpp"
#include "rules_commands.hpp"
#include "resolution_commands.hpp"
#include "tick_commands.hpp"
#include "labelled.hpp"

namespace {

using namespace kimctl;

const std::vector<std::string> kinds{"paper", "case", "resolution"};

/// Calls the command of @p kind's lifecycle.
template <class Paper, class Case, class Resolution>
void by_kind(const std::string& kind, Paper&& paper, Case&& kim_case, Resolution&& resolution)
{
    switch (kind_of(kind)) {
    case Kind::paper: paper(); break;
    case Kind::kim_case: kim_case(); break;
    case Kind::resolution: resolution(); break;
    }
}

int fail(int code, const std::string& message)
{
    std::cerr << "kimctl: " << message << '\n';
    return code;
}

int run(int argc, char** argv)
{
    CLI::App app{"kimctl: KIM cases and council papers (Drucksachen) on a kimflow database"};
    app.set_version_flag("--version", "kimctl " + std::to_string(KIMFLOW_VERSION_MAJOR) + "." +
                                          std::to_string(KIMFLOW_VERSION_MINOR) + "." + std::to_string(KIMFLOW_VERSION_PATCH));
    app.require_subcommand(1);
    app.fallthrough();  // global options may also follow the command

    Flags flags;
    std::string at;
    bool json = false;
    app.add_option("--config", flags.config,
                   "The configuration file (default: $KIMCTL_CONFIG, else ~/.config/kimflow/kimctl.conf if it exists)");
    app.add_option("--db", flags.db,
                   "The database file (default: $KIMFLOW_DB, else the configuration's db, else kimflow.db)");
    app.add_option("--as", flags.actor, "Who acts: an id such as a login name (default: the configuration's as)");
    app.add_option("--role", flags.role,
                   "The role they act in, e.g. verwaltung, case_manager (default: the configuration's role)");
    app.add_option("--org", flags.organization,
                   "The organisation they act for, e.g. caritas (default: the configuration's org)");
    app.add_option("--policy", flags.policy,
                   "The policy file: who may do what (default: the configuration's policy, else the built-in one)");
    app.add_option("--at", at, "When: YYYY-MM-DD or YYYY-MM-DDThh:mm:ss with Z or an offset (default now)");
    app.add_flag("--json", json, "Machine-readable output on stdout");
    app.add_option("--signing-key", flags.signing_key,
                   "The key that signs the audit trail when this run writes (kimctl admin key init; default "
                   "$KIMFLOW_SIGNING_KEY)");
    auto* server_opt = app.add_option(
        "--server", flags.server,
        "Work through kimflowd at this URL (default: $KIMFLOW_SERVER, else the configuration's server), with the "
        "token in $KIMFLOW_TOKEN or the configuration's token: show, list, history, fire and report; --server '' "
        "works on the file");

    // The command the user chose, bound to its arguments; run after parsing.
    std::function<int(Context&)> chosen;
    auto choose = [&chosen](std::function<int(Context&)> f) { chosen = std::move(f); };
    auto kind_positional = [](CLI::App* cmd, std::string& kind) {
        cmd->add_option("kind", kind, "paper, case or resolution")->required()->check(CLI::IsMember(kinds));
    };

    // init
    app.add_subcommand("init", "Create the database, or migrate it to this kimflow's schema")->callback([&] {
        choose([](Context& ctx) { return init(ctx), 0; });
    });

    // paper create
    auto* paper_cmd = app.add_subcommand("paper", "Papers (Drucksachen)");
    paper_cmd->require_subcommand(1);
    PaperCreateArgs create;
    auto* create_cmd = paper_cmd->add_subcommand("create", "Create a paper (in state draft)");
    create_cmd->add_option("reference", create.reference, "Drucksachennummer, e.g. 14/1923")->required();
    create_cmd->add_option("--type", create.type, "Anfrage, Antwort, Antrag, Änderungsantrag, Beschlussvorlage, "
                                                  "Mitteilungsvorlage or Bericht")->required();
    create_cmd->add_option("--title", create.title, "Betreff")->required();
    create_cmd->add_option("--date", create.date, "The date on the paper");
    create_cmd->add_option("--originator", create.originator, "Who puts it forward, e.g. \"Fraktion Die Linke\"");
    create_cmd->add_option("--body", create.body, "The council whose rules of procedure apply");
    create_cmd->add_option("--consultation", create.consultations,
                           "A step of the Beratungsfolge: \"COMMITTEE|ROLE[|authoritative]\" (repeatable)");
    create_cmd->callback([&] { choose([&](Context& ctx) { return paper_create(ctx, create), 0; }); });

    // case open
    auto* case_cmd = app.add_subcommand("case", "KIM cases");
    case_cmd->require_subcommand(1);
    CaseOpenArgs open;
    auto* open_cmd = case_cmd->add_subcommand("open", "Open a KIM case (in intake)");
    open_cmd->add_option("id", open.id, "The case id (pseudonymous), e.g. K-2025-017")->required();
    open_cmd->add_option("--kommune", open.kommune, "The kreisangehörige Kommune")->required();
    open_cmd->add_option("--traeger", open.traeger, "The Träger that runs the case (default: the Kommune)");
    open_cmd->add_option("--manager", open.manager, "The case manager's staff id");
    open_cmd->add_option("--kreis", open.kreis, "The Kreis responsible");
    open_cmd->callback([&] { choose([&](Context& ctx) { return case_open(ctx, open), 0; }); });

    // case erase ID --reason CODE [--note TEXT]
    add_case_erase_command(*case_cmd, choose);

    // resolution create
    auto* resolution_cmd = app.add_subcommand("resolution", "Resolutions: the Beschlusskontrolle of decided papers");
    resolution_cmd->require_subcommand(1);
    ResolutionCreateArgs resolution_create_args;
    auto* resolution_create_cmd = resolution_cmd->add_subcommand(
        "create", "Create a resolution for a decided paper: what is to be carried out, by which office, by when");
    resolution_create_cmd->add_option("id", resolution_create_args.id, "The resolution's id, e.g. 2021/123-1")->required();
    resolution_create_cmd->add_option("--paper", resolution_create_args.paper, "The decided paper's reference")->required();
    resolution_create_cmd->add_option("--office", resolution_create_args.office, "The responsible office (Amt / Fachbereich)")
        ->required();
    resolution_create_cmd->add_option("--due", resolution_create_args.due, "The day it is due (YYYY-MM-DD)")->required();
    resolution_create_cmd->add_option("--task", resolution_create_args.task,
                                      "What is to be carried out (default: the paper's title)");
    resolution_create_cmd->callback(
        [&] { choose([&](Context& ctx) { return resolution_create(ctx, resolution_create_args), 0; }); });

    // tick
    std::string tick_lifecycle;
    auto* tick_cmd = app.add_subcommand("tick", "Fire the deadlines that fell due by --at (default now): answer periods, "
                                                "due dates, Wiedervorlagen; each once, safe to run often and at once");
    tick_cmd->add_option("--lifecycle", tick_lifecycle, "Only paper, case or resolution")->check(CLI::IsMember(kinds));
    tick_cmd->callback([&] { choose([&](Context& ctx) { return tick(ctx, tick_lifecycle); }); });

    // fire
    std::string kind;
    FireArgs fire;
    std::uint64_t expected_version = 0;
    auto* fire_cmd = app.add_subcommand("fire", "Fire an event: kimctl fire paper 14/1923 answer answer_reference=14/1923-1");
    kind_positional(fire_cmd, kind);
    fire_cmd->add_option("id", fire.id, "The paper's reference or the case id")->required();
    fire_cmd->add_option("event", fire.event, "The event, by its code or its German label (kimctl events paper|case "
                                              "lists them)")->required();
    fire_cmd->add_option("fields", fire.fields,
                         "The payload as name=value (lists comma-separated); a value of a choice by its code or label");
    auto* expect_opt = fire_cmd->add_option("--expect-version", expected_version,
                                            "Fire only if the instance is at this version (else exit code 5)");
    fire_cmd->callback([&] {
        if (expect_opt->count()) fire.expected_version = expected_version;
        choose([&](Context& ctx) {
            // Labels to codes here: the library and kimflowd take codes.
            const std::string_view lifecycle = lifecycle_id(kind_of(kind));
            fire.event = event_input(lifecycle, fire.event);
            fire.fields = fields_input(lifecycle, fire.event, fire.fields);
            if (ctx.remote()) return remote_fire(ctx, kind_of(kind), fire), 0;
            by_kind(kind, [&] { paper_fire(ctx, fire); }, [&] { case_fire(ctx, fire); }, [&] { resolution_fire(ctx, fire); });
            return 0;
        });
    });

    // show, history
    std::string id;
    auto* show_cmd = app.add_subcommand("show", "State, version, data, allowed events and history of one paper or case");
    kind_positional(show_cmd, kind);
    show_cmd->add_option("id", id, "The paper's reference or the case id")->required();
    show_cmd->callback([&] {
        choose([&](Context& ctx) {
            if (ctx.remote()) return remote_show(ctx, kind_of(kind), id), 0;
            by_kind(kind, [&] { paper_show(ctx, id); }, [&] { case_show(ctx, id); }, [&] { resolution_show(ctx, id); });
            return 0;
        });
    });
    auto* history_cmd = app.add_subcommand("history", "The transitions of one paper or case");
    kind_positional(history_cmd, kind);
    history_cmd->add_option("id", id, "The paper's reference or the case id")->required();
    history_cmd->callback([&] {
        choose([&](Context& ctx) {
            if (ctx.remote()) return remote_history(ctx, kind_of(kind), id), 0;
            by_kind(kind, [&] { paper_history(ctx, id); }, [&] { case_history(ctx, id); },
                    [&] { resolution_history(ctx, id); });
            return 0;
        });
    });

    // list
    ListArgs list;
    auto* list_cmd = app.add_subcommand("list", "Papers or cases, optionally filtered");
    kind_positional(list_cmd, kind);
    list_cmd->add_option("--state", list.state, "Only in this state (phase for cases), by its code or its label");
    list_cmd->add_option("--traeger", list.traeger, "Cases of this Träger");
    list_cmd->add_option("--kommune", list.kommune, "Cases of this Kommune");
    list_cmd->add_option("--originator", list.originator, "Papers of this originator");
    list_cmd->add_option("--body", list.body, "Papers of this council");
    list_cmd->add_flag("--overdue", list.overdue, "Papers overdue for an answer or a result; cases past their Wiedervorlage");
    list_cmd->add_flag("--due-for-follow-up", list.due_for_follow_up,
                       "Cases' open Wiedervorlagen up to --to (default today), from --from if given; one row each");
    list_cmd->add_option("--from", list.from, "With --due-for-follow-up or --overdue: Wiedervorlagen on or after this day");
    list_cmd->add_option("--to", list.to, "With --due-for-follow-up: Wiedervorlagen on or before this day (default: today)");
    list_cmd->add_option("--manager", list.manager, "Cases of this case manager (staff id)");
    std::string office, committee;
    list_cmd->add_option("--office", office, "Resolutions of this office");
    list_cmd->add_option("--committee", committee, "Resolutions of this committee's decisions");
    list_cmd->add_flag("--csv", list.csv, "As CSV for German Excel (UTF-8 with BOM, ';', dates as TT.MM.JJJJ)");
    list_cmd->callback([&] {
        choose([&](Context& ctx) {
            const Kind k = kind_of(kind);
            if (list.csv && ctx.json()) throw UsageError("--csv und --json schließen einander aus; gib eins davon an");
            list.state = state_input(lifecycle_id(k), list.state);
            if (k != Kind::resolution && (!office.empty() || !committee.empty()))
                throw UsageError("--office and --committee select resolutions; for " + kind + "s see kimctl list --help");
            if (k == Kind::paper && (!list.from.empty() || !list.to.empty() || !list.manager.empty()))
                throw UsageError("--from, --to and --manager select cases; for papers use --overdue");
            if (k == Kind::resolution &&
                (!list.traeger.empty() || !list.kommune.empty() || !list.originator.empty() || !list.body.empty() ||
                 list.due_for_follow_up || !list.from.empty() || !list.to.empty() || !list.manager.empty()))
                throw UsageError("resolutions are selected by --state, --office, --committee and --overdue");
            const ResolutionListArgs resolution_args{list.state, office, committee, list.overdue, list.csv};
            if (ctx.remote()) return remote_list(ctx, k, list, resolution_args), 0;
            by_kind(kind, [&] { paper_list(ctx, list); }, [&] { case_list(ctx, list); },
                    [&] { resolution_list(ctx, resolution_args); });
            return 0;
        });
    });

    // events
    auto* events_cmd = app.add_subcommand("events", "Every event with its payload fields and the states it may fire in");
    kind_positional(events_cmd, kind);
    events_cmd->callback([&] {
        choose([&](Context& ctx) {
            by_kind(kind, [&] { paper_events(ctx); }, [&] { case_events(ctx); }, [&] { resolution_events(ctx); });
            return 0;
        });
    });

    // report
    std::string report_kind, from, to, report_format = "table", report_committee;
    auto* report_cmd = app.add_subcommand("report", "Figures: kimctl report kim --from 2025-01-01 --to 2025-12-31; "
                                                    "the Beschlusskontrolle: kimctl report resolutions --committee Rat");
    report_cmd->add_option("kind", report_kind, "kim or resolutions")->required()->check(CLI::IsMember({"kim", "resolutions"}));
    report_cmd->add_option("--from", from, "First day (resolutions: default the 1st of January)");
    report_cmd->add_option("--to", to, "Last day (resolutions: default today, or --at)");
    report_cmd->add_option("--committee", report_committee, "resolutions: only this committee's");
    auto* format_opt = report_cmd->add_option("--format", report_format, "table, csv (RFC 4180) or json")
                           ->check(CLI::IsMember({"table", "csv", "json"}))
                           ->capture_default_str();
    bool report_csv = false;
    report_cmd->add_flag("--csv", report_csv,
                         "CSV for German Excel: UTF-8 with BOM, ';', decimal comma, dates as TT.MM.JJJJ, German "
                         "column titles");
    report_cmd->callback([&] {
        choose([&](Context& ctx) {
            if (report_csv && (format_opt->count() || ctx.json()))
                throw UsageError("--csv schreibt CSV für deutsches Excel; --format und --json geben ein anderes "
                                 "Format an: gib nur eins davon an");
            if (report_csv) report_format = kExcel;
            if (report_kind == "resolutions") {
                const ResolutionReportArgs args{report_committee, from, to, report_format};
                if (ctx.remote()) return remote_resolution_report(ctx, args), 0;
                return resolution_report(ctx, args), 0;
            }
            if (from.empty() || to.empty()) throw UsageError("report kim needs --from and --to");
            if (!report_committee.empty()) throw UsageError("--committee is for report resolutions");
            if (ctx.remote()) return remote_kim_report(ctx, from, to, report_format), 0;
            return kim_report(ctx, from, to, report_format), 0;
        });
    });

    // diagram
    std::string diagram_format = "dot", output;
    auto* diagram_cmd = app.add_subcommand("diagram", "The lifecycle as a state diagram");
    kind_positional(diagram_cmd, kind);
    diagram_cmd->add_option("--format", diagram_format, "dot, mermaid, svg or png (svg and png need Graphviz)")
        ->check(CLI::IsMember({"dot", "mermaid", "svg", "png"}))
        ->capture_default_str();
    diagram_cmd->add_option("-o,--output", output, "Write to this file instead of stdout");
    diagram_cmd->callback([&] {
        choose([&](Context& ctx) { return diagram(ctx, kind_of(kind), diagram_format, output), 0; });
    });

    // export / import oparl
    std::string format_name, dir, base_url;
    auto* export_cmd = app.add_subcommand("export", "Export every paper as OParl 1.1 objects");
    export_cmd->add_option("format", format_name, "oparl")->required()->check(CLI::IsMember({"oparl"}));
    export_cmd->add_option("-o,--output", dir, "A folder to write one file per object into (default: one list on stdout)");
    export_cmd->add_option("--base-url", base_url, "The URL the object ids start with")->capture_default_str();
    bool export_force = false;
    export_cmd->add_flag("--force", export_force,
                         "Replace files of the same names in the folder (a symlink itself, never its target)");
    export_cmd->callback(
        [&] { choose([&](Context& ctx) { return export_oparl(ctx, dir, base_url, export_force), 0; }); });
    auto read_options = [](CLI::App* cmd, OparlReadArgs& read) {
        cmd->add_option("--vocabulary", read.vocabulary,
                        "A JSON file mapping the RIS's paper types, roles and result texts (README: OParl)");
        cmd->add_flag("--strict", read.strict, "All or nothing: the first bad object stops it, nothing changes");
    };
    ImportArgs import_args;
    auto* import_cmd = app.add_subcommand("import", "Import OParl 1.0/1.1 papers (with meetings and organizations); "
                                                    "bad objects are reported and left out (exit code 8)");
    import_cmd->add_option("format", format_name, "oparl")->required()->check(CLI::IsMember({"oparl"}));
    import_cmd->add_option("files", import_args.files, "JSON files: an object, an array, or a list {\"data\": [...]}")
        ->required();
    read_options(import_cmd, import_args.read);
    import_cmd->callback([&] { choose([&](Context& ctx) { return import_oparl(ctx, import_args); }); });
    std::string vocabulary_file;
    bool vocabulary_reset = false;
    auto* vocabulary_cmd = app.add_subcommand(
        "vocabulary", "Keep a body's OParl vocabulary in the database (paper types, roles, results), or show it");
    vocabulary_cmd->add_option("format", format_name, "oparl")->required()->check(CLI::IsMember({"oparl"}));
    vocabulary_cmd->add_option("file", vocabulary_file, "A JSON vocabulary file to keep (README: OParl)");
    vocabulary_cmd->add_flag("--reset", vocabulary_reset, "Forget the kept vocabulary: the defaults alone");
    vocabulary_cmd->callback([&] {
        choose([&](Context& ctx) { return vocabulary_oparl(ctx, vocabulary_file, vocabulary_reset), 0; });
    });
    std::string rules_kind, rules_file;
    bool rules_reset = false;
    auto* rules_cmd = app.add_subcommand(
        "rules", "Keep the councils' rules of procedure in the database (periods, working days, holidays), or show them");
    rules_cmd->add_option("kind", rules_kind, "paper")->required()->check(CLI::IsMember({"paper"}));
    rules_cmd->add_option("file", rules_file, "A JSON file of rules of procedure to keep (README: Rules of procedure)");
    rules_cmd->add_flag("--reset", rules_reset, "Forget the kept rules: the built-in defaults alone");
    rules_cmd->callback([&] { choose([&](Context& ctx) { return rules_paper(ctx, rules_file, rules_reset), 0; }); });
    SyncArgs sync_args;
    auto* sync_cmd = app.add_subcommand("sync", "Fetch a body's papers from its RIS over OParl (System or Body URL); "
                                                "later runs fetch only what changed");
    sync_cmd->add_option("format", format_name, "oparl")->required()->check(CLI::IsMember({"oparl"}));
    sync_cmd->add_option("url", sync_args.url, "The OParl System or Body URL")->required();
    read_options(sync_cmd, sync_args.read);
    sync_cmd->add_flag("--full", sync_args.full, "Fetch everything, not only what changed since the last sync");
    sync_cmd->add_option("--timeout", sync_args.timeout, "Seconds one request may take")->capture_default_str();
    sync_cmd->add_option("--interval", sync_args.interval, "Seconds at least between two requests")
        ->capture_default_str();
    sync_cmd->add_option("--retries", sync_args.retries, "How often a failed request is tried again")
        ->capture_default_str();
    sync_cmd->callback([&] { choose([&](Context& ctx) { return sync_oparl(ctx, sync_args); }); });

    // purge
    app.add_subcommand("purge", "Erase the personal data of every case past its retention period, as of --at "
                                "(default now): kimctl purge --at 2026-01-01")
        ->callback([&] { choose([](Context& ctx) { return purge(ctx), 0; }); });

    // denials
    DenialArgs denial_args;
    auto* denials_cmd = app.add_subcommand("denials", "The refusals of the policy, as the audit trail keeps them");
    denials_cmd->add_option("--lifecycle", denial_args.lifecycle, "paper, case or resolution (default: all)")
        ->check(CLI::IsMember(kinds));
    denials_cmd->add_option("--id", denial_args.id, "Only those about this paper or case");
    denials_cmd->callback([&] { choose([&](Context& ctx) { return denials(ctx, denial_args), 0; }); });

    // admin account|token|policy
    add_admin_commands(app, choose);
    // verify, audit heads, admin key init
    add_audit_commands(app, choose);
    // store copy
    add_store_commands(app, choose);

    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForVersion& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        return fail(Exit::usage, std::string(e.what()) + "\n(kimctl --help lists the commands; kimctl COMMAND --help explains one)");
    }

    flags.server_given = server_opt->count() > 0;
    Options options = resolve(flags, at, json);
    if (!options.server.empty()) check_remote(app, options);
    Context ctx(std::move(options));
    return chosen(ctx);
}

}  // namespace

int main(int argc, char** argv)
{
    try {
        return run(argc, argv);
    } catch (const UsageError& e) {
        return fail(Exit::usage, e.what());
    } catch (const RemoteError& e) {
        return fail(e.code(), e.what());
    } catch (const LocalRefusal& e) {
        return fail(Exit::not_permitted, e.what());
    } catch (const std::exception& e) {
        // kimflow's errors by the table kimflowd and the C ABI use too (kimflow/core/error_kind.hpp).
        const kimflow::ErrorKind& kind = kimflow::error_kind(e);
        std::string message = e.what();
        if (kind.exit_code == Exit::rejected && dynamic_cast<const kimflow::EventRejected*>(&e))
            message += "\n(nothing changed)";
        else if (kind.exit_code == Exit::not_permitted)
            message += "\n(nothing changed; the refusal is logged: kimctl denials)";
        else if (kind.exit_code == Exit::version_conflict)
            message += "\n(nothing changed; show it again and decide)";
        return fail(kind.exit_code, message);
    }
}
