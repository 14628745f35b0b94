// kimctl's resolution commands (Beschlusskontrolle): create, show, history, fire, list, events,
// and the committee's report.
#pragma once

#include <string>

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
};

struct ResolutionReportArgs {
    std::string committee;
    std::string from;
    std::string to;
    std::string format = "table";
};

void resolution_create(Context& ctx, const ResolutionCreateArgs& args);
void resolution_show(Context& ctx, const std::string& id);
void resolution_history(Context& ctx, const std::string& id);
void resolution_fire(Context& ctx, const FireArgs& args);
void resolution_list(Context& ctx, const ResolutionListArgs& args);
void resolution_events(Context& ctx);
void resolution_report(Context& ctx, const ResolutionReportArgs& args);

/// Label-value lines and tables describing a resolution for people.
std::vector<std::pair<std::string, std::string>> describe(const kimflow::resolution::Resolution& r);
std::string detail_tables(const kimflow::resolution::Resolution& r);

}  // namespace kimctl
