/// @file
/// The Drucksache lifecycle as hosts use it: its description, its states by id, the policy
/// rules it ships with, and PaperEngine, compiled in the library. The transition table itself
/// (Boost.MSM) is in paper/machine.hpp, which only the library and the tests of the table
/// include.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kimflow/core/engine.hpp"
#include "kimflow/core/hooks.hpp"
#include "kimflow/core/policy.hpp"
#include "kimflow/paper/events.hpp"
#include "kimflow/paper/paper.hpp"
#include "kimflow/paper/rules.hpp"

namespace kimflow::paper {

/// The states of a paper, by stable id.
namespace state_id {
/// Being written; not yet handed in.
inline constexpr std::string_view draft = "draft";
/// Handed in; waits for an answer (Anfrage) or the agenda.
inline constexpr std::string_view submitted = "submitted";
/// An Anfrage with its answer; waits for the agenda.
inline constexpr std::string_view answered = "answered";
/// On a meeting's agenda: Paper::current_consultation is bound to it.
inline constexpr std::string_view on_agenda = "on_agenda";
/// Taken note of, with no further consultation planned.
inline constexpr std::string_view acknowledged = "acknowledged";
/// Decided by the deciding consultation; waits for the Beschlusskontrolle.
inline constexpr std::string_view decided = "decided";
/// Rejected by the deciding consultation; final.
inline constexpr std::string_view rejected = "rejected";
/// Withdrawn (zurückgezogen); final.
inline constexpr std::string_view withdrawn = "withdrawn";
/// The decision has been carried out (Beschlusskontrolle); final.
inline constexpr std::string_view completed = "completed";
}  // namespace state_id

struct PaperMachine;

/// The paper lifecycle's description (see core/hooks.hpp).
struct PaperLifecycle {
    /// The lifecycle's stable id, stored with every instance.
    static constexpr std::string_view id = "paper";
    /// The MSM front-end (paper/machine.hpp).
    using Definition = PaperMachine;
    /// The data of a paper.
    using Data = Paper;
    /// The rules of procedure per body.
    using Config = PaperConfig;
    /// The events of the table.
    using Events = EventList<Submit, Answer, Schedule, Acknowledge, Recommend, Decide, Reject, Postpone, Refer,
                             Withdraw, Complete, AnswerOverdue, AttachResolution, SettleResolution>;
    /// Checks a new paper (paper::validate()).
    /// @throws InvalidData saying which field to fill in
    static void validate(const Paper& p) { paper::validate(p); }
    /// What a store indexes: the earliest day the paper is due for something (see deadlines.hpp),
    /// its originator and its body.
    static StoreKeys store_keys(const Paper& p, std::string_view state, const PaperConfig& config);
    /// What makes stored paper data impossible in its stored state, for a row edited by hand;
    /// none if nothing.
    static std::optional<std::string> stored_inconsistency(const Paper& p, const std::vector<std::string>& states);
    /// The time-triggered row: `answer_overdue` when an Anfrage's answer period ends unanswered.
    static std::vector<Timer> timers(const Paper& p, std::string_view state, const PaperConfig& config);
};

/// The rules kimflow's default policy has for papers (see Policy and default_policy()):
///
/// | role | may | on |
/// |---|---|---|
/// | `fraktion` | create, submit, withdraw | its own papers |
/// | `verwaltung` | create, submit, withdraw | its own papers |
/// | `verwaltung` | answer, complete | every paper |
/// | `system` | answer_overdue, attach_resolution, settle_resolution | every paper (ticks and ResolutionEngine) |
/// | `sitzungsdienst` | create, schedule, acknowledge, recommend, decide, reject, postpone, refer | every paper |
/// | every role | read | every paper (public records) |
/// | `importer` | everything | every paper (a job that replays the council's OParl data) |
std::vector<PolicyRule> default_policy_rules();

}  // namespace kimflow::paper

// The paper engine's members are compiled once, in the kimflow library.
extern template class kimflow::Engine<kimflow::paper::PaperLifecycle>;

namespace kimflow::paper {

/// An engine running papers: Engine<PaperLifecycle>, compiled in the library.
class PaperEngine final : public Engine<PaperLifecycle> {
public:
    using Engine<PaperLifecycle>::Engine;
};

}  // namespace kimflow::paper
