/// @file
/// A resolution (Beschlusskontrolle): what a decided paper asks the Verwaltung to carry out,
/// by which office and by when, and what has been reported since. The data of the resolution
/// lifecycle.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <cereal/cereal.hpp>
#include <cereal/types/chrono.hpp>
#include <cereal/types/optional.hpp>
#include <cereal/types/string.hpp>
#include <cereal/types/vector.hpp>

#include "kimflow/core/error.hpp"
#include "kimflow/core/time.hpp"

/// The resolution lifecycle (Beschlusskontrolle): carrying out a council's decision, from the
/// resolution through progress reports and extensions to done or dropped.
namespace kimflow::resolution {

/// A Sachstandsbericht: what the office reported, and why it is late if it is.
struct ProgressReport {
    /// When it was recorded.
    Timestamp at{};
    /// What has been done, as the office writes it.
    std::string text;
    /// Why it takes longer than planned; empty when it is on time.
    std::string delay_reason{};
    /// The due date the report moved the resolution to, if it did.
    std::optional<Date> new_due{};
};

/// A due date moved by `extend`.
struct Extension {
    /// When it was recorded.
    Timestamp at{};
    /// The due date before.
    Date from{};
    /// The new due date.
    Date to{};
    /// Why.
    std::string reason;
};

/// One thing a decision asks to be carried out, and what its lifecycle has recorded.
struct Resolution {
    /// The decided paper's reference (Drucksachennummer), e.g. "2021/123".
    std::string paper;
    /// The responsible office (Amt / Fachbereich), e.g. "FB 5 Soziales"; it reports on it.
    std::string office;
    /// What is to be carried out, e.g. "Bericht über den Stand von KIM im Ausschuss".
    std::string task;
    /// The day by which it is to be carried out.
    Date due{};
    /// The committee whose decision it carries out (taken from the paper when created).
    std::string committee{};
    /// The council whose paper it is (the paper's body).
    std::string body{};
    /// The day of the decision (taken from the paper when created).
    std::optional<Date> decided_on{};
    /// The due date it was created with (`due` moves with extensions).
    std::optional<Date> original_due{};

    // Recorded by the lifecycle.
    /// When work on it started (recorded by `start`, or the first progress report).
    std::optional<Timestamp> started_at{};
    /// Sachstandsberichte, oldest first.
    std::vector<ProgressReport> reports{};
    /// Due dates moved, oldest first.
    std::vector<Extension> extensions{};
    /// The due date whose passing the time-triggered `became_overdue` recorded, if it did.
    std::optional<Date> overdue_for{};
    /// When that was recorded.
    std::optional<Timestamp> overdue_since{};
    /// When it was carried out (recorded by `complete`).
    std::optional<Timestamp> done_at{};
    /// How it was carried out.
    std::string completion_note{};
    /// When it was dropped (recorded by `drop`).
    std::optional<Timestamp> dropped_at{};
    /// Why it is no longer to be carried out.
    std::string drop_reason{};

    /// The last progress report, or null.
    const ProgressReport* last_report() const { return reports.empty() ? nullptr : &reports.back(); }
    /// The latest reason for delay given (in a progress report or an extension); empty if none.
    std::string delay_reason() const
    {
        std::optional<Timestamp> at;
        std::string reason;
        for (const auto& r : reports)
            if (!r.delay_reason.empty()) at = r.at, reason = r.delay_reason;
        for (const auto& e : extensions)
            if (!at || e.at >= *at) at = e.at, reason = e.reason;
        return reason;
    }
};

/// Checks what a new resolution must have.
/// @throws InvalidData saying which field to fill in
inline void validate(const Resolution& r)
{
    if (r.paper.empty()) throw InvalidData("a resolution needs the reference of its decided paper (--paper)");
    if (r.office.empty())
        throw InvalidData("a resolution needs the responsible office (Amt / Fachbereich), e.g. --office \"FB 5\"");
    if (r.due == Date{}) throw InvalidData("a resolution needs its due date (--due YYYY-MM-DD)");
    if (r.task.empty()) throw InvalidData("a resolution needs its task: what is to be carried out (--task)");
}

/// cereal: a progress report. Version 1.
template <class Archive>
void serialize(Archive& ar, ProgressReport& r, std::uint32_t /*version*/)
{
    ar(cereal::make_nvp("at", r.at), cereal::make_nvp("text", r.text), cereal::make_nvp("delay_reason", r.delay_reason),
       cereal::make_nvp("new_due", r.new_due));
}

/// cereal: an extension. Version 1.
template <class Archive>
void serialize(Archive& ar, Extension& e, std::uint32_t /*version*/)
{
    ar(cereal::make_nvp("at", e.at), cereal::make_nvp("from", e.from), cereal::make_nvp("to", e.to),
       cereal::make_nvp("reason", e.reason));
}

/// cereal: a resolution. Version 1.
template <class Archive>
void serialize(Archive& ar, Resolution& r, std::uint32_t /*version*/)
{
    ar(cereal::make_nvp("paper", r.paper), cereal::make_nvp("office", r.office), cereal::make_nvp("task", r.task),
       cereal::make_nvp("due", r.due), cereal::make_nvp("committee", r.committee), cereal::make_nvp("body", r.body),
       cereal::make_nvp("decided_on", r.decided_on), cereal::make_nvp("original_due", r.original_due),
       cereal::make_nvp("started_at", r.started_at), cereal::make_nvp("reports", r.reports),
       cereal::make_nvp("extensions", r.extensions), cereal::make_nvp("overdue_for", r.overdue_for),
       cereal::make_nvp("overdue_since", r.overdue_since), cereal::make_nvp("done_at", r.done_at),
       cereal::make_nvp("completion_note", r.completion_note), cereal::make_nvp("dropped_at", r.dropped_at),
       cereal::make_nvp("drop_reason", r.drop_reason));
}

}  // namespace kimflow::resolution

CEREAL_CLASS_VERSION(kimflow::resolution::ProgressReport, 1)
CEREAL_CLASS_VERSION(kimflow::resolution::Extension, 1)
CEREAL_CLASS_VERSION(kimflow::resolution::Resolution, 1)
