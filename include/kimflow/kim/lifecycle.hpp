/// @file
/// The KIM case lifecycle as hosts use it: its description (two regions, the case's phase and
/// the client's consent), its states by id, its personal-data hooks, the policy rules it ships
/// with, and CaseEngine, compiled in the library. The transition table itself (Boost.MSM) is
/// in kim/machine.hpp, which only the library and the tests of the table include.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kimflow/core/engine.hpp"
#include "kimflow/core/hooks.hpp"
#include "kimflow/core/policy.hpp"
#include "kimflow/kim/case.hpp"
#include "kimflow/kim/events.hpp"

namespace kimflow::kim {

/// Configuration of the KIM case lifecycle.
struct CaseConfig {
    /// A closed case may be reopened within this many months of its closure.
    int reopen_window_months = 12;
};

/// The date @p months calendar months after @p d (the last day of the month where the day
/// does not exist: 31 January + 1 month is 28/29 February).
inline Date add_months(Date d, int months)
{
    date::year_month_day ymd{d};
    const date::year_month_day moved = ymd + date::months{months};
    if (moved.ok()) return moved;
    return date::year_month_day_last{moved.year(), date::month_day_last{moved.month()}};
}

/// The states of a case, by stable id: the phases (region 1, the main region) and the consent
/// (region 0).
namespace state_id {
/// Before `open`: a case exists only once opened (created with the `open` event).
inline constexpr std::string_view new_case = "new";
/// Zugang: the case is taken in; consent is sought, then accept or decline.
inline constexpr std::string_view intake = "intake";
/// Needs and resources are being assessed.
inline constexpr std::string_view assessment = "assessment";
/// Goals are being agreed (Zielvereinbarung).
inline constexpr std::string_view planning = "planning";
/// The client is being referred to services.
inline constexpr std::string_view linking = "linking";
/// The help is under way and watched.
inline constexpr std::string_view monitoring = "monitoring";
/// The goals are being checked: close or plan again.
inline constexpr std::string_view evaluation = "evaluation";
/// Ruhend: the case rests and resumes in the phase it left (KimCase::paused_from).
inline constexpr std::string_view paused = "paused";
/// Abschluss: the case has ended with a reason; it may be reopened within the window.
inline constexpr std::string_view closed = "closed";
/// Abbruch: the case ended early (or the consent was withdrawn); final.
inline constexpr std::string_view aborted = "aborted";
/// Consent region: no consent given yet.
inline constexpr std::string_view consent_none = "none";
/// Consent region: the client has consented (KimCase::consent).
inline constexpr std::string_view consent_granted = "granted";
/// Consent region: the client has withdrawn the consent; the case is aborted.
inline constexpr std::string_view consent_withdrawn = "withdrawn";
}  // namespace state_id

struct CaseMachine;

/// The KIM case lifecycle's description (see core/hooks.hpp).
struct CaseLifecycle {
    /// The lifecycle's stable id, stored with every instance.
    static constexpr std::string_view id = "case";
    /// The MSM front-end (kim/machine.hpp).
    using Definition = CaseMachine;
    /// The data of a case.
    using Data = KimCase;
    /// The configuration.
    using Config = CaseConfig;
    /// The events of the table.
    using Events = EventList<Open, GrantConsent, Accept, Decline, CompleteAssessment, AddGoal, AgreePlan, Refer,
                             StartMonitoring, Evaluate, Replan, Close, Pause, Resume, Abort, WithdrawConsent, Reopen,
                             Assign, FollowUpOn, ExtendConsent, NarrowConsent, CompleteReferral, FollowUpDone,
                             FollowUpDue>;
    /// The phase region (the consent region is region 0).
    static constexpr int main_region = 1;
    /// What a store indexes: the earliest open Wiedervorlage of an open case (due), its Träger
    /// (owner), its Kommune (area) and its Kreis (overseer).
    static StoreKeys store_keys(const KimCase& c, std::string_view phase, const CaseConfig& config);
    /// The time-triggered rows of an open case: `follow_up_due` for each open Wiedervorlage whose
    /// falling due is not recorded yet, due at the start of its day (00:00 UTC: kimflow's dates
    /// are UTC days), with the payload `number` (from 1) and `due`; earliest first. Firing it
    /// records FollowUp::fell_due_at, which takes the timer off this list.
    static std::vector<Timer> timers(const KimCase& c, std::string_view phase, const CaseConfig& config);
    /// What makes stored case data impossible in its stored states (consent, phase), for a row
    /// edited by hand; none if nothing.
    static std::optional<std::string> stored_inconsistency(const KimCase& c, const std::vector<std::string>& states);

    /// A case holds personal data: the hooks below are checked at compile time (core/hooks.hpp).
    static constexpr bool personal_data = true;
    /// Personal data is kept to the end of the 5th calendar year after the case ended.
    static constexpr Retention retention{5};
    /// The phases in which a case has ended.
    static constexpr std::array<std::string_view, 2> ended_states{state_id::closed, state_id::aborted};
    /// When the case ended (closed or aborted), if it has.
    static std::optional<Timestamp> ended_at(const KimCase& c, std::string_view phase);
    /// Removes what the case data says about the client: the goals' text (their number stays,
    /// it is a figure), the consent's purpose, the note and the Wiedervorlagen's subjects.
    /// Kommune, Kreis, Träger, case manager, referrals (institutions and Rechtskreise),
    /// Wiedervorlage dates, phases and the closure reason stay: the figures are made of them.
    static void erase_personal(KimCase& c);
};

/// The rules kimflow's default policy has for cases (see Policy and default_policy()):
///
/// | role | may | on |
/// |---|---|---|
/// | `case_manager` | everything (every event, create, read, erase) | the cases of its Träger |
/// | `kreis_coordinator` | read, assign, erase | the cases of its Kreis |
/// | `system` | `follow_up_due` (what the tick fires, see CaseLifecycle::timers()) | every case |
std::vector<PolicyRule> default_policy_rules();

}  // namespace kimflow::kim

// The case engine's members are compiled once, in the kimflow library.
extern template class kimflow::Engine<kimflow::kim::CaseLifecycle>;

namespace kimflow::kim {

/// An engine running KIM cases: Engine<CaseLifecycle>, compiled in the library.
class CaseEngine final : public Engine<CaseLifecycle> {
public:
    using Engine<CaseLifecycle>::Engine;
};

/// Opens case @p id: creates it and fires `open` in one step (version 1).
Fired open_case(CaseEngine& engine, const std::string& id, const Open& open, const Actor& actor, KimCase data = {});

}  // namespace kimflow::kim
