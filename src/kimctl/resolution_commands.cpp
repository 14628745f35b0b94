// kimctl's resolution commands (Beschlusskontrolle): create, show, history, fire, list, events,
// report.
#include "resolution_commands.hpp"

#include <iostream>

#include <kimflow/core/input.hpp>
#include <kimflow/io/resolution_json.hpp>
#include <kimflow/resolution/report.hpp>

#include "lifecycle_commands.hpp"

namespace kimctl {

using namespace kimflow;
using namespace kimflow::resolution;

namespace {

Date option_date(const char* option, const std::string& text)
{
    try {
        return parse_date(text);
    } catch (const std::invalid_argument& e) {
        throw UsageError(std::string(option) + ": " + e.what());
    }
}

}  // namespace

std::vector<std::pair<std::string, std::string>> describe(const Resolution& r)
{
    std::vector<std::pair<std::string, std::string>> lines{
        {"Vorlage", r.paper}, {"Amt", r.office}, {"Aufgabe", r.task}, {"fällig", format_date(r.due)}};
    if (r.original_due && *r.original_due != r.due) lines.emplace_back("ursprünglich fällig", format_date(*r.original_due));
    if (!r.committee.empty()) lines.emplace_back("Gremium", r.committee);
    if (!r.body.empty()) lines.emplace_back("Körperschaft", r.body);
    if (r.decided_on) lines.emplace_back("beschlossen", format_date(*r.decided_on));
    if (r.started_at) lines.emplace_back("begonnen", format_timestamp(*r.started_at));
    if (r.overdue_since)
        lines.emplace_back("überfällig", "seit " + format_timestamp(*r.overdue_since) + " (fällig am " +
                                              format_date(*r.overdue_for) + ")");
    if (const std::string why = r.delay_reason(); !why.empty()) lines.emplace_back("Grund der Verzögerung", why);
    if (r.done_at) lines.emplace_back("erledigt", format_timestamp(*r.done_at) + ": " + r.completion_note);
    if (r.dropped_at) lines.emplace_back("entfallen", format_timestamp(*r.dropped_at) + ": " + r.drop_reason);
    return lines;
}

std::string detail_tables(const Resolution& r)
{
    std::string out;
    if (!r.reports.empty()) {
        Table t({"Sachstand vom", "Bericht", "Grund der Verzögerung", "neu fällig"});
        for (const auto& p : r.reports)
            t.add({format_timestamp(p.at), terminal_safe(p.text), terminal_safe(p.delay_reason),
                   p.new_due ? format_date(*p.new_due) : ""});
        out += t.render();
    }
    if (!r.extensions.empty()) {
        Table t({"verlängert am", "von", "auf", "Grund"});
        for (const auto& e : r.extensions)
            t.add({format_timestamp(e.at), format_date(e.from), format_date(e.to), terminal_safe(e.reason)});
        out += (out.empty() ? "" : "\n") + t.render();
    }
    return out;
}

void resolution_create(Context& ctx, const ResolutionCreateArgs& args)
{
    Resolution r;
    r.paper = args.paper;
    r.office = args.office;
    r.due = option_date("--due", args.due);
    r.task = args.task;
    ResolutionEngine& engine = ctx.resolutions();
    engine.create(args.id, std::move(r), ctx.actor());
    if (ctx.json()) return ctx.print(kimflow::to_json(engine.engine(), args.id, ctx.actor(), true));
    const auto view = engine.engine().view(args.id);
    std::cout << "Beschlusskontrolle " << args.id << " angelegt für Vorlage " << view.data.paper << " ("
              << (view.data.committee.empty() ? std::string("ohne Gremium") : view.data.committee) << "), Amt "
              << view.data.office << ", fällig am " << format_date(view.data.due) << '\n';
}

void resolution_show(Context& ctx, const std::string& id)
{
    show(ctx, ctx.resolutions().engine(), id, "Beschlusskontrolle");
}

void resolution_history(Context& ctx, const std::string& id) { history(ctx, ctx.resolutions().engine(), id); }

void resolution_fire(Context& ctx, const FireArgs& args)
{
    ResolutionEngine& engine = ctx.resolutions();
    const Fields fields = parse_fields(args.fields);
    const Fired fired =
        engine.fire(args.id, args.event, fields, ctx.actor(), FireOptions{args.expected_version, ctx.recorded_at()});
    const Resolution data = engine.engine().data(args.id);
    const bool completed_paper = (fired.to == state_id::done || fired.to == state_id::dropped) &&
                                 engine.papers().state(data.paper) == paper::state_id::completed;
    if (ctx.json()) {
        nlohmann::json j = kimflow::to_json(engine.engine(), args.id, ctx.actor(), false);
        j["transition"] = {{"event", args.event},
                           {"from", std::string(fired.from)},
                           {"to", std::string(fired.to)},
                           {"version", fired.version}};
        if (completed_paper) j["paper_completed"] = data.paper;
        return ctx.print(j);
    }
    print_fired("resolution", args.id, args.event, fired.from, fired.to, fired.version);
    if (completed_paper) print_paper_completed(data.paper);
}

void resolution_list(Context& ctx, const ResolutionListArgs& args)
{
    const auto& engine = ctx.resolutions().engine();
    InstanceQuery query;
    query.state = args.state;
    query.owner = args.office;
    query.area = args.committee;
    const Date today = date_of(ctx.now());
    if (args.overdue) query.due_before = today;  // due before today: the due date has passed
    const Actor actor = ctx.actor();
    const std::vector<std::string> ids = engine.find(query, actor);
    if (ctx.json()) {
        nlohmann::json j = nlohmann::json::array();
        for (const auto& id : ids) {
            nlohmann::json item = kimflow::to_json(engine, id, actor, false);
            const auto view = engine.view(id, actor);
            item["status"] = std::string(to_string(status_at(view.data, view.state(), today, engine.config())));
            j.push_back(std::move(item));
        }
        return ctx.print(j);
    }
    std::vector<ResolutionListed> rows;
    for (const auto& id : ids) {
        const auto view = engine.view(id, actor);
        rows.push_back(ResolutionListed{shown(view), status_at(view.data, view.state(), today, engine.config())});
    }
    print_resolution_list(rows, args.csv);
}

void resolution_events(Context& ctx) { events<ResolutionLifecycle>(ctx); }

ReportQuery resolution_report_query(const ResolutionReportArgs& args, Date today)
{
    ReportQuery query;
    query.committee = args.committee;
    query.to = args.to.empty() ? today : option_date("--to", args.to);
    // Without --from: the calendar year so far, the span a committee's Beschlusskontrolle
    // list usually covers.
    const auto year = date::year_month_day(query.to).year();
    query.from = args.from.empty() ? Date(year / date::January / 1) : option_date("--from", args.from);
    if (query.from > query.to)
        throw UsageError("--from " + format_date(query.from) + " is after --to " + format_date(query.to) +
                         "; give the period's first day first");
    return query;
}

void resolution_report(Context& ctx, const ResolutionReportArgs& args)
{
    const ReportQuery query = resolution_report_query(args, date_of(ctx.now()));
    const Actor actor = ctx.actor();
    const Report report = resolution::report(ctx.resolutions(), query, &actor);
    if (ctx.json() || args.format == "json")
        std::cout << to_json(report);
    else
        std::cout << resolution_report_text(report, args.format);
}

std::string resolution_report_text(const Report& report, const std::string& format)
{
    if (format == "csv") return to_csv(report);
    if (format == kExcel) return to_csv(report, CsvDialect::german_excel);
    return to_table(report);
}

}  // namespace kimctl
