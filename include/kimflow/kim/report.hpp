/// @file
/// The figures a Kreis reports on its KIM cases for a period, by Kommune and by Träger.
#pragma once

#include <algorithm>
#include <cstddef>
#include <map>
#include <numeric>
#include <optional>
#include <string>
#include <vector>

#include "kimflow/kim/case.hpp"
#include "kimflow/kim/lifecycle.hpp"

namespace kimflow::kim {

/// The phases a case can be active in, in order (the report's columns).
inline const std::vector<std::string>& active_phases()
{
    static const std::vector<std::string> phases{"intake",     "assessment", "planning", "linking",
                                                 "monitoring", "evaluation", "paused"};
    return phases;
}

/// The figures of one group of cases for one period.
struct Figures {
    /// Cases opened (first intake) in the period.
    std::size_t opened = 0;
    /// Closures (entries into `closed`) in the period, by reason.
    std::map<ClosureReason, std::size_t> closed_by_reason{};
    /// Aborts (entries into `aborted`) in the period, by reason.
    std::map<ClosureReason, std::size_t> aborted_by_reason{};
    /// Cases open at the end of the period, by phase (ids of active_phases()).
    std::map<std::string, std::size_t> active_by_phase{};
    /// Referrals made in the period, by Rechtskreis.
    std::map<Rechtskreis, std::size_t> referrals_by_rechtskreis{};
    /// Days from intake to closure of each closure in the period.
    std::vector<long> days_to_closure{};
    /// Cases open at the end of the period whose follow-up date had passed.
    std::size_t follow_ups_overdue = 0;

    /// Closures in the period, all reasons.
    std::size_t closed() const { return sum(closed_by_reason); }
    /// Aborts in the period, all reasons.
    std::size_t aborted() const { return sum(aborted_by_reason); }
    /// Cases open at the end of the period, all phases.
    std::size_t active() const { return sum(active_by_phase); }
    /// Referrals made in the period, all Rechtskreise.
    std::size_t referrals() const { return sum(referrals_by_rechtskreis); }

    /// Median of days_to_closure (mean of the middle two for an even count); none without closures.
    std::optional<double> median_days() const
    {
        if (days_to_closure.empty()) return std::nullopt;
        std::vector<long> d = days_to_closure;
        std::sort(d.begin(), d.end());
        const std::size_t n = d.size();
        return n % 2 ? static_cast<double>(d[n / 2]) : (d[n / 2 - 1] + d[n / 2]) / 2.0;
    }
    /// Mean of days_to_closure; none without closures.
    std::optional<double> mean_days() const
    {
        if (days_to_closure.empty()) return std::nullopt;
        return static_cast<double>(std::accumulate(days_to_closure.begin(), days_to_closure.end(), 0L)) /
               static_cast<double>(days_to_closure.size());
    }

    /// Adds @p other's counts to these.
    void add(const Figures& other)
    {
        opened += other.opened;
        merge(closed_by_reason, other.closed_by_reason);
        merge(aborted_by_reason, other.aborted_by_reason);
        merge(active_by_phase, other.active_by_phase);
        merge(referrals_by_rechtskreis, other.referrals_by_rechtskreis);
        days_to_closure.insert(days_to_closure.end(), other.days_to_closure.begin(), other.days_to_closure.end());
        follow_ups_overdue += other.follow_ups_overdue;
    }

private:
    template <class Map>
    static std::size_t sum(const Map& m)
    {
        std::size_t n = 0;
        for (const auto& entry : m) n += entry.second;
        return n;
    }
    template <class Map>
    static void merge(Map& into, const Map& from)
    {
        for (const auto& [k, v] : from) into[k] += v;
    }
};

/// One group of a report (a Kommune or a Träger).
struct ReportGroup {
    /// The Kommune's or Träger's name.
    std::string name;
    /// The figures of its cases.
    Figures figures;
};

/// The report for the period [from, to] (whole days, both included).
struct Report {
    /// The period's first day.
    Date from{};
    /// The period's last day.
    Date to{};
    /// One group per Kommune, sorted by name.
    std::vector<ReportGroup> by_kommune{};
    /// One group per Träger, sorted by name.
    std::vector<ReportGroup> by_traeger{};
    /// All cases together.
    Figures total{};
};

/// The figures of one case for the period [from, to].
/// Phases at the end of the period come from the case's phase changes; Kommune and Träger are
/// the case's current ones.
inline Figures case_figures(const KimCase& c, Date from, Date to)
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
        if (p.phase == state::Intake::id) last_intake = p.at;
        if (!in_period(p.at)) continue;
        const ClosureReason reason = p.reason.value_or(ClosureReason::other);
        if (p.phase == state::Closed::id) {
            ++f.closed_by_reason[reason];
            if (last_intake) f.days_to_closure.push_back(days_between(date_of(*last_intake), date_of(p.at)));
        } else if (p.phase == state::Aborted::id) {
            ++f.aborted_by_reason[reason];
        }
    }
    const bool active_at_end =
        at_end && at_end->phase != state::Closed::id && at_end->phase != state::Aborted::id;
    if (active_at_end) {
        ++f.active_by_phase[at_end->phase];
        const FollowUp* latest = nullptr;
        for (const FollowUp& fu : c.follow_ups)
            if (fu.set_at < end) latest = &fu;
        if (latest && latest->date < to) ++f.follow_ups_overdue;
    }
    for (const Referral& r : c.referrals)
        if (in_period(r.at)) ++f.referrals_by_rechtskreis[r.rechtskreis];
    return f;
}

/// The report over @p cases for [from, to]. Groups are sorted by name; a case counts in its
/// Kommune's and its Träger's group and once in the total.
/// @throws InvalidData if @p to is before @p from
template <class Cases>
Report make_report(const Cases& cases, Date from, Date to)
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

/// The report over every case of @p engine (or those @p include accepts) for [from, to].
template <class Predicate>
Report make_report(const CaseEngine& engine, Date from, Date to, Predicate include)
{
    std::vector<KimCase> cases;
    engine.for_each([&](const Instance<CaseLifecycle>& in) {
        if (include(in.data())) cases.push_back(in.data());
    });
    return make_report(cases, from, to);
}

/// The report over every case of @p engine for [from, to].
inline Report make_report(const CaseEngine& engine, Date from, Date to)
{
    return make_report(engine, from, to, [](const KimCase&) { return true; });
}

/// The report over the cases @p actor may read, by the engine's policy (a case manager's
/// counts only their Träger's cases, a Kreis coordinator's those of their Kreis).
/// @throws NotPermitted if they may read no case at all (logged as a denial)
inline Report make_report(const CaseEngine& engine, const Actor& actor, Date from, Date to)
{
    std::vector<KimCase> cases;
    engine.for_each(actor, [&](const Instance<CaseLifecycle>& in) { cases.push_back(in.data()); });
    return make_report(cases, from, to);
}

}  // namespace kimflow::kim
