/// @file
/// Who fires an event. Every transition records its actor.
#pragma once

#include <string>

namespace kimflow {

/// The person or system that fires an event.
struct Actor {
    /// Stable id of the person or system, e.g. a login name (`mbaumeister`) or `import-job`.
    std::string id;
    /// Role in which they act, e.g. `verwaltung`, `sitzungsdienst`, `case_manager` (may be empty).
    std::string role{};
    /// Organisation they act for, e.g. `rvr`, `caritas` (may be empty).
    std::string organization{};

    /// Same id, role and organisation.
    friend bool operator==(const Actor& a, const Actor& b)
    {
        return a.id == b.id && a.role == b.role && a.organization == b.organization;
    }
    /// Not operator==.
    friend bool operator!=(const Actor& a, const Actor& b) { return !(a == b); }
};

}  // namespace kimflow
