// kimctl's paper commands: create, show, history, fire, list, events.
#include <iostream>
#include <map>
#include <set>

#include <kimflow/core/input.hpp>
#include <kimflow/io/labels.hpp>
#include <kimflow/paper/deadlines.hpp>

#include "commands.hpp"
#include "lifecycle_commands.hpp"

namespace kimctl {

using namespace kimflow;
using namespace kimflow::paper;

namespace {

template <class E>
E option_enum(const char* option, const std::string& text)
{
    try {
        return parse_enum<E>(text);
    } catch (const std::invalid_argument& e) {
        throw UsageError(std::string(option) + ": " + e.what());
    }
}

/// "ORG|ROLE[|authoritative]".
Consultation parse_consultation(const std::string& text)
{
    std::vector<std::string> parts;
    std::size_t start = 0;
    for (std::size_t bar; (bar = text.find('|', start)) != std::string::npos; start = bar + 1)
        parts.push_back(text.substr(start, bar - start));
    parts.push_back(text.substr(start));
    const bool authoritative = parts.size() == 3 && kimflow::equal_folded(parts[2], "authoritative");
    if (parts.size() < 2 || parts.size() > 3 || parts[0].empty() || (parts.size() == 3 && !authoritative))
        throw UsageError("--consultation '" + text +
                         "': write COMMITTEE|ROLE or COMMITTEE|ROLE|authoritative, e.g. "
                         "\"Ausschuss für Kultur, Sport und Vielfalt|Kenntnisnahme\"");
    Consultation c;
    c.organization = parts[0];
    // The role as its code or its label ("zur Kenntnisnahme").
    c.role = option_enum<ConsultationRole>(
        "--consultation", kimflow::labels::choice_code("paper", "role", parts[1]).value_or(parts[1]));
    c.authoritative = authoritative;
    return c;
}

}  // namespace

std::vector<std::pair<std::string, std::string>> describe(const Paper& p)
{
    std::vector<std::pair<std::string, std::string>> lines{{"Art", choice_label("paper", "type", to_string(p.type))},
                                                           {"Betreff", p.title}};
    if (p.date) lines.emplace_back("Datum", format_date(*p.date));
    if (!p.originator.empty()) lines.emplace_back("Urheber", p.originator);
    if (!p.body.empty()) lines.emplace_back("Körperschaft", p.body);
    if (p.submitted_at) lines.emplace_back("eingereicht", format_timestamp(*p.submitted_at));
    if (p.answered_at) lines.emplace_back("beantwortet", format_timestamp(*p.answered_at) + " mit " + p.answer_reference);
    if (!p.related_papers.empty()) {
        std::string related;
        for (const auto& r : p.related_papers) related += (related.empty() ? "" : ", ") + r;
        lines.emplace_back("verbunden", related);
    }
    if (p.decided_at) lines.emplace_back("beschlossen", format_timestamp(*p.decided_at));
    if (p.completed_at)
        lines.emplace_back("erledigt", format_timestamp(*p.completed_at) +
                                           (p.completion_note.empty() ? "" : ": " + p.completion_note));
    if (!p.withdrawal_reason.empty()) lines.emplace_back("zurückgezogen", p.withdrawal_reason);
    return lines;
}

std::string detail_tables(const Paper& p)
{
    if (p.consultations.empty()) return {};
    Table t({"Beratungsfolge", "Rolle", "Stand", "Sitzung", "TOP", "Ergebnis"});
    for (const auto& c : p.consultations)
        t.add({terminal_safe(c.organization),
               choice_label("paper", "role", to_string(c.role)) + (c.authoritative ? " (federführend)" : ""),
               choice_label("paper", "status", to_string(c.status)), c.meeting_date ? format_date(*c.meeting_date) : "",
               terminal_safe(c.agenda_item), terminal_safe(c.result)});
    return t.render();
}

void paper_create(Context& ctx, const PaperCreateArgs& args)
{
    Paper p;
    p.reference = args.reference;
    p.type =
        option_enum<PaperType>("--type", kimflow::labels::choice_code("paper", "type", args.type).value_or(args.type));
    p.title = args.title;
    if (!args.date.empty()) {
        try {
            p.date = parse_date(args.date);
        } catch (const std::invalid_argument& e) {
            throw UsageError(std::string("--date: ") + e.what());
        }
    }
    p.originator = args.originator;
    p.body = args.body;
    for (const auto& c : args.consultations) p.consultations.push_back(parse_consultation(c));
    PaperEngine& engine = ctx.papers();
    engine.create(p.reference, p, ctx.actor(), kimflow::CreateOptions{ctx.recorded_at()});
    if (ctx.json()) return ctx.print(instance_json(ctx, engine, p.reference, false));
    std::cout << "Drucksache " << p.reference << " angelegt (" << state_label("paper", engine.state(p.reference))
              << "); next: kimctl fire paper " << p.reference << " submit\n";
}

void paper_show(Context& ctx, const std::string& id) { show(ctx, ctx.papers(), id, "Drucksache"); }

void paper_history(Context& ctx, const std::string& id) { history(ctx, ctx.papers(), id); }

void paper_fire(Context& ctx, const FireArgs& args)
{
    fire(ctx, ctx.papers(), args.id, args.event, args.fields, args.expected_version);
}

void paper_events(Context& ctx) { events<PaperLifecycle>(ctx); }

void check_paper_list(const ListArgs& args)
{
    if (!args.traeger.empty() || !args.kommune.empty())
        throw UsageError("--traeger and --kommune select cases; for papers use --originator or --body");
    if (args.due_for_follow_up) throw UsageError("--due-for-follow-up selects cases; for papers use --overdue");
}

void paper_list(Context& ctx, const ListArgs& args)
{
    check_paper_list(args);
    PaperEngine& engine = ctx.papers();
    InstanceQuery query;
    query.state = args.state;
    query.owner = args.originator;
    query.area = args.body;
    const Actor actor = ctx.actor();
    std::vector<std::string> ids = engine.find(query, actor);

    // What each paper is overdue for, when asked.
    std::map<std::string, std::vector<OverduePaper>> overdue;
    if (args.overdue) {
        for (auto& o : overdue_papers(engine, ctx.now())) overdue[o.reference].push_back(std::move(o));
        ids.erase(std::remove_if(ids.begin(), ids.end(), [&](const std::string& id) { return !overdue.count(id); }),
                  ids.end());
    }

    if (ctx.json()) {
        nlohmann::json j = nlohmann::json::array();
        for (const auto& id : ids) {
            nlohmann::json item = instance_json(ctx, engine, id, false);
            if (args.overdue)
                for (const auto& o : overdue[id])
                    item["overdue"].push_back({{"what", std::string(to_string(o.what))}, {"due", format_date(o.due)}});
            j.push_back(std::move(item));
        }
        return ctx.print(j);
    }
    std::vector<PaperListed> rows;
    for (const auto& id : ids) rows.push_back(PaperListed{shown(engine.view(id, actor)), overdue[id]});
    print_paper_list(rows, args.overdue, args.csv);
}

}  // namespace kimctl
