// What the route files share: answering, reading bodies, writing through the group commit, and
// keeping instances a caller may not read out of sight.
#pragma once

#include <functional>
#include <string>

#include <kimflow/core/time.hpp>

#include "service.hpp"

namespace kimflowd {

struct Handlers {
    Service& s;

    void add(std::string method, std::string pattern, std::function<void(Call&)> handler, bool authenticated = true)
    {
        s.add(std::move(method), std::move(pattern), authenticated, std::move(handler));
    }

    void add_instance_routes();
    void add_service_routes();
    void add_feed_routes();
    void add_audit_routes();
    void add_web_routes();

    /// Answers @p body as JSON.
    void reply(Call& call, int status, const nlohmann::json& body) const;
    /// Answers a write's result (ETag = the version; `Idempotent-Replayed` on a replay).
    void reply_write(Call& call, const WriteResult& r) const;
    /// Answers a creation: 201 with Location.
    void created(Call& call, const std::string& base, const std::string& id, const WriteResult& r) const;
    /// The body as a JSON object (@p empty_ok: an empty body is `{}`).
    /// @throws Problem 415 for another content type, 400 for malformed JSON or another shape
    nlohmann::json body_object(const Call& call, bool empty_ok) const;
    /// Runs @p work through the group commit, with the request's Idempotency-Key if it has one.
    WriteResult write(Call& call, Family family, const std::string& lifecycle, std::function<WriteResult()> work) const;
    /// Runs @p f; a refusal (or absence) of an instance the actor may not read becomes the 404 of
    /// an instance that does not exist, so that its existence is not revealed.
    void readable_or_404(std::string_view lifecycle, const std::string& id, const kimflow::Actor& actor,
                         const std::function<void()>& f) const;
    /// Whether @p actor may read instance @p id (false if it does not exist).
    bool may_read(std::string_view lifecycle, const std::string& id, const kimflow::Actor& actor) const;
    /// A day from query parameter @p name (YYYY-MM-DD or DD.MM.YYYY). @throws Problem 400
    static kimflow::Date day_param(const httplib::Request& req, const char* name);
    static kimflow::Timestamp now();
};

}  // namespace kimflowd
