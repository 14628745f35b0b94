// kimflowd's JSON as the values kimctl's renderers take (views.hpp): an instance, its history, the
// rows of the lists, and the reports, read back from what the service sends.
#pragma once

#include <vector>

#include <nlohmann/json.hpp>

#include <kimflow/kim/report.hpp>
#include <kimflow/resolution/report.hpp>

#include "views.hpp"

namespace kimctl {

/// One entry of `GET …/{id}/history` (kimflow::to_json(TransitionRecord)).
HistoryRow history_row_from_json(const nlohmann::json& j);
std::vector<HistoryRow> history_from_json(const nlohmann::json& array);

/// An instance as `GET …/{id}` (with history) or a list (without) sends it.
Shown<kimflow::paper::Paper> paper_shown(const nlohmann::json& j);
Shown<kimflow::kim::KimCase> case_shown(const nlohmann::json& j);
Shown<kimflow::resolution::Resolution> resolution_shown(const nlohmann::json& j);

/// The rows of `GET /api/v1/papers` (with `overdue` when asked), `/cases`, `/resolutions`.
std::vector<PaperListed> paper_rows(const nlohmann::json& array);
std::vector<Shown<kimflow::kim::KimCase>> case_rows(const nlohmann::json& array);
std::vector<ResolutionListed> resolution_rows(const nlohmann::json& array);
/// The Wiedervorlagen of `GET /api/v1/cases?due_for_follow_up=true` (or `overdue=true`): one per
/// entry of each case's `due_follow_ups`, earliest first, then by case id and number, as
/// kimflow::kim::follow_ups_due() orders them.
std::vector<kimflow::kim::DueFollowUp> follow_up_rows(const nlohmann::json& array);

/// The KIM figures from `GET /api/v1/reports/kim` (kimflow::kim::to_json(Report)). The JSON
/// holds each group's median and mean days to closure, not the days of each closure: the days
/// are made up so that they have that count, median and mean, which is all that to_table()
/// and to_csv() show of them.
kimflow::kim::Report kim_report_from_json(const nlohmann::json& j);

/// The Beschlusskontrolle from `GET /api/v1/reports/resolutions`. The JSON holds each row's
/// cells (last report, reason for delay, settled on …), not the whole resolution: each row's
/// data is made up of them so that to_table() and to_csv() write the same cells.
kimflow::resolution::Report resolution_report_from_json(const nlohmann::json& j);

}  // namespace kimctl
