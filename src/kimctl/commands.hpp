// kimctl's commands, one function each; main.cpp parses the command line and calls them.
// Each throws kimflow's errors (or UsageError/ToolError), which main.cpp turns into exit codes.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <kimflow/kim/follow_up.hpp>
#include <kimflow/kim/report.hpp>

#include "context.hpp"

namespace kimctl {

struct PaperCreateArgs {
    std::string reference;
    std::string type;
    std::string title;
    std::string date;
    std::string originator;
    std::string body;
    /// "ORG|ROLE[|authoritative]" each.
    std::vector<std::string> consultations;
};

struct CaseOpenArgs {
    std::string id;
    std::string kommune;
    std::string traeger;
    std::string manager;
    std::string kreis;
};

struct ListArgs {
    std::string state;
    std::string traeger;
    std::string kommune;
    std::string originator;
    std::string body;
    bool overdue = false;
    bool due_for_follow_up = false;
    /// Cases: with --due-for-follow-up (or --overdue), the Wiedervorlagen from/to these days
    /// (YYYY-MM-DD or DD.MM.YYYY; --to defaults to today, before today with --overdue).
    std::string from;
    std::string to;
    /// Cases of this case manager (staff id).
    std::string manager;
    /// --csv: the list as CSV for German Excel.
    bool csv = false;
};

struct FireArgs {
    std::string id;
    std::string event;
    std::vector<std::string> fields;
    std::optional<std::uint64_t> expected_version;
};

struct DenialArgs {
    /// "paper" or "case"; empty: both.
    std::string lifecycle;
    std::string id;
};

// paper_commands.cpp
void paper_create(Context& ctx, const PaperCreateArgs& args);
void paper_show(Context& ctx, const std::string& id);
void paper_history(Context& ctx, const std::string& id);
void paper_fire(Context& ctx, const FireArgs& args);
void paper_list(Context& ctx, const ListArgs& args);
void paper_events(Context& ctx);

// case_commands.cpp
void case_open(Context& ctx, const CaseOpenArgs& args);
void case_show(Context& ctx, const std::string& id);
void case_history(Context& ctx, const std::string& id);
void case_fire(Context& ctx, const FireArgs& args);
void case_list(Context& ctx, const ListArgs& args);
void case_events(Context& ctx);
/// The format `report --csv` asks for: CSV as German Excel opens it (`--format csv` is RFC 4180).
inline constexpr const char* kExcel = "excel";
/// `report kim` in @p format: "table" (German labels), "csv" (RFC 4180) or kExcel.
void kim_report(Context& ctx, const std::string& from, const std::string& to, const std::string& format);
/// The text of @p report in @p format ("table", "csv" or kExcel), on the file and through a server alike.
std::string kim_report_text(const kimflow::kim::Report& report, const std::string& format);

// The checks of the list and report options, made before anything is asked of the file or the
// server (kimctl --server checks them as a local run does).
/// `list paper`'s options. @throws UsageError for one that selects cases
void check_paper_list(const ListArgs& args);
/// `list case`'s options. @throws UsageError for one that selects papers, or contradicting ones
void check_case_list(const ListArgs& args);
/// The Wiedervorlagen `list case --due-for-follow-up` (or `--overdue`) asks for on @p today.
/// @throws UsageError for a day that does not parse, or --to before --from
kimflow::kim::FollowUpQuery follow_up_query(const ListArgs& args, kimflow::Date today);
/// `report kim --from D --to D`. @throws UsageError for a day that does not parse, or --to before --from
std::pair<kimflow::Date, kimflow::Date> kim_report_period(const std::string& from, const std::string& to);

// tool_commands.cpp
void init(Context& ctx);

// privacy_commands.cpp
void purge(Context& ctx);
void denials(Context& ctx, const DenialArgs& args);
void diagram(Context& ctx, Kind kind, const std::string& format, const std::string& output);

}  // namespace kimctl
