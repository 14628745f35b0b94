/// @file
/// The Beschlusskontrolle report a Sitzungsdienst puts on a committee's next agenda: per
/// committee, what was decided in a period, what is open, what is overdue (with office, due
/// date, last progress report and reason for delay) and what was done or dropped since the
/// period began; as data, an aligned German table, CSV and JSON.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "kimflow/io/csv.hpp"
#include "kimflow/resolution/resolution_engine.hpp"
#include "kimflow/resolution/status.hpp"

namespace kimflow::resolution {

/// One resolution as the report lists it.
struct ReportRow {
    /// The resolution's id.
    std::string id;
    /// Its data.
    Resolution data;
    /// Its state (stable id).
    std::string state;
    /// Its status on the report's day.
    Status status = Status::on_time;
};

/// What the report says about one committee.
struct CommitteeSection {
    /// The committee (empty for resolutions of papers without a deciding committee).
    std::string committee;
    /// Resolutions of decisions made in the period.
    std::vector<ReportRow> decided;
    /// To be carried out and not overdue on the report's day (im Plan, bald fällig).
    std::vector<ReportRow> open;
    /// Overdue on the report's day, most overdue first.
    std::vector<ReportRow> overdue;
    /// Done or dropped in the period.
    std::vector<ReportRow> settled;
};

/// Which resolutions a report covers.
struct ReportQuery {
    /// Only this committee's (empty: every committee).
    std::string committee{};
    /// First day of the period.
    Date from{};
    /// Last day of the period: the report's day, for the status.
    Date to{};
};

/// The Beschlusskontrolle report.
struct Report {
    /// The first day of the period.
    Date from{};
    /// The last day of the period: the day the status is given for.
    Date to{};
    /// One section per committee, by name.
    std::vector<CommitteeSection> committees;
};

/// The report for @p query over the resolutions @p actor may read (every one for no actor), as
/// they stood at the end of `query.to`: for a past period, what was recorded after it (a report,
/// an extension, completion) is left out.
/// @throws NotPermitted if the policy lets @p actor read no resolution
Report report(const ResolutionEngine& engine, const ReportQuery& query, const Actor* actor = nullptr);

/// An aligned table for the terminal, German, one block per committee.
std::string to_table(const Report& report);
/// CSV (RFC 4180, UTF-8): one row per resolution and section, with columns
/// `committee,section,id,paper,office,task,decided_on,due,original_due,status,overdue_since,last_report_at,last_report,delay_reason,settled_at,note`
/// (`overdue_since`: the day a tick recorded the current due date as passed).
std::string to_csv(const Report& report);
/// The CSV of to_csv(const Report&) in @p dialect: rfc4180 is to_csv(const Report&) itself;
/// german_excel has German column titles (the labels of the fields, labels.hpp), the sections
/// and statuses by their German labels, dates as TT.MM.JJJJ, and what csv_document() does for
/// German Excel.
/// @param report the report
/// @param dialect how to write it
std::string to_csv(const Report& report, CsvDialect dialect);
/// JSON: `{"from", "to", "committees": [{"committee", "decided": [...], "open": [...],
/// "overdue": [...], "settled": [...]}]}`, each resolution with its fields by their English ids.
std::string to_json(const Report& report);

}  // namespace kimflow::resolution
