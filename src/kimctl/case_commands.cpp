// kimctl's KIM case commands: open, show, history, fire, list, events, and the figures.
#include <algorithm>
#include <iostream>

#include <kimflow/core/input.hpp>
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
    if (c.consent.granted_at)
        lines.emplace_back("Einwilligung",
                           format_timestamp(*c.consent.granted_at) + " für " + c.consent.recipient_list());
    if (c.consent.changed_at) lines.emplace_back("geändert", format_timestamp(*c.consent.changed_at));
    if (c.consent.withdrawn_at) lines.emplace_back("widerrufen", format_timestamp(*c.consent.withdrawn_at));
    for (const auto& goal : c.goals) lines.emplace_back("Ziel", goal.empty() ? "(gelöscht)" : goal);
    if (auto next = c.next_follow_up()) lines.emplace_back("nächste Wiedervorlage", format_date(*next));
    if (!c.paused_from.empty()) lines.emplace_back("pausiert aus", state_label("case", c.paused_from));
    if (c.closure_reason)
        lines.emplace_back("Grund", choice_label("case", "closure_reason", to_string(*c.closure_reason)));
    if (!c.note.empty()) lines.emplace_back("Notiz", c.note);
    return lines;
}

namespace {

std::string follow_up_state(const FollowUp& f)
{
    if (f.done_at)
        return (f.closed_with_case ? "mit dem Fall beendet " : "erledigt ") + format_date(date_of(*f.done_at));
    if (f.fell_due_at) return "fällig seit " + format_date(f.date);
    return "offen";
}

}  // namespace

std::string detail_tables(const KimCase& c)
{
    std::string out;
    if (!c.referrals.empty()) {
        Table t({"Vermittlung an", "Rechtskreis", "am", "abgeschlossen"});
        for (const auto& r : c.referrals)
            t.add({terminal_safe(r.recipient), choice_label("case", "rechtskreis", to_string(r.rechtskreis)),
                   format_timestamp(r.at),
                   r.completed_at ? format_timestamp(*r.completed_at) : "offen"});
        out += t.render();
    }
    if (!c.follow_ups.empty()) {
        Table t({"Nr.", "Wiedervorlage", "Betreff", "Stand"});
        for (std::size_t i = 0; i < c.follow_ups.size(); ++i) {
            const FollowUp& f = c.follow_ups[i];
            t.add({std::to_string(i + 1), format_date(f.date), terminal_safe(f.subject), follow_up_state(f)});
        }
        out += (out.empty() ? "" : "\n") + t.render();
    }
    return out;
}

void case_open(Context& ctx, const CaseOpenArgs& args)
{
    CaseEngine& engine = ctx.cases();
    const Fired fired = engine.create(args.id, KimCase{}, ctx.actor(), Open{args.kommune, args.traeger, args.manager, args.kreis},
                                      CreateOptions{ctx.recorded_at()});
    if (ctx.json()) return ctx.print(instance_json(ctx, engine, args.id, false));
    std::cout << "Fall " << args.id << " eröffnet: " << state_label("case", fired.from) << " --"
              << event_label("case", Open::id) << "--> " << state_label("case", fired.to) << "  (Version "
              << fired.version << ")\n";
}

void case_show(Context& ctx, const std::string& id) { show(ctx, ctx.cases(), id, "Fall"); }

void case_history(Context& ctx, const std::string& id) { history(ctx, ctx.cases(), id); }

void case_fire(Context& ctx, const FireArgs& args)
{
    CaseEngine& engine = ctx.cases();
    const bool consent_event =
        args.event == GrantConsent::id || args.event == ExtendConsent::id || args.event == NarrowConsent::id;
    std::optional<Consent> before;
    if (consent_event && !ctx.json()) {
        try {
            before = engine.view(args.id, ctx.actor()).data.consent;
        } catch (const Error&) {
            // Not readable (or not there): the fire says what is wrong; no note then.
        }
    }
    fire(ctx, engine, args.id, args.event, args.fields, args.expected_version);
    if (before) std::cout << consent_note(args.event, *before, engine.data(args.id).consent);
}

void case_events(Context& ctx) { events<CaseLifecycle>(ctx); }

namespace {

Date day_option(const char* option, const std::string& text)
{
    try {
        return parse_date(text);
    } catch (const std::invalid_argument& e) {
        throw UsageError(std::string(option) + ": " + e.what());
    }
}

}  // namespace

FollowUpQuery follow_up_query(const ListArgs& args, Date today)
{
    FollowUpQuery query;
    query.to = args.overdue ? today - date::days{1} : today;
    if (!args.to.empty()) query.to = day_option("--to", args.to);
    if (!args.from.empty()) query.from = day_option("--from", args.from);
    if (query.from && query.to < *query.from)
        throw UsageError("--to " + format_date(query.to) + " lies before --from " + format_date(*query.from) + "; swap them");
    query.manager = args.manager;
    query.traeger = args.traeger;
    query.kommune = args.kommune;
    return query;
}

namespace {

// `list case --due-for-follow-up [--from D] [--to D] [--manager M]`, and `--overdue`: one row per
// open Wiedervorlage (a case with two due is listed twice), in JSON one object per case with
// the Wiedervorlagen it is listed for.
void list_follow_ups(Context& ctx, const ListArgs& args)
{
    const FollowUpQuery query = follow_up_query(args, date_of(ctx.now()));
    CaseEngine& engine = ctx.cases();
    std::vector<DueFollowUp> due = follow_ups_due(engine, query, ctx.actor());
    if (!args.state.empty())
        due.erase(std::remove_if(due.begin(), due.end(), [&](const DueFollowUp& d) { return d.phase != args.state; }),
                  due.end());
    if (ctx.json()) {
        nlohmann::json j = nlohmann::json::array();
        std::vector<std::string> listed;
        for (const auto& d : due) {
            if (std::find(listed.begin(), listed.end(), d.case_id) != listed.end()) continue;
            listed.push_back(d.case_id);
            nlohmann::json item = instance_json(ctx, engine, d.case_id, false);
            item["due_follow_ups"] = nlohmann::json::array();
            for (const auto& w : due)
                if (w.case_id == d.case_id)
                    item["due_follow_ups"].push_back(
                        {{"number", w.number}, {"date", format_date(w.due)}, {"subject", w.subject}});
            j.push_back(std::move(item));
        }
        return ctx.print(j);
    }
    print_follow_ups(due, args.csv);
}

}  // namespace

void check_case_list(const ListArgs& args)
{
    if (!args.originator.empty() || !args.body.empty())
        throw UsageError("--originator and --body select papers; for cases use --traeger or --kommune");
    if (args.due_for_follow_up && args.overdue)
        throw UsageError("--due-for-follow-up and --overdue both select Wiedervorlagen; give one (--overdue: before "
                         "today, --due-for-follow-up: up to --to, by default today)");
    if (!args.due_for_follow_up && !args.overdue && (!args.from.empty() || !args.to.empty()))
        throw UsageError("--from and --to select Wiedervorlagen by date; add --due-for-follow-up");
}

void case_list(Context& ctx, const ListArgs& args)
{
    check_case_list(args);
    if (args.due_for_follow_up || args.overdue) return list_follow_ups(ctx, args);
    CaseEngine& engine = ctx.cases();
    InstanceQuery query;
    query.state = args.state;
    query.owner = args.traeger;
    query.area = args.kommune;
    const Actor actor = ctx.actor();
    std::vector<std::string> ids = engine.find(query, actor);
    if (!args.manager.empty())
        ids.erase(std::remove_if(ids.begin(), ids.end(),
                                 [&](const std::string& id) { return engine.data(id).manager != args.manager; }),
                  ids.end());
    if (ctx.json()) {
        nlohmann::json j = nlohmann::json::array();
        for (const auto& id : ids) j.push_back(instance_json(ctx, engine, id, false));
        return ctx.print(j);
    }
    std::vector<Shown<KimCase>> rows;
    for (const auto& id : ids) rows.push_back(shown(engine.view(id, actor)));
    print_case_list(rows, args.csv);
}

std::pair<Date, Date> kim_report_period(const std::string& from, const std::string& to)
{
    Date first, last;
    try {
        first = parse_date(from);
        last = parse_date(to);
    } catch (const std::invalid_argument& e) {
        throw UsageError(std::string("--from/--to: ") + e.what());
    }
    if (last < first) throw UsageError("--to " + to + " lies before --from " + from + "; swap them");
    return {first, last};
}

std::string kim_report_text(const Report& report, const std::string& format)
{
    if (format == "csv") return to_csv(report);
    if (format == kExcel) return to_csv(report, CsvDialect::german_excel);
    return to_labelled_table(report);
}

void kim_report(Context& ctx, const std::string& from, const std::string& to, const std::string& format)
{
    const auto [first, last] = kim_report_period(from, to);
    const Report report = make_report(ctx.cases(), ctx.actor(), first, last);
    if (ctx.json() || format == "json") return ctx.print(to_json(report));
    std::cout << kim_report_text(report, format);
}

}  // namespace kimctl
