// The figures of KIM cases for a period.
#include "kimflow/kim/report.hpp"

#include <algorithm>

namespace kimflow::kim {

namespace {
// Whether referral @p i repeats one to the same recipient and Rechtskreis that was still open
// when it was made. The engine refuses such a referral; data stored before it did may hold them,
// and they are the same referral: counted once.
bool repeats_an_open_referral(const std::vector<Referral>& referrals, std::size_t i)
{
    const Referral& r = referrals[i];
    for (std::size_t j = 0; j < i; ++j) {
        const Referral& earlier = referrals[j];
        if (earlier.matches(r.recipient, r.rechtskreis) && (!earlier.completed_at || *earlier.completed_at > r.at))
            return true;
    }
    return false;
}
}  // namespace

Figures case_figures(const KimCase& c, Date from, Date to)
{
    Figures f;
    const Timestamp begin = start_of(from), end = start_of(to + date::days{1});
    auto in_period = [&](Timestamp t) { return t >= begin && t < end; };

    if (c.opened_at() && in_period(*c.opened_at())) ++f.opened;
    std::optional<Timestamp> last_intake;
    const PhaseChange* at_end = nullptr;
    for (const PhaseChange& p : c.phases) {
        if (p.at >= end) break;
        at_end = &p;
        if (p.phase == state_id::intake) last_intake = p.at;
        if (!in_period(p.at)) continue;
        const ClosureReason reason = p.reason.value_or(ClosureReason::other);
        if (p.phase == state_id::closed) {
            ++f.closed_by_reason[reason];
            if (last_intake) f.days_to_closure.push_back(days_between(date_of(*last_intake), date_of(p.at)));
        } else if (p.phase == state_id::aborted) {
            ++f.aborted_by_reason[reason];
        }
    }
    const bool active_at_end =
        at_end && at_end->phase != state_id::closed && at_end->phase != state_id::aborted;
    if (active_at_end) {
        ++f.active_by_phase[at_end->phase];
        // A Wiedervorlage is overdue at the end if it was set by then, its day lies before the
        // period's last day, and it was not done by then.
        const bool overdue = std::any_of(c.follow_ups.begin(), c.follow_ups.end(), [&](const FollowUp& fu) {
            return fu.set_at < end && fu.date < to && (!fu.done_at || *fu.done_at >= end);
        });
        if (overdue) ++f.follow_ups_overdue;
    }
    for (std::size_t i = 0; i < c.referrals.size(); ++i) {
        const Referral& r = c.referrals[i];
        if (in_period(r.at) && !repeats_an_open_referral(c.referrals, i)) ++f.referrals_by_rechtskreis[r.rechtskreis];
    }
    return f;
}

Report make_report(const std::vector<KimCase>& cases, Date from, Date to)
{
    if (to < from)
        throw InvalidData("the report period ends (" + format_date(to) + ") before it begins (" + format_date(from) +
                          "); swap from and to");
    Report report{from, to, {}, {}, {}};
    std::map<std::string, Figures> kommunen, traeger;
    for (const KimCase& c : cases) {
        const Figures f = case_figures(c, from, to);
        kommunen[c.kommune].add(f);
        traeger[c.traeger].add(f);
        report.total.add(f);
    }
    for (auto& [name, f] : kommunen) report.by_kommune.push_back({name, std::move(f)});
    for (auto& [name, f] : traeger) report.by_traeger.push_back({name, std::move(f)});
    return report;
}

Report make_report(const CaseEngine& engine, Date from, Date to, const std::function<bool(const KimCase&)>& include)
{
    std::vector<KimCase> cases;
    engine.for_each([&](const Instance<CaseLifecycle>& in) {
        if (!include || include(in.data())) cases.push_back(in.data());
    });
    return make_report(cases, from, to);
}

Report make_report(const CaseEngine& engine, const Actor& actor, Date from, Date to)
{
    std::vector<KimCase> cases;
    engine.for_each(actor, [&](const Instance<CaseLifecycle>& in) { cases.push_back(in.data()); });
    return make_report(cases, from, to);
}

}  // namespace kimflow::kim
