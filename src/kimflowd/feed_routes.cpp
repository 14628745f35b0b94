// The event feed: committed transitions in commit order, each once, only those the caller may
// read. The cursor is the store's log position (Store::log_after); a page's `next` moves past
// entries the caller may not see too, so that a reader never scans them twice.
#include <kimflow/io/json.hpp>

#include "handlers.hpp"
#include "problems.hpp"

namespace kimflowd {

using namespace kimflow;

namespace {

constexpr std::size_t max_page = 1000;

bool hosted(const std::string& lifecycle)
{
    return lifecycle == "paper" || lifecycle == "case" || lifecycle == "resolution";
}

std::uint64_t cursor_param(const httplib::Request& req)
{
    std::string v = req.has_param("after") ? req.get_param_value("after") : req.get_header_value("Last-Event-ID");
    if (v.empty()) return 0;
    if (v.size() > 19 || !std::all_of(v.begin(), v.end(), [](char c) { return c >= '0' && c <= '9'; }))
        throw Problem{400, "malformed-parameter", "Malformed query parameter",
                      "after takes the cursor of an earlier page (a whole number; 0 for the start)"};
    return std::stoull(v);
}

}  // namespace

/// One page of the feed for @p actor: up to @p limit entries after @p after, and the cursor to
/// ask from next.
static std::pair<nlohmann::json, std::uint64_t> feed_page(Service& s, Store& store, const Policy& policy,
                                                          const Actor& actor, std::uint64_t after, std::size_t limit)
{
    (void)s;
    nlohmann::json events = nlohmann::json::array();
    std::uint64_t next = after;
    // Bounded scanning: a reader who may see little does not make one request read the whole log.
    for (int round = 0; round < 10 && events.size() < limit; ++round) {
        const auto entries = store.log_after(next, limit);
        if (entries.empty()) break;
        for (const auto& e : entries) {
            next = e.seq;
            if (!hosted(e.lifecycle)) continue;
            if (!policy.permits(actor, action::read, AccessTarget{e.lifecycle, e.id, e.owner, e.overseer})) continue;
            const StoredTransition& t = e.transition;
            events.push_back({{"cursor", e.seq},
                              {"lifecycle", e.lifecycle},
                              {"id", e.id},
                              {"version", t.version},
                              {"event", t.event},
                              {"from", t.from},
                              {"to", t.to},
                              {"at", format_timestamp(t.at)},
                              {"actor", {{"id", t.actor.id}, {"role", t.actor.role}, {"organization", t.actor.organization}}},
                              {"payload", t.summary}});
            if (events.size() >= limit) break;
        }
    }
    return {events, next};
}

void Handlers::add_feed_routes()
{
    add("GET", "/api/v1/events", [this](Call& call) {
        std::size_t limit = 100;
        if (call.req.has_param("limit")) {
            const std::string v = call.req.get_param_value("limit");
            if (v.empty() || v.size() > 4 || !std::all_of(v.begin(), v.end(), [](char c) { return c >= '0' && c <= '9'; }) ||
                std::stoul(v) == 0 || std::stoul(v) > max_page)
                throw Problem{400, "malformed-parameter", "Malformed query parameter",
                              "limit takes a whole number from 1 to " + std::to_string(max_page)};
            limit = std::stoul(v);
        }
        auto [events, next] = feed_page(s, *s.reader_, *s.policy_, call.actor(), cursor_param(call.req), limit);
        reply(call, 200, {{"events", events}, {"next", next}});
    });
    add("GET", "/api/v1/events/stream", [this](Call& call) {
        auto cursor = std::make_shared<std::uint64_t>(cursor_param(call.req));
        {
            const auto open = ++s.metrics_.streams;
            if (open > s.config_.max_streams) {
                --s.metrics_.streams;
                throw Problem{503, "too-many-streams", "Too many event streams",
                              "kimflowd serves at most " + std::to_string(s.config_.max_streams) +
                                  " event streams at once; poll GET /api/v1/events?after=CURSOR instead, or try later",
                              {},
                              {{"Retry-After", "30"}}};
            }
        }
        const Actor actor = call.actor();
        const std::string token = call.token, name = call.account->name;
        call.res.set_header("Cache-Control", "no-store");
        call.res.set_chunked_content_provider(
            "text/event-stream",
            [this, actor, cursor, token, name](std::size_t, httplib::DataSink& sink) {
              // The provider runs outside dispatch(): nothing may escape it (it would end the
              // process), and the caller is checked again each round, so that a revoked token
              // or a disabled account ends the stream.
              try {
                const bool still = token.empty() ? [&] {
                    const auto a = s.account_reader_->find(name);
                    return a && !a->disabled;
                }() : s.account_reader_->check_token(token, now()).has_value();
                if (!still) {
                    sink.done();
                    return true;
                }
                std::uint64_t seen;
                {
                    std::lock_guard<std::mutex> lock(s.feed_mutex_);
                    seen = s.commits_;
                }
                auto [events, next] = feed_page(s, *s.reader_, *s.policy_, actor, *cursor, 100);
                *cursor = next;
                std::string chunk;
                for (const auto& e : events)
                    chunk += "id: " + std::to_string(e.at("cursor").get<std::uint64_t>()) + "\nevent: transition\ndata: " +
                             e.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n\n";
                if (!chunk.empty()) return !s.stopping_ && sink.write(chunk.data(), chunk.size());
                if (s.stopping_) {
                    sink.done();
                    return true;
                }
                std::unique_lock<std::mutex> lock(s.feed_mutex_);
                const bool woke = s.feed_wake_.wait_for(lock, std::chrono::seconds(15),
                                                        [&] { return s.commits_ != seen || s.stopping_; });
                lock.unlock();
                if (!woke) {
                    // A comment now and then: the client and proxies see the stream is alive.
                    static const std::string keepalive = ": keepalive\n\n";
                    return sink.write(keepalive.data(), keepalive.size());
                }
                return true;
              } catch (const std::exception& e) {
                s.log_.error("stream_failed", {{"account", name}, {"detail", e.what()}});
                return false;
              }
            },
            [this](bool) { --s.metrics_.streams; });
    });
}

}  // namespace kimflowd
