// Planning an import: what one Paper object (with the meetings and agenda items of its
// Catalog) means for the lifecycle, as a list of events with their times. Pure: no engine, so
// that it is tested (and fuzzed) on data alone.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "kimflow/io/oparl.hpp"
#include "kimflow/paper/events.hpp"
#include "reader.hpp"

namespace kimflow::oparl::detail {

using Event = std::variant<paper::Submit, paper::Answer, paper::Schedule, paper::Acknowledge, paper::Recommend,
                           paper::Decide, paper::Reject, paper::Postpone, paper::Refer, paper::Withdraw,
                           paper::Complete>;

/// The event's stable id, such as "schedule".
std::string_view event_id(const Event& e);

struct Step {
    Event event;
    /// When it happens; none: at the time of the step before.
    std::optional<Timestamp> at{};
    /// For a schedule: the meeting's day (to place the answer).
    std::optional<Date> meeting{};
};

/// What import does with one Paper object.
struct Plan {
    std::string file, path;
    /// The OParl id (empty if the object has none) and its id_key.
    std::string id, key;
    /// The paper as it is created (its Beratungsfolge all planned).
    paper::Paper paper;
    Timestamp created{};
    std::optional<Timestamp> modified{};
    std::vector<Step> steps;
    /// `kimflow:state`, when given: where the replay must end.
    std::string state;
    /// The consultations' OParl ids, for the store's index (sync finds papers by them).
    std::vector<std::string> consultation_ids;
    /// Warnings about this paper (outcome: how the paper ended, filled in by the replay).
    std::vector<ObjectReport> warnings;
};

/// Plans paper @p r. @p now is the time of objects that give none; @p system the source system
/// (empty: the origin of the id).
/// @throws ImportError for data that cannot be read (the paper is then quarantined)
Plan plan_paper(const Reader& r, Catalog& cat, const Vocabulary& vocabulary, Timestamp now, const std::string& system);

}  // namespace kimflow::oparl::detail
