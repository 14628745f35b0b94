// libFuzzer target: a damaged database row. What the store hands the engine when it loads an
// instance: the instance data as cereal bytes and the region states as text.
//
// Input (see README.md; corpus/fuzz_stored_row/ has rows written by the real engine):
//   byte 0       bit 0: the lifecycle (0 paper, 1 case); the other bits pick an event to fire
//                on the loaded instance (0: none; n: the lifecycle's event n, with a valid payload)
//   byte 1       the row's version (signed)
//   then         the `states` column (comma-separated state ids) up to the first '\n'
//   then         the `data` column (cereal portable binary bytes), to the end
//
// Each input is tried twice: straight through decode<Data>() and restore_state_ids<Lifecycle>()
// (as Engine::load does), then written with plain SQL into the instance row of a real kimflow
// database (a temporary file) and loaded through an engine on a SqliteStore, viewed, and fired
// on. Expected answers are StoreCorrupt for bytes that do not decode, and kimflow::Error for
// everything else the engine refuses; anything else, a crash or a sanitizer report is a bug.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <SQLiteCpp/SQLiteCpp.h>

#include <kimflow/core/lifecycle.hpp>
#include <kimflow/core/machine_states.hpp>
#include <kimflow/kim/machine.hpp>
#include <kimflow/paper/machine.hpp>
#include <kimflow/store/codec.hpp>
#include <kimflow/store/sqlite_store.hpp>

#include "fuzz_common.hpp"

namespace {

using namespace kimflow;

constexpr const char* kTarget = "fuzz_stored_row";

using kimflow_fuzz::verbose;

const Actor kActor{"sitzung", "sitzungsdienst", "Regionalverband Ruhr"};
const Timestamp kStart = parse_timestamp("2025-03-01T09:00:00Z");

/// The states column as SqliteStore reads it (split at commas, as its split_states does).
std::vector<std::string> split_states(const std::string& text)
{
    std::vector<std::string> out;
    std::string::size_type from = 0;
    while (from < text.size()) {
        auto comma = text.find(',', from);
        if (comma == std::string::npos) comma = text.size();
        out.push_back(text.substr(from, comma - from));
        from = comma + 1;
    }
    return out;
}

/// A payload that reads for the event's fields: a sample value of each field's kind.
std::string sample(std::string_view kind)
{
    if (kind.rfind("list of ", 0) == 0) {
        kind.remove_prefix(8);
        return sample(kind.substr(0, kind.find(", comma-separated")));
    }
    if (kind.rfind("one of: ", 0) == 0) {
        kind.remove_prefix(8);
        return std::string(kind.substr(0, kind.find(',')));
    }
    if (kind == "date") return "2025-04-01";
    if (kind == "time") return "2025-04-01T10:00:00Z";
    if (kind == "yes/no") return "true";
    if (kind == "number") return "1";
    return "Hauptausschuss";
}

template <class Lifecycle>
Fields payload_for(const EventInfo& event)
{
    Fields out;
    for (const auto& f : event.fields) out[f.name] = sample(f.kind);
    return out;
}

/// The fuzzer's database: one instance row per lifecycle, rewritten for every input.
class Database {
public:
    Database()
        : path_((std::filesystem::temp_directory_path() /
                 ("kimflow-fuzz-stored-row-" + std::to_string(::getpid()) + ".db"))
                    .string())
    {
        remove();
        auto clock = std::make_shared<ManualClock>(kStart);
        {
            // Rows written by the engine itself, so that every other column is as it should be.
            auto store = std::make_shared<SqliteStore>(path_, SqliteOptions{SqliteOptions::Synchronous::normal});
            paper::PaperEngine papers(paper::PaperConfig{}, clock, store);
            paper::Paper p;
            p.reference = "row";
            p.title = "Betreff";
            papers.create("row", p, kActor);
            kim::CaseEngine cases(kim::CaseConfig{}, clock, store);
            cases.create("row", kim::KimCase{}, kActor, "open", Fields{{"kommune", "Castrop-Rauxel"}});
        }
        db_ = std::make_unique<SQLite::Database>(path_, SQLite::OPEN_READWRITE);
        db_->exec("PRAGMA synchronous=OFF");
        update_ = std::make_unique<SQLite::Statement>(
            *db_, "UPDATE instance SET version = ?, states = ?, state = ?, data = ? WHERE lifecycle = ? AND id = 'row'");
        store_ = std::make_shared<SqliteStore>(path_, SqliteOptions{SqliteOptions::Synchronous::normal});
    }
    ~Database()
    {
        update_.reset();
        db_.reset();
        store_.reset();
        remove();
    }

    /// Writes the row of @p lifecycle as plain SQL; drops the transition logs.
    void write(std::string_view lifecycle, std::int64_t version, const std::string& states, const std::string& data)
    {
        db_->exec("DELETE FROM transition");
        update_->reset();
        update_->bind(1, version);
        update_->bind(2, states);
        update_->bind(3, states.substr(0, states.find(',')));
        update_->bind(4, data.data(), static_cast<int>(data.size()));
        update_->bind(5, std::string(lifecycle));
        FUZZ_CHECK(update_->exec() == 1, "the fuzzer's row is gone");
    }

    const std::shared_ptr<SqliteStore>& store() const { return store_; }

private:
    void remove() const
    {
        for (const char* suffix : {"", "-wal", "-shm", "-journal"}) std::remove((path_ + suffix).c_str());
    }

    std::string path_;
    std::unique_ptr<SQLite::Database> db_;
    std::unique_ptr<SQLite::Statement> update_;
    std::shared_ptr<SqliteStore> store_;
};

Database& database()
{
    static Database db;
    return db;
}

template <class Lifecycle>
void run(unsigned event_choice, std::int64_t version, const std::string& states, const std::string& data)
{
    using E = Engine<Lifecycle>;
    using Traits = LifecycleTraits<Lifecycle>;

    // 1. Straight: what Engine::load does with the columns.
    try {
        (void)decode<typename E::Data>(data, "fuzz row");
    } catch (const StoreCorrupt&) {
    }
    try {
        typename Traits::Machine machine;
        restore_state_ids<Lifecycle>(machine, split_states(states));
        FUZZ_CHECK(active_state_ids<Lifecycle>(machine) == split_states(states), "restored states read otherwise");
    } catch (const Error&) {
    }

    // 2. Through a real row and an engine on the store.
    Database& db = database();
    db.write(Lifecycle::id, version, states, data);
    auto clock = std::make_shared<ManualClock>(kStart);
    E engine(typename E::Config{}, clock, db.store());
    typename E::View before;
    try {
        before = engine.view("row");
    } catch (const Error& e) {
        if (verbose()) std::fprintf(stderr, "refused: %s\n", e.what());
        return;  // StoreCorrupt, or states the lifecycle does not have
    }
    (void)engine.history("row");
    FUZZ_CHECK(before.version == static_cast<std::uint64_t>(version), "the version reads otherwise");
    static const auto events = E::events();
    if (event_choice == 0) return;
    const EventInfo& event = events[(event_choice - 1) % events.size()];
    try {
        const Fired fired = engine.fire("row", event.id, payload_for<Lifecycle>(event), kActor);
        FUZZ_CHECK(fired.version == before.version + 1, "a fire on a loaded row did not count up");
        if (verbose())
            std::fprintf(stderr, "%s: %s -> %s\n", std::string(event.id).c_str(), std::string(fired.from).c_str(),
                         std::string(fired.to).c_str());
    } catch (const Error& e) {
        if (verbose())
            std::fprintf(stderr, "%s refused: %s\n", std::string(event.id).c_str(), e.what());
        return;
    }
    const auto after = engine.view("row");
    FUZZ_CHECK(after.version == before.version + 1, "the fired row reads back at another version");
    FUZZ_CHECK(encode(after.data) == encode(E(typename E::Config{}, clock, db.store()).data("row")),
               "the fired row reads back otherwise");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* bytes, std::size_t size)
{
    if (size < 2) return 0;
    const std::string_view input(reinterpret_cast<const char*>(bytes) + 2, size - 2);
    const auto newline = input.find('\n');
    const std::string states(input.substr(0, newline));
    const std::string data(newline == std::string_view::npos ? std::string_view() : input.substr(newline + 1));
    const unsigned event_choice = bytes[0] >> 1;
    const auto version = static_cast<std::int64_t>(static_cast<std::int8_t>(bytes[1]));
    if (bytes[0] & 1)
        run<kim::CaseLifecycle>(event_choice, version, states, data);
    else
        run<paper::PaperLifecycle>(event_choice, version, states, data);
    return 0;
}
