// Wiedervorlage: the cases due for follow-up at a time.
#include "kimflow/kim/follow_up.hpp"

#include <algorithm>

namespace kimflow::kim {

std::vector<DueFollowUp> due_for_follow_up(const CaseEngine& engine, Timestamp at)
{
    std::vector<DueFollowUp> out;
    const Date today = date_of(at);
    // Open cases carry their next follow-up as the indexed due day.
    InstanceQuery due;
    due.due_before = today + date::days{1};
    for (const auto& id : engine.find(due))
        engine.visit(id, [&](const Instance<CaseLifecycle>& in) {
            const KimCase& c = in.data();
            out.push_back({in.id(), std::string(in.state()), c.traeger, c.manager, *c.next_follow_up()});
            return 0;
        });
    std::sort(out.begin(), out.end(), [](const DueFollowUp& a, const DueFollowUp& b) {
        return a.due != b.due ? a.due < b.due : a.case_id < b.case_id;
    });
    return out;
}

}  // namespace kimflow::kim
