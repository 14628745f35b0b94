/// @file
/// The KIM case lifecycle's Boost.MSM machine, with two regions: the case's phase (the
/// Case Management standard's Zugang … Evaluation, ruhend, Abschluss, Abbruch) and, beside it,
/// the client's consent.
///
/// The consent region comes first in `initial_state` because MSM asks regions in order: when
/// the client withdraws consent, the consent region records it before the phase region ends
/// the case on it. The phase region is the lifecycle's main region. Case-wide bookkeeping
/// (`assign`, the Wiedervorlagen) rides on the consent region as internal transitions, so it
/// needs one row per consent state instead of one per phase; what needs a consent (extending
/// and narrowing it, completing a referral) one row, in `granted`.
///
/// A paused case remembers the phase it left and resumes there by one guarded row per phase,
/// an explicit form of MSM's shallow history that the diagram shows and the store keeps.
#pragma once

#include <algorithm>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include <boost/mpl/back_inserter.hpp>
#include <boost/mpl/copy.hpp>
#include <boost/mpl/vector.hpp>
#include <boost/mpl/vector/vector10.hpp>
#include <boost/mpl/vector/vector50.hpp>
#include <boost/msm/front/functor_row.hpp>
#include <boost/msm/front/states.hpp>

#include "kimflow/core/machine.hpp"
#include "kimflow/kim/case.hpp"
#include "kimflow/kim/events.hpp"
#include "kimflow/kim/lifecycle.hpp"
#include "kimflow/kim/machine_case_data.hpp"

namespace kimflow::kim {

/// MSM flags of the case's states.
namespace flag {
/// The case is open: intake … evaluation, or paused.
struct CaseOpen {};
}  // namespace flag

/// The states of a case, as MSM states (their ids are kim::state_id's).
namespace state {

/// A phase: entering it is recorded in KimCase::phases with the time (and, for the end
/// states, the reason the action has just set).
template <class Derived, bool Open>
struct Phase : boost::msm::front::state<> {
    /// MSM's flags of the state: CaseOpen for the open phases.
    using flag_list = std::conditional_t<Open, boost::mpl::vector1<flag::CaseOpen>, boost::mpl::vector0<>>;
    /// MSM's entry hook: appends the phase to KimCase::phases.
    template <class Event, class Fsm>
    void on_entry(const Event&, Fsm& fsm)
    {
        const bool ended = Derived::id == state_id::closed || Derived::id == state_id::aborted;
        fsm.data.phases.push_back({std::string(Derived::id), fsm.now(),
                                   ended ? fsm.data.closure_reason : std::optional<ClosureReason>{}});
    }
};

/// Before `open`: a case exists only once opened (Engine::create with the `open` event).
struct New : boost::msm::front::state<> { static constexpr std::string_view id = state_id::new_case; /**< Stable id. */ };
/// Zugang: the case is taken in; consent is sought, then accept or decline.
struct Intake : Phase<Intake, true> { static constexpr std::string_view id = state_id::intake; /**< Stable id. */ };
/// Needs and resources are being assessed.
struct Assessment : Phase<Assessment, true> { static constexpr std::string_view id = state_id::assessment; /**< Stable id. */ };
/// Goals are being agreed (Zielvereinbarung).
struct Planning : Phase<Planning, true> { static constexpr std::string_view id = state_id::planning; /**< Stable id. */ };
/// The client is being referred to services.
struct Linking : Phase<Linking, true> { static constexpr std::string_view id = state_id::linking; /**< Stable id. */ };
/// The help is under way and watched.
struct Monitoring : Phase<Monitoring, true> { static constexpr std::string_view id = state_id::monitoring; /**< Stable id. */ };
/// The goals are being checked: close or plan again.
struct Evaluation : Phase<Evaluation, true> { static constexpr std::string_view id = state_id::evaluation; /**< Stable id. */ };
/// Ruhend: the case rests and resumes in the phase it left (KimCase::paused_from).
struct Paused : Phase<Paused, true> { static constexpr std::string_view id = state_id::paused; /**< Stable id. */ };
/// Abschluss: the case has ended with a reason; it may be reopened within the window.
struct Closed : Phase<Closed, false> { static constexpr std::string_view id = state_id::closed; /**< Stable id. */ };
/// Abbruch: the case ended early (or the consent was withdrawn); final.
struct Aborted : Phase<Aborted, false> { static constexpr std::string_view id = state_id::aborted; /**< Stable id. */ };

/// Consent region: no consent given yet.
struct ConsentNone : boost::msm::front::state<> { static constexpr std::string_view id = state_id::consent_none; /**< Stable id. */ };
/// Consent region: the client has consented (KimCase::consent).
struct ConsentGranted : boost::msm::front::state<> { static constexpr std::string_view id = state_id::consent_granted; /**< Stable id. */ };
/// Consent region: the client has withdrawn the consent; the case is aborted.
struct ConsentWithdrawn : boost::msm::front::state<> { static constexpr std::string_view id = state_id::consent_withdrawn; /**< Stable id. */ };

}  // namespace state

/// Guards of the case lifecycle; their reasons speak to the case manager.
namespace guard {

namespace detail {
template <class Fsm>
std::string current_phase(const Fsm& fsm)
{
    return fsm.data.phases.empty() ? std::string("new") : fsm.data.phases.back().phase;
}
}  // namespace detail

/// The case is open (intake … evaluation, or paused).
struct CaseOpen : StateGuard<CaseOpen> {
    /// The guard's name in diagrams.
    static std::string label() { return "case open"; }
    /// Empty if the guard allows; otherwise why not and what to do.
    template <class Fsm>
    static std::optional<std::string> refuse(const Fsm& fsm)
    {
        if (fsm.template is_flag_active<flag::CaseOpen>()) return {};
        return "the case is " + detail::current_phase(fsm) + " and takes no more entries" +
               (detail::current_phase(fsm) == "closed" ? "; reopen it first" : "");
    }
};

/// The client has given consent.
struct ConsentGiven : StateGuard<ConsentGiven> {
    /// The guard's name in diagrams.
    static std::string label() { return "consent granted"; }
    /// Empty if the guard allows; otherwise why not and what to do.
    template <class Fsm>
    static std::optional<std::string> refuse(const Fsm& fsm)
    {
        if (is_active<state::ConsentGranted>(fsm)) return {};
        return "the client has not given consent (Einwilligung) yet; record it with grant_consent first";
    }
};

/// The consent region has just recorded the withdrawal (it is asked first).
struct ConsentWithdrawnNow : StateGuard<ConsentWithdrawnNow> {
    /// The guard's name in diagrams.
    static std::string label() { return "consent withdrawn"; }
    /// Empty if the guard allows; otherwise why not and what to do.
    template <class Fsm>
    static std::optional<std::string> refuse(const Fsm& fsm)
    {
        if (is_active<state::ConsentWithdrawn>(fsm)) return {};
        return "the client has given no consent that could be withdrawn; to end the case use abort";
    }
    /// Listed as allowed while a consent is there to withdraw.
    template <class Fsm>
    static bool allows(const Fsm& fsm)
    {
        return is_active<state::ConsentGranted>(fsm) || is_active<state::ConsentWithdrawn>(fsm);
    }
};

/// At least one goal is agreed.
struct HasGoal : StateGuard<HasGoal> {
    /// The guard's name in diagrams.
    static std::string label() { return "a goal"; }
    /// Empty if the guard allows; otherwise why not and what to do.
    template <class Fsm>
    static std::optional<std::string> refuse(const Fsm& fsm)
    {
        if (!fsm.data.goals.empty()) return {};
        return "no goal is agreed yet; record the Zielvereinbarung with add_goal first";
    }
};

/// At least one referral is made.
struct HasReferral : StateGuard<HasReferral> {
    /// The guard's name in diagrams.
    static std::string label() { return "a referral"; }
    /// Empty if the guard allows; otherwise why not and what to do.
    template <class Fsm>
    static std::optional<std::string> refuse(const Fsm& fsm)
    {
        if (!fsm.data.referrals.empty()) return {};
        return "no referral is made yet; refer the client to a service first";
    }
};

/// The consent names the recipient of the referral.
struct ConsentNamesRecipient : PayloadGuard<ConsentNamesRecipient> {
    /// The guard's name in diagrams.
    static std::string label() { return "consent names recipient"; }
    /// Empty if the consent names @p e's recipient; otherwise why not and what to do.
    template <class Fsm>
    static std::optional<std::string> refuse(const Fsm& fsm, const Refer& e)
    {
        const Consent& c = fsm.data.consent;
        if (is_active<state::ConsentGranted>(fsm) && c.names(e.recipient)) return {};
        if (!is_active<state::ConsentGranted>(fsm))
            return "the client has given no consent to share data with " + e.recipient;
        std::string named;
        for (const auto& r : c.recipients) named += (named.empty() ? "" : ", ") + r;
        return "the consent of " + format_date(date_of(*c.granted_at)) + " does not name this recipient (" +
               e.recipient + "); it names " + named + "; ask the client to extend it to " + e.recipient +
               " (extend_consent)";
    }
};


/// A paused case left phase @p State.
template <class State>
struct LeftFrom : StateGuard<LeftFrom<State>> {
    /// The guard's name in diagrams.
    static std::string label() { return "left " + std::string(State::id); }
    /// Empty if the guard allows; otherwise why not and what to do.
    template <class Fsm>
    static std::optional<std::string> refuse(const Fsm& fsm)
    {
        if (fsm.data.paused_from == State::id) return {};
        return "the case was paused in " + fsm.data.paused_from + ", not " + std::string(State::id);
    }
};

/// The closure lies within the reopen window.
struct WithinReopenWindow : StateGuard<WithinReopenWindow> {
    /// The guard's name in diagrams.
    static std::string label() { return "within reopen window"; }
    /// Empty if the guard allows; otherwise why not and what to do.
    template <class Fsm>
    static std::optional<std::string> refuse(const Fsm& fsm)
    {
        const Date closed = date_of(*fsm.data.phase_since());
        const int months = fsm.config().reopen_window_months;
        const Date last = add_months(closed, months);
        if (date_of(fsm.now()) <= last) return {};
        return "the case was closed on " + format_date(closed) + "; it can be reopened within " +
               std::to_string(months) + " months (until " + format_date(last) + "); open a new case instead";
    }
};

/// An assignment names a Träger or a case manager.
struct NamesSomeone : PayloadGuard<NamesSomeone> {
    /// The guard's name in diagrams.
    static std::string label() { return "traeger or manager"; }
    /// Empty if @p e names a Träger or a case manager; otherwise what to give.
    template <class Fsm>
    static std::optional<std::string> refuse(const Fsm&, const Assign& e)
    {
        if (!e.traeger.empty() || !e.manager.empty()) return {};
        return "name the new Träger (traeger=...) or case manager (manager=...)";
    }
};

}  // namespace guard

/// Actions of the case lifecycle. They only apply what the guards have checked.
namespace action {

/// Records the Kommune, Kreis, Träger (the Kommune unless given) and case manager of `open`.
struct RecordOpening {
    /// MSM's action call.
    template <class Fsm, class S, class T>
    void operator()(const Open& e, Fsm& fsm, S&, T&) const
    {
        KimCase& c = fsm.data;
        c.kommune = e.kommune;
        if (!e.kreis.empty()) c.kreis = e.kreis;
        c.traeger = e.traeger.empty() ? e.kommune : e.traeger;
        if (!e.manager.empty()) c.manager = e.manager;
    }
};

/// Records the consent: recipients, purpose, the time; replaces an earlier one.
struct RecordConsent {
    /// MSM's action call.
    template <class Fsm, class S, class T>
    void operator()(const GrantConsent& e, Fsm& fsm, S&, T&) const
    {
        Consent& c = fsm.data.consent;
        c.recipients = e.recipients;
        c.purpose = e.purpose;
        c.granted_at = fsm.now();
        c.withdrawn_at.reset();
    }
};

/// Records when the consent was withdrawn.
struct RecordConsentWithdrawal {
    /// MSM's action call.
    template <class Fsm, class S, class T>
    void operator()(const WithdrawConsent&, Fsm& fsm, S&, T&) const
    {
        fsm.data.consent.withdrawn_at = fsm.now();
    }
};

/// Appends the agreed goal to KimCase::goals.
struct KeepGoal {
    /// MSM's action call.
    template <class Fsm, class S, class T>
    void operator()(const AddGoal& e, Fsm& fsm, S&, T&) const
    {
        fsm.data.goals.push_back(e.goal);
    }
};

/// Appends the referral (recipient, Rechtskreis, time) to KimCase::referrals.
struct KeepReferral {
    /// MSM's action call.
    template <class Fsm, class S, class T>
    void operator()(const Refer& e, Fsm& fsm, S&, T&) const
    {
        fsm.data.referrals.push_back({e.recipient, e.rechtskreis, fsm.now()});
    }
};

/// Sets the reason the case ends with (before the end state records its entry), and ends what
/// is open with the case: its Wiedervorlagen (no one works them any more, and a reopened case
/// starts without them) and its referrals.
struct RecordEnd {
    /// Declined at intake: not_suitable, with the note.
    template <class Fsm, class S, class T>
    void operator()(const Decline& e, Fsm& fsm, S&, T&) const
    {
        end(fsm.data, ClosureReason::not_suitable, e.note, fsm.now());
    }
    /// Closed: the reason and note given.
    template <class Fsm, class S, class T>
    void operator()(const Close& e, Fsm& fsm, S&, T&) const
    {
        end(fsm.data, e.reason, e.note, fsm.now());
    }
    /// Aborted: the reason and note given.
    template <class Fsm, class S, class T>
    void operator()(const Abort& e, Fsm& fsm, S&, T&) const
    {
        end(fsm.data, e.reason, e.note, fsm.now());
    }
    /// Consent withdrawn: consent_withdrawn, no note.
    template <class Fsm, class S, class T>
    void operator()(const WithdrawConsent&, Fsm& fsm, S&, T&) const
    {
        end(fsm.data, ClosureReason::consent_withdrawn, {}, fsm.now());
    }

private:
    static void end(KimCase& c, ClosureReason reason, const std::string& note, Timestamp now)
    {
        c.closure_reason = reason;
        c.note = note;
        c.paused_from.clear();
        for (FollowUp& f : c.follow_ups)
            if (f.open()) {
                f.done_at = now;
                f.closed_with_case = true;
            }
        for (Referral& r : c.referrals)
            if (r.open()) r.completed_at = now;
    }
};

/// Remembers the phase the case leaves and why it rests (KimCase::note).
struct RecordPause {
    /// MSM's action call.
    template <class Fsm, class Source, class T>
    void operator()(const Pause& e, Fsm& fsm, Source&, T&) const
    {
        fsm.data.paused_from = std::string(Source::id);
        fsm.data.note = e.reason;
    }
};

/// Forgets the phase left and the reason for the pause.
struct RecordResume {
    /// MSM's action call.
    template <class Fsm, class S, class T>
    void operator()(const Resume&, Fsm& fsm, S&, T&) const
    {
        fsm.data.paused_from.clear();
        fsm.data.note.clear();
    }
};

/// Clears the closure reason and the note.
struct RecordReopening {
    /// MSM's action call.
    template <class Fsm, class S, class T>
    void operator()(const Reopen&, Fsm& fsm, S&, T&) const
    {
        fsm.data.closure_reason.reset();
        fsm.data.note.clear();
    }
};

/// Sets the Träger and/or the case manager that `assign` names.
struct RecordAssignment {
    /// MSM's action call.
    template <class Fsm, class S, class T>
    void operator()(const Assign& e, Fsm& fsm, S&, T&) const
    {
        if (!e.traeger.empty()) fsm.data.traeger = e.traeger;
        if (!e.manager.empty()) fsm.data.manager = e.manager;
    }
};


}  // namespace action

/// The MSM front-end of the case lifecycle.
struct CaseMachine : MachineDef<CaseMachine, KimCase, CaseConfig> {
    /// The regions' initial states: consent (region 0, asked first), then phase (region 1).
    using initial_state = boost::mpl::vector<state::ConsentNone, state::New>;

    /// A row of the transition table (MSM's functor row, action and guard optional).
    template <class Source, class Event, class Target, class Action = boost::msm::front::none,
              class Guard = boost::msm::front::none>
    using Row = boost::msm::front::Row<Source, Event, Target, Action, Guard>;
    /// No action, no guard, or (as target) an internal transition.
    using none = boost::msm::front::none;

    // 53 rows, more than the 50 of MPL's largest numbered vector (preprocessed in
    // boost/mpl/vector/vector50.hpp). The table is the 46 rows of the case's phases and consent as
    // they were (vector46), with the 7 rows of the case data (vector7) appended by mpl::copy:
    // MPL's vectors grow one by one past 50 without raising MPL's limits (they are typeof-based
    // on GCC and Clang, which kimflow builds with). Raising the limits instead, as the MSM
    // documentation suggests, turns off MPL's preprocessed headers in every unit that sees a
    // machine and costs each of them compile time.
    // clang-format off
    /// The rows of the case's phases and consent: the table as it was before the case data.
    using phase_and_consent_rows = boost::mpl::vector46<
        //  consent region     event            to                       action                           guard
        Row<state::ConsentNone,    GrantConsent,    state::ConsentGranted,   action::RecordConsent,           guard::CaseOpen>,
        Row<state::ConsentGranted, GrantConsent,    none,                    action::RecordConsent,           All<guard::CaseOpen, guard::KeepsReferredRecipients>>,
        Row<state::ConsentGranted, WithdrawConsent, state::ConsentWithdrawn, action::RecordConsentWithdrawal, guard::CaseOpen>,
        Row<state::ConsentNone,    Assign,          none,                    action::RecordAssignment,        All<guard::CaseOpen, guard::NamesSomeone>>,
        Row<state::ConsentGranted, Assign,          none,                    action::RecordAssignment,        All<guard::CaseOpen, guard::NamesSomeone>>,
        Row<state::ConsentNone,    FollowUpOn,      none,                    action::RecordFollowUp,          All<guard::CaseOpen, guard::FollowUpAhead>>,
        Row<state::ConsentGranted, FollowUpOn,      none,                    action::RecordFollowUp,          All<guard::CaseOpen, guard::FollowUpAhead>>,
        //  phase region
        Row<state::New,        Open,               state::Intake,     action::RecordOpening>,
        Row<state::Intake,     Accept,             state::Assessment, none,                   guard::ConsentGiven>,
        Row<state::Intake,     Decline,            state::Closed,     action::RecordEnd>,
        Row<state::Assessment, CompleteAssessment, state::Planning>,
        Row<state::Planning,   AddGoal,            none,              action::KeepGoal>,
        Row<state::Planning,   AgreePlan,          state::Linking,    none,                   guard::HasGoal>,
        Row<state::Linking,    Refer,              none,              action::KeepReferral,   All<guard::ConsentNamesRecipient, guard::NotReferredYet>>,
        Row<state::Monitoring, Refer,              none,              action::KeepReferral,   All<guard::ConsentNamesRecipient, guard::NotReferredYet>>,
        Row<state::Linking,    StartMonitoring,    state::Monitoring, none,                   guard::HasReferral>,
        Row<state::Monitoring, Evaluate,           state::Evaluation>,
        Row<state::Evaluation, Replan,             state::Planning>,
        Row<state::Evaluation, Close,              state::Closed,     action::RecordEnd>,
        Row<state::Closed,     Reopen,             state::Intake,     action::RecordReopening, guard::WithinReopenWindow>,
        //  ruhend: pause from any phase, resume to the phase it left
        Row<state::Intake,     Pause,  state::Paused,     action::RecordPause>,
        Row<state::Assessment, Pause,  state::Paused,     action::RecordPause>,
        Row<state::Planning,   Pause,  state::Paused,     action::RecordPause>,
        Row<state::Linking,    Pause,  state::Paused,     action::RecordPause>,
        Row<state::Monitoring, Pause,  state::Paused,     action::RecordPause>,
        Row<state::Evaluation, Pause,  state::Paused,     action::RecordPause>,
        Row<state::Paused,     Resume, state::Intake,     action::RecordResume, guard::LeftFrom<state::Intake>>,
        Row<state::Paused,     Resume, state::Assessment, action::RecordResume, guard::LeftFrom<state::Assessment>>,
        Row<state::Paused,     Resume, state::Planning,   action::RecordResume, guard::LeftFrom<state::Planning>>,
        Row<state::Paused,     Resume, state::Linking,    action::RecordResume, guard::LeftFrom<state::Linking>>,
        Row<state::Paused,     Resume, state::Monitoring, action::RecordResume, guard::LeftFrom<state::Monitoring>>,
        Row<state::Paused,     Resume, state::Evaluation, action::RecordResume, guard::LeftFrom<state::Evaluation>>,
        //  Abbruch from every open state
        Row<state::Intake,     Abort, state::Aborted, action::RecordEnd>,
        Row<state::Assessment, Abort, state::Aborted, action::RecordEnd>,
        Row<state::Planning,   Abort, state::Aborted, action::RecordEnd>,
        Row<state::Linking,    Abort, state::Aborted, action::RecordEnd>,
        Row<state::Monitoring, Abort, state::Aborted, action::RecordEnd>,
        Row<state::Evaluation, Abort, state::Aborted, action::RecordEnd>,
        Row<state::Paused,     Abort, state::Aborted, action::RecordEnd>,
        //  a withdrawn consent ends the case
        Row<state::Intake,     WithdrawConsent, state::Aborted, action::RecordEnd, guard::ConsentWithdrawnNow>,
        Row<state::Assessment, WithdrawConsent, state::Aborted, action::RecordEnd, guard::ConsentWithdrawnNow>,
        Row<state::Planning,   WithdrawConsent, state::Aborted, action::RecordEnd, guard::ConsentWithdrawnNow>,
        Row<state::Linking,    WithdrawConsent, state::Aborted, action::RecordEnd, guard::ConsentWithdrawnNow>,
        Row<state::Monitoring, WithdrawConsent, state::Aborted, action::RecordEnd, guard::ConsentWithdrawnNow>,
        Row<state::Evaluation, WithdrawConsent, state::Aborted, action::RecordEnd, guard::ConsentWithdrawnNow>,
        Row<state::Paused,     WithdrawConsent, state::Aborted, action::RecordEnd, guard::ConsentWithdrawnNow>
    >;
    /// The rows of the case data: the consent changed in part, referrals completed, Wiedervorlagen
    /// done and falling due.
    using case_data_rows = boost::mpl::vector7<
        Row<state::ConsentGranted, ExtendConsent,    none, action::RecordExtension,         All<guard::CaseOpen, guard::AddsRecipient>>,
        Row<state::ConsentGranted, NarrowConsent,    none, action::RecordNarrowing,         All<guard::CaseOpen, guard::SeveralRecipients, guard::MayNarrow>>,
        Row<state::ConsentGranted, CompleteReferral, none, action::RecordReferralCompleted, All<guard::CaseOpen, guard::HasOpenReferral, guard::ReferralOpen>>,
        Row<state::ConsentNone,    FollowUpDone,     none, action::RecordFollowUpDone,      All<guard::CaseOpen, guard::HasOpenFollowUp, guard::NamesOpenFollowUp>>,
        Row<state::ConsentGranted, FollowUpDone,     none, action::RecordFollowUpDone,      All<guard::CaseOpen, guard::HasOpenFollowUp, guard::NamesOpenFollowUp>>,
        Row<state::ConsentNone,    FollowUpDue,      none, action::RecordFollowUpDue,       All<guard::CaseOpen, guard::FollowUpFallsDue, guard::FollowUpDueNow>>,
        Row<state::ConsentGranted, FollowUpDue,      none, action::RecordFollowUpDue,       All<guard::CaseOpen, guard::FollowUpFallsDue, guard::FollowUpDueNow>>
    >;
    // clang-format on
    /// The transition table: both parts, in this order.
    struct transition_table
        : boost::mpl::copy<case_data_rows, boost::mpl::back_inserter<phase_and_consent_rows>>::type {};
};

}  // namespace kimflow::kim
