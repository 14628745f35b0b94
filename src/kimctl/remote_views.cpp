// kimflowd's JSON read back into the values of views.hpp and the reports' types.
#include "remote_views.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include <kimflow/core/fields.hpp>
#include <kimflow/io/json.hpp>
#include <kimflow/io/resolution_json.hpp>

namespace kimctl {

using namespace kimflow;
using nlohmann::json;

namespace {

Actor actor_from_json(const json& j)
{
    return Actor{j.at("id").get<std::string>(), j.value("role", ""), j.value("organization", "")};
}

std::vector<std::string> texts(const json& array)
{
    std::vector<std::string> out;
    for (const auto& item : array) out.push_back(item.get<std::string>());
    return out;
}

std::optional<Date> day_or_none(const json& j, const char* key)
{
    if (!j.contains(key) || j[key].is_null()) return std::nullopt;
    return parse_date(j[key].get<std::string>());
}

template <class E>
E enumerator(const json& j)
{
    return parse_enum<E>(j.get<std::string>());
}

template <class Data>
Shown<Data> shown_from_json(const json& j, Data (*data_from_json)(const json&))
{
    Shown<Data> s;
    s.id = j.at("id").get<std::string>();
    s.state = j.at("state").get<std::string>();
    s.states = texts(j.at("states"));
    s.version = j.at("version").get<std::uint64_t>();
    s.allowed_events = texts(j.at("allowed_events"));
    s.created_at = parse_timestamp(j.at("created_at").get<std::string>());
    s.created_by = actor_from_json(j.at("created_by"));
    if (j.contains("erased_at")) s.erased_at = parse_timestamp(j["erased_at"].get<std::string>());
    s.data = data_from_json(j.at("data"));
    if (j.contains("history")) s.history = history_from_json(j["history"]);
    return s;
}

/// Days to closure with @p median and @p mean: the fewest that have both (see the header).
std::vector<long> days_with(const std::optional<double>& median, const std::optional<double>& mean)
{
    if (!median || !mean) return {};
    const long long twice = std::llround(*median * 2);
    for (long n = 1; n <= 1000000; ++n) {
        const long long sum = std::llround(*mean * static_cast<double>(n));
        if (static_cast<double>(sum) / static_cast<double>(n) != *mean) continue;
        const long long lo = static_cast<long long>(std::floor(static_cast<double>(twice) / 2.0)), hi = twice - lo;
        if (n % 2 == 1 && lo != hi) continue;  // an odd count has a whole median
        std::vector<long> days(static_cast<std::size_t>(n));
        for (long i = 0; i < n; ++i) days[static_cast<std::size_t>(i)] = static_cast<long>(i < n / 2 ? lo : hi);
        const long long rest = sum - std::accumulate(days.begin(), days.end(), 0LL);
        if (rest != 0 && n <= 2) continue;  // one or two days are the median itself
        if (rest > 0) days.back() += static_cast<long>(rest);
        if (rest < 0) days.front() += static_cast<long>(rest);
        kim::Figures check;
        check.days_to_closure = days;
        if (check.median_days() == median && check.mean_days() == mean) return days;
    }
    return {};
}

kim::Figures figures_from_json(const json& j)
{
    kim::Figures f;
    f.opened = j.at("opened").get<std::size_t>();
    for (const auto& [name, n] : j.at("closed_by_reason").items())
        f.closed_by_reason[parse_enum<kim::ClosureReason>(name)] = n.get<std::size_t>();
    for (const auto& [name, n] : j.at("aborted_by_reason").items())
        f.aborted_by_reason[parse_enum<kim::ClosureReason>(name)] = n.get<std::size_t>();
    for (const auto& [phase, n] : j.at("active_by_phase").items()) f.active_by_phase[phase] = n.get<std::size_t>();
    for (const auto& [name, n] : j.at("referrals_by_rechtskreis").items())
        f.referrals_by_rechtskreis[parse_enum<kim::Rechtskreis>(name)] = n.get<std::size_t>();
    const auto number = [&](const char* key) {
        const json& v = j.at(key);
        return v.is_null() ? std::nullopt : std::optional<double>(v.get<double>());
    };
    f.days_to_closure = days_with(number("median_days_to_closure"), number("mean_days_to_closure"));
    f.follow_ups_overdue = j.at("follow_ups_overdue").get<std::size_t>();
    return f;
}

/// A report row's resolution, made of its cells so that the report's cells come out the same.
resolution::ReportRow report_row_from_json(const json& j, const std::string& committee)
{
    using resolution::Status;
    resolution::ReportRow row;
    row.id = j.at("id").get<std::string>();
    row.state = j.at("state").get<std::string>();
    row.status = enumerator<Status>(j.at("status"));
    resolution::Resolution& r = row.data;
    r.paper = j.at("paper").get<std::string>();
    r.office = j.at("office").get<std::string>();
    r.task = j.at("task").get<std::string>();
    r.due = parse_date(j.at("due").get<std::string>());
    r.committee = committee;
    r.decided_on = day_or_none(j, "decided_on");
    r.original_due = day_or_none(j, "original_due");
    const auto text = [&](const char* key) { return j.value(key, json()).is_string() ? j[key].get<std::string>() : ""; };
    if (const auto at = day_or_none(j, "last_report_at"))
        r.reports.push_back(resolution::ProgressReport{start_of(*at), text("last_report"), "", std::nullopt});
    if (const std::string why = text("delay_reason"); !why.empty())
        r.extensions.push_back(resolution::Extension{start_of(r.due), r.due, r.due, why});
    if (const auto since = day_or_none(j, "overdue_since")) {
        r.overdue_since = start_of(*since);
        r.overdue_for = r.due;
    }
    const auto settled = day_or_none(j, "settled_at");
    if (settled && row.status == Status::done) {
        r.done_at = start_of(*settled);
        r.completion_note = text("note");
    } else {
        if (settled) r.dropped_at = start_of(*settled);
        r.drop_reason = text("note");
    }
    return row;
}

}  // namespace

HistoryRow history_row_from_json(const json& j)
{
    return HistoryRow{j.at("version").get<std::uint64_t>(), parse_timestamp(j.at("at").get<std::string>()),
                      j.at("event").get<std::string>(),      j.at("from").get<std::string>(),
                      j.at("to").get<std::string>(),         actor_from_json(j.at("actor")),
                      j.value("payload", "")};
}

std::vector<HistoryRow> history_from_json(const json& array)
{
    std::vector<HistoryRow> rows;
    for (const auto& entry : array) rows.push_back(history_row_from_json(entry));
    return rows;
}

Shown<paper::Paper> paper_shown(const json& j) { return shown_from_json(j, &paper::paper_data_from_json); }

Shown<kim::KimCase> case_shown(const json& j) { return shown_from_json(j, &kim::case_from_json); }

Shown<resolution::Resolution> resolution_shown(const json& j)
{
    return shown_from_json(j, &resolution::resolution_from_json);
}

std::vector<PaperListed> paper_rows(const json& array)
{
    std::vector<PaperListed> rows;
    for (const auto& item : array) {
        PaperListed row{paper_shown(item), {}};
        if (item.contains("overdue"))
            for (const auto& o : item["overdue"])
                row.overdue.push_back(paper::OverduePaper{row.paper.id, row.paper.state,
                                                          enumerator<paper::Overdue>(o.at("what")),
                                                          parse_date(o.at("due").get<std::string>())});
        rows.push_back(std::move(row));
    }
    return rows;
}

std::vector<Shown<kim::KimCase>> case_rows(const json& array)
{
    std::vector<Shown<kim::KimCase>> rows;
    for (const auto& item : array) rows.push_back(case_shown(item));
    return rows;
}

std::vector<ResolutionListed> resolution_rows(const json& array)
{
    std::vector<ResolutionListed> rows;
    for (const auto& item : array)
        rows.push_back(ResolutionListed{resolution_shown(item), enumerator<resolution::Status>(item.at("status"))});
    return rows;
}

std::vector<kim::DueFollowUp> follow_up_rows(const json& array)
{
    std::vector<kim::DueFollowUp> due;
    for (const auto& item : array) {
        const Shown<kim::KimCase> c = case_shown(item);
        for (const auto& w : item.at("due_follow_ups"))
            due.push_back(kim::DueFollowUp{c.id, c.state, c.data.traeger, c.data.manager,
                                           parse_date(w.at("date").get<std::string>()), w.at("number").get<std::size_t>(),
                                           w.value("subject", "")});
    }
    std::sort(due.begin(), due.end(), [](const kim::DueFollowUp& a, const kim::DueFollowUp& b) {
        if (a.due != b.due) return a.due < b.due;
        return a.case_id != b.case_id ? a.case_id < b.case_id : a.number < b.number;
    });
    return due;
}

kim::Report kim_report_from_json(const json& j)
{
    kim::Report report;
    report.from = parse_date(j.at("from").get<std::string>());
    report.to = parse_date(j.at("to").get<std::string>());
    for (const auto& g : j.at("by_kommune")) report.by_kommune.push_back({g.at("group").get<std::string>(), figures_from_json(g)});
    for (const auto& g : j.at("by_traeger")) report.by_traeger.push_back({g.at("group").get<std::string>(), figures_from_json(g)});
    report.total = figures_from_json(j.at("total"));
    return report;
}

resolution::Report resolution_report_from_json(const json& j)
{
    resolution::Report report;
    report.from = parse_date(j.at("from").get<std::string>());
    report.to = parse_date(j.at("to").get<std::string>());
    for (const auto& s : j.at("committees")) {
        resolution::CommitteeSection section;
        section.committee = s.at("committee").get<std::string>();
        const std::pair<const char*, std::vector<resolution::ReportRow>*> parts[] = {
            {"decided", &section.decided}, {"open", &section.open}, {"overdue", &section.overdue},
            {"settled", &section.settled}};
        for (const auto& [name, rows] : parts)
            for (const auto& row : s.at(name)) rows->push_back(report_row_from_json(row, section.committee));
        report.committees.push_back(std::move(section));
    }
    return report;
}

}  // namespace kimctl
