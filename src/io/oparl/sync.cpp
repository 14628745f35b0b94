// The OParl sync: System → bodies → each body's organization, meeting and paper lists, imported
// page by page with import_papers(); the store settings it keeps are listed in oparl_sync.hpp.
#include "kimflow/io/oparl_sync.hpp"

#include <algorithm>
#include <chrono>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "http_client.hpp"
#include "names.hpp"
#include "kimflow/core/time.hpp"
#include "kimflow/store/store.hpp"

namespace kimflow::oparl {

namespace {

using detail::Fetched;
using detail::HttpClient;
using detail::id_key;
using detail::percent_encode;
using nlohmann::json;

/// The sync point lies this far before the run's start: the RIS's clock is not ours, and an
/// object written while the run read its lists may carry a time from before the run began.
constexpr std::chrono::minutes kSafetyMargin{5};

bool ends_with(std::string_view s, std::string_view tail)
{
    return s.size() >= tail.size() && s.substr(s.size() - tail.size()) == tail;
}

/// Member @p key of @p j if it is a text, else empty.
std::string text_of(const json& j, const char* key)
{
    if (!j.is_object()) return {};
    auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

/// URLs under @p key: one text, or a list of texts (RIS write single links either way).
void links_of(const json& j, const char* key, std::vector<std::string>& out)
{
    if (!j.is_object()) return;
    auto it = j.find(key);
    if (it == j.end()) return;
    if (it->is_string()) out.push_back(it->get<std::string>());
    if (it->is_array())
        for (const auto& v : *it)
            if (v.is_string()) out.push_back(v.get<std::string>());
}

/// @p url with the query parameter @p name=@p value added (before a fragment, if any).
std::string with_parameter(const std::string& url, const std::string& name, const std::string& value)
{
    const auto hash = url.find('#');
    std::string head = url.substr(0, hash);
    const std::string tail = hash == std::string::npos ? std::string() : url.substr(hash);
    if (head.find('?') == std::string::npos)
        head += '?';
    else if (head.back() != '?' && head.back() != '&')
        head += '&';
    return head + name + "=" + percent_encode(value) + tail;
}

bool has_parameter(const std::string& url, const std::string& name)
{
    return url.find("?" + name + "=") != std::string::npos || url.find("&" + name + "=") != std::string::npos;
}

/// The objects of a list page `{"data": [...]}`, and what RIS serve instead: a bare array, an
/// error object for an empty list, one object for a list of one.
std::vector<json> objects_of(const json& page)
{
    std::vector<json> out;
    const json* items = &page;
    if (page.is_object()) {
        auto data = page.find("data");
        if (data != page.end() && data->is_array())
            items = &*data;
        else if (page.contains("error") || !page.contains("type"))
            return out;
        else
            return {page};
    }
    if (items->is_array())
        for (const auto& o : *items)
            if (o.is_object() || o.is_string()) out.push_back(o);
    return out;
}

std::string next_of(const json& page)
{
    return page.is_object() && page.contains("links") ? text_of(page["links"], "next") : std::string();
}

/// `Seite 3 von 12` where the page says where it stands (a resumed list starts in the middle),
/// else `Seite 3`, counted by this run.
std::string page_text(const json& page, std::size_t number)
{
    const json* p = page.is_object() && page.contains("pagination") ? &page["pagination"] : nullptr;
    const auto field = [&](const char* key) -> std::size_t {
        return p && p->is_object() && p->contains(key) && (*p)[key].is_number_unsigned() ? (*p)[key].get<std::size_t>()
                                                                                          : 0;
    };
    const std::size_t current = field("currentPage"), total = field("totalPages");
    return "Seite " + std::to_string(current ? current : number) + (total ? " von " + std::to_string(total) : "");
}

/// The reports of the batches as one: a paper created by one batch and advanced by a later one
/// was created by the sync; what several batches say about the context they share counts once.
class Merge {
public:
    /// Adds @p r. @p base is an import of the context alone: its counts are taken off, for the
    /// context is read again with every batch.
    void add(const ImportResult& r, const ImportResult& base)
    {
        for (const auto& id : r.unchanged) rank(id, 0);
        for (const auto& id : r.advanced) rank(id, 1);
        for (const auto& id : r.created) rank(id, 2);
        collect(r.skipped, out_.skipped);
        collect(r.quarantined, out_.quarantined);
        collect(r.warnings, out_.warnings);
        out_.context_objects += r.context_objects - std::min(r.context_objects, base.context_objects);
        for (const auto& [version, n] : r.versions) {
            auto b = base.versions.find(version);
            out_.versions[version] += n - (b == base.versions.end() ? 0 : std::min(n, b->second));
        }
    }
    /// The context's own figures, once.
    void add_base(const ImportResult& base)
    {
        out_.context_objects += base.context_objects;
        for (const auto& [version, n] : base.versions) out_.versions[version] += n;
    }

    ImportResult result() const
    {
        ImportResult out = out_;
        for (const auto& [id, r] : rank_) (r == 2 ? out.created : r == 1 ? out.advanced : out.unchanged).push_back(id);
        return out;
    }

private:
    void rank(const std::string& id, int r)
    {
        auto [it, fresh] = rank_.emplace(id, r);
        if (!fresh) it->second = std::max(it->second, r);
    }
    void collect(const std::vector<ObjectReport>& from, std::vector<ObjectReport>& into)
    {
        for (const auto& o : from)
            if (seen_.insert({static_cast<int>(o.outcome), o.file, o.path, o.id, o.reference, o.reason}).second)
                into.push_back(o);
    }

    ImportResult out_;
    std::map<std::string, int> rank_;  // 0 unchanged, 1 advanced, 2 created
    std::set<std::tuple<int, std::string, std::string, std::string, std::string, std::string>> seen_;
};

/// One body's sync.
class BodySync {
public:
    BodySync(paper::PaperEngine& engine, const Actor& actor, const SyncOptions& options, const ImportOptions& import,
             HttpClient& http, SyncReport& report, Merge& merge)
        : engine_(engine), store_(*engine.store()), actor_(actor), options_(options), import_(import), http_(http),
          report_(report), merge_(merge)
    {
    }

    void run(const json& body, const std::string& url)
    {
        const std::string id = text_of(body, "id").empty() ? url : text_of(body, "id");
        const std::string key = "oparl:sync:" + id, next_key = key + ":next", started_key = key + ":started";
        const std::string papers = text_of(body, "paper");
        if (papers.empty()) throw SyncError(url, 0, "the Body names no paper list (`paper`)");

        std::optional<std::string> since = options_.full ? std::nullopt : setting(key);
        std::optional<std::string> resume = setting(next_key);
        // A full run resumes only a full run: the page to resume from carries its run's filter.
        if (resume && options_.full && has_parameter(*resume, "modified_since")) resume.reset();
        std::optional<std::string> started = resume ? setting(started_key) : std::nullopt;
        if (!started) {
            const auto now = std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
            started = format_timestamp(Timestamp(now - kSafetyMargin));
        }
        incremental_ = since.has_value();
        report_.incremental = report_.incremental || incremental_;
        say("Körperschaft " + (text_of(body, "name").empty() ? id : text_of(body, "name")) +
            (since ? ": Änderungen seit " + *since : ": vollständiger Abgleich"));

        context_.push_back({url, body.dump()});
        const auto filtered = [&](const std::string& list) {
            return since ? with_parameter(list, "modified_since", *since) : list;
        };
        for (const char* list : {"organization", "meeting"}) {
            const std::string list_url = text_of(body, list);
            if (list_url.empty()) continue;
            walk(filtered(list_url), std::string(list) == "meeting" ? "Sitzungen" : "Gremien",
                 [&](Fetched page, const std::vector<json>& objects) {
                     for (const auto& o : objects) {
                         known_.insert(id_key(text_of(o, "id")));
                         if (ends_with(text_of(o, "type"), "/Meeting")) meetings_.push_back(o);
                     }
                     context_.push_back({page.url, std::move(page.text)});
                 });
        }
        // Changed meetings may belong to committees that did not change.
        if (incremental_) {
            std::vector<const json*> meetings;
            for (const auto& m : meetings_) meetings.push_back(&m);
            for (auto& source : fill_gaps(meetings)) context_.push_back(std::move(source));
            for (const auto& extra : extras_) known_.insert(extra.first);  // every batch has them now
        }
        base_ = import_papers(engine_, context_, actor_, import_);
        merge_.add_base(base_);

        if (resume && !resume->empty()) say("Fortsetzung bei " + *resume);
        walk(resume && !resume->empty() ? *resume : filtered(papers), "Vorlagen",
             [&](const Fetched& page, const std::vector<json>& objects) {
                 std::vector<const json*> batch;
                 for (const auto& o : objects) batch.push_back(&o);
                 import_batch(batch, {ImportSource{page.url, page.text}});
                 // The page is in: a run cut short later resumes after it. (Import commits first:
                 // a run stopped in between imports this page again, which changes nothing.)
                 const std::string next = next_of(page.json);
                 if (!next.empty()) {
                     store_.put_setting(next_key, next);
                     store_.put_setting(started_key, *started);
                 }
             });
        if (incremental_) papers_of_changed_meetings();

        store_.begin();
        try {
            store_.put_setting(key, *started);
            store_.put_setting(next_key, "");
            store_.put_setting(started_key, "");
            store_.commit();
        } catch (...) {
            store_.rollback();
            throw;
        }
        report_.bodies.push_back(url);
    }

private:
    std::optional<std::string> setting(const std::string& key)
    {
        auto value = store_.setting(key);
        if (value && value->empty()) return std::nullopt;
        return value;
    }

    void say(const std::string& line) const
    {
        if (options_.progress) options_.progress(line);
    }

    /// Reads the list at @p url page by page, following `links.next`, and hands each page on.
    template <class OnPage>
    void walk(std::string url, const std::string& what, OnPage on_page)
    {
        std::set<std::string> seen;
        for (std::size_t number = 1; !url.empty(); ++number) {
            if (!seen.insert(url).second) {
                say(what + ": " + url + " verweist auf eine schon gelesene Seite; Liste beendet");
                break;
            }
            Fetched page = http_.get(url);
            ++report_.pages;
            say(what + ": " + page_text(page.json, number));
            const std::vector<json> objects = objects_of(page.json);
            std::string next = next_of(page.json);
            on_page(std::move(page), objects);
            url = std::move(next);
        }
    }

    /// Imports @p batch (papers, from @p sources' documents) with the context, and the objects
    /// the batch names that an incremental context lacks.
    void import_batch(const std::vector<const json*>& batch, std::vector<ImportSource> sources)
    {
        std::vector<ImportSource> all = context_;
        if (incremental_)
            for (auto& source : fill_gaps(batch)) all.push_back(std::move(source));
        for (const json* o : batch) {
            const std::string id = text_of(*o, "id");
            if (id.empty()) continue;
            fetched_papers_.insert(id_key(id));
            if (o->contains("consultation") && (*o)["consultation"].is_array())
                for (const auto& c : (*o)["consultation"])
                    if (!text_of(c, "id").empty()) consultation_paper_[id_key(text_of(c, "id"))] = id;
        }
        for (auto& source : sources) all.push_back(std::move(source));
        merge_.add(import_papers(engine_, all, actor_, import_), base_);
    }

    /// The meetings and organizations @p objects name that the context does not hold (an
    /// incremental run reads only what changed), fetched one by one, each once per run. Import
    /// needs them: without its meetings, a changed paper's history would look cut short.
    std::vector<ImportSource> fill_gaps(const std::vector<const json*>& objects)
    {
        std::vector<std::string> wanted;
        for (const json* o : objects) {
            links_of(*o, "originatorOrganization", wanted);
            links_of(*o, "organization", wanted);
            if (o->contains("consultation") && (*o)["consultation"].is_array())
                for (const auto& c : (*o)["consultation"]) {
                    links_of(c, "meeting", wanted);
                    links_of(c, "organization", wanted);
                }
        }
        std::vector<ImportSource> out;
        std::set<std::string> taken;
        for (std::size_t i = 0; i < wanted.size(); ++i) {
            const std::string key = id_key(wanted[i]);
            if (known_.count(key) || !taken.insert(key).second) continue;
            auto it = extras_.find(key);
            if (it == extras_.end()) {
                it = extras_.emplace(key, Extra{}).first;
                if (auto fetched = get_if_served(wanted[i])) {
                    it->second.source = {fetched->url, fetched->text};
                    links_of(fetched->json, "organization", it->second.links);  // a meeting's committee
                }
            }
            if (it->second.source.text.empty()) continue;
            out.push_back(it->second.source);
            wanted.insert(wanted.end(), it->second.links.begin(), it->second.links.end());
        }
        return out;
    }

    /// The JSON at @p url, or none when the RIS says it has no such object (404, 410).
    std::optional<Fetched> get_if_served(const std::string& url)
    {
        try {
            return http_.get(url);
        } catch (const SyncError& e) {
            if (e.status() != 404 && e.status() != 410) throw;
            say("nicht abrufbar (HTTP " + std::to_string(e.status()) + "): " + url);
            return std::nullopt;
        }
    }

    /// A meeting that changed may carry the result for a paper that did not: finds the papers
    /// of the changed meetings' agenda items that this run has not read, and imports them.
    void papers_of_changed_meetings()
    {
        std::set<std::string> wanted_keys;
        std::vector<std::string> wanted;
        for (const auto& meeting : meetings_) {
            if (!meeting.contains("agendaItem") || !meeting["agendaItem"].is_array()) continue;
            for (const auto& item : meeting["agendaItem"]) {
                const std::string consultation = text_of(item, "consultation");
                if (consultation.empty()) continue;
                const std::string paper = paper_of(consultation);
                if (paper.empty() || fetched_papers_.count(id_key(paper))) continue;
                if (wanted_keys.insert(id_key(paper)).second) wanted.push_back(paper);
            }
        }
        if (wanted.empty()) return;
        say("Vorlagen zu geänderten Sitzungen: " + std::to_string(wanted.size()));
        std::vector<json> papers;
        std::vector<ImportSource> sources;
        for (const auto& url : wanted) {
            auto fetched = get_if_served(url);
            if (!fetched) continue;
            papers.push_back(std::move(fetched->json));
            sources.push_back({fetched->url, std::move(fetched->text)});
        }
        std::vector<const json*> batch;
        for (const auto& p : papers) batch.push_back(&p);
        import_batch(batch, std::move(sources));
    }

    /// The OParl id of the paper a consultation belongs to: from the papers read in this run,
    /// else as an earlier import noted it, else as the RIS says.
    std::string paper_of(const std::string& consultation)
    {
        if (auto it = consultation_paper_.find(id_key(consultation)); it != consultation_paper_.end())
            return it->second;
        for (const std::string& spelling : {id_key(consultation), consultation})
            if (auto noted = setting("oparl:consultation:" + spelling)) return *noted;
        auto fetched = get_if_served(consultation);
        const std::string paper = fetched ? text_of(fetched->json, "paper") : std::string();
        consultation_paper_[id_key(consultation)] = paper;
        return paper;
    }

    paper::PaperEngine& engine_;
    Store& store_;
    const Actor& actor_;
    const SyncOptions& options_;
    const ImportOptions& import_;
    HttpClient& http_;
    SyncReport& report_;
    Merge& merge_;

    bool incremental_ = false;
    /// The body and its organization and meeting pages: read with every batch of papers.
    std::vector<ImportSource> context_;
    ImportResult base_;
    /// Ids (as id_key() gives them) of the objects the context holds.
    std::set<std::string> known_;
    std::vector<json> meetings_;
    /// An object fetched on its own for fill_gaps(), and the objects it names in turn.
    struct Extra {
        ImportSource source;  // an empty text: not served
        std::vector<std::string> links;
    };
    std::map<std::string, Extra> extras_;
    std::set<std::string> fetched_papers_;
    std::map<std::string, std::string> consultation_paper_;
};

}  // namespace

SyncReport sync_oparl(paper::PaperEngine& engine, const std::string& url, const Actor& actor,
                      const SyncOptions& options)
{
    SyncReport report;
    HttpClient http({options.timeout, options.retries, options.backoff, options.interval, options.progress});
    ImportOptions import = options.import;
    if (import.system.empty()) import.system = url;
    // Each page is imported beside all the body's meetings: their items for other pages' papers
    // are not "untied".
    import.report_untied = false;
    Merge merge;

    const Fetched root = http.get(url);
    const std::string type = text_of(root.json, "type");
    std::vector<std::pair<json, std::string>> bodies;  // each Body with the URL it came from
    if (ends_with(type, "/Body")) {
        bodies.emplace_back(root.json, url);
    } else if (ends_with(type, "/System")) {
        const std::string list = text_of(root.json, "body");
        if (list.empty()) throw SyncError(url, 0, "the System names no body list (`body`)");
        std::set<std::string> seen;
        for (std::string page_url = list; !page_url.empty() && seen.insert(page_url).second;) {
            const Fetched page = http.get(page_url);
            ++report.pages;
            for (const auto& o : objects_of(page.json)) {
                if (o.is_string()) {
                    const Fetched body = http.get(o.get<std::string>());
                    bodies.emplace_back(body.json, body.url);
                } else if (ends_with(text_of(o, "type"), "/Body")) {
                    bodies.emplace_back(o, text_of(o, "id").empty() ? page_url : text_of(o, "id"));
                }
            }
            page_url = next_of(page.json);
        }
    } else {
        throw SyncError(url, 0,
                        (type.empty() ? std::string("is no OParl object") : "is an OParl " + type) +
                            ", not a System or Body: give the RIS's OParl entry point (its System, the URL its "
                            "OParl documentation names) or the URL of one Body");
    }

    for (const auto& [body, body_url] : bodies)
        BodySync(engine, actor, options, import, http, report, merge).run(body, body_url);
    report.imported = merge.result();
    report.requests = http.requests();
    report.retries = http.retries();
    return report;
}

}  // namespace kimflow::oparl
