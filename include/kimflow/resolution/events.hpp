/// @file
/// The events of the resolution lifecycle (Beschlusskontrolle) and their payloads.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "kimflow/core/fields.hpp"
#include "kimflow/resolution/resolution.hpp"

namespace kimflow::resolution {

/// The office starts carrying it out.
struct Start {
    /// The event's stable id, for firing by name and in the log.
    static constexpr std::string_view id = "start";
    /// What is being done first (optional).
    std::string note;
    /// The payload's fields, for cereal and for firing by name (see field()).
    template <class Archive>
    void serialize(Archive& ar)
    {
        ar(optional_field("note", note));
    }
};

/// A Sachstandsbericht: the office reports where it stands, why it is late if it is, and may
/// move the due date with it.
struct ReportProgress {
    /// The event's stable id, for firing by name and in the log.
    static constexpr std::string_view id = "report_progress";
    /// What has been done.
    std::string text;
    /// Why it takes longer than planned (optional).
    std::string delay_reason;
    /// A new due date (optional; not before the day of the report). A later date needs a
    /// delay_reason.
    std::optional<Date> new_due;
    /// The payload's fields, for cereal and for firing by name (see field()).
    template <class Archive>
    void serialize(Archive& ar)
    {
        ar(field("text", text), optional_field("delay_reason", delay_reason), optional_field("new_due", new_due));
    }
};

/// The due date moves (Fristverlängerung), with the reason.
struct Extend {
    /// The event's stable id, for firing by name and in the log.
    static constexpr std::string_view id = "extend";
    /// The new due date (not before the day it is recorded, and not the current one).
    Date due{};
    /// Why.
    std::string reason;
    /// The payload's fields, for cereal and for firing by name (see field()).
    template <class Archive>
    void serialize(Archive& ar)
    {
        ar(field("due", due), field("reason", reason));
    }
};

/// It has been carried out.
struct Complete {
    /// The event's stable id, for firing by name and in the log.
    static constexpr std::string_view id = "complete";
    /// How it was carried out, e.g. "Bericht in der Sitzung vom 12.05.2022 erstattet".
    std::string note;
    /// The payload's fields, for cereal and for firing by name (see field()).
    template <class Archive>
    void serialize(Archive& ar)
    {
        ar(field("note", note));
    }
};

/// It is no longer to be carried out (the council changed its mind, it became moot).
struct Drop {
    /// The event's stable id, for firing by name and in the log.
    static constexpr std::string_view id = "drop";
    /// Why.
    std::string reason;
    /// The payload's fields, for cereal and for firing by name (see field()).
    template <class Archive>
    void serialize(Archive& ar)
    {
        ar(field("reason", reason));
    }
};

/// Time-triggered: the due date passed before it was done (fired by a tick, see Engine::tick).
/// Records which due date, so that it fires once per due date.
struct BecameOverdue {
    /// The event's stable id, for firing by name and in the log.
    static constexpr std::string_view id = "became_overdue";
    /// When the due date ended (the start of the day after it, UTC).
    Timestamp due{};
    /// The payload's fields, for cereal and for firing by name (see field()).
    template <class Archive>
    void serialize(Archive& ar)
    {
        ar(field("due", due));
    }
};

}  // namespace kimflow::resolution
