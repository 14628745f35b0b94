// SqliteStore on its own: the file it writes, the files it refuses, the plans of its queries.
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>
#include <SQLiteCpp/SQLiteCpp.h>

#include <kimflow/core/verify.hpp>
#include <kimflow/paper/lifecycle.hpp>
#include <kimflow/store/codec.hpp>
#include <kimflow/store/sqlite_store.hpp>

#include "temp_file.hpp"

using namespace kimflow;

namespace {

std::string read_file(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

StoredInstance instance(const std::string& id)
{
    StoredInstance in;
    in.lifecycle = "paper";
    in.id = id;
    in.states = {"draft"};
    in.state = "draft";
    in.data = std::string(200, 'd');
    return in;
}

TEST(SqliteStore, MarksItsFileWithApplicationIdAndSchemaVersion)
{
    TempFile file;
    { SqliteStore store(file.path()); }
    SQLite::Database db(file.path());
    EXPECT_EQ(db.execAndGet("PRAGMA application_id").getInt(), SqliteStore::application_id);
    EXPECT_EQ(db.execAndGet("PRAGMA user_version").getInt(), SqliteStore::schema_version);
    EXPECT_EQ(db.execAndGet("PRAGMA journal_mode").getString(), "wal");
}

/// Every row of the tables an older file has, in the columns it has them, as text: equal before
/// and after a migration means it kept every row and every value of them.
std::string old_rows(SQLite::Database& db, const std::vector<std::string>& tables,
                     std::map<std::string, std::string>& columns)
{
    std::string out;
    for (const auto& table : tables) {
        if (!columns.count(table)) {
            SQLite::Statement info(
                db, "SELECT group_concat('\"' || name || '\"', ',') FROM pragma_table_info('" + table + "')");
            columns[table] = info.executeStep() ? info.getColumn(0).getString() : "";
        }
        out += "[" + table + "]\n";
        SQLite::Statement all(db, "SELECT " + columns[table] + " FROM " + table + " ORDER BY 1");
        while (all.executeStep()) {
            for (int c = 0; c < all.getColumnCount(); ++c) {
                const SQLite::Column v = all.getColumn(c);
                out += v.isNull() ? std::string("NULL")
                                  : std::string(static_cast<const char*>(v.getBlob()), static_cast<std::size_t>(v.getBytes()));
                out += '|';
            }
            out += '\n';
        }
    }
    return out;
}

// Files written by kimflow 0.2 (schema 3) and 0.3 (schema 5), rebuilt from their dumps in
// tests/data: today's SqliteStore migrates them keeping every row, and what it holds verifies.
TEST(SqliteStore, FilesOfOlderSchemasMigrateKeepingEveryRowAndVerify)
{
    for (const int schema : {3, 5}) {
        SCOPED_TRACE("schema " + std::to_string(schema));
        const std::string name = "schema" + std::to_string(schema);
        const std::string dump = read_file(std::string(KIMFLOW_TESTS_DIR) + "/data/" + name + ".sql");
        ASSERT_NE(dump.find("PRAGMA user_version = " + std::to_string(schema)), std::string::npos);
        TempFile file{name};
        const std::vector<std::string> tables =
            schema >= 4 ? std::vector<std::string>{"instance", "transition", "denial", "setting"}
                        : std::vector<std::string>{"instance", "transition", "denial"};
        std::map<std::string, std::string> columns;
        std::string before;
        {
            SQLite::Database db(file.path(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
            db.exec(dump);
            ASSERT_EQ(db.execAndGet("PRAGMA user_version").getInt(), schema);
            before = old_rows(db, tables, columns);
        }
        ASSERT_NE(before.find("14/1925"), std::string::npos);
        auto store = std::make_shared<SqliteStore>(file.path());
        {
            SQLite::Database db(file.path(), SQLite::OPEN_READONLY);
            EXPECT_EQ(db.execAndGet("PRAGMA user_version").getInt(), SqliteStore::schema_version);
            EXPECT_EQ(old_rows(db, tables, columns), before) << "a row or a value changed in the migration";
            // What the newer schemas added: timer keys "not known yet" where schema 5 was the step.
            EXPECT_EQ(db.execAndGet("SELECT count(*) FROM instance WHERE timer_at = 0").getInt(), schema < 5 ? 3 : 0);
        }
        const ChainCheck chain = store->verify_chain();
        EXPECT_TRUE(chain.ok()) << (chain.first_break ? chain.first_break->problem
                                                      : std::to_string(chain.rows.size()) + " rows differ");
        EXPECT_EQ(chain.transitions, 3u);
        EXPECT_EQ(chain.denials, 1u);
        EXPECT_EQ(chain.creations, 3u) << "every row the file had is chained from the migration on";
        EXPECT_EQ(chain.rows_checked, 3u);
        std::vector<VerifyFinding> findings;
        EXPECT_EQ(verify_instances<paper::PaperLifecycle>(*store, findings), 3u);
        EXPECT_TRUE(findings.empty()) << findings.front().id << ": " << findings.front().problem;
        EXPECT_EQ(store->setting("oparl:sync:https://ris.example.org/oparl/body/1"),
                  schema >= 4 ? std::optional<std::string>("2025-02-06T18:00:00Z") : std::nullopt);
        store->put_setting("oparl:sync:x", "2025-02-06T18:00:00Z");
        EXPECT_EQ(store->setting("oparl:sync:x"), "2025-02-06T18:00:00Z");
        ASSERT_EQ(store->denials("paper", "14/1923").size(), 1u);
        EXPECT_EQ(store->denials("paper", "14/1923")[0].actor.id, "mueller");

        // The papers as that version's engine left them, and going on from there.
        auto clock = std::make_shared<ManualClock>(parse_timestamp("2025-02-01T09:00:00Z"));
        paper::PaperEngine papers(paper::PaperConfig{}, clock, store);
        EXPECT_EQ(papers.state("14/1923"), "answered");
        EXPECT_EQ(papers.data("14/1923").answer_reference, "14/1923-1");
        EXPECT_EQ(papers.data("14/1923").related_papers, std::vector<std::string>{"14/1923-1"});
        EXPECT_EQ(papers.data("14/1924").title, "Zusammenarbeit der Kommunalen Integrationszentren");
        EXPECT_EQ(papers.data("14/1925").submitted_at, parse_timestamp("2025-01-06T09:00:00Z"));
        const auto history = papers.history("14/1923");
        ASSERT_EQ(history.size(), 2u);
        EXPECT_EQ(history[1].payload, "answer_reference=14/1923-1");
        EXPECT_EQ(history[1].actor.id, "baumeister");
        EXPECT_EQ(papers.fire("14/1925", paper::Answer{"14/1925-1"}, Actor{"baumeister", "verwaltung"}).version, 2u);
        EXPECT_TRUE(store->verify_chain().ok());
    }
}

TEST(SqliteStore, RefusesAFileThatIsNotADatabaseAndLeavesItAlone)
{
    TempFile file;
    std::ofstream(file.path()) << "Tagesordnung der Sitzung vom 06.02.2025\n" << std::string(5000, 'x');
    const std::string before = read_file(file.path());
    try {
        SqliteStore store(file.path());
        FAIL();
    } catch (const NotAKimflowDatabase& e) {
        EXPECT_NE(std::string(e.what()).find(file.path()), std::string::npos) << e.what();
    }
    EXPECT_EQ(read_file(file.path()), before);
}

TEST(SqliteStore, RefusesAnotherApplicationsDatabaseAndLeavesItAlone)
{
    TempFile file;
    {
        SQLite::Database db(file.path(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
        db.exec("CREATE TABLE vorlagen (nr TEXT); INSERT INTO vorlagen VALUES ('14/1923')");
    }
    EXPECT_THROW(SqliteStore store(file.path()), NotAKimflowDatabase);
    SQLite::Database db(file.path());
    EXPECT_EQ(db.execAndGet("SELECT nr FROM vorlagen").getString(), "14/1923");
    EXPECT_FALSE(db.tableExists("instance"));
}

TEST(SqliteStore, RefusesADatabaseOfANewerSchema)
{
    TempFile file;
    {
        SqliteStore store(file.path());
        store.insert(instance("A"));
    }
    {
        SQLite::Database db(file.path(), SQLite::OPEN_READWRITE);
        db.exec("PRAGMA user_version=" + std::to_string(SqliteStore::schema_version + 1));
    }
    const std::string before = read_file(file.path());
    try {
        SqliteStore store(file.path());
        FAIL();
    } catch (const SchemaTooNew& e) {
        EXPECT_NE(std::string(e.what()).find("newer kimflow"), std::string::npos) << e.what();
    }
    EXPECT_EQ(read_file(file.path()), before) << "a file this kimflow cannot read is not written";
    SQLite::Database db(file.path());
    EXPECT_EQ(db.execAndGet("SELECT count(*) FROM instance").getInt(), 1);
}

TEST(SqliteStore, MigratesAnEmptyFileAndReopensWithoutChange)
{
    TempFile file;
    { std::ofstream touch(file.path()); }  // an empty file is a new database
    {
        SqliteStore store(file.path());
        store.insert(instance("A"));
    }
    SqliteStore again(file.path());
    EXPECT_EQ(again.count("paper"), 1u);
}

TEST(SqliteStore, OpenedReadOnlyItReadsAndRefusesWrites)
{
    TempFile file;
    {
        SqliteStore store(file.path());
        store.insert(instance("A"));
    }
    SqliteOptions ro;
    ro.read_only = true;
    SqliteStore store(file.path(), ro);
    EXPECT_TRUE(store.load("paper", "A"));
    EXPECT_THROW(store.insert(instance("B")), StoreReadOnly);
    EXPECT_EQ(store.count("paper"), 1u);

    TempFile missing;
    EXPECT_THROW(SqliteStore(missing.path(), ro), StoreError);
}

TEST(SqliteStore, OpenedImmutableItReadsAWritableFileWithoutMakingAFileBesideIt)
{
    TempFile file;
    {
        SqliteStore store(file.path());
        store.insert(instance("A"));
        store.put_setting("mark", "1");
    }
    ASSERT_FALSE(std::filesystem::exists(file.path() + "-wal"));
    SqliteOptions look;
    look.read_only = true;
    look.immutable = true;
    {
        SqliteStore store(file.path(), look);
        EXPECT_EQ(store.setting("mark"), std::optional<std::string>("1"));
        EXPECT_TRUE(store.load("paper", "A"));
        EXPECT_THROW(store.insert(instance("B")), StoreReadOnly);
        // (Without immutable, a read-only connection to a file it could write takes part in the
        // locking, and SQLite makes the -wal and -shm files for it.)
        for (const char* side : {"-wal", "-shm"})
            EXPECT_FALSE(std::filesystem::exists(file.path() + side)) << side;
    }
    for (const char* side : {"-wal", "-shm"}) EXPECT_FALSE(std::filesystem::exists(file.path() + side)) << side;
}

// Damage is StoreCorrupt, whether the schema or a table's page is hit, and the store writes
// nothing into the damaged file: no repair, no migration, no checkpoint of its own.
TEST(SqliteStore, ADamagedFileGivesAClearErrorAndIsLeftAsItWas)
{
    TempFile file;
    {
        SqliteStore store(file.path());
        for (int i = 0; i < 200; ++i) store.insert(instance("P" + std::to_string(i)));
    }
    std::size_t instance_root = 0;
    {
        SQLite::Database db(file.path(), SQLite::OPEN_READWRITE);
        db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
        instance_root = static_cast<std::size_t>(
            db.execAndGet("SELECT rootpage FROM sqlite_master WHERE name = 'instance'").getInt());
    }
    const std::string sound = read_file(file.path());
    ASSERT_GT(sound.size(), 4u * 4096);
    ASSERT_GT(instance_root, 1u);
    // The schema (page 1 after the file header), and the root page of the instance table.
    using Range = std::pair<std::size_t, std::size_t>;
    for (const auto& [from, to] : {Range{100, 4096}, Range{(instance_root - 1) * 4096, instance_root * 4096}}) {
        SCOPED_TRACE("bytes " + std::to_string(from) + " to " + std::to_string(to));
        std::string bytes = sound;
        for (std::size_t i = from; i < to; ++i) bytes[i] = static_cast<char>(0xA5);
        std::ofstream(file.path(), std::ios::binary | std::ios::trunc) << bytes;
        try {
            SqliteStore store(file.path());
            for (int i = 0; i < 200; ++i) store.load("paper", "P" + std::to_string(i));
            store.find(InstanceQuery{"paper"});
            ADD_FAILURE() << "the damage went unnoticed";
        } catch (const StoreCorrupt& e) {
            EXPECT_NE(std::string(e.what()).find("damaged"), std::string::npos) << e.what();
            EXPECT_NE(std::string(e.what()).find("restore it from a backup"), std::string::npos) << e.what();
        } catch (const std::exception& e) {
            ADD_FAILURE() << "not StoreCorrupt: " << e.what();
        }
        EXPECT_EQ(read_file(file.path()), bytes) << "the store wrote into the damaged file";
    }
}

TEST(SqliteStore, AFullDiskIsReportedAndTheTransactionUndone)
{
    TempFile file;
    SqliteOptions tight;
    tight.max_page_count = 16;
    SqliteStore store(file.path(), tight);
    int stored = 0;
    try {
        for (; stored < 10000; ++stored) store.insert(instance("P" + std::to_string(stored)));
        FAIL() << "never full";
    } catch (const StoreFull&) {
    }
    EXPECT_EQ(store.count("paper"), static_cast<std::uint64_t>(stored));
    SqliteStore reopened(file.path());
    EXPECT_EQ(reopened.count("paper"), static_cast<std::uint64_t>(stored));
}

TEST(SqliteStore, ABusyDatabaseWaitsBoundedThenSaysSo)
{
    TempFile file;
    SqliteStore holder(file.path());
    SqliteOptions impatient;
    impatient.busy_timeout = std::chrono::milliseconds(200);
    SqliteStore other(file.path(), impatient);
    holder.begin();  // another writer holds the write lock
    holder.insert(instance("A"));
    try {
        other.insert(instance("B"));
        FAIL() << "the second writer did not wait for the first";
    } catch (const StoreBusy& e) {
        EXPECT_NE(std::string(e.what()).find("try again later"), std::string::npos) << e.what();
    }
    holder.commit();
    other.insert(instance("B"));  // free again
    EXPECT_EQ(other.count("paper"), 2u);
}

// Engines trust their copies in memory while this counter stands still, so it must move on
// every write of this object, on every rollback, and on another connection's commit.
TEST(SqliteStore, ChangeCounterMovesOnWritesRollbacksAndOtherConnections)
{
    TempFile file;
    SqliteStore mine(file.path());
    SqliteStore other(file.path());
    const auto start = mine.change_counter();
    ASSERT_TRUE(start);
    mine.version("paper", "A");
    mine.find(InstanceQuery{"paper"});
    EXPECT_EQ(mine.change_counter(), start) << "reads do not move it";

    mine.insert(instance("A"));
    const auto after_own_write = mine.change_counter();
    EXPECT_NE(after_own_write, start);

    other.insert(instance("B"));
    const auto after_other = mine.change_counter();
    EXPECT_NE(after_other, after_own_write) << "another connection's commit moves it";
    EXPECT_EQ(mine.change_counter(), after_other);

    mine.begin();
    mine.insert(instance("C"));
    const auto inside = mine.change_counter();
    mine.rollback();
    EXPECT_NE(mine.change_counter(), inside) << "a rollback moves it";
    EXPECT_FALSE(mine.version("paper", "C"));
}

TEST(SqliteStore, QueriesUseIndexes)
{
    TempFile file;
    SqliteStore store(file.path());
    auto plan = [&](const std::string& sql) {
        std::string all;
        for (const auto& line : store.explain(sql)) all += line + "\n";
        return all;
    };
    InstanceQuery by_state{"paper", "submitted"};
    EXPECT_NE(plan(SqliteStore::find_sql(by_state)).find("INDEX instance_by_state (lifecycle=? AND state=?)"), std::string::npos)
        << plan(SqliteStore::find_sql(by_state));
    InstanceQuery by_owner{"case", "", "Caritas"};
    EXPECT_NE(plan(SqliteStore::find_sql(by_owner)).find("instance_by_owner"), std::string::npos);
    InstanceQuery by_area{"case", "", "", "Castrop-Rauxel"};
    EXPECT_NE(plan(SqliteStore::find_sql(by_area)).find("instance_by_area"), std::string::npos);
    InstanceQuery due{"paper"};
    due.due_before = parse_date("2025-02-10");
    EXPECT_NE(plan(SqliteStore::find_sql(due)).find("instance_by_due"), std::string::npos)
        << plan(SqliteStore::find_sql(due));
    const std::string history = plan(
        "SELECT t.version FROM transition t JOIN instance i ON t.instance = i.key "
        "WHERE i.lifecycle = 'paper' AND i.id = 'x' ORDER BY t.version");
    EXPECT_NE(history.find("transition_by_instance"), std::string::npos) << history;
    EXPECT_EQ(history.find("SCAN"), std::string::npos) << history;
}

// The layout of Paper before version 2 (no completion_note), as data written then is stored.
struct PaperV1 {
    paper::Paper p;
};
template <class Archive>
void serialize(Archive& ar, PaperV1& v, std::uint32_t)
{
    paper::Paper& p = v.p;
    ar(p.reference, p.type, p.title, p.date, p.originator, p.body, p.related_papers, p.consultations, p.submitted_at,
       p.answered_at, p.answer_reference, p.current_consultation, p.waiting_state, p.decided_at, p.completed_at,
       p.withdrawal_reason);
}

TEST(StoredData, APaperWrittenByAnOlderVersionStillLoads)
{
    PaperV1 old;
    old.p.reference = "0456/2010";
    old.p.title = "Beschlusskontrolle";
    old.p.type = paper::PaperType::beschlussvorlage;
    old.p.consultations.push_back({"Rat", paper::ConsultationRole::entscheidung, true});
    old.p.decided_at = parse_timestamp("2010-05-01T18:00:00Z");
    const std::string bytes = encode(old);
    const paper::Paper now = decode<paper::Paper>(bytes, "paper 0456/2010");
    EXPECT_EQ(now.reference, "0456/2010");
    EXPECT_EQ(now.type, paper::PaperType::beschlussvorlage);
    EXPECT_EQ(now.consultations.at(0).organization, "Rat");
    EXPECT_TRUE(now.consultations.at(0).authoritative);
    EXPECT_EQ(now.decided_at, parse_timestamp("2010-05-01T18:00:00Z"));
    EXPECT_TRUE(now.completion_note.empty()) << "the field version 2 added starts empty";

    paper::Paper current = now;
    current.completion_note = "umgesetzt";
    EXPECT_EQ(decode<paper::Paper>(encode(current), "x").completion_note, "umgesetzt");
    EXPECT_THROW(decode<paper::Paper>("\x01\x02", "paper X"), StoreCorrupt);
}

}  // namespace

CEREAL_CLASS_VERSION(PaperV1, 1)
