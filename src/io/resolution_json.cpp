// A resolution's data as JSON.
#include "kimflow/io/resolution_json.hpp"

namespace kimflow::resolution {

namespace {
void put_text(nlohmann::json& j, const char* key, const std::string& text)
{
    if (!text.empty()) j[key] = text;
}
void put_time(nlohmann::json& j, const char* key, const std::optional<Timestamp>& t)
{
    if (t) j[key] = format_timestamp(*t);
}
void put_date(nlohmann::json& j, const char* key, const std::optional<Date>& d)
{
    if (d) j[key] = format_date(*d);
}
}  // namespace

nlohmann::json to_json(const Resolution& r)
{
    nlohmann::json j{{"paper", r.paper}, {"office", r.office}, {"task", r.task}, {"due", format_date(r.due)}};
    put_text(j, "committee", r.committee);
    put_text(j, "body", r.body);
    put_date(j, "decided_on", r.decided_on);
    put_date(j, "original_due", r.original_due);
    put_time(j, "started_at", r.started_at);
    j["reports"] = nlohmann::json::array();
    for (const auto& p : r.reports) {
        nlohmann::json report{{"at", format_timestamp(p.at)}, {"text", p.text}};
        put_text(report, "delay_reason", p.delay_reason);
        put_date(report, "new_due", p.new_due);
        j["reports"].push_back(std::move(report));
    }
    j["extensions"] = nlohmann::json::array();
    for (const auto& e : r.extensions)
        j["extensions"].push_back(
            {{"at", format_timestamp(e.at)}, {"from", format_date(e.from)}, {"to", format_date(e.to)}, {"reason", e.reason}});
    put_date(j, "overdue_for", r.overdue_for);
    put_time(j, "overdue_since", r.overdue_since);
    put_time(j, "done_at", r.done_at);
    put_text(j, "completion_note", r.completion_note);
    put_time(j, "dropped_at", r.dropped_at);
    put_text(j, "drop_reason", r.drop_reason);
    return j;
}

}  // namespace kimflow::resolution
