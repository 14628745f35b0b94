// OParl 1.1 export: papers with their consultations, meetings with their agenda items, and the
// organizations they name (see kimflow/io/oparl.hpp for what is written).
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <tuple>
#include <utility>

#include "kimflow/core/text.hpp"
#include "kimflow/io/oparl.hpp"
#include "kimflow/resolution/resolution_engine.hpp"
#include "names.hpp"

namespace kimflow::oparl {
namespace {

using nlohmann::json;
using namespace kimflow::paper;
using namespace detail;

/// A paper as export sees it.
struct PaperRow {
    Paper data;
    std::string state;
    Timestamp created{}, modified{};
    std::string url;
    /// `kimflow:resolutions`, if the paper has any.
    json resolutions{};
};

/// The Beschlusskontrolle of @p p: its resolutions, in full where @p engine runs them.
json resolutions_of(const Paper& p, const resolution::ResolutionEngine* engine)
{
    json out = json::array();
    for (const ResolutionLink& link : p.resolutions) {
        json item = {{"id", link.id}, {"state", link.open() ? std::string("open") : link.outcome}};
        if (engine && engine->engine().contains(link.id)) {
            const auto view = engine->engine().view(link.id);
            const resolution::Resolution& r = view.data;
            item["state"] = std::string(view.state());
            item["office"] = r.office;
            item["task"] = r.task;
            item["due"] = format_date(r.due);
            if (r.original_due && *r.original_due != r.due) item["originalDue"] = format_date(*r.original_due);
            if (const resolution::ProgressReport* last = r.last_report())
                item["lastReport"] = {{"at", format_timestamp(last->at)}, {"text", last->text}};
            if (const std::string why = r.delay_reason(); !why.empty()) item["delayReason"] = why;
            if (r.overdue_since) item["overdueSince"] = format_timestamp(*r.overdue_since);
            if (r.done_at) item["doneAt"] = format_timestamp(*r.done_at);
            if (r.dropped_at) item["droppedAt"] = format_timestamp(*r.dropped_at);
            if (!r.completion_note.empty()) item["completionNote"] = r.completion_note;
            if (!r.drop_reason.empty()) item["dropReason"] = r.drop_reason;
        }
        out.push_back(std::move(item));
    }
    return out;
}

/// Consultation @p index of @p row on a meeting's agenda: the meeting's and the item's URLs.
using Placement = std::pair<std::string, std::string>;

std::string consultation_url(const PaperRow& row, std::size_t index)
{
    return row.url + "/consultation/" + std::to_string(index + 1);
}

/// URLs of the organizations named in @p rows: one per name, its slug made unique by a hash
/// where two names share one.
std::map<std::string, std::string> organization_urls(const std::vector<PaperRow>& rows, const std::string& base)
{
    std::set<std::string> names;
    for (const auto& row : rows) {
        names.insert(row.data.originator);
        names.insert(row.data.body);
        for (const auto& c : row.data.consultations) names.insert(c.organization);
    }
    names.erase("");
    std::map<std::string, std::vector<std::string>> by_slug;
    for (const auto& name : names) by_slug[slug(name)].push_back(name);
    std::map<std::string, std::string> urls;
    for (const auto& [s, same] : by_slug)
        for (const auto& name : same)
            urls[name] = base + "/organization/" + (same.size() == 1 ? s : s + "-" + short_hash(name));
    return urls;
}

json paper_object(const PaperRow& row, const std::string& base, const std::map<std::string, std::string>& orgs,
                  const std::map<std::pair<std::string, std::size_t>, Placement>& placed)
{
    const Paper& p = row.data;
    json out = {{"id", row.url},
                {"type", type_url("Paper")},
                {"name", p.title},
                {"reference", p.reference},
                {"paperType", std::string(to_string(p.type))},
                {"created", format_timestamp(row.created)},
                {"modified", format_timestamp(row.modified)},
                {"kimflow:state", row.state}};
    if (p.date) out["date"] = format_date(*p.date);
    if (!p.body.empty()) out["body"] = orgs.at(p.body);
    if (!p.originator.empty()) out["originatorOrganization"] = json::array({orgs.at(p.originator)});
    if (!p.related_papers.empty()) {
        json related = json::array();
        for (const auto& r : p.related_papers) related.push_back(base + "/paper/" + percent_encode(r));
        out["relatedPaper"] = std::move(related);
    }
    json consultations = json::array();
    for (std::size_t i = 0; i < p.consultations.size(); ++i) {
        const Consultation& c = p.consultations[i];
        json item = {{"id", consultation_url(row, i)},
                     {"type", type_url("Consultation")},
                     {"paper", row.url},
                     {"role", std::string(to_string(c.role))},
                     {"authoritative", c.authoritative}};
        if (!c.organization.empty()) item["organization"] = json::array({orgs.at(c.organization)});
        if (!c.source_id.empty()) item["kimflow:sourceId"] = c.source_id;
        if (auto it = placed.find({p.reference, i}); it != placed.end()) {
            item["meeting"] = it->second.first;
            item["agendaItem"] = it->second.second;
        }
        consultations.push_back(std::move(item));
    }
    if (!consultations.empty()) out["consultation"] = std::move(consultations);
    if (p.submitted_at) out["kimflow:submittedAt"] = format_timestamp(*p.submitted_at);
    if (!p.answer_reference.empty()) out["kimflow:answerReference"] = p.answer_reference;
    if (p.answered_at) out["kimflow:answeredAt"] = format_timestamp(*p.answered_at);
    if (!p.withdrawal_reason.empty()) out["kimflow:withdrawalReason"] = p.withdrawal_reason;
    if (!p.completion_note.empty()) out["kimflow:completionNote"] = p.completion_note;
    if (!p.type_name.empty()) out["kimflow:paperTypeName"] = p.type_name;
    if (p.answer_overdue_at) out["kimflow:answerOverdueAt"] = format_timestamp(*p.answer_overdue_at);
    if (!row.resolutions.empty()) out["kimflow:resolutions"] = row.resolutions;
    if (!p.source.empty()) {
        json source = {{"id", p.source.id}};
        if (!p.source.system.empty()) source["system"] = p.source.system;
        if (!p.source.oparl_version.empty()) source["oparlVersion"] = p.source.oparl_version;
        if (p.source.modified) source["modified"] = format_timestamp(*p.source.modified);
        out["kimflow:source"] = std::move(source);
    }
    return out;
}

}  // namespace

Export export_papers(const PaperEngine& engine, const ExportOptions& options)
{
    std::string base = options.base_url;
    while (!base.empty() && base.back() == '/') base.pop_back();
    std::vector<PaperRow> rows;
    for (const auto& id : engine.find(InstanceQuery{})) {
        auto view = engine.view(id);
        const auto history = engine.history(id);
        PaperRow row{std::move(view.data), std::string(engine.state(id)), view.created_at, view.created_at, {}, {}};
        if (!history.empty()) {
            row.created = history.front().at;
            row.modified = history.back().at;
        }
        row.url = base + "/paper/" + percent_encode(id);
        if (!row.data.resolutions.empty()) row.resolutions = resolutions_of(row.data, options.resolutions);
        rows.push_back(std::move(row));
    }
    const auto orgs = organization_urls(rows, base);

    // Meetings: one per committee and day, its agenda in TOP order.
    struct Item {
        const PaperRow* row;
        std::size_t index;
    };
    std::map<std::pair<std::string, Date>, std::vector<Item>> agendas;
    for (const auto& row : rows)
        for (std::size_t i = 0; i < row.data.consultations.size(); ++i) {
            const Consultation& c = row.data.consultations[i];
            if (c.status != ConsultationStatus::planned && c.meeting_date)
                agendas[{c.organization, *c.meeting_date}].push_back({&row, i});
        }
    Export out;
    std::map<std::pair<std::string, std::size_t>, Placement> placed;
    for (auto& [key, items] : agendas) {
        const auto& [committee, day] = key;
        auto top = [](const Item& x) -> const std::string& { return x.row->data.consultations[x.index].agenda_item; };
        std::sort(items.begin(), items.end(), [&](const Item& a, const Item& b) {
            if (top(a).empty() != top(b).empty()) return top(b).empty();
            if (natural_less(top(a), top(b)) || natural_less(top(b), top(a))) return natural_less(top(a), top(b));
            return std::tie(a.row->data.reference, a.index) < std::tie(b.row->data.reference, b.index);
        });
        const std::string& org = orgs.at(committee);
        const std::string url = base + "/meeting/" + format_date(day) + "-" + org.substr(org.rfind('/') + 1);
        json meeting = {{"id", url},
                        {"type", type_url("Meeting")},
                        {"name", "Sitzung " + committee + ", " + format_date(day)},
                        {"start", format_date(day) + "T00:00:00Z"},
                        {"organization", json::array({org})}};
        json agenda = json::array();
        for (std::size_t n = 0; n < items.size(); ++n) {
            const PaperRow& row = *items[n].row;
            const Consultation& c = row.data.consultations[items[n].index];
            const std::string item_url = url + "/agendaItem/" + std::to_string(n + 1);
            json item = {{"id", item_url},         {"type", type_url("AgendaItem")},
                         {"meeting", url},         {"order", n + 1},
                         {"name", row.data.title}, {"consultation", consultation_url(row, items[n].index)}};
            if (!c.agenda_item.empty()) item["number"] = c.agenda_item;
            if (c.status == ConsultationStatus::treated && !c.result.empty()) {
                item["result"] = c.result;
                meeting["meetingState"] = "durchgeführt";
            }
            agenda.push_back(std::move(item));
            placed[{row.data.reference, items[n].index}] = {url, item_url};
        }
        meeting["agendaItem"] = std::move(agenda);
        out.meetings.push_back(std::move(meeting));
    }
    for (const auto& row : rows) out.papers.push_back(paper_object(row, base, orgs, placed));
    for (const auto& [name, url] : orgs)
        out.organizations.push_back({{"id", url}, {"type", type_url("Organization")}, {"name", name}});
    auto by_id = [](const json& a, const json& b) {
        return a.at("id").get<std::string>() < b.at("id").get<std::string>();
    };
    std::sort(out.meetings.begin(), out.meetings.end(), by_id);
    std::sort(out.organizations.begin(), out.organizations.end(), by_id);
    return out;
}

namespace {

// Writes @p text to @p path through a new file beside it (made exclusively by mkstemp, so never
// through a symlink someone placed) and an atomic rename: readers see the old file or the new
// one, and a symlink at @p path is replaced itself, its target left as it is.
void write_replacing(const std::string& path, const std::string& text)
{
    std::string temporary = path + ".XXXXXX";
    const int fd = ::mkstemp(temporary.data());
    const auto fail = [&](const char* what) {
        const std::string why = std::strerror(errno);
        if (fd >= 0) ::close(fd);
        ::unlink(temporary.c_str());
        throw Error(std::string("cannot ") + what + " " + path + ": " + why +
                    "; check that the folder is writable and the disk not full");
    };
    if (fd < 0) fail("create a file for");
    for (std::size_t done = 0; done < text.size();) {
        const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) fail("write");
        done += static_cast<std::size_t>(n);
    }
    if (::fchmod(fd, 0644) != 0 || ::close(fd) != 0) {
        ::unlink(temporary.c_str());
        throw Error("cannot write " + path + ": " + std::strerror(errno));
    }
    if (::rename(temporary.c_str(), path.c_str()) != 0) {
        const std::string why = std::strerror(errno);
        ::unlink(temporary.c_str());
        throw Error("cannot write " + path + ": " + why);
    }
}

}  // namespace

std::vector<std::string> write_export(const Export& exported, const std::string& dir)
{
    namespace fs = std::filesystem;
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) throw Error("cannot create the folder " + dir + ": " + ec.message());
    std::set<std::string> taken;  // lower case: some file systems ignore case
    std::vector<std::string> written;
    auto write = [&](const json& object, const std::string& kind, const std::string& key) {
        const std::string stem = kind + "-" + safe_file_name(key);
        std::string name = stem + ".json";
        for (int n = 2; !taken.insert(kimflow::fold_case(name)).second; ++n)
            name = stem + "-" + std::to_string(n) + ".json";
        const std::string path = (fs::path(dir) / name).string();
        write_replacing(path, object.dump(2, ' ', false, json::error_handler_t::replace) + '\n');
        written.push_back(path);
    };
    auto last_segment = [](const json& o) {
        const auto id = o.at("id").get<std::string>();
        return id.substr(id.rfind('/') + 1);
    };
    for (const auto& p : exported.papers) write(p, "paper", p.value("reference", last_segment(p)));
    for (const auto& m : exported.meetings) write(m, "meeting", last_segment(m));
    for (const auto& o : exported.organizations) write(o, "organization", last_segment(o));
    return written;
}

json as_list(const Export& exported)
{
    json data = json::array();
    for (const auto* part : {&exported.papers, &exported.meetings, &exported.organizations})
        for (const auto& object : *part) data.push_back(object);
    return {{"data", std::move(data)}};
}

}  // namespace kimflow::oparl
