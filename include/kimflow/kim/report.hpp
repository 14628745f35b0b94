/// @file
/// The figures a Kreis reports on its KIM cases for a period, by Kommune and by Träger.
#pragma once

#include <algorithm>
#include <cstddef>
#include <functional>
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
    /// Referrals made in the period, by Rechtskreis. A referral to a recipient and Rechtskreis
    /// while one to them was still open (which the engine refuses, but older data may hold)
    /// is the same referral and counts once.
    std::map<Rechtskreis, std::size_t> referrals_by_rechtskreis{};
    /// Days from intake to closure of each closure in the period.
    std::vector<long> days_to_closure{};
    /// Cases open at the end of the period with a Wiedervorlage set by then, dated before the
    /// period's last day and not done by then (a case with several counts once).
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
/// Phases at the end of the period come from the case's phase changes, referrals and
/// Wiedervorlagen from when they were made, completed and done; Kommune and Träger are the
/// case's current ones.
Figures case_figures(const KimCase& c, Date from, Date to);

/// The report over @p cases for [from, to]. Groups are sorted by name; a case counts in its
/// Kommune's and its Träger's group and once in the total.
/// @throws InvalidData if @p to is before @p from
Report make_report(const std::vector<KimCase>& cases, Date from, Date to);

/// The report over every case of @p engine (or those @p include accepts) for [from, to].
Report make_report(const CaseEngine& engine, Date from, Date to,
                   const std::function<bool(const KimCase&)>& include = nullptr);

/// The report over the cases @p actor may read, by the engine's policy (a case manager's
/// counts only their Träger's cases, a Kreis coordinator's those of their Kreis).
/// @throws NotPermitted if they may read no case at all (logged as a denial)
Report make_report(const CaseEngine& engine, const Actor& actor, Date from, Date to);

}  // namespace kimflow::kim
