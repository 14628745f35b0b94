/// @file
/// The resolution lifecycle (Beschlusskontrolle) as hosts use it: its description, its states by
/// id, its configuration and the policy rules it ships with. The transition table (Boost.MSM) is
/// in resolution/machine.hpp, which only the library and the tests of the table include; hosts
/// run resolutions through ResolutionEngine (resolution/resolution_engine.hpp), which keeps the
/// decided paper in step.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kimflow/core/engine.hpp"
#include "kimflow/core/hooks.hpp"
#include "kimflow/core/policy.hpp"
#include "kimflow/resolution/events.hpp"
#include "kimflow/resolution/resolution.hpp"

namespace kimflow::resolution {

/// The states of a resolution, by stable id.
namespace state_id {
/// Decided and assigned; nothing reported yet.
inline constexpr std::string_view open = "open";
/// The office is carrying it out (started, or a progress report came in).
inline constexpr std::string_view in_progress = "in_progress";
/// Carried out; final.
inline constexpr std::string_view done = "done";
/// No longer to be carried out, with the reason; final.
inline constexpr std::string_view dropped = "dropped";
}  // namespace state_id

/// Configuration of the resolution lifecycle.
struct ResolutionConfig {
    /// A resolution due within this many days (calendar days, today included) counts as due
    /// soon (status_at()): the committee sees it coming.
    int due_soon_days = 14;
};

struct ResolutionMachine;

/// The resolution lifecycle's description (see core/hooks.hpp).
struct ResolutionLifecycle {
    /// The lifecycle's stable id, stored with every instance.
    static constexpr std::string_view id = "resolution";
    /// The MSM front-end (resolution/machine.hpp).
    using Definition = ResolutionMachine;
    /// The data of a resolution.
    using Data = Resolution;
    /// Its configuration.
    using Config = ResolutionConfig;
    /// The events of the table.
    using Events = EventList<Start, ReportProgress, Extend, Complete, Drop, BecameOverdue>;
    /// Checks a new resolution (resolution::validate()).
    /// @throws InvalidData saying which field to fill in
    static void validate(const Resolution& r) { resolution::validate(r); }
    /// What a store indexes: the due date while it is to be carried out, the office as owner (it
    /// reports on its own resolutions), the committee as area, the body as overseer.
    static StoreKeys store_keys(const Resolution& r, std::string_view state, const ResolutionConfig& config);
    /// The time-triggered row: `became_overdue` when the due date has passed, once per due date.
    static std::vector<Timer> timers(const Resolution& r, std::string_view state, const ResolutionConfig& config);
};

/// The rules kimflow's default policy has for resolutions (see Policy and default_policy()):
///
/// | role | may | on |
/// |---|---|---|
/// | `sitzungsdienst` | create, extend, drop | every resolution |
/// | `verwaltung` | start, report_progress, extend, complete | the resolutions of its own office (organisation = office) |
/// | `system` | became_overdue | every resolution (ticks) |
/// | every role | read | every resolution (public records of the council) |
std::vector<PolicyRule> default_policy_rules();

}  // namespace kimflow::resolution

// The resolution engine's members are compiled once, in the kimflow library.
extern template class kimflow::Engine<kimflow::resolution::ResolutionLifecycle>;
