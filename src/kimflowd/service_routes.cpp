// The routes beside the instances: logging in and out, who am I, the lifecycles' events,
// reports, the OParl export, and the operational ones (health, readiness, metrics, OpenAPI).
#include <kimflow/core/error.hpp>
#include <kimflow/io/csv.hpp>
#include <kimflow/io/kim_report.hpp>
#include <kimflow/io/oparl.hpp>
#include <kimflow/kim/report.hpp>
#include <kimflow/resolution/report.hpp>

#include "handlers.hpp"
#include "openapi.hpp"
#include "problems.hpp"
#include "web_session.hpp"

namespace kimflowd {

using namespace kimflow;

namespace {

nlohmann::json account_json(const Account& a)
{
    return {{"name", a.name},
            {"actor", {{"id", a.actor.id}, {"role", a.actor.role}, {"organization", a.actor.organization}}}};
}

template <class Lifecycle>
nlohmann::json events_json()
{
    nlohmann::json events = nlohmann::json::array();
    for (const auto& e : Engine<Lifecycle>::events()) {
        nlohmann::json fields = nlohmann::json::array();
        for (const auto& f : e.fields) fields.push_back({{"name", f.name}, {"kind", f.kind}, {"required", f.required}});
        nlohmann::json from = nlohmann::json::array();
        for (auto st : e.from) from.push_back(std::string(st));
        events.push_back({{"event", std::string(e.id)}, {"fields", fields}, {"allowed_in", from}});
    }
    return events;
}

/// Whether a report is asked for as CSV (`format=csv`; `format=json` or none: JSON).
bool csv_wanted(const httplib::Request& req)
{
    const std::string format = req.get_param_value("format");
    if (format.empty() || format == "json") return false;
    if (format == "csv") return true;
    throw Problem{400, "malformed-parameter", "Malformed query parameter",
                  "format takes json or csv (CSV as German Excel opens it: ';', decimal comma, UTF-8 with BOM)"};
}

/// A CSV document as a download named @p filename.
void csv_reply(Call& call, const std::string& csv, const std::string& filename)
{
    call.res.set_header("Content-Disposition", "attachment; filename=\"" + filename + "\"");
    call.res.status = 200;
    call.res.set_content(csv, "text/csv; charset=utf-8");
}

}  // namespace

void Handlers::add_service_routes()
{
    add("POST", "/api/v1/session", [this](Call& call) {
        const nlohmann::json body = body_object(call, false);
        if (!body.contains("name") || !body["name"].is_string() || !body.contains("password") ||
            !body["password"].is_string())
            throw malformed_json("give {\"name\": \"…\", \"password\": \"…\"}");
        if (body.contains("cookie") && !body["cookie"].is_boolean())
            throw malformed_json("cookie takes true (a session cookie for the web pages) or false (a token)");
        // A web page's login: the token goes into an HttpOnly cookie, never to the page's script.
        const bool cookie = body.value("cookie", false);
        if (cookie && !web::same_origin(call.req, s.trusted_proxy(call.req.remote_addr)))
            throw Problem{403, "cross-origin", "Request from another site",
                          "a login with a session cookie must come from kimflowd's own pages"};
        const std::string given = body["name"].get<std::string>();
        // A name no account can have is not kept or logged as it came (it may be a megabyte).
        const std::string name = valid_account_name(given) ? given : std::string("(invalid name)");
        const std::string address = s.client_address(call.req);
        if (const int wait = s.logins_.wait(name, address); wait > 0) {
            ++s.metrics_.rate_limited;
            s.log_.warn("login_throttled", {{"account", name}, {"address", address}, {"retry_after", wait}});
            throw Problem{429, "too-many-failed-logins", "Too many failed logins",
                          "too many failed logins for this account or from this address; wait " +
                              std::to_string(wait) + " seconds and try again",
                          {{"retry_after", wait}},
                          {{"Retry-After", std::to_string(wait)}}};
        }
        std::optional<Account> account;
        {
            std::unique_lock<std::mutex> lock(s.argon_mutex_);
            s.argon_free_.wait(lock, [&] { return s.argon_running_ < 2; });
            ++s.argon_running_;
        }
        try {
            account = s.account_reader_->check_password(given, body["password"].get<std::string>());
        } catch (...) {
            std::lock_guard<std::mutex> lock(s.argon_mutex_);
            --s.argon_running_;
            s.argon_free_.notify_one();
            throw;
        }
        {
            std::lock_guard<std::mutex> lock(s.argon_mutex_);
            --s.argon_running_;
        }
        s.argon_free_.notify_one();
        if (!account) {
            s.logins_.failed(name, address);
            ++s.metrics_.login_failures;
            s.log_.warn("login_failed", {{"account", name}, {"address", address}});
            throw Problem{401, "invalid-credentials", "Name or password wrong",
                          "the name or the password is wrong, or the account is disabled", {},
                          {{"WWW-Authenticate", "Bearer realm=\"kimflow\""}}};
        }
        s.logins_.succeeded(name);
        const Timestamp at = now();
        const auto lifetime = std::chrono::hours(s.config_.session_hours);
        const std::string token = s.accounts_->create_token(name, lifetime, cookie ? std::string(web::token_kind) : "session",
                                                           account->actor, at);
        s.log_.info("login", {{"account", name}, {"address", address}});
        nlohmann::json out = account_json(*account);
        out["expires_at"] = format_timestamp(at + lifetime);
        call.res.set_header("Cache-Control", "no-store");
        if (cookie) {
            const bool secure = s.over_tls(call.req);
            call.res.set_header("Set-Cookie", web::set_cookie(web::session_cookie(secure), token, secure));
            call.res.set_header("Set-Cookie", web::set_cookie(web::activity_cookie(secure),
                                                              web::activity_stamp(s.web_secret_, token, at), secure));
            out["csrf_token"] = web::csrf_token(s.web_secret_, token);
            out["idle_seconds"] = s.config_.session_idle_seconds;
        } else {
            out["token"] = token;
        }
        reply(call, 201, out);
    }, false);
    add("DELETE", "/api/v1/session", [this](Call& call) {
        if (call.token.empty())
            throw Problem{400, "no-session", "No session", "this request came without a token; there is nothing to end"};
        s.accounts_->revoke_token(call.token, call.actor(), now());
        if (call.via == "cookie") {
            const bool secure = s.over_tls(call.req);
            call.res.set_header("Set-Cookie", web::set_cookie(web::session_cookie(secure), "", secure, 0));
            call.res.set_header("Set-Cookie", web::set_cookie(web::activity_cookie(secure), "", secure, 0));
        }
        call.res.status = 204;
    });
    add("GET", "/api/v1/me", [this](Call& call) {
        nlohmann::json j = account_json(*call.account);
        j["via"] = call.via;
        if (call.via == "cookie") {
            j["csrf_token"] = web::csrf_token(s.web_secret_, call.token);
            j["idle_seconds"] = s.config_.session_idle_seconds;
        }
        reply(call, 200, j);
    });
    add("GET", "/api/v1/lifecycles", [this](Call& call) {
        reply(call, 200,
              nlohmann::json::array({{{"lifecycle", "paper"}, {"path", "/api/v1/papers"}, {"events", events_json<paper::PaperLifecycle>()}},
                                     {{"lifecycle", "case"}, {"path", "/api/v1/cases"}, {"events", events_json<kim::CaseLifecycle>()}},
                                     {{"lifecycle", "resolution"},
                                      {"path", "/api/v1/resolutions"},
                                      {"events", events_json<resolution::ResolutionLifecycle>()}}}));
    });
    add("GET", "/api/v1/reports/kim", [this](Call& call) {
        const Date from = day_param(call.req, "from"), to = day_param(call.req, "to");
        if (to < from)
            throw Problem{400, "malformed-parameter", "Malformed query parameter", "to lies before from; swap them"};
        const auto report = kim::make_report(*s.cases_, call.actor(), from, to);
        if (csv_wanted(call.req))
            return csv_reply(call, kim::to_csv(report, CsvDialect::german_excel),
                             "kim-kennzahlen-" + format_date(from) + "-" + format_date(to) + ".csv");
        reply(call, 200, to_json(report));
    });
    add("GET", "/api/v1/reports/resolutions", [this](Call& call) {
        resolution::ReportQuery q;
        q.from = day_param(call.req, "from");
        q.to = day_param(call.req, "to");
        q.committee = call.req.get_param_value("committee");
        if (q.to < q.from)
            throw Problem{400, "malformed-parameter", "Malformed query parameter", "to lies before from; swap them"};
        const Actor actor = call.actor();
        const auto report = resolution::report(*s.resolutions_, q, &actor);
        if (csv_wanted(call.req))
            return csv_reply(call, resolution::to_csv(report, CsvDialect::german_excel),
                             "beschlusskontrolle-" + format_date(q.from) + "-" + format_date(q.to) + ".csv");
        reply(call, 200, nlohmann::json::parse(resolution::to_json(report)));
    });
    add("GET", "/api/v1/oparl/papers", [this](Call& call) {
        // The export holds every paper: only for those who may read every paper.
        const auto scopes = s.policy_->scopes(call.actor(), "paper", action::read);
        if (std::find(scopes.begin(), scopes.end(), Scope::any) == scopes.end())
            throw NotPermitted("paper", "", "read", call.actor().id,
                               "the OParl export holds every paper; role '" + call.actor().role +
                                   "' may not read every paper");
        oparl::ExportOptions options;
        const std::string base = call.req.get_param_value("base_url");
        if (!base.empty()) options.base_url = base;
        // The resolutions' details (office, task, progress) only for who may read every one.
        const auto resolution_scopes = s.policy_->scopes(call.actor(), "resolution", action::read);
        if (std::find(resolution_scopes.begin(), resolution_scopes.end(), Scope::any) != resolution_scopes.end())
            options.resolutions = s.resolutions_.get();
        reply(call, 200, oparl::as_list(oparl::export_papers(*s.papers_, options)));
    });
    add("GET", "/healthz", [this](Call& call) { reply(call, 200, {{"status", "ok"}}); }, false);
    add("GET", "/readyz", [this](Call& call) {
        try {
            (void)s.store_->count("paper");
        } catch (const std::exception& e) {
            throw Problem{503, "not-ready", "Not ready", std::string("the database cannot be read: ") + e.what()};
        }
        if (s.stopping_) throw Problem{503, "shutting-down", "Shutting down", "kimflowd is stopping"};
        reply(call, 200, {{"status", "ready"}, {"schema", s.schema_version_}});
    }, false);
    add("GET", "/metrics", [this](Call& call) {
        call.res.set_content(s.metrics_.render(), "text/plain; version=0.0.4");
    }, false);
    add("GET", "/api/v1/openapi.json", [this](Call& call) {
        call.res.set_content(openapi_document(), "application/json");
    }, false);
}

}  // namespace kimflowd
