/// @file
/// Rules of procedure as JSON, so that a host keeps them in a file or a database setting rather
/// than in code (kimctl: `kimctl rules paper FILE`).
///
/// ```json
/// {
///   "defaults": {"answer_period_days": 28, "agenda_deadline_days": 14, "invitation_period_days": 7,
///                "counting": "working_days", "land": "NW", "shift_to_working_day": false,
///                "extra_holidays": ["2027-02-08"], "not_holidays": []},
///   "bodies": {"Rat der Stadt Castrop-Rauxel": {"agenda_deadline_days": 21}}
/// }
/// ```
/// Every key is optional. `defaults` starts from RulesOfProcedure{}; each body starts from the
/// `defaults` given, so a body lists only what differs. Periods are whole days from 0 to 3660;
/// `counting` is `calendar_days`, `working_days` or `werktage`; `land` a Land's code (`NW`, also
/// `NRW`); holidays are dates `YYYY-MM-DD`, a day in both lists is refused.
#pragma once

#include <string>
#include <string_view>

#include "kimflow/paper/rules.hpp"

namespace kimflow {

/// Reads rules of procedure from the JSON in @p text (the format is described above).
/// @throws InvalidData naming the key and value that are wrong and what to write instead;
///         unknown keys are refused, so that a misspelt key does not silently keep a default.
paper::PaperConfig paper_config_from_json(std::string_view text);

/// @p config as JSON that paper_config_from_json() reads back to the same rules: `defaults` and
/// each body with every key written out.
std::string to_json(const paper::PaperConfig& config);

}  // namespace kimflow
