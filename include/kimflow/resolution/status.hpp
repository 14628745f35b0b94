/// @file
/// The status of a resolution as a committee reads it (im Plan, bald fällig, überfällig,
/// erledigt, entfallen): derived from its state, its due date and the day asked about, never
/// stored by hand.
#pragma once

#include <array>
#include <string_view>
#include <utility>

#include "kimflow/resolution/lifecycle.hpp"

namespace kimflow::resolution {

/// Where a resolution stands on a day.
enum class Status {
    on_time,   ///< to be carried out; due later than ResolutionConfig::due_soon_days from now
    due_soon,  ///< to be carried out; due within ResolutionConfig::due_soon_days
    overdue,   ///< to be carried out; the due date has passed
    done,      ///< carried out
    dropped,   ///< no longer to be carried out
};

/// The names a Status is read from and shown by (stable English ids).
constexpr auto enum_names(Status)
{
    return std::array{std::pair{Status::on_time, std::string_view{"on_time"}},
                      std::pair{Status::due_soon, std::string_view{"due_soon"}},
                      std::pair{Status::overdue, std::string_view{"overdue"}},
                      std::pair{Status::done, std::string_view{"done"}},
                      std::pair{Status::dropped, std::string_view{"dropped"}}};
}

/// The status in German, as a committee's list shows it.
std::string_view label_de(Status status);

/// The status of resolution @p r in @p state on @p today: overdue from the day after its due
/// date, due soon from ResolutionConfig::due_soon_days before it.
Status status_at(const Resolution& r, std::string_view state, Date today, const ResolutionConfig& config);

}  // namespace kimflow::resolution
