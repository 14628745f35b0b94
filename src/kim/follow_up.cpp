// Wiedervorlage: the open Wiedervorlagen of open cases in a period.
#include "kimflow/kim/follow_up.hpp"

#include <algorithm>

namespace kimflow::kim {

namespace {

InstanceQuery instances_of(const FollowUpQuery& query)
{
    if (query.from && query.to < *query.from)
        throw InvalidData("the Wiedervorlage period ends (" + format_date(query.to) + ") before it begins (" +
                          format_date(*query.from) + "); swap from and to");
    // An open case carries its earliest open Wiedervorlage as the indexed due day: a case with
    // one on or before `to` has it before the next day. Which lie from `from` on is read below.
    InstanceQuery found;
    found.due_before = query.to + date::days{1};
    found.owner = query.traeger;
    found.area = query.kommune;
    return found;
}

std::vector<DueFollowUp> collect(const CaseEngine& engine, const FollowUpQuery& query,
                                 const std::vector<std::string>& ids)
{
    std::vector<DueFollowUp> out;
    for (const auto& id : ids)
        engine.visit(id, [&](const Instance<CaseLifecycle>& in) {
            const KimCase& c = in.data();
            if (!query.manager.empty() && c.manager != query.manager) return 0;
            for (std::size_t i = 0; i < c.follow_ups.size(); ++i) {
                const FollowUp& f = c.follow_ups[i];
                if (!f.open() || f.date > query.to || (query.from && f.date < *query.from)) continue;
                out.push_back({in.id(), std::string(in.state()), c.traeger, c.manager, f.date, i + 1, f.subject});
            }
            return 0;
        });
    std::sort(out.begin(), out.end(), [](const DueFollowUp& a, const DueFollowUp& b) {
        if (a.due != b.due) return a.due < b.due;
        return a.case_id != b.case_id ? a.case_id < b.case_id : a.number < b.number;
    });
    return out;
}

}  // namespace

std::vector<DueFollowUp> follow_ups_due(const CaseEngine& engine, const FollowUpQuery& query)
{
    return collect(engine, query, engine.find(instances_of(query)));
}

std::vector<DueFollowUp> follow_ups_due(const CaseEngine& engine, const FollowUpQuery& query, const Actor& actor)
{
    return collect(engine, query, engine.find(instances_of(query), actor));
}

std::vector<DueFollowUp> due_for_follow_up(const CaseEngine& engine, Timestamp at)
{
    FollowUpQuery query;
    query.to = date_of(at);
    return follow_ups_due(engine, query);
}

}  // namespace kimflow::kim
