// The C ABI (include/kimflow/c/kimflow.h) over the C++ engines. Every entry point catches
// everything: an exception must never unwind into a C, Java, .NET or Python caller.
#include "kimflow/c/kimflow.h"
#include "kimflow/core/error_kind.hpp"

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <set>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <new>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "kimflow/core/clock.hpp"
#include "kimflow/core/error.hpp"
#include "kimflow/core/input.hpp"
#include "kimflow/core/policy.hpp"
#include "kimflow/default_policy.hpp"
#include "kimflow/core/text.hpp"
#include "kimflow/io/json.hpp"
#include "kimflow/kim/lifecycle.hpp"
#include "kimflow/paper/lifecycle.hpp"
#include "kimflow/store/sqlite_store.hpp"
#include "kimflow/version.hpp"

using namespace kimflow;

namespace {

thread_local std::string last_error;
/// Set when even the message could not be kept (out of memory): kimflow_last_error() then
/// returns a fixed text, so reporting an error never allocates its way into std::terminate.
thread_local bool last_error_lost = false;
constexpr const char* lost_error = "out of memory while reporting an error; free memory and try again";

/// A failure found at the boundary itself (a NULL argument, an unknown lifecycle).
struct BadArgument : std::invalid_argument {
    using std::invalid_argument::invalid_argument;
};

kimflow_status fail(kimflow_status status, std::string message) noexcept
{
    last_error = std::move(message);  // a move assignment: no allocation
    last_error_lost = false;
    return status;
}

/// The status for whatever the C++ side threw: the C ABI's own errors, then the table every
/// host shares.
kimflow_status translate_current_exception()
{
    try {
        throw;
    } catch (const BadArgument& e) {
        return fail(KIMFLOW_INVALID_ARGUMENT, e.what());
    } catch (const nlohmann::json::parse_error& e) {
        return fail(KIMFLOW_INVALID_ARGUMENT, std::string("malformed JSON: ") + e.what());
    } catch (const nlohmann::json::type_error& e) {
        // 316: dump() met text that is not UTF-8. Every text is checked to be UTF-8 on the way
        // in (docs/input-rules.md), so it came from the file: the header's STORE_CORRUPT.
        if (e.id != 316) return fail(static_cast<kimflow_status>(error_kind(e).c_status), e.what());
        return fail(KIMFLOW_STORE_CORRUPT,
                    std::string("the stored data holds text that is not UTF-8 (") + e.what() +
                        "): the database was changed by hand or by another program; restore it from a backup, "
                        "and run `kimctl verify` to find other damage");
    } catch (const std::bad_alloc&) {
        return fail(KIMFLOW_INTERNAL, "out of memory");
    } catch (const NotPermitted& e) {
        return fail(KIMFLOW_NOT_PERMITTED, std::string(e.what()) + " (nothing changed; the refusal is logged)");
    } catch (const std::exception& e) {
        // kimflow's errors by the one table (kimflow/core/error_kind.hpp); others are internal.
        return fail(static_cast<kimflow_status>(error_kind(e).c_status), e.what());
    } catch (...) {
        return fail(KIMFLOW_INTERNAL, "an unknown exception inside kimflow");
    }
}

/// Runs @p body; its exceptions become statuses.
template <class Body>
kimflow_status guarded(Body&& body) noexcept
{
    last_error.clear();
    last_error_lost = false;
    try {
        body();
        return KIMFLOW_OK;
    } catch (...) {
        try {
            return translate_current_exception();
        } catch (...) {  // building the message failed
            last_error_lost = true;
            return KIMFLOW_INTERNAL;
        }
    }
}

const char* required(const char* text, const char* what)
{
    if (!text) throw BadArgument(std::string(what) + " is NULL; pass a NUL-terminated UTF-8 string");
    return text;
}

/// Hands @p text to the caller (freed with kimflow_free), if they want it.
void give(char** out, const std::string& text)
{
    if (!out) return;
    char* copy = static_cast<char*>(std::malloc(text.size() + 1));
    if (!copy) throw std::bad_alloc();
    std::memcpy(copy, text.c_str(), text.size() + 1);
    *out = copy;
}

void clear(char** out)
{
    if (out) *out = nullptr;
}

Actor actor_of(const kimflow_actor* actor, const char* call)
{
    if (!actor || !actor->id || !*actor->id)
        throw BadArgument(std::string(call) + " needs an actor with an id: who does this is recorded");
    return Actor{actor->id, actor->role ? actor->role : "", actor->organization ? actor->organization : ""};
}

std::optional<Actor> reader_of(const kimflow_actor* actor, const char* call)
{
    if (!actor) return std::nullopt;
    return actor_of(actor, call);
}

/// Builds the document as nlohmann's own parser does, but refuses what JSON allows and a host
/// could not have meant: a key twice in one object (which one counts differs between parsers),
/// a NUL inside a string (C and most hosts cut the text there), and an integer beyond 2^53
/// (a double cannot hold it exactly; nlohmann would round 12345678901234567890123).
class StrictSax {
public:
    using json = nlohmann::json;
    explicit StrictSax(json& result) : dom_(result) {}

    bool null() { return dom_.null(); }
    bool boolean(bool v) { return dom_.boolean(v); }
    bool number_integer(json::number_integer_t v)
    {
        return (v <= exact && v >= -exact) ? dom_.number_integer(v) : too_large(std::to_string(v));
    }
    bool number_unsigned(json::number_unsigned_t v)
    {
        return v <= static_cast<json::number_unsigned_t>(exact) ? dom_.number_unsigned(v) : too_large(std::to_string(v));
    }
    bool number_float(json::number_float_t v, const json::string_t& text)
    {
        if (text.find_first_of(".eE") == std::string::npos) return too_large(text);  // an integer beyond 64 bits
        return dom_.number_float(v, text);
    }
    bool string(json::string_t& v) { return no_nul(v, "a string") && dom_.string(v); }
    bool binary(json::binary_t& v) { return dom_.binary(v); }
    bool start_object(std::size_t n)
    {
        keys_.emplace_back();
        return dom_.start_object(n);
    }
    bool key(json::string_t& k)
    {
        if (!no_nul(k, "a key")) return false;
        if (!keys_.back().insert(k).second) {
            problem_ = "has the key \"" + printable(k) + "\" twice in one object; give each key once";
            return false;
        }
        return dom_.key(k);
    }
    bool end_object()
    {
        keys_.pop_back();
        return dom_.end_object();
    }
    bool start_array(std::size_t n) { return dom_.start_array(n); }
    bool end_array() { return dom_.end_array(); }
    template <class Exception>
    bool parse_error(std::size_t at, const std::string& token, const Exception& e)
    {
        return dom_.parse_error(at, token, e);  // throws e
    }

    /// What was refused, empty if nothing was.
    const std::string& problem() const noexcept { return problem_; }

private:
    static constexpr json::number_integer_t exact = json::number_integer_t{1} << 53;

    bool too_large(const std::string& text)
    {
        problem_ = "has the integer " + printable(text, 40) +
                   ", beyond 2^53, which a double cannot hold exactly; send it as a string";
        return false;
    }
    bool no_nul(const std::string& text, const char* what)
    {
        if (text.find('\0') == std::string::npos) return true;
        problem_ = std::string("has ") + what + " with a NUL character (\\u0000) in it (" + printable(text, 40) +
                   "); remove it";
        return false;
    }

    nlohmann::detail::json_sax_dom_parser<json> dom_;
    std::vector<std::set<std::string>> keys_;
    std::string problem_;
};

nlohmann::json parse_json(const char* text, const char* what)
{
    if (!text) return nullptr;
    const std::size_t length = std::strlen(text);
    if (length > max_json_bytes)
        throw BadArgument(std::string(what) + " has " + std::to_string(length) + " bytes; at most " +
                          std::to_string(max_json_bytes) + " are taken (see kimflow/core/input.hpp)");
    try {
        nlohmann::json result;
        StrictSax sax(result);
        if (!nlohmann::json::sax_parse(text, text + length, &sax) || !sax.problem().empty())
            throw BadArgument(std::string(what) + " " + sax.problem());
        return result;
    } catch (const nlohmann::json::parse_error& e) {
        throw BadArgument(std::string(what) + " is not valid JSON: " + e.what());
    } catch (const nlohmann::json::exception& e) {  // e.g. a number beyond a double
        throw BadArgument(std::string(what) + " cannot be read: " + e.what() +
                          "; send large numbers and exact values as strings");
    }
}

/// The outcome of a write, without the data: the caller may be allowed to write but not to
/// read, and a read to find out would log a denial.
std::string outcome_json(std::string_view lifecycle, const std::string& id, const Fired& fired, std::string_view event)
{
    nlohmann::json j{{"lifecycle", std::string(lifecycle)},
                     {"id", id},
                     {"event", std::string(event)},
                     {"from", std::string(fired.from)},
                     {"to", std::string(fired.to)},
                     {"state", std::string(fired.to)},
                     {"version", fired.version}};
    return j.dump();
}

paper::PaperConfig paper_config(const nlohmann::json& rules)
{
    paper::PaperConfig config;
    if (rules.is_null()) return config;
    if (!rules.is_object())
        throw BadArgument("options: 'rules' must be an object of bodies, e.g. {\"Regionalverband Ruhr\": "
                          "{\"answer_period_days\": 28}}");
    for (const auto& [body, r] : rules.items()) {
        if (!r.is_object()) throw BadArgument("options: rules of '" + printable(body) + "' must be an object");
        paper::RulesOfProcedure rop;
        for (const auto& [key, value] : r.items()) {
            if (!value.is_number_integer() || value.get<long long>() < 0 || value.get<long long>() > 3660)
                throw BadArgument("options: rules of '" + printable(body) + "', '" + printable(key) +
                                  "' must be a number of days from 0 to 3660");
            const int days = value.get<int>();
            if (key == "answer_period_days") rop.answer_period_days = days;
            else if (key == "agenda_deadline_days") rop.agenda_deadline_days = days;
            else if (key == "invitation_period_days") rop.invitation_period_days = days;
            else
                throw BadArgument("options: rules of '" + printable(body) + "': unknown '" + printable(key) +
                                  "'; known are answer_period_days, agenda_deadline_days, invitation_period_days");
        }
        config.bodies[body] = rop;
    }
    return config;
}

EngineOptions engine_options(const nlohmann::json& options)
{
    EngineOptions engine;
    for (const auto& [key, value] : options.items()) {
        if (key == "policy") {
            if (!value.is_string())
                throw BadArgument("options: 'policy' must be \"default\" or the text of a policy file");
            const std::string text = value.get<std::string>();
            engine.policy = std::make_shared<const Policy>(text == "default" ? default_policy() : Policy::parse(text));
        } else if (key == "max_resident") {
            if (!value.is_number_integer() || value.get<long long>() < 1)
                throw BadArgument("options: 'max_resident' must be a whole number of at least 1");
            engine.max_resident = value.get<std::size_t>();
        } else if (key != "rules") {
            throw BadArgument("options: unknown '" + printable(key) + "'; known are policy, rules, max_resident");
        }
    }
    return engine;
}

}  // namespace

/// The handle behind the C type: one store, an engine per lifecycle. The library keeps every
/// open handle in a registry and looks each call's pointer up there, so that a closed handle is
/// refused instead of used, and a close while another thread's call runs waits for nothing: the
/// call holds the handle until it returns.
struct kimflow_db {
    /// Tells the handles apart for kimflow_set_time (an address may be reused after a close).
    std::uint64_t serial = 0;
    std::shared_ptr<SqliteStore> store;
    std::unique_ptr<paper::PaperEngine> papers;
    std::unique_ptr<kim::CaseEngine> cases;

    /// Calls @p f with the engine of @p lifecycle.
    template <class F>
    void with_engine(const char* lifecycle, F&& f)
    {
        const std::string_view name = required(lifecycle, "lifecycle");
        if (name == paper::PaperLifecycle::id) return f(*papers);
        if (name == kim::CaseLifecycle::id) return f(*cases);
        throw BadArgument("unknown lifecycle '" + printable(name) + "'; use \"" +
                          std::string(paper::PaperLifecycle::id) + "\" or \"" + std::string(kim::CaseLifecycle::id) +
                          "\"");
    }
};

namespace {

std::mutex registry_mutex;
/// The open handles (kimflow_open adds, kimflow_close removes).
std::unordered_map<const kimflow_db*, std::shared_ptr<kimflow_db>>& registry()
{
    static auto* handles = new std::unordered_map<const kimflow_db*, std::shared_ptr<kimflow_db>>();
    return *handles;  // never destroyed: a host may close a handle from a static destructor
}
std::atomic<std::uint64_t> last_serial{0};

/// The time each handle's fires and creations on this thread are recorded at (kimflow_set_time).
thread_local std::unordered_map<std::uint64_t, Timestamp> recorded_times;

/// The open handle @p db, held for the call; refuses NULL and closed handles.
std::shared_ptr<kimflow_db> open_handle(const kimflow_db* db, const char* call)
{
    if (!db) throw BadArgument(std::string(call) + ": db is NULL; open one with kimflow_open");
    std::lock_guard<std::mutex> lock(registry_mutex);
    const auto it = registry().find(db);
    if (it == registry().end())
        throw BadArgument(std::string(call) + ": db is not an open handle (closed already, or never opened); open "
                          "one with kimflow_open");
    return it->second;
}

/// When this thread's fires and creations on @p db are recorded: the time kimflow_set_time gave.
std::optional<Timestamp> recorded_at(const kimflow_db& db)
{
    const auto it = recorded_times.find(db.serial);
    return it == recorded_times.end() ? std::nullopt : std::optional<Timestamp>(it->second);
}

}  // namespace

extern "C" {

const char* kimflow_version(void)
{
#define KIMFLOW_C_STRINGIFY2(x) #x
#define KIMFLOW_C_STRINGIFY(x) KIMFLOW_C_STRINGIFY2(x)
    return KIMFLOW_C_STRINGIFY(KIMFLOW_VERSION_MAJOR) "." KIMFLOW_C_STRINGIFY(KIMFLOW_VERSION_MINOR) "." KIMFLOW_C_STRINGIFY(
        KIMFLOW_VERSION_PATCH);
}

const char* kimflow_status_name(int status)
{
    switch (status) {
    case KIMFLOW_OK: return "KIMFLOW_OK";
    case KIMFLOW_INVALID_ARGUMENT: return "KIMFLOW_INVALID_ARGUMENT";
    case KIMFLOW_NOT_FOUND: return "KIMFLOW_NOT_FOUND";
    case KIMFLOW_ALREADY_EXISTS: return "KIMFLOW_ALREADY_EXISTS";
    case KIMFLOW_EVENT_NOT_ALLOWED: return "KIMFLOW_EVENT_NOT_ALLOWED";
    case KIMFLOW_GUARD_REJECTED: return "KIMFLOW_GUARD_REJECTED";
    case KIMFLOW_VERSION_CONFLICT: return "KIMFLOW_VERSION_CONFLICT";
    case KIMFLOW_NOT_PERMITTED: return "KIMFLOW_NOT_PERMITTED";
    case KIMFLOW_STORAGE: return "KIMFLOW_STORAGE";
    case KIMFLOW_STORE_CORRUPT: return "KIMFLOW_STORE_CORRUPT";
    case KIMFLOW_INTERNAL: return "KIMFLOW_INTERNAL";
    }
    return "KIMFLOW_UNKNOWN_STATUS";
}

const char* kimflow_last_error(void) { return last_error_lost ? lost_error : last_error.c_str(); }

void kimflow_free(char* text) { std::free(text); }

kimflow_status kimflow_open(const char* path, const char* options, kimflow_db** db)
{
    if (db) *db = nullptr;
    return guarded([&] {
        if (!db) throw BadArgument("kimflow_open: db is NULL; pass the address of a kimflow_db* to receive the handle");
        const std::string file = required(path, "path");
        if (file.empty()) throw BadArgument("path is empty; name the database file, e.g. \"kimflow.db\"");
        nlohmann::json settings = parse_json(options, "options");
        if (settings.is_null()) settings = nlohmann::json::object();
        if (!settings.is_object())
            throw BadArgument("options must be a JSON object, e.g. {\"policy\": \"default\"}, or NULL");
        const EngineOptions engine = engine_options(settings);
        const paper::PaperConfig rules = paper_config(settings.contains("rules") ? settings["rules"] : nlohmann::json());

        auto handle = std::make_shared<kimflow_db>();
        const auto clock = std::make_shared<SystemClock>();
        handle->serial = ++last_serial;
        handle->store = std::make_shared<SqliteStore>(file);
        handle->papers = std::make_unique<paper::PaperEngine>(rules, clock, handle->store, engine);
        handle->cases = std::make_unique<kim::CaseEngine>(kim::CaseConfig{}, clock, handle->store, engine);
        std::lock_guard<std::mutex> lock(registry_mutex);
        registry().emplace(handle.get(), handle);
        *db = handle.get();
    });
}

void kimflow_close(kimflow_db* db)
{
    // Nothing to report: a store's destructor does not throw, and a close cannot be refused. A
    // handle that is not open (NULL, closed already) is left alone; one still in use by another
    // thread's call goes when that call returns.
    std::shared_ptr<kimflow_db> handle;
    {
        std::lock_guard<std::mutex> lock(registry_mutex);
        const auto it = registry().find(db);
        if (it == registry().end()) return;
        handle = std::move(it->second);
        registry().erase(it);
    }
    recorded_times.erase(handle->serial);
}

kimflow_status kimflow_set_time(kimflow_db* db, const char* rfc3339)
{
    return guarded([&] {
        const auto handle = open_handle(db, "kimflow_set_time");
        if (!rfc3339) {
            recorded_times.erase(handle->serial);
            return;
        }
        try {
            recorded_times[handle->serial] = parse_timestamp(rfc3339);
        } catch (const std::invalid_argument& e) {
            throw BadArgument(std::string("kimflow_set_time: ") + e.what());
        }
    });
}

kimflow_status kimflow_paper_create(kimflow_db* db, const char* paper, const kimflow_actor* actor, char** outcome)
{
    clear(outcome);
    return guarded([&] {
        const auto handle = open_handle(db, "kimflow_paper_create");
        const Actor who = actor_of(actor, "kimflow_paper_create");
        paper::Paper data = paper::paper_from_json(parse_json(required(paper, "paper"), "paper"));
        const std::string id = data.reference;
        handle->papers->create(id, std::move(data), who, CreateOptions{recorded_at(*handle)});
        // Not read back: another thread may fire in between, and a failed read would report
        // a failure for a paper that was created.
        static const std::string initial(model_of<paper::PaperLifecycle>().initial_states().front());
        nlohmann::json j{{"lifecycle", std::string(paper::PaperLifecycle::id)},
                         {"id", id},
                         {"state", initial},
                         {"version", 0}};
        give(outcome, j.dump());
    });
}

kimflow_status kimflow_case_open(kimflow_db* db, const char* id, const char* payload, const kimflow_actor* actor,
                                 char** outcome)
{
    clear(outcome);
    return guarded([&] {
        const auto handle = open_handle(db, "kimflow_case_open");
        const std::string case_id = required(id, "id");
        const Actor who = actor_of(actor, "kimflow_case_open");
        const Fields fields = fields_from_json(parse_json(payload, "payload"), kim::Open::id);
        const Fired fired =
            handle->cases->create(case_id, kim::KimCase{}, who, kim::Open::id, fields, CreateOptions{recorded_at(*handle)});
        give(outcome, outcome_json(kim::CaseLifecycle::id, case_id, fired, kim::Open::id));
    });
}

kimflow_status kimflow_fire(kimflow_db* db, const char* lifecycle, const char* id, const char* event,
                            const char* payload, const kimflow_actor* actor, uint64_t expected_version,
                            char** outcome)
{
    clear(outcome);
    return guarded([&] {
        const auto handle = open_handle(db, "kimflow_fire");
        const std::string target = required(id, "id");
        const std::string name = required(event, "event");
        const Actor who = actor_of(actor, "kimflow_fire");
        const Fields fields = fields_from_json(parse_json(payload, "payload"), name);
        const std::optional<std::uint64_t> expected =
            expected_version == KIMFLOW_ANY_VERSION ? std::nullopt : std::optional<std::uint64_t>(expected_version);
        handle->with_engine(lifecycle, [&](auto& engine) {
            const Fired fired = engine.fire(target, name, fields, who, FireOptions{expected, recorded_at(*handle)});
            give(outcome, outcome_json(engine.lifecycle(), target, fired, name));
        });
    });
}

kimflow_status kimflow_get(kimflow_db* db, const char* lifecycle, const char* id, const kimflow_actor* actor,
                           int with_history, char** instance)
{
    clear(instance);
    return guarded([&] {
        const auto handle = open_handle(db, "kimflow_get");
        const std::string target = required(id, "id");
        const std::optional<Actor> reader = reader_of(actor, "kimflow_get");
        handle->with_engine(lifecycle, [&](auto& engine) {
            const nlohmann::json j = reader ? to_json(engine, target, *reader, with_history != 0)
                                            : to_json(engine, target, with_history != 0);
            give(instance, j.dump());
        });
    });
}

kimflow_status kimflow_allowed_events(kimflow_db* db, const char* lifecycle, const char* id,
                                      const kimflow_actor* actor, char** events)
{
    clear(events);
    return guarded([&] {
        const auto handle = open_handle(db, "kimflow_allowed_events");
        const std::string target = required(id, "id");
        const std::optional<Actor> reader = reader_of(actor, "kimflow_allowed_events");
        handle->with_engine(lifecycle, [&](auto& engine) {
            nlohmann::json j = nlohmann::json::array();
            for (auto e : reader ? engine.allowed_events(target, *reader) : engine.allowed_events(target))
                j.push_back(std::string(e));
            give(events, j.dump());
        });
    });
}

}  // extern "C"
