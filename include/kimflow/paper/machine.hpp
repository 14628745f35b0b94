/// @file
/// The Drucksache lifecycle's Boost.MSM machine: from draft through the Beratungsfolge to a
/// result, and on to the Beschlusskontrolle. Included by the library's paper model and by the
/// tests of the table; hosts use paper/lifecycle.hpp.
///
/// "Back to waiting" means the state the paper waited in before the agenda (`submitted` for
/// papers that need no answer, `answered` once an Anfrage has its answer): the paper
/// remembers it when scheduled, and the rows below pick the way back by that memory.
#pragma once

#include <algorithm>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include <boost/mpl/vector.hpp>
#include <boost/mpl/vector/vector30.hpp>
#include <boost/msm/front/functor_row.hpp>
#include <boost/msm/front/states.hpp>

#include "kimflow/core/machine.hpp"
#include "kimflow/paper/deadlines.hpp"
#include "kimflow/paper/machine_guards.hpp"
#include "kimflow/paper/events.hpp"
#include "kimflow/paper/lifecycle.hpp"
#include "kimflow/paper/paper.hpp"
#include "kimflow/paper/rules.hpp"

namespace kimflow::paper {

/// The states of a paper, as MSM states (their ids are paper::state_id's).
namespace state {
/// Being written; not yet handed in.
struct Draft : boost::msm::front::state<> { static constexpr std::string_view id = state_id::draft; /**< Stable id. */ };
/// Handed in; waits for an answer (Anfrage) or the agenda.
struct Submitted : boost::msm::front::state<> { static constexpr std::string_view id = state_id::submitted; /**< Stable id. */ };
/// An Anfrage with its answer; waits for the agenda.
struct Answered : boost::msm::front::state<> { static constexpr std::string_view id = state_id::answered; /**< Stable id. */ };
/// On a meeting's agenda: Paper::current_consultation is bound to it.
struct OnAgenda : boost::msm::front::state<> { static constexpr std::string_view id = state_id::on_agenda; /**< Stable id. */ };
/// Taken note of, with no further consultation planned.
struct Acknowledged : boost::msm::front::state<> { static constexpr std::string_view id = state_id::acknowledged; /**< Stable id. */ };
/// Decided by the deciding consultation; waits for the Beschlusskontrolle.
struct Decided : boost::msm::front::state<> { static constexpr std::string_view id = state_id::decided; /**< Stable id. */ };
/// Rejected by the deciding consultation; final.
struct Rejected : boost::msm::front::state<> { static constexpr std::string_view id = state_id::rejected; /**< Stable id. */ };
/// Withdrawn (zurückgezogen); final.
struct Withdrawn : boost::msm::front::state<> { static constexpr std::string_view id = state_id::withdrawn; /**< Stable id. */ };
/// The decision has been carried out (Beschlusskontrolle); final.
struct Completed : boost::msm::front::state<> { static constexpr std::string_view id = state_id::completed; /**< Stable id. */ };
}  // namespace state


/// Actions of the paper lifecycle. They only apply what the guards have checked.
namespace action {

/// Records when the paper was submitted.
struct RecordSubmission {
    /// MSM's action call.
    template <class Fsm, class S, class T>
    void operator()(const Submit&, Fsm& fsm, S&, T&) const
    {
        fsm.data.submitted_at = fsm.now();
    }
};

/// Records the answer's reference and time, and lists the answer among the related papers.
struct RecordAnswer {
    /// MSM's action call.
    template <class Fsm, class S, class T>
    void operator()(const Answer& e, Fsm& fsm, S&, T&) const
    {
        Paper& p = fsm.data;
        p.answer_reference = e.answer_reference;
        p.answered_at = fsm.now();
        if (std::find(p.related_papers.begin(), p.related_papers.end(), e.answer_reference) == p.related_papers.end())
            p.related_papers.push_back(e.answer_reference);
    }
};

/// Binds the next planned consultation (of the named committee) to the meeting, or adds one.
struct BindConsultation {
    /// MSM's action call.
    template <class Fsm, class Source, class T>
    void operator()(const Schedule& e, Fsm& fsm, Source&, T&) const
    {
        Paper& p = fsm.data;
        std::size_t index;
        if (auto planned = p.next_planned(e.organization)) {
            index = *planned;
        } else {
            index = p.consultations.size();
            p.consultations.push_back(Consultation{e.organization, *e.role});
        }
        Consultation& c = p.consultations[index];
        if (e.role) c.role = *e.role;
        c.status = ConsultationStatus::scheduled;
        c.meeting_date = e.meeting_date;
        c.agenda_item = e.agenda_item;
        p.current_consultation = index;
        p.waiting_state = std::string(Source::id);
    }
};

namespace detail {
/// Closes the consultation on the agenda with @p result.
inline Consultation& close_current(Paper& p, std::string result)
{
    Consultation& c = p.consultations.at(*p.current_consultation);
    c.status = ConsultationStatus::treated;
    c.result = std::move(result);
    p.current_consultation.reset();
    return c;
}
/// Plans a consultation right after @p index.
inline void plan_after(Paper& p, std::size_t index, Consultation c)
{
    c.status = ConsultationStatus::planned;
    c.meeting_date.reset();
    c.agenda_item.clear();
    c.result.clear();
    c.source_id.clear();  // a consultation of its own: the source's was the one closed
    p.consultations.insert(p.consultations.begin() + static_cast<std::ptrdiff_t>(index) + 1, std::move(c));
}
}  // namespace detail

/// Records the meeting's result on the consultation (acknowledge, recommend, decide, reject).
struct RecordResult {
    /// MSM's action call.
    template <class Event, class Fsm, class S, class T>
    void operator()(const Event& e, Fsm& fsm, S&, T&) const
    {
        detail::close_current(fsm.data, e.result_text());
        if constexpr (std::is_same_v<Event, Decide>) fsm.data.decided_at = fsm.now();
    }
};

/// Vertagt: the consultation is closed as postponed and planned again right after.
struct PlanAgain {
    /// MSM's action call.
    template <class Fsm, class S, class T>
    void operator()(const Postpone&, Fsm& fsm, S&, T&) const
    {
        Paper& p = fsm.data;
        const std::size_t index = *p.current_consultation;
        Consultation again = detail::close_current(p, std::string(Postpone::default_result));
        detail::plan_after(p, index, std::move(again));
    }
};

/// Verwiesen: the named committee gets the next consultation; a deciding consultation that
/// referred the matter is planned again after it, so the decision keeps its place.
struct ReferOn {
    /// MSM's action call.
    template <class Fsm, class S, class T>
    void operator()(const Refer& e, Fsm& fsm, S&, T&) const
    {
        Paper& p = fsm.data;
        const std::size_t index = *p.current_consultation;
        Consultation referring = detail::close_current(p, "verwiesen an " + e.organization);
        if (referring.decides()) detail::plan_after(p, index, referring);
        detail::plan_after(p, index,
                           Consultation{e.organization, e.role.value_or(ConsultationRole::vorberatung), false});
    }
};

/// Records the reason; a consultation on the agenda is closed as "zurückgezogen".
struct RecordWithdrawal {
    /// MSM's action call.
    template <class Fsm, class S, class T>
    void operator()(const Withdraw& e, Fsm& fsm, S&, T&) const
    {
        Paper& p = fsm.data;
        p.withdrawal_reason = e.reason;
        // A paper withdrawn from the agenda: its consultation is closed, not left scheduled.
        if (p.current_consultation) detail::close_current(p, "zurückgezogen");
    }
};

/// Records that the answer period passed unanswered.
struct RecordAnswerOverdue {
    /// MSM's action call.
    template <class Fsm, class S, class T>
    void operator()(const AnswerOverdue&, Fsm& fsm, S&, T&) const
    {
        fsm.data.answer_overdue_at = fsm.now();
    }
};

/// Attaches a resolution that carries out the decision.
struct AttachTo {
    /// MSM's action call.
    template <class Fsm, class S, class T>
    void operator()(const AttachResolution& e, Fsm& fsm, S&, T&) const
    {
        fsm.data.resolutions.push_back(ResolutionLink{e.resolution});
    }
};

/// Settles an attached resolution; the last one completes the paper.
struct Settle {
    /// MSM's action call.
    template <class Fsm, class S, class T>
    void operator()(const SettleResolution& e, Fsm& fsm, S&, T&) const
    {
        Paper& p = fsm.data;
        for (auto& r : p.resolutions)
            if (r.id == e.resolution) r.outcome = e.outcome;
        if (p.open_resolutions() > 0) return;
        p.completed_at = fsm.now();
        std::string note = "Beschlusskontrolle: ";
        for (std::size_t i = 0; i < p.resolutions.size(); ++i)
            note += (i ? ", " : "") + p.resolutions[i].id + " " +
                    (p.resolutions[i].outcome == "done" ? "erledigt" : "entfallen");
        p.completion_note = std::move(note);
    }
};

/// Records when and how the decision was carried out.
struct RecordCompletion {
    /// MSM's action call.
    template <class Fsm, class S, class T>
    void operator()(const Complete& e, Fsm& fsm, S&, T&) const
    {
        fsm.data.completed_at = fsm.now();
        fsm.data.completion_note = e.note;
    }
};

}  // namespace action

/// The MSM front-end of the paper lifecycle.
struct PaperMachine : MachineDef<PaperMachine, Paper, PaperConfig> {
    /// A paper starts as a draft.
    using initial_state = state::Draft;

    /// A row of the transition table (MSM's functor row, action and guard optional).
    template <class Source, class Event, class Target, class Action = boost::msm::front::none,
              class Guard = boost::msm::front::none>
    using Row = boost::msm::front::Row<Source, Event, Target, Action, Guard>;
    /// The target of an internal row (the state stays).
    using none = boost::msm::front::none;

    // 25 rows: past the 20 boost::mpl::vector takes, so MPL's numbered vector25
    // (boost/mpl/vector/vector30.hpp), as the case table's vector46.
    // clang-format off
    struct transition_table : boost::mpl::vector25<
        //  from              event        to                   action                    guard
        Row<state::Draft,     Submit,      state::Submitted,    action::RecordSubmission>,
        Row<state::Submitted, Answer,      state::Answered,     action::RecordAnswer,     guard::IsAnfrage>,
        Row<state::Submitted, Schedule,    state::OnAgenda,     action::BindConsultation, All<guard::CanBind, guard::InOrder, guard::MeetsDeadline>>,
        Row<state::Answered,  Schedule,    state::OnAgenda,     action::BindConsultation, All<guard::CanBind, guard::InOrder, guard::MeetsDeadline>>,
        Row<state::Submitted, AnswerOverdue, none,              action::RecordAnswerOverdue, All<guard::AnswerPeriodPassed, guard::NamesAnswerPeriodEnd>>,
        Row<state::OnAgenda,  AnswerOverdue, none,              action::RecordAnswerOverdue, All<guard::AnswerPeriodPassed, guard::NamesAnswerPeriodEnd>>,
        Row<state::OnAgenda,  Acknowledge, state::Acknowledged, action::RecordResult,     guard::NoMorePlanned>,
        Row<state::OnAgenda,  Acknowledge, state::Submitted,    action::RecordResult,     All<guard::MorePlanned, guard::WaitedIn<state::Submitted>>>,
        Row<state::OnAgenda,  Acknowledge, state::Answered,     action::RecordResult,     All<guard::MorePlanned, guard::WaitedIn<state::Answered>>>,
        Row<state::OnAgenda,  Recommend,   state::Submitted,    action::RecordResult,     guard::WaitedIn<state::Submitted>>,
        Row<state::OnAgenda,  Recommend,   state::Answered,     action::RecordResult,     guard::WaitedIn<state::Answered>>,
        Row<state::OnAgenda,  Decide,      state::Decided,      action::RecordResult,     guard::Authoritative>,
        Row<state::OnAgenda,  Reject,      state::Rejected,     action::RecordResult,     guard::Authoritative>,
        Row<state::OnAgenda,  Postpone,    state::Submitted,    action::PlanAgain,        guard::WaitedIn<state::Submitted>>,
        Row<state::OnAgenda,  Postpone,    state::Answered,     action::PlanAgain,        guard::WaitedIn<state::Answered>>,
        Row<state::OnAgenda,  Refer,       state::Submitted,    action::ReferOn,          guard::WaitedIn<state::Submitted>>,
        Row<state::OnAgenda,  Refer,       state::Answered,     action::ReferOn,          guard::WaitedIn<state::Answered>>,
        Row<state::Draft,     Withdraw,    state::Withdrawn,    action::RecordWithdrawal>,
        Row<state::Submitted, Withdraw,    state::Withdrawn,    action::RecordWithdrawal>,
        Row<state::Answered,  Withdraw,    state::Withdrawn,    action::RecordWithdrawal>,
        Row<state::OnAgenda,  Withdraw,    state::Withdrawn,    action::RecordWithdrawal>,
        Row<state::Decided,   Complete,    state::Completed,    action::RecordCompletion, guard::NoOpenResolutions>,
        Row<state::Decided,   AttachResolution, none,           action::AttachTo,         guard::NewResolution>,
        Row<state::Decided,   SettleResolution, none,           action::Settle,           All<guard::OpenResolution, guard::OthersOpen>>,
        Row<state::Decided,   SettleResolution, state::Completed, action::Settle,         All<guard::OpenResolution, guard::LastOpen>>
    > {};
    // clang-format on
};

}  // namespace kimflow::paper
