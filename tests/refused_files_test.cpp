// Files SqliteStore refuses are left exactly as they were: the same bytes, and no -wal, -shm or
// -journal file made or removed beside them. A refusal that "only" checkpointed, migrated or
// tidied up would still have changed a file that was not kimflow's to change (another
// application's, a newer kimflow's, or a damaged one that a data recovery needs untouched).
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <SQLiteCpp/SQLiteCpp.h>

#include <kimflow/store/sqlite_store.hpp>

#include "temp_file.hpp"

using namespace kimflow;

namespace {

bool exists(const std::string& path)
{
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0;
}

/// What a file is on disk: its bytes, and which of SQLite's side files lie beside it (with theirs).
struct Snapshot {
    std::string bytes;
    bool wal = false, shm = false, journal = false;
    std::string wal_bytes;

    explicit Snapshot(const std::string& path)
        : bytes(read_text(path)),
          wal(exists(path + "-wal")),
          shm(exists(path + "-shm")),
          journal(exists(path + "-journal")),
          wal_bytes(read_text(path + "-wal"))
    {
    }
};

/// Whether @p after is @p before byte for byte; else where they first differ (not both files in full).
testing::AssertionResult same(const Snapshot& before, const Snapshot& after)
{
    auto failure = testing::AssertionFailure();
    bool ok = true;
    const auto compare = [&](const char* what, const std::string& a, const std::string& b) {
        if (a == b) return;
        ok = false;
        const auto end = a.begin() + static_cast<long>(std::min(a.size(), b.size()));
        const auto diff = std::mismatch(a.begin(), end, b.begin());
        failure << what << ": " << a.size() << " bytes before, " << b.size() << " after, first difference at byte "
                << (diff.first - a.begin()) << "; ";
    };
    compare("the file", before.bytes, after.bytes);
    compare("its -wal", before.wal_bytes, after.wal_bytes);
    const auto side = [&](const char* name, bool a, bool b) {
        if (a == b) return;
        ok = false;
        failure << name << (a ? " was there and is gone; " : " was made; ");
    };
    side("-wal", before.wal, after.wal);
    side("-shm", before.shm, after.shm);
    side("-journal", before.journal, after.journal);
    return ok ? testing::AssertionSuccess() : failure;
}

StoredInstance paper(const std::string& id)
{
    StoredInstance in;
    in.lifecycle = "paper";
    in.id = id;
    in.states = {"draft"};
    in.state = "draft";
    in.data = std::string(200, 'd');
    return in;
}

/// The ways a host opens a file: for writing (creating it if it may), only as it is, and read-only.
/// The read-only way is tried on the file made read-only (an archived copy), where no file may
/// appear beside it: on a file it could write, a read-only connection takes part in SQLite's
/// locking and makes the -wal and -shm that needs (SqliteOptions::read_only says so).
struct WayToOpen {
    const char* how;
    SqliteOptions options;
};
std::vector<WayToOpen> every_way_to_open()
{
    SqliteOptions existing;
    existing.create = false;
    SqliteOptions read_only;
    read_only.read_only = true;
    return {{"for writing", SqliteOptions{}}, {"as it is (create = false)", existing}, {"read-only", read_only}};
}

/// For each way to open a file: makes one with @p make (checking what it made), uses it as a
/// host would (reads, then a write), and expects @p Refusal saying @p what_to_do, and the file to
/// stay as it was made. Each way gets a file of its own, so that one way's harm is not another's.
template <class Refusal>
void expect_refused_and_untouched(const std::function<void(const std::string&)>& make, const std::string& what_to_do)
{
    for (const auto& [how, options] : every_way_to_open()) {
        SCOPED_TRACE(how);
        TempFile file;
        const std::string& path = file.path();
        make(path);
        if (testing::Test::HasFatalFailure()) return;
        const Snapshot before(path);
        if (options.read_only) ::chmod(path.c_str(), 0444);
        try {
            SqliteStore store(path, options);
            store.find(InstanceQuery{"paper"});
            for (int i = 0; i < 200; ++i) store.load("paper", "P" + std::to_string(i));
            store.insert(paper("NEU-1"));
            ADD_FAILURE() << "the file was used, not refused";
        } catch (const Refusal& e) {
            EXPECT_NE(std::string(e.what()).find(what_to_do), std::string::npos) << e.what();
        }
        ::chmod(path.c_str(), 0644);
        EXPECT_TRUE(same(before, Snapshot(path)));
    }
}

/// Runs @p write on a connection to @p path in a child process that then dies without closing
/// it, as a program killed mid-work does: its -wal (with the commits not yet checkpointed) and
/// -shm stay beside the file, for the next connection to recover.
void write_and_die(const std::string& path, const std::function<void(SQLite::Database&)>& write)
{
    const pid_t child = ::fork();
    if (child == 0) {
        try {
            SQLite::Database db(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
            db.exec("PRAGMA journal_mode = WAL");
            db.exec("PRAGMA wal_autocheckpoint = 0");
            write(db);
            ::_exit(0);  // here, before the connection's destructor: it is never closed
        } catch (...) {
            ::_exit(1);
        }
    }
    int status = 0;
    ASSERT_EQ(::waitpid(child, &status, 0), child);
    ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    ASSERT_TRUE(exists(path + "-wal") && exists(path + "-shm"));
}

/// A kimflow database of @p n papers, closed: the -wal is in the file and gone.
void kimflow_database(const std::string& path, int n)
{
    {
        SqliteStore store(path);
        store.begin();
        for (int i = 0; i < n; ++i) store.insert(paper("P" + std::to_string(i)));
        store.commit();
    }
    ASSERT_FALSE(exists(path + "-wal"));
}

void newer_schema(SQLite::Database& db)
{
    db.exec("PRAGMA user_version = " + std::to_string(SqliteStore::schema_version + 1));
}

void vorlagen(SQLite::Database& db)
{
    db.exec("CREATE TABLE vorlagen (nr TEXT, betreff TEXT)");
    SQLite::Transaction t(db);
    for (int i = 0; i < 100; ++i)
        db.exec("INSERT INTO vorlagen VALUES ('14/" + std::to_string(1900 + i) + "', '" + std::string(300, 'b') + "')");
    t.commit();
}

TEST(RefusedFiles, ADamagedDatabaseIsLeftByteForByte)
{
    expect_refused_and_untouched<StoreCorrupt>(
        [](const std::string& path) {
            kimflow_database(path, 200);
            std::string bytes = read_text(path);
            ASSERT_GT(bytes.size(), 8u * 4096);
            // Garbage over every page but the first (the header, so that it still reads as SQLite's).
            std::fill(bytes.begin() + 4096, bytes.end(), static_cast<char>(0xA5));
            std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
        },
        "restore it from a backup");
}

TEST(RefusedFiles, ADatabaseOfANewerSchemaIsLeftByteForByte)
{
    expect_refused_and_untouched<SchemaTooNew>(
        [](const std::string& path) {
            kimflow_database(path, 20);
            SQLite::Database db(path, SQLite::OPEN_READWRITE);
            newer_schema(db);
        },
        "update kimflow");
}

TEST(RefusedFiles, AFileThatIsNoDatabaseIsLeftByteForByte)
{
    expect_refused_and_untouched<NotAKimflowDatabase>(
        [](const std::string& path) {
            std::ofstream(path, std::ios::binary)
                << "Niederschrift der Sitzung des Rates vom 06.02.2025\n" << std::string(9000, 'x');
        },
        "check the path");
}

TEST(RefusedFiles, AnotherApplicationsDatabaseIsLeftByteForByte)
{
    expect_refused_and_untouched<NotAKimflowDatabase>(
        [](const std::string& path) {
            SQLite::Database db(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
            vorlagen(db);
        },
        "another application");
}

TEST(RefusedFiles, AnotherApplicationsDatabaseWithAnIdOfItsOwnIsLeftByteForByte)
{
    expect_refused_and_untouched<NotAKimflowDatabase>(
        [](const std::string& path) {
            SQLite::Database db(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
            db.exec("PRAGMA application_id = 1196444487");  // "GPKG": a GeoPackage (Liegenschaftskataster)
            db.exec("CREATE TABLE flurstuecke (id TEXT); INSERT INTO flurstuecke VALUES ('05 56 12 0815')");
        },
        "belongs to another application");
}

// The other application is running: its file is in WAL mode and its -wal holds changes it has
// not checkpointed yet. kimflow must neither checkpoint them into the file nor touch the -wal.
TEST(RefusedFiles, AnotherApplicationsDatabaseInUseIsLeftByteForByte)
{
    std::vector<std::unique_ptr<SQLite::Database>> running;
    expect_refused_and_untouched<NotAKimflowDatabase>(
        [&running](const std::string& path) {
            auto& other = *running.emplace_back(
                std::make_unique<SQLite::Database>(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE));
            other.exec("PRAGMA journal_mode = WAL");
            other.exec("PRAGMA wal_autocheckpoint = 0");
            vorlagen(other);
            ASSERT_GT(read_text(path + "-wal").size(), 0u);
        },
        "another application");
    for (auto& other : running) EXPECT_EQ(other->execAndGet("SELECT count(*) FROM vorlagen").getInt(), 100);
}

// Another application was killed while it wrote: its last commits are in its -wal alone. A
// connection that may write would, on close, checkpoint them into the file and remove the -wal.
TEST(RefusedFiles, AnotherApplicationsDatabaseLeftByACrashIsLeftByteForByte)
{
    expect_refused_and_untouched<NotAKimflowDatabase>([](const std::string& path) { write_and_die(path, vorlagen); },
                                                      "another application");
}

// The same for a newer kimflow killed after it migrated the file: the new schema is in the -wal.
TEST(RefusedFiles, ADatabaseOfANewerSchemaLeftByACrashIsLeftByteForByte)
{
    expect_refused_and_untouched<SchemaTooNew>(
        [](const std::string& path) {
            kimflow_database(path, 20);
            write_and_die(path, newer_schema);
        },
        "update kimflow");
}

}  // namespace
