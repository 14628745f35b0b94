// kimctl's resolution commands (Beschlusskontrolle): create, show, history, fire, list, events,
// and the committee's report.
#pragma once

#include <string>

#include <kimflow/resolution/report.hpp>
#include <kimflow/resolution/resolution.hpp>

#include "commands.hpp"

namespace kimctl {

struct ResolutionCreateArgs {
    std::string id;
    std::string paper;
    std::string office;
    std::string due;
    std::string task;
};

struct ResolutionListArgs {
    std::string state;
    std::string office;
    std::string committee;
    bool overdue = false;
    /// --csv: the list as CSV for German Excel.
    bool csv = false;
};

struct ResolutionReportArgs {
    std::string committee;
    std::string from;
    std::string to;
    /// "table", "json", "csv" (RFC 4180) or kExcel (`--csv`: German Excel).
    std::string format = "table";
};

void resolution_create(Context& ctx, const ResolutionCreateArgs& args);
void resolution_show(Context& ctx, const std::string& id);
void resolution_history(Context& ctx, const std::string& id);
void resolution_fire(Context& ctx, const FireArgs& args);
void resolution_list(Context& ctx, const ResolutionListArgs& args);
void resolution_events(Context& ctx);
void resolution_report(Context& ctx, const ResolutionReportArgs& args);
/// The text of @p report in @p format ("table", "csv" or kExcel), on the file and through a server alike.
std::string resolution_report_text(const kimflow::resolution::Report& report, const std::string& format);
/// The period and committee `report resolutions` asks for on @p today (without --from: the
/// 1st of January of --to's year; without --to: today). @throws UsageError
kimflow::resolution::ReportQuery resolution_report_query(const ResolutionReportArgs& args, kimflow::Date today);

}  // namespace kimctl
