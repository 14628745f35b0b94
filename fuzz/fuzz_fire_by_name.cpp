// libFuzzer target: commands against in-memory paper and case engines, as a host or a tool
// that only has text sends them (Engine::create/fire by event name with a payload of strings).
//
// Input: lines of text (see README.md and corpus/fuzz_fire_by_name/ for examples)
//
//   paper 14/1923 new anfrage|data.body=RVR         create without event (data from a template)
//   case K1 create default open|kommune=Castrop-Rauxel
//                                                   create with its opening event, by name
//   paper 14/1923 fire schedule|meeting_date=2025-02-20|agenda_item=5
//   paper 14/1923 fire@3 acknowledge                fire expecting version 3
//   clock +30d | clock -2h | clock 2025-03-01T09:00:00Z
//   actor baumeister verwaltung RVR                 who fires from now on
//   actor|id=x|role=y|organization=z               the same, any bytes but `|` and a line break:
//                                                   the engine must refuse what input.hpp refuses
//   config|reopen=6                                 CaseConfig::reopen_window_months (first lines)
//   store                                           also run every command on twin engines with
//                                                   a SqliteStore and compare (first lines)
//
// After the `|` of a command come payload fields `name=value` separated by `|`; fields named
// `data.…` set the instance data of a create instead. Every kimflow::Error is an expected
// answer; anything else (another exception, a crash, a sanitizer report, a broken invariant
// below) is a bug.
#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <typeinfo>
#include <utility>
#include <vector>

#include <kimflow/core/input.hpp>
#include <kimflow/core/lifecycle.hpp>
#include <kimflow/core/machine_states.hpp>
#include <kimflow/core/verify.hpp>
#include <kimflow/io/json.hpp>
#include <kimflow/kim/follow_up.hpp>
#include <kimflow/kim/machine.hpp>
#include <kimflow/kim/report.hpp>
#include <kimflow/paper/deadlines.hpp>
#include <kimflow/paper/machine.hpp>
#include <kimflow/store/codec.hpp>
#include <kimflow/store/sqlite_store.hpp>

#include "fuzz_common.hpp"

namespace {

using namespace kimflow;

/// At most this many commands per input (the rest is ignored): keeps each run short.
constexpr std::size_t kMaxCommands = 64;
/// Clock moves are limited to about a century each way, so dates stay in date.h's range.
constexpr long kMaxClockDays = 40000;

constexpr const char* kTarget = "fuzz_fire_by_name";

using kimflow_fuzz::verbose;

std::vector<std::string_view> split(std::string_view text, char separator)
{
    std::vector<std::string_view> out;
    while (true) {
        const auto at = text.find(separator);
        out.push_back(text.substr(0, at));
        if (at == std::string_view::npos) return out;
        text.remove_prefix(at + 1);
    }
}

/// Text the host gives (instance data, actors) as the host would: ASCII, or UTF-8 the harness
/// writes itself. Bytes from 0x80 up become '?', so that findings are about what kimflow takes
/// from outside (ids, event names, payload fields), which it must check itself.
std::string host_text(std::string_view text)
{
    std::string out(text);
    for (char& c : out)
        if (static_cast<unsigned char>(c) >= 0x80) c = '?';
    return out;
}

/// One line of the input.
struct Command {
    std::vector<std::string> words;
    Fields payload;
    Fields data;  // the `data.` fields, without the prefix
};

std::vector<Command> parse(std::string_view input)
{
    std::vector<Command> out;
    for (std::string_view line : split(input, '\n')) {
        if (out.size() == kMaxCommands) break;
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (line.empty() || line.front() == '#') continue;
        const auto bar = line.find('|');
        Command c;
        for (std::string_view w : split(line.substr(0, bar), ' '))
            if (!w.empty()) c.words.emplace_back(w);
        if (bar != std::string_view::npos) {
            for (std::string_view item : split(line.substr(bar + 1), '|')) {
                const auto eq = item.find('=');
                std::string name(item.substr(0, eq));
                std::string value(eq == std::string_view::npos ? std::string_view() : item.substr(eq + 1));
                if (name.rfind("data.", 0) == 0)
                    c.data[name.substr(5)] = host_text(value);
                else
                    c.payload[std::move(name)] = std::move(value);
            }
        }
        if (!c.words.empty()) out.push_back(std::move(c));
    }
    return out;
}

/// Runs @p f, ignoring the harness's own parse errors (a bad template value is not a finding).
template <class F>
void lenient(F&& f)
{
    try {
        f();
    } catch (const std::invalid_argument&) {
    } catch (const std::out_of_range&) {
    }
}

const std::string kAusschuss = "Ausschuss für Kultur, Sport und Vielfalt";
const std::string kRat = "Verbandsversammlung";

/// A paper as a host creates it: a template, then the `data.` fields.
paper::Paper make_data(paper::PaperLifecycle*, const std::string& id, const std::string& kind, const Fields& data)
{
    using namespace kimflow::paper;
    Paper p;
    p.reference = id;
    p.title = "Betreff";
    p.originator = "Fraktion Die Linke";
    p.body = "Regionalverband Ruhr";
    if (kind == "anfrage") {
        p.type = PaperType::anfrage;
        p.consultations.push_back({kAusschuss, ConsultationRole::kenntnisnahme});
    } else if (kind == "antrag") {
        p.type = PaperType::antrag;
        p.consultations.push_back({kAusschuss, ConsultationRole::vorberatung});
        p.consultations.push_back({kRat, ConsultationRole::entscheidung, true});
    } else if (kind == "vorlage") {
        p.type = PaperType::beschlussvorlage;
        p.originator = "Verwaltung";
        p.consultations.push_back({kAusschuss, ConsultationRole::vorberatung});
        p.consultations.push_back({"Hauptausschuss", ConsultationRole::empfehlung});
        p.consultations.push_back({kRat, ConsultationRole::entscheidung, true});
    } else if (kind == "mitteilung") {
        p.type = PaperType::mitteilungsvorlage;
        p.consultations.push_back({kAusschuss, ConsultationRole::kenntnisnahme});
        p.consultations.push_back({kRat, ConsultationRole::kenntnisnahme});
    } else if (kind == "bericht") {
        p.type = PaperType::bericht;
        p.originator.clear();
        p.body.clear();
    }
    for (const auto& [name, value] : data) {
        lenient([&, &name = name, &value = value] {
            if (name == "reference") p.reference = value;
            if (name == "title") p.title = value;
            if (name == "type") p.type = parse_enum<PaperType>(value);
            if (name == "body") p.body = value;
            if (name == "originator") p.originator = value;
            if (name == "date") p.date = parse_date(value);
            if (name == "related") p.related_papers = FieldCodec<std::vector<std::string>>::parse(value);
            // consultations=org:role[:authoritative];…  (replaces the template's)
            if (name == "consultations") {
                p.consultations.clear();
                for (std::string_view item : split(value, ';')) {
                    const auto parts = split(item, ':');
                    Consultation c{std::string(parts[0])};
                    if (parts.size() > 1) c.role = parse_enum<ConsultationRole>(parts[1]);
                    c.authoritative = parts.size() > 2;
                    p.consultations.push_back(std::move(c));
                }
            }
        });
    }
    return p;
}

/// A case as a host creates it: empty (the opening event fills it) or with the `data.` fields.
kim::KimCase make_data(kim::CaseLifecycle*, const std::string&, const std::string&, const Fields& data)
{
    kim::KimCase c;
    for (const auto& [name, value] : data) {
        if (name == "kommune") c.kommune = value;
        if (name == "kreis") c.kreis = value;
        if (name == "traeger") c.traeger = value;
        if (name == "manager") c.manager = value;
        if (name == "goals") c.goals = FieldCodec<std::vector<std::string>>::parse(value);
    }
    return c;
}

/// What a user can see of an instance, to compare before and after.
struct Snapshot {
    std::vector<std::string> states;
    std::uint64_t version = 0;
    std::string data;  // cereal bytes
    std::size_t history = 0;
    bool operator==(const Snapshot& o) const
    {
        return states == o.states && version == o.version && data == o.data && history == o.history;
    }
};

/// What became of one command on one engine.
struct Outcome {
    bool applied = false;
    std::string error;  // the kimflow::Error's dynamic type when not applied
    Fired fired{};
};

/// The engine a host uses for a built-in lifecycle.
template <class Lifecycle>
struct FaceOf;
template <>
struct FaceOf<paper::PaperLifecycle> {
    using type = paper::PaperEngine;
};
template <>
struct FaceOf<kim::CaseLifecycle> {
    using type = kim::CaseEngine;
};

template <class Lifecycle>
class Side {
public:
    using E = typename FaceOf<Lifecycle>::type;
    using Config = typename E::Config;
    using Data = typename E::Data;
    using Traits = LifecycleTraits<Lifecycle>;

    Side(const Config& config, const std::shared_ptr<ManualClock>& clock, bool with_store) : clock_(clock)
    {
        memory_ = std::make_unique<E>(config, clock);
        if (with_store) {
            store_ = std::make_shared<SqliteStore>(":memory:");
            stored_ = std::make_unique<E>(config, clock, store_);
        }
    }

    void run(const Command& c, const Actor& actor)
    {
        // words: lifecycle id op [template] [event]
        if (c.words.size() < 3) return;
        const std::string& id = c.words[1];
        const std::string& op = c.words[2];
        std::optional<std::uint64_t> expected;
        std::string event;
        enum { create_plain, create_opening, fire } kind;
        std::string kind_of_data;
        if (op == "new") {
            kind = create_plain;
            kind_of_data = c.words.size() > 3 ? c.words[3] : "";
        } else if (op == "create") {
            if (c.words.size() < 5) return;
            kind = create_opening;
            kind_of_data = c.words[3];
            event = c.words[4];
        } else if (op.rfind("fire", 0) == 0) {
            if (c.words.size() < 4) return;
            kind = fire;
            event = c.words[3];
            if (op.size() > 5 && op[4] == '@') {
                lenient([&] { expected = FieldCodec<std::uint64_t>::parse(op.substr(5)); });
                if (!expected) return;
            }
        } else {
            return;
        }

        const std::optional<Snapshot> before = snapshot(*memory_, id);
        if (stored_) FUZZ_CHECK(before == snapshot(*stored_, id), "the engines differ before " + describe(c));

        auto apply = [&](E& e) {
            Outcome out;
            try {
                const Data data = make_data(static_cast<Lifecycle*>(nullptr), id, kind_of_data, c.data);
                if (kind == create_plain) {
                    e.create(id, data, actor);
                } else if (kind == create_opening) {
                    out.fired = e.create(id, data, actor, event, c.payload);
                } else {
                    out.fired = e.fire(id, event, c.payload, actor, expected);
                }
                out.applied = true;
            } catch (const Error& error) {
                out.error = typeid(error).name();
            }
            return out;
        };
        const Outcome out = apply(*memory_);
        if (verbose())
            std::fprintf(stderr, "%s: %s\n", describe(c).c_str(),
                         out.applied ? ("-> " + std::string(out.fired.to) + " v" + std::to_string(out.fired.version)).c_str()
                                     : out.error.c_str());
        check(*memory_, c, id, kind == fire, kind == create_opening, before, out, actor);
        if (stored_) {
            const Outcome twin = apply(*stored_);
            FUZZ_CHECK(twin.applied == out.applied && twin.error == out.error,
                       describe(c) + ": in memory " + (out.applied ? "applied" : out.error) + ", with a store " +
                           (twin.applied ? "applied" : twin.error));
            check(*stored_, c, id, kind == fire, kind == create_opening, before, twin, actor);
            FUZZ_CHECK(snapshot(*memory_, id) == snapshot(*stored_, id), "the engines differ after " + describe(c));
        }
        if (out.applied) versions_[id] = kind == create_plain ? 0 : kind == create_opening ? 1 : versions_[id] + 1;
    }

    /// Checks after the last command: every reader over all instances, and with a store, the
    /// store's log and a fresh engine reading everything back.
    void finish(const Config& config)
    {
        std::vector<std::string> ids;
        for (const auto& entry : versions_) ids.push_back(entry.first);
        FUZZ_CHECK(memory_->find(InstanceQuery{}) == ids, "find() lists other instances than were created");
        FUZZ_CHECK(memory_->size() == ids.size(), "size() differs from the instances created");
        readers(*memory_, config);
        // A JSON report of every instance, with its history, can be written (its text is UTF-8).
        for (const auto& id : ids) (void)to_json(*memory_, id).dump();
        if (!stored_) return;
        FUZZ_CHECK(stored_->find(InstanceQuery{}) == ids, "find() with a store lists other instances");
        std::vector<VerifyFinding> findings;
        verify_instances<Lifecycle>(*store_, findings);
        FUZZ_CHECK(findings.empty(), "verify_instances: " + (findings.empty() ? "" : findings.front().problem));
        E fresh(config, clock_, store_);
        for (const auto& id : ids) {
            FUZZ_CHECK(snapshot(fresh, id) == snapshot(*memory_, id), "instance '" + id + "' reads back otherwise");
            const auto a = memory_->history(id), b = fresh.history(id);
            for (std::size_t i = 0; i < a.size() && i < b.size(); ++i)
                FUZZ_CHECK(a[i].event == b[i].event && a[i].from == b[i].from && a[i].to == b[i].to &&
                               a[i].at == b[i].at && a[i].payload == b[i].payload && a[i].actor == b[i].actor,
                           "history entry " + std::to_string(i + 1) + " of '" + id + "' reads back otherwise");
        }
    }

private:
    static std::string describe(const Command& c)
    {
        std::string out;
        for (const auto& w : c.words) out += (out.empty() ? "" : " ") + w;
        return "'" + out + "'";
    }

    static std::optional<Snapshot> snapshot(const E& e, const std::string& id)
    {
        if (!e.contains(id)) return std::nullopt;
        const auto view = e.view(id);
        Snapshot s;
        for (auto state : view.states) s.states.emplace_back(state);
        s.version = view.version;
        s.data = encode(view.data);
        s.history = e.history(id).size();
        return s;
    }

    void check(const E& e, const Command& c, const std::string& id, bool was_fire, bool with_opening,
               const std::optional<Snapshot>& before, const Outcome& out, const Actor& actor)
    {
        const std::string what = describe(c);
        const std::optional<Snapshot> after = snapshot(e, id);
        // An actor that breaks input.hpp's rule is refused first, on every path, as bad input.
        bool actor_ok = true;
        try {
            check_actor(actor);
        } catch (const InvalidData&) {
            actor_ok = false;
        }
        if (!actor_ok)
            FUZZ_CHECK(!out.applied && out.error == typeid(InvalidData).name(),
                       what + ": an actor input.hpp refuses was " + (out.applied ? "taken" : "refused as " + out.error));
        if (!out.applied) {
            // "The instance did not take the event; it is exactly as it was before."
            FUZZ_CHECK(after == before, what + " was refused (" + out.error + ") but changed the instance");
        } else if (was_fire) {
            FUZZ_CHECK(before && after, what + " applied to an instance that does not exist");
            FUZZ_CHECK(out.fired.version == before->version + 1 && after->version == out.fired.version,
                       what + ": the version did not go up by one");
            FUZZ_CHECK(after->history == before->history + 1, what + ": the history did not grow by one");
        } else {
            FUZZ_CHECK(!before && after, what + " created an instance that existed");
            FUZZ_CHECK(after->version == (with_opening ? 1u : 0u), what + ": a new instance at the wrong version");
            FUZZ_CHECK(after->history == after->version, what + ": a new instance with the wrong history");
            if (!with_opening) {
                std::vector<std::string> initial;
                for (auto s : Traits::initial_states()) initial.emplace_back(s);
                FUZZ_CHECK(after->states == initial, what + ": a new instance not in its initial states");
            }
        }
        if (!after) return;

        // The model: a refused command leaves the count where it was.
        const std::uint64_t expected = !out.applied ? versions_.at(id)
                                       : was_fire   ? versions_.at(id) + 1
                                       : with_opening ? 1
                                                      : 0;
        FUZZ_CHECK(after->version == expected, what + ": version " + std::to_string(after->version) +
                                                   ", but the successful fires say " + std::to_string(expected));

        const auto history = e.history(id);
        FUZZ_CHECK(history.size() == after->version, what + ": the history's length is not the version");
        for (std::size_t i = 0; i < history.size(); ++i)
            FUZZ_CHECK(history[i].version == i + 1, what + ": the history skips a version");
        if (out.applied && (was_fire || with_opening)) {
            const TransitionRecord& last = history.back();
            const std::string& event = c.words[was_fire ? 3 : 4];
            FUZZ_CHECK(last.event == event && last.from == out.fired.from && last.to == out.fired.to &&
                           last.actor == actor,
                       what + ": the history's last entry is not the fire");
            // Recorded now, unless the clock went back behind the entry before: a history only
            // moves forward.
            const Timestamp floor = history.size() > 1 ? history[history.size() - 2].at : last.at;
            FUZZ_CHECK(last.at == std::max(clock_->now(), floor), what + ": the fire is not recorded at now");
            for (std::size_t i = 1; i < history.size(); ++i)
                FUZZ_CHECK(history[i - 1].at <= history[i].at, what + ": the history goes back in time");
            auto has = [](const std::vector<std::string>& states, std::string_view s) {
                return std::find(states.begin(), states.end(), s) != states.end();
            };
            FUZZ_CHECK(has(after->states, out.fired.to), what + ": the fire went to a state no region is in");
            if (before) FUZZ_CHECK(has(before->states, out.fired.from), what + ": the fire came from a state no region was in");
        }

        // Every event listed as allowed is one of the lifecycle's.
        static const auto events = E::events();
        for (auto allowed : e.allowed_events(id))
            FUZZ_CHECK(std::any_of(events.begin(), events.end(), [&](const EventInfo& i) { return i.id == allowed; }),
                       what + ": allowed_events lists an unknown event");
        if (!out.applied) return;

        // What a store would do with it: the data reads back as written, the states restore.
        const Data data = decode<Data>(after->data, "fuzz");
        FUZZ_CHECK(encode(data) == after->data, what + ": the data does not read back as written");
        typename Traits::Machine machine;
        restore_state_ids<Lifecycle>(machine, after->states);
        std::vector<std::string> restored;
        for (const auto& s : active_state_ids<Lifecycle>(machine)) restored.push_back(s);
        FUZZ_CHECK(restored == after->states, what + ": the states do not restore");
    }

    void readers(const E& e, const paper::PaperConfig& config)
    {
        const Date today = date_of(clock_->now());
        e.for_each([&](const Instance<paper::PaperLifecycle>& in) {
            (void)paper::overdue_on(in.data(), in.state(), config, today);
            (void)paper::PaperLifecycle::store_keys(in.data(), in.state(), config);
        });
    }
    void readers(const E& e, const kim::CaseConfig&)
    {
        const Date today = date_of(clock_->now());
        (void)kim::due_for_follow_up(e, clock_->now());
        (void)kim::make_report(e, today - date::days{400}, today);
    }

    std::shared_ptr<ManualClock> clock_;
    std::unique_ptr<E> memory_;
    std::shared_ptr<SqliteStore> store_;
    std::unique_ptr<E> stored_;
    std::map<std::string, std::uint64_t> versions_;  // the model: successful fires per instance
};

void move_clock(ManualClock& clock, const std::vector<std::string>& words)
{
    if (words.size() < 2) return;
    const std::string& arg = words[1];
    lenient([&] {
        if (arg[0] != '+' && arg[0] != '-') {
            clock.set(parse_timestamp(arg));
            return;
        }
        const char unit = arg.back();
        const long n = FieldCodec<long>::parse(std::string_view(arg).substr(1, arg.size() - 2));
        if (n < 0 || n > kMaxClockDays) return;
        const long sign = arg[0] == '-' ? -1 : 1;
        if (unit == 'd') clock.advance(date::days{sign * n});
        if (unit == 'h') clock.advance(std::chrono::hours{sign * n});
        if (unit == 'm') clock.advance(std::chrono::minutes{sign * n});
    });
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* bytes, std::size_t size)
{
    const std::vector<Command> commands = parse(std::string_view(reinterpret_cast<const char*>(bytes), size));

    // Settings come first: `config` and `store` lines before any other command.
    paper::PaperConfig paper_config;
    paper_config.bodies["RVR"] = paper::RulesOfProcedure{21, 14, 7};
    paper_config.bodies["Rat"] = paper::RulesOfProcedure{0, 0, 0};
    kim::CaseConfig case_config;
    bool with_store = false;
    std::size_t first = 0;
    for (; first < commands.size(); ++first) {
        const auto& w = commands[first].words;
        if (w[0] == "store") {
            with_store = true;
        } else if (w[0] == "config") {
            const auto it = commands[first].payload.find("reopen");
            if (it != commands[first].payload.end())
                lenient([&] { case_config.reopen_window_months = FieldCodec<int>::parse(it->second); });
            if (case_config.reopen_window_months < 0 || case_config.reopen_window_months > 1200)
                case_config.reopen_window_months = 12;
        } else {
            break;
        }
    }

    auto clock = std::make_shared<ManualClock>(parse_timestamp("2025-01-06T09:00:00Z"));
    Side<paper::PaperLifecycle> papers(paper_config, clock, with_store);
    Side<kim::CaseLifecycle> cases(case_config, clock, with_store);
    Actor actor{"kretschmer", "fraktion", "Fraktion Die Linke"};

    for (std::size_t i = first; i < commands.size(); ++i) {
        kimflow_fuzz::poison_stack();
        const Command& c = commands[i];
        const std::string& head = c.words[0];
        if (head == "paper") {
            papers.run(c, actor);
        } else if (head == "case") {
            cases.run(c, actor);
        } else if (head == "clock") {
            move_clock(*clock, c.words);
        } else if (head == "actor") {
            // As given, bytes and all: the actor is input the engine checks (input.hpp).
            const auto given = [&](const char* name, std::size_t word) {
                const auto it = c.payload.find(name);
                if (it != c.payload.end()) return it->second;
                return c.words.size() > word ? c.words[word] : std::string();
            };
            actor = Actor{given("id", 1), given("role", 2), given("organization", 3)};
        }
    }
    papers.finish(paper_config);
    cases.finish(case_config);
    return 0;
}
