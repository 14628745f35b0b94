/// @file
/// The events of the paper lifecycle and their payloads.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "kimflow/core/fields.hpp"
#include "kimflow/paper/paper.hpp"

namespace kimflow::paper {

/// The paper is handed in (eingereicht).
struct Submit {
    /// The event's stable id, for firing by name and in the log.
    static constexpr std::string_view id = "submit";
    /// The payload's fields, for cereal and for firing by name (see field()).
    template <class Archive>
    void serialize(Archive&)
    {
    }
};

/// The Verwaltung answers an Anfrage in writing.
struct Answer {
    /// The event's stable id, for firing by name and in the log.
    static constexpr std::string_view id = "answer";
    /// Reference of the answer paper, e.g. "14/1923-1".
    std::string answer_reference;
    /// The payload's fields, for cereal and for firing by name (see field()).
    template <class Archive>
    void serialize(Archive& ar)
    {
        ar(field("answer_reference", answer_reference));
    }
};

/// The paper goes on a meeting's agenda: binds the next planned consultation (of
/// `organization`, if named) or adds one.
struct Schedule {
    /// The event's stable id, for firing by name and in the log.
    static constexpr std::string_view id = "schedule";
    /// The committee; empty for the next planned consultation.
    std::string organization;
    /// The day of the meeting.
    Date meeting_date{};
    /// Tagesordnungspunkt, e.g. "9.2".
    std::string agenda_item;
    /// Sets the consultation's role; needed when the consultation is added.
    std::optional<ConsultationRole> role;
    /// Dringlichkeit: the agenda deadline does not apply.
    bool urgent = false;
    /// Why the consultations planned before this one are skipped (the Beratungsfolge is kept in
    /// order otherwise: a committee's Vorberatung comes before the Rat's decision). Empty: none
    /// may be skipped.
    std::string skip_reason{};
    /// The payload's fields, for cereal and for firing by name (see field()).
    template <class Archive>
    void serialize(Archive& ar)
    {
        ar(optional_field("organization", organization), field("meeting_date", meeting_date),
           optional_field("agenda_item", agenda_item), optional_field("role", role), optional_field("urgent", urgent),
           optional_field("skip_reason", skip_reason));
    }
};

namespace detail {
/// Events that record a meeting's result: an optional result text with a default.
template <class Derived>
struct ResultEvent {
    /// The result as the minutes say it; the event's default when empty.
    std::string result;
    template <class Archive>
    void serialize(Archive& ar)
    {
        ar(optional_field("result", result));
    }
    /// The result to record.
    std::string result_text() const { return result.empty() ? std::string(Derived::default_result) : result; }
};
}  // namespace detail

/// The committee takes note (zur Kenntnis genommen). Payload: an optional `result`.
struct Acknowledge : detail::ResultEvent<Acknowledge> {
    /// The event's stable id, for firing by name and in the log.
    static constexpr std::string_view id = "acknowledge";
    /// The result recorded when none is given.
    static constexpr std::string_view default_result = "zur Kenntnis genommen";
};

/// A preparing committee recommends (Vorberatung); the paper waits for the next consultation.
/// Payload: an optional `result`.
struct Recommend : detail::ResultEvent<Recommend> {
    /// The event's stable id, for firing by name and in the log.
    static constexpr std::string_view id = "recommend";
    /// The result recorded when none is given.
    static constexpr std::string_view default_result = "empfohlen";
};

/// The authoritative committee decides (beschlossen). Payload: an optional `result`.
struct Decide : detail::ResultEvent<Decide> {
    /// The event's stable id, for firing by name and in the log.
    static constexpr std::string_view id = "decide";
    /// The result recorded when none is given.
    static constexpr std::string_view default_result = "beschlossen";
};

/// The authoritative committee rejects (abgelehnt). Payload: an optional `result`.
struct Reject : detail::ResultEvent<Reject> {
    /// The event's stable id, for firing by name and in the log.
    static constexpr std::string_view id = "reject";
    /// The result recorded when none is given.
    static constexpr std::string_view default_result = "abgelehnt";
};

/// The item is postponed (vertagt): the consultation is planned again.
struct Postpone {
    /// The event's stable id, for firing by name and in the log.
    static constexpr std::string_view id = "postpone";
    /// The result recorded on the consultation (postpone takes no payload).
    static constexpr std::string_view default_result = "vertagt";
    /// The payload's fields, for cereal and for firing by name (see field()).
    template <class Archive>
    void serialize(Archive&)
    {
    }
};

/// The item is referred (verwiesen) to another committee, which gets a consultation next.
struct Refer {
    /// The event's stable id, for firing by name and in the log.
    static constexpr std::string_view id = "refer";
    /// The committee it is referred to.
    std::string organization;
    /// Its role there (Vorberatung if not given).
    std::optional<ConsultationRole> role;
    /// The payload's fields, for cereal and for firing by name (see field()).
    template <class Archive>
    void serialize(Archive& ar)
    {
        ar(field("organization", organization), optional_field("role", role));
    }
};

/// The originator withdraws the paper (zurückgezogen).
struct Withdraw {
    /// The event's stable id, for firing by name and in the log.
    static constexpr std::string_view id = "withdraw";
    /// Why it is withdrawn.
    std::string reason;
    /// The payload's fields, for cereal and for firing by name (see field()).
    template <class Archive>
    void serialize(Archive& ar)
    {
        ar(field("reason", reason));
    }
};

/// Beschlusskontrolle: the decision has been carried out.
struct Complete {
    /// The event's stable id, for firing by name and in the log.
    static constexpr std::string_view id = "complete";
    /// How it was carried out (optional).
    std::string note;
    /// The payload's fields, for cereal and for firing by name (see field()).
    template <class Archive>
    void serialize(Archive& ar)
    {
        ar(optional_field("note", note));
    }
};

/// Time-triggered: an Anfrage's answer period passed without an answer (fired by a tick, see
/// Engine::tick). Records when, so that it fires once.
struct AnswerOverdue {
    /// The event's stable id, for firing by name and in the log.
    static constexpr std::string_view id = "answer_overdue";
    /// When the answer period ended (the start of the day after the last day to answer).
    Timestamp due{};
    /// The payload's fields, for cereal and for firing by name (see field()).
    template <class Archive>
    void serialize(Archive& ar)
    {
        ar(field("due", due));
    }
};

/// A resolution (Beschlusskontrolle) is to carry out the decision: the paper completes once
/// every attached resolution is settled. Fired by ResolutionEngine when it creates one.
struct AttachResolution {
    /// The event's stable id, for firing by name and in the log.
    static constexpr std::string_view id = "attach_resolution";
    /// The resolution's id.
    std::string resolution;
    /// The payload's fields, for cereal and for firing by name (see field()).
    template <class Archive>
    void serialize(Archive& ar)
    {
        ar(field("resolution", resolution));
    }
};

/// An attached resolution was carried out (`done`) or dropped: the last one completes the
/// paper. Fired by ResolutionEngine.
struct SettleResolution {
    /// The event's stable id, for firing by name and in the log.
    static constexpr std::string_view id = "settle_resolution";
    /// The resolution's id.
    std::string resolution;
    /// `done` or `dropped`.
    std::string outcome;
    /// The payload's fields, for cereal and for firing by name (see field()).
    template <class Archive>
    void serialize(Archive& ar)
    {
        ar(field("resolution", resolution), field("outcome", outcome));
    }
};

}  // namespace kimflow::paper
