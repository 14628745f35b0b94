// The routes every lifecycle has: list, create, get, history, allowed events, fire. Reads run
// on the request's thread; writes go through the group commit.
#include <algorithm>

#include <kimflow/io/json.hpp>
#include <kimflow/io/resolution_json.hpp>
#include <kimflow/kim/follow_up.hpp>
#include <kimflow/paper/deadlines.hpp>
#include <kimflow/resolution/status.hpp>

#include "handlers.hpp"
#include "problems.hpp"

namespace kimflowd {

using namespace kimflow;

namespace {

/// The expected version from `If-Match: "N"` (or W/"N"); none without the header or for `*`.
std::optional<std::uint64_t> if_match(const httplib::Request& req)
{
    if (!req.has_header("If-Match")) return std::nullopt;
    std::string v = req.get_header_value("If-Match");
    if (v == "*") return std::nullopt;
    if (v.rfind("W/", 0) == 0) v = v.substr(2);
    if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
    std::uint64_t n = 0;
    if (v.empty() || v.size() > 19 || !std::all_of(v.begin(), v.end(), [](char c) { return c >= '0' && c <= '9'; }))
        throw Problem{400, "malformed-if-match", "Malformed If-Match",
                      "If-Match takes the ETag of a GET, e.g. \"3\" (the instance's version)"};
    n = std::stoull(v);
    return n;
}

/// Only the query parameters in @p known; another is refused, so that a typo does not widen a list.
void check_params(const httplib::Request& req, std::initializer_list<const char*> known)
{
    for (const auto& [name, value] : req.params) {
        if (std::none_of(known.begin(), known.end(), [&](const char* k) { return name == k; })) {
            std::string list;
            for (const char* k : known) list += (list.empty() ? "" : ", ") + std::string(k);
            throw Problem{400, "unknown-parameter", "Unknown query parameter",
                          "'" + name + "' is not a filter here; the filters are: " + (list.empty() ? "none" : list)};
        }
    }
}

bool flag(const httplib::Request& req, const char* name)
{
    if (!req.has_param(name)) return false;
    const std::string v = req.get_param_value(name);
    if (v == "true" || v == "1" || v.empty()) return true;
    if (v == "false" || v == "0") return false;
    throw Problem{400, "malformed-parameter", "Malformed query parameter", std::string(name) + " takes true or false"};
}

/// Every lifecycle's routes, by its engine type; `Writer` fires and creates.
template <class Lifecycle>
struct Routes {
    Handlers& h;
    std::string plural;
    Family family;
    const Engine<Lifecycle>& engine;
    std::function<Fired(const std::string&, const std::string&, const Fields&, const Actor&, const FireOptions&)> fire;

    nlohmann::json outcome(const std::string& id, const std::string& event, const Fired& fired) const
    {
        return {{"lifecycle", std::string(Lifecycle::id)},
                {"id", id},
                {"transition",
                 {{"event", event}, {"from", std::string(fired.from)}, {"to", std::string(fired.to)}, {"version", fired.version}}}};
    }

    void get(Call& call) const
    {
        const std::string& id = call.params.at(0);
        h.readable_or_404(Lifecycle::id, id, call.actor(), [&] {
            const nlohmann::json j = to_json(engine, id, call.actor(), true);
            const std::string etag = "\"" + std::to_string(j.at("version").get<std::uint64_t>()) + "\"";
            call.res.set_header("ETag", etag);
            if (call.req.get_header_value("If-None-Match") == etag) {
                call.res.status = 304;
                return;
            }
            h.reply(call, 200, j);
        });
    }

    void history(Call& call) const
    {
        const std::string& id = call.params.at(0);
        h.readable_or_404(Lifecycle::id, id, call.actor(), [&] {
            nlohmann::json j = nlohmann::json::array();
            for (const auto& r : engine.history(id, call.actor())) j.push_back(to_json(r));
            h.reply(call, 200, j);
        });
    }

    void allowed(Call& call) const
    {
        const std::string& id = call.params.at(0);
        h.readable_or_404(Lifecycle::id, id, call.actor(), [&] {
            nlohmann::json j = nlohmann::json::array();
            for (auto e : engine.allowed_events(id, call.actor())) j.push_back(std::string(e));
            h.reply(call, 200, j);
        });
    }

    void fire_event(Call& call) const
    {
        const std::string id = call.params.at(0), event = call.params.at(1);
        const nlohmann::json body = h.body_object(call, true);
        const Fields fields = fields_from_json(body, event);
        const FireOptions options{if_match(call.req), std::nullopt};
        const Actor actor = call.actor();
        h.readable_or_404(Lifecycle::id, id, actor, [&] {
            const WriteResult r = h.write(call, family, std::string(Lifecycle::id), [&] {
                const Fired fired = fire(id, event, fields, actor, options);
                return WriteResult{200, outcome(id, event, fired), fired.version};
            });
            h.reply_write(call, r);
        });
    }
};

template <class Lifecycle>
void add_common(Handlers& h, std::shared_ptr<Routes<Lifecycle>> r)
{
    const std::string base = "/api/v1/" + r->plural;
    h.add("GET", base + "/{id}", [r](Call& c) { r->get(c); });
    h.add("GET", base + "/{id}/history", [r](Call& c) { r->history(c); });
    h.add("GET", base + "/{id}/events", [r](Call& c) { r->allowed(c); });
    h.add("POST", base + "/{id}/events/{event}", [r](Call& c) { r->fire_event(c); });
}

}  // namespace

void Handlers::add_instance_routes()
{
    auto& papers = *s.papers_;
    auto& cases = *s.cases_;
    auto& resolutions = *s.resolutions_;

    // Cases: opened with the `open` event's fields and an id.
    auto case_routes = std::make_shared<Routes<kim::CaseLifecycle>>(Routes<kim::CaseLifecycle>{
        *this, "cases", Family::cases, cases,
        [&cases](const std::string& id, const std::string& event, const Fields& f, const Actor& a, const FireOptions& o) {
            return cases.fire(id, event, f, a, o);
        }});
    add("GET", "/api/v1/cases", [this, &cases](Call& call) {
        check_params(call.req, {"state", "traeger", "kommune", "manager", "due_for_follow_up", "overdue", "from", "to"});
        const std::string state = call.req.get_param_value("state");
        const bool follow_ups = flag(call.req, "due_for_follow_up"), overdue = flag(call.req, "overdue");
        nlohmann::json j = nlohmann::json::array();
        if (follow_ups || overdue) {
            if (follow_ups && overdue)
                throw Problem{400, "conflicting-parameters", "Conflicting parameters",
                              "due_for_follow_up and overdue both select Wiedervorlagen; give one"};
            const Date today = date_of(now());
            kim::FollowUpQuery q;
            q.to = overdue ? today - date::days{1} : today;
            if (call.req.has_param("to")) q.to = day_param(call.req, "to");
            if (call.req.has_param("from")) q.from = day_param(call.req, "from");
            q.manager = call.req.get_param_value("manager");
            q.traeger = call.req.get_param_value("traeger");
            q.kommune = call.req.get_param_value("kommune");
            auto due = kim::follow_ups_due(cases, q, call.actor());
            std::vector<std::string> listed;
            for (const auto& d : due) {
                if ((!state.empty() && d.phase != state) ||
                    std::find(listed.begin(), listed.end(), d.case_id) != listed.end())
                    continue;
                listed.push_back(d.case_id);
                nlohmann::json item = to_json(cases, d.case_id, call.actor(), false);
                item["due_follow_ups"] = nlohmann::json::array();
                for (const auto& w : due)
                    if (w.case_id == d.case_id)
                        item["due_follow_ups"].push_back(
                            {{"number", w.number}, {"date", format_date(w.due)}, {"subject", w.subject}});
                j.push_back(std::move(item));
            }
            return reply(call, 200, j);
        }
        if (call.req.has_param("from") || call.req.has_param("to"))
            throw Problem{400, "conflicting-parameters", "Conflicting parameters",
                          "from and to select Wiedervorlagen by date; add due_for_follow_up=true"};
        InstanceQuery q;
        q.state = state;
        q.owner = call.req.get_param_value("traeger");
        q.area = call.req.get_param_value("kommune");
        const std::string manager = call.req.get_param_value("manager");
        for (const auto& id : cases.find(q, call.actor())) {
            if (!manager.empty() && cases.data(id).manager != manager) continue;
            j.push_back(to_json(cases, id, call.actor(), false));
        }
        reply(call, 200, j);
    });
    add("POST", "/api/v1/cases", [this, &cases](Call& call) {
        nlohmann::json body = body_object(call, false);
        if (!body.contains("id") || !body["id"].is_string() || body["id"].get<std::string>().empty())
            throw Problem{422, "invalid-data", "The data is incomplete or contradictory",
                          "give the new case's id as \"id\" (a string), beside the fields of the open event"};
        const std::string id = body["id"].get<std::string>();
        body.erase("id");
        const Fields fields = fields_from_json(body, kim::Open::id);
        const Actor actor = call.actor();
        const WriteResult r = write(call, Family::cases, "case", [&] {
            const Fired fired = cases.create(id, kim::KimCase{}, actor, kim::Open::id, fields, CreateOptions{});
            nlohmann::json out{{"lifecycle", "case"},
                               {"id", id},
                               {"transition", {{"event", std::string(kim::Open::id)}, {"from", std::string(fired.from)},
                                               {"to", std::string(fired.to)}, {"version", fired.version}}}};
            return WriteResult{201, out, fired.version};
        });
        created(call, "/api/v1/cases/", id, r);
    });
    add_common(*this, case_routes);

    // Papers: created from the paper's JSON (paper_from_json), as the C ABI takes it.
    auto paper_routes = std::make_shared<Routes<paper::PaperLifecycle>>(Routes<paper::PaperLifecycle>{
        *this, "papers", Family::papers, papers,
        [&papers](const std::string& id, const std::string& event, const Fields& f, const Actor& a, const FireOptions& o) {
            return papers.fire(id, event, f, a, o);
        }});
    add("GET", "/api/v1/papers", [this, &papers](Call& call) {
        check_params(call.req, {"state", "originator", "body", "overdue"});
        InstanceQuery q;
        q.state = call.req.get_param_value("state");
        q.owner = call.req.get_param_value("originator");
        q.area = call.req.get_param_value("body");
        const bool overdue = flag(call.req, "overdue");
        std::vector<std::string> ids = papers.find(q, call.actor());
        std::map<std::string, std::vector<paper::OverduePaper>> late;
        if (overdue) {
            for (auto& o : paper::overdue_papers(papers, now())) late[o.reference].push_back(std::move(o));
            ids.erase(std::remove_if(ids.begin(), ids.end(), [&](const std::string& id) { return !late.count(id); }),
                      ids.end());
        }
        nlohmann::json j = nlohmann::json::array();
        for (const auto& id : ids) {
            nlohmann::json item = to_json(papers, id, call.actor(), false);
            if (overdue)
                for (const auto& o : late[id])
                    item["overdue"].push_back({{"what", std::string(to_string(o.what))}, {"due", format_date(o.due)}});
            j.push_back(std::move(item));
        }
        reply(call, 200, j);
    });
    add("POST", "/api/v1/papers", [this, &papers](Call& call) {
        paper::Paper data = paper::paper_from_json(body_object(call, false));
        const std::string id = data.reference;
        const Actor actor = call.actor();
        const WriteResult r = write(call, Family::papers, "paper", [&] {
            papers.create(id, paper::Paper(data), actor, CreateOptions{});
            return WriteResult{201, {{"lifecycle", "paper"}, {"id", id}, {"version", 0}}, 0};
        });
        created(call, "/api/v1/papers/", id, r);
    });
    add_common(*this, paper_routes);

    // Resolutions (Beschlusskontrolle): created for a decided paper; writes settle the paper too.
    auto resolution_routes = std::make_shared<Routes<resolution::ResolutionLifecycle>>(
        Routes<resolution::ResolutionLifecycle>{
            *this, "resolutions", Family::papers, resolutions.engine(),
            [&resolutions](const std::string& id, const std::string& event, const Fields& f, const Actor& a,
                           const FireOptions& o) { return resolutions.fire(id, event, f, a, o); }});
    add("GET", "/api/v1/resolutions", [this, &resolutions](Call& call) {
        check_params(call.req, {"state", "office", "committee", "overdue"});
        const auto& engine = resolutions.engine();
        InstanceQuery q;
        q.state = call.req.get_param_value("state");
        q.owner = call.req.get_param_value("office");
        q.area = call.req.get_param_value("committee");
        const Date today = date_of(now());
        if (flag(call.req, "overdue")) q.due_before = today;
        nlohmann::json j = nlohmann::json::array();
        for (const auto& id : engine.find(q, call.actor())) {
            nlohmann::json item = to_json(engine, id, call.actor(), false);
            const auto view = engine.view(id, call.actor());
            item["status"] = std::string(to_string(resolution::status_at(view.data, view.state(), today, engine.config())));
            j.push_back(std::move(item));
        }
        reply(call, 200, j);
    });
    add("POST", "/api/v1/resolutions", [this, &resolutions](Call& call) {
        const nlohmann::json body = body_object(call, false);
        const auto text = [&](const char* name, bool required) {
            if (!body.contains(name)) {
                if (required)
                    throw Problem{422, "invalid-data", "The data is incomplete or contradictory",
                                  std::string("give \"") + name + "\" (a string)"};
                return std::string();
            }
            if (!body[name].is_string())
                throw Problem{422, "invalid-data", "The data is incomplete or contradictory",
                              std::string("\"") + name + "\" must be a string"};
            return body[name].get<std::string>();
        };
        for (const auto& [name, value] : body.items())
            if (name != "id" && name != "paper" && name != "office" && name != "task" && name != "due")
                throw Problem{422, "invalid-data", "The data is incomplete or contradictory",
                              "'" + name + "' is not a field of a new resolution; give id, paper, office, due and task"};
        const std::string id = text("id", true);
        resolution::Resolution r;
        r.paper = text("paper", true);
        r.office = text("office", true);
        r.task = text("task", false);
        try {
            r.due = parse_date(text("due", true));
        } catch (const std::invalid_argument& e) {
            throw Problem{422, "invalid-data", "The data is incomplete or contradictory", std::string("due: ") + e.what()};
        }
        const Actor actor = call.actor();
        const WriteResult w = write(call, Family::papers, "resolution", [&] {
            resolutions.create(id, resolution::Resolution(r), actor);
            return WriteResult{201, {{"lifecycle", "resolution"}, {"id", id}, {"version", 0}}, 0};
        });
        created(call, "/api/v1/resolutions/", id, w);
    });
    add_common(*this, resolution_routes);
}

}  // namespace kimflowd
