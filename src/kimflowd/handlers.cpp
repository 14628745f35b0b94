#include "handlers.hpp"

#include <algorithm>

#include <kimflow/core/error.hpp>
#include <kimflow/core/text.hpp>

#include <openssl/sha.h>
#include "problems.hpp"

namespace kimflowd {

using namespace kimflow;

namespace {

std::string sha256_hex(const std::string& text)
{
    unsigned char digest[SHA256_DIGEST_LENGTH];
    SHA256(reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest);
    static const char digits[] = "0123456789abcdef";
    std::string out;
    for (unsigned char c : digest) {
        out += digits[c >> 4];
        out += digits[c & 15];
    }
    return out;
}

}  // namespace

Timestamp Handlers::now()
{
    return std::chrono::time_point_cast<std::chrono::microseconds>(std::chrono::system_clock::now());
}

void Handlers::reply(Call& call, int status, const nlohmann::json& body) const
{
    call.res.status = status;
    call.res.set_content(body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n", "application/json");
}

void Handlers::reply_write(Call& call, const WriteResult& r) const
{
    call.res.set_header("ETag", "\"" + std::to_string(r.version) + "\"");
    if (r.replayed) call.res.set_header("Idempotent-Replayed", "true");
    reply(call, r.status, r.body);
}

void Handlers::created(Call& call, const std::string& base, const std::string& id, const WriteResult& r) const
{
    call.res.set_header("Location", base + percent_encode(id));
    reply_write(call, r);
}

nlohmann::json Handlers::body_object(const Call& call, bool empty_ok) const
{
    if (call.req.body.empty() && empty_ok) return nlohmann::json::object();
    const std::string type = call.req.get_header_value("Content-Type");
    if (type.rfind("application/json", 0) != 0)
        throw Problem{415, "unsupported-media-type", "Unsupported media type",
                      "send the body as JSON with 'Content-Type: application/json'"};
    nlohmann::json j;
    try {
        j = nlohmann::json::parse(call.req.body);
    } catch (const nlohmann::json::parse_error& e) {
        throw malformed_json(std::string("the body is not JSON: ") + e.what());
    }
    if (!j.is_object()) throw malformed_json("the body must be a JSON object ({…})");
    return j;
}

WriteResult Handlers::write(Call& call, Family family, const std::string& lifecycle,
                            std::function<WriteResult()> work) const
{
    std::optional<Idempotency> idempotency;
    if (call.req.has_header("Idempotency-Key")) {
        const std::string key = call.req.get_header_value("Idempotency-Key");
        const bool printable =
            std::all_of(key.begin(), key.end(), [](unsigned char c) { return c > 0x20 && c < 0x7f; });
        if (key.empty() || key.size() > 200 || !printable)
            throw Problem{400, "malformed-idempotency-key", "Malformed Idempotency-Key",
                          "an Idempotency-Key is 1 to 200 visible ASCII characters, e.g. a UUID; make one per change"};
        idempotency = Idempotency{
            "idem/" + call.account->name + "/" + key,
            sha256_hex(call.req.method + " " + call.req.target + "\n" + call.req.body)};
    }
    try {
        return s.committer_->write(family, lifecycle, std::move(work), idempotency);
    } catch (const DuplicateInstance& e) {
        if (may_read(e.lifecycle(), e.instance(), call.actor())) throw;
        // Someone else's: say no more than that the id is taken.
        throw Problem{409, "duplicate-instance", "An instance with this id exists already",
                      "this id cannot be used; choose another"};
    }
}

bool Handlers::may_read(std::string_view lifecycle, const std::string& id, const Actor& actor) const
{
    const auto stored = s.reader_->load(lifecycle, id);
    if (!stored) return false;
    return s.policy_->permits(actor, action::read, AccessTarget{lifecycle, id, stored->owner, stored->overseer});
}

void Handlers::readable_or_404(std::string_view lifecycle, const std::string& id, const Actor& actor,
                               const std::function<void()>& f) const
{
    try {
        f();
    } catch (const NotPermitted& e) {
        if (may_read(lifecycle, id, actor)) throw;
        throw InstanceNotFound(std::string(lifecycle), id);
    }
}

Date Handlers::day_param(const httplib::Request& req, const char* name)
{
    try {
        return parse_date(req.get_param_value(name));
    } catch (const std::invalid_argument& e) {
        throw Problem{400, "malformed-parameter", "Malformed query parameter", std::string(name) + ": " + e.what()};
    }
}

}  // namespace kimflowd
