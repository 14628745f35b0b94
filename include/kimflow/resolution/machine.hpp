/// @file
/// The resolution lifecycle's Boost.MSM machine (Beschlusskontrolle): open, in progress, done or
/// dropped, with progress reports, extensions and the time-triggered `became_overdue`. Included by
/// the library's resolution model and by the tests of the table; hosts use
/// resolution/resolution_engine.hpp.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <boost/mpl/vector.hpp>
#include <boost/msm/front/functor_row.hpp>
#include <boost/msm/front/states.hpp>

#include "kimflow/core/machine.hpp"
#include "kimflow/resolution/events.hpp"
#include "kimflow/resolution/lifecycle.hpp"

namespace kimflow::resolution {

/// The states of a resolution, as MSM states (their ids are resolution::state_id's).
namespace state {
/// Decided and assigned; nothing reported yet.
struct Open : boost::msm::front::state<> { static constexpr std::string_view id = state_id::open; /**< Stable id. */ };
/// Being carried out.
struct InProgress : boost::msm::front::state<> { static constexpr std::string_view id = state_id::in_progress; /**< Stable id. */ };
/// Carried out; final.
struct Done : boost::msm::front::state<> { static constexpr std::string_view id = state_id::done; /**< Stable id. */ };
/// No longer to be carried out; final.
struct Dropped : boost::msm::front::state<> { static constexpr std::string_view id = state_id::dropped; /**< Stable id. */ };
}  // namespace state

/// Guards of the resolution lifecycle.
namespace guard {

/// A new due date is a real change and not in the past: @p date against the resolution's
/// current due date and the day the fire is recorded.
template <class Fsm>
std::optional<std::string> refuse_due(const Fsm& fsm, Date date)
{
    const Resolution& r = fsm.data;
    if (date == r.due) return "the due date is " + format_date(r.due) + " already; give another one";
    const Date today = date_of(fsm.now());
    if (date < today)
        return "the new due date " + format_date(date) + " is in the past (today is " + format_date(today) +
               "); give a date from today on";
    return std::nullopt;
}

/// A progress report says something, and a later due date comes with a reason for the delay.
struct ValidReport : PayloadGuard<ValidReport> {
    /// The guard's name in diagrams.
    static std::string label() { return "report with reason for any delay"; }
    /// Empty if the guard allows @p e; otherwise why not and what to give.
    template <class Fsm>
    static std::optional<std::string> refuse(const Fsm& fsm, const ReportProgress& e)
    {
        if (!e.new_due) return std::nullopt;
        if (auto why = refuse_due(fsm, *e.new_due)) return why;
        if (*e.new_due > fsm.data.due && e.delay_reason.empty())
            return "the report moves the due date from " + format_date(fsm.data.due) + " to " +
                   format_date(*e.new_due) + "; give delay_reason=... saying why";
        return std::nullopt;
    }
};

/// An extension names a real, not past, due date.
struct ValidExtension : PayloadGuard<ValidExtension> {
    /// The guard's name in diagrams.
    static std::string label() { return "new due date"; }
    /// Empty if the guard allows @p e; otherwise why not and what to give.
    template <class Fsm>
    static std::optional<std::string> refuse(const Fsm& fsm, const Extend& e)
    {
        return refuse_due(fsm, e.due);
    }
};

/// The due date has passed and was not recorded as overdue yet (a time-triggered row: fired
/// once per due date, by a tick; listed as allowed only once it is due).
struct DuePassed : StateGuard<DuePassed> {
    /// The guard's name in diagrams.
    static std::string label() { return "due date passed"; }
    /// Empty if the guard allows; otherwise why not.
    template <class Fsm>
    static std::optional<std::string> refuse(const Fsm& fsm)
    {
        const Resolution& r = fsm.data;
        if (r.overdue_for == r.due) return "it is recorded as overdue for " + format_date(r.due) + " already";
        if (fsm.now() < end_of(r.due)) return "its due date " + format_date(r.due) + " has not passed yet";
        return std::nullopt;
    }
};

/// The event names the end of the current due date (the tick's timer gives it).
struct NamesDueDate : PayloadGuard<NamesDueDate> {
    /// The guard's name in diagrams.
    static std::string label() { return "at its end"; }
    /// Empty if the guard allows @p e; otherwise why not.
    template <class Fsm>
    static std::optional<std::string> refuse(const Fsm& fsm, const BecameOverdue& e)
    {
        const Timestamp end = end_of(fsm.data.due);
        if (e.due == end) return std::nullopt;
        return "its due date ends at " + format_timestamp(end) + ", not " + format_timestamp(e.due);
    }
};

}  // namespace guard

/// Actions of the resolution lifecycle. They only apply what the guards have checked.
namespace action {

/// Records when work started (once).
struct RecordStart {
    /// MSM's action call.
    template <class Event, class Fsm, class S, class T>
    void operator()(const Event&, Fsm& fsm, S&, T&) const
    {
        if (!fsm.data.started_at) fsm.data.started_at = fsm.now();
    }
};

/// Records a Sachstandsbericht, and its new due date if it gives one.
struct RecordReport {
    /// MSM's action call.
    template <class Fsm, class S, class T>
    void operator()(const ReportProgress& e, Fsm& fsm, S&, T&) const
    {
        Resolution& r = fsm.data;
        if (!r.started_at) r.started_at = fsm.now();
        r.reports.push_back(ProgressReport{fsm.now(), e.text, e.delay_reason, e.new_due});
        if (e.new_due) r.due = *e.new_due;
    }
};

/// Moves the due date.
struct RecordExtension {
    /// MSM's action call.
    template <class Fsm, class S, class T>
    void operator()(const Extend& e, Fsm& fsm, S&, T&) const
    {
        Resolution& r = fsm.data;
        r.extensions.push_back(Extension{fsm.now(), r.due, e.due, e.reason});
        r.due = e.due;
    }
};

/// Records when and how it was carried out.
struct RecordCompletion {
    /// MSM's action call.
    template <class Fsm, class S, class T>
    void operator()(const Complete& e, Fsm& fsm, S&, T&) const
    {
        fsm.data.done_at = fsm.now();
        fsm.data.completion_note = e.note;
    }
};

/// Records when and why it was dropped.
struct RecordDrop {
    /// MSM's action call.
    template <class Fsm, class S, class T>
    void operator()(const Drop& e, Fsm& fsm, S&, T&) const
    {
        fsm.data.dropped_at = fsm.now();
        fsm.data.drop_reason = e.reason;
    }
};

/// Records that the due date passed.
struct RecordOverdue {
    /// MSM's action call.
    template <class Fsm, class S, class T>
    void operator()(const BecameOverdue&, Fsm& fsm, S&, T&) const
    {
        fsm.data.overdue_for = fsm.data.due;
        fsm.data.overdue_since = fsm.now();
    }
};

}  // namespace action

/// The MSM front-end of the resolution lifecycle.
struct ResolutionMachine : MachineDef<ResolutionMachine, Resolution, ResolutionConfig> {
    /// A resolution starts open.
    using initial_state = state::Open;

    /// A row of the transition table (MSM's functor row, action and guard optional).
    template <class Source, class Event, class Target, class Action = boost::msm::front::none,
              class Guard = boost::msm::front::none>
    using Row = boost::msm::front::Row<Source, Event, Target, Action, Guard>;
    /// The target of an internal row (the state stays).
    using none = boost::msm::front::none;

    // clang-format off
    struct transition_table : boost::mpl::vector<
        //  from               event           to                 action                    guard
        Row<state::Open,       Start,          state::InProgress, action::RecordStart>,
        Row<state::Open,       ReportProgress, state::InProgress, action::RecordReport,     guard::ValidReport>,
        Row<state::InProgress, ReportProgress, none,              action::RecordReport,     guard::ValidReport>,
        Row<state::Open,       Extend,         none,              action::RecordExtension,  guard::ValidExtension>,
        Row<state::InProgress, Extend,         none,              action::RecordExtension,  guard::ValidExtension>,
        Row<state::Open,       Complete,       state::Done,       action::RecordCompletion>,
        Row<state::InProgress, Complete,       state::Done,       action::RecordCompletion>,
        Row<state::Open,       Drop,           state::Dropped,    action::RecordDrop>,
        Row<state::InProgress, Drop,           state::Dropped,    action::RecordDrop>,
        Row<state::Open,       BecameOverdue,  none,              action::RecordOverdue,    All<guard::DuePassed, guard::NamesDueDate>>,
        Row<state::InProgress, BecameOverdue,  none,              action::RecordOverdue,    All<guard::DuePassed, guard::NamesDueDate>>
    > {};
    // clang-format on
};

}  // namespace kimflow::resolution
