// The database file as the library opens it: read-only copies (a read-only file, a file in a
// read-only folder, a WAL database copied with its -wal and -shm) open for reading and verify
// without creating any file, and SqliteOptions::create = false refuses a missing or empty file
// rather than making a new database of it.
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <set>
#include <string>

#include <gtest/gtest.h>

#include <kimflow/store/sqlite_store.hpp>

#include "temp_file.hpp"

using namespace kimflow;
namespace fs = std::filesystem;

namespace {

StoredInstance instance(const std::string& id)
{
    StoredInstance in;
    in.lifecycle = "paper";
    in.id = id;
    in.states = {"draft"};
    in.state = "draft";
    in.data = "data of " + id;
    return in;
}

std::set<std::string> names_in(const std::string& dir)
{
    std::set<std::string> out;
    for (const auto& entry : fs::directory_iterator(dir)) out.insert(entry.path().filename().string());
    return out;
}

// A kimflow database with two instances at @p path, closed (its WAL checkpointed and gone).
void make_database(const std::string& path)
{
    SqliteStore store(path);
    store.insert(instance("A"));
    store.insert(instance("B"));
}

SqliteOptions read_only()
{
    SqliteOptions o;
    o.read_only = true;
    return o;
}

// Gives a folder its write permission back, so that TempDir can remove it.
struct Writable {
    std::string path;
    ~Writable() { fs::permissions(path, fs::perms::owner_all, fs::perm_options::add); }
};

}  // namespace

TEST(Files, AReadOnlyFileOpensReadOnlyVerifiesAndCreatesNoFile)
{
    TempDir dir("files");
    const std::string db = dir / "archive.db";
    make_database(db);
    ::chmod(db.c_str(), 0444);
    const auto before = names_in(dir.path());
    {
        SqliteStore store(db, read_only());
        EXPECT_EQ(store.count("paper"), 2u);
        EXPECT_TRUE(store.load("paper", "B"));
        EXPECT_TRUE(store.verify_chain().ok());
        EXPECT_TRUE(store.integrity_check().empty());
        EXPECT_THROW(store.insert(instance("C")), StoreReadOnly);
        EXPECT_EQ(names_in(dir.path()), before) << "a read-only open created files beside the database";
    }
    EXPECT_EQ(names_in(dir.path()), before);
}

TEST(Files, AFileInAReadOnlyFolderOpensReadOnlyAndCreatesNoFile)
{
    TempDir dir("files");
    const std::string db = dir / "archive.db";
    make_database(db);
    const auto before = names_in(dir.path());
    ::chmod(dir.path().c_str(), 0555);
    Writable restore{dir.path()};
    SqliteStore store(db, read_only());
    EXPECT_EQ(store.count("paper"), 2u);
    EXPECT_TRUE(store.verify_chain().ok());
    EXPECT_EQ(names_in(dir.path()), before);
}

TEST(Files, ACopyWithItsWalAndShmIsReadThroughThemInAReadOnlyFolder)
{
    TempDir live("files"), copy("files");
    SqliteStore writer(live / "live.db");
    writer.insert(instance("A"));
    writer.insert(instance("B"));  // in the WAL only: the writer is still open
    ASSERT_GT(fs::file_size(live / "live.db-wal"), 0u);
    for (const char* suffix : {"", "-wal", "-shm"})
        fs::copy_file(live / (std::string("live.db") + suffix), copy / (std::string("copy.db") + suffix));
    const auto before = names_in(copy.path());
    ::chmod(copy.path().c_str(), 0555);
    Writable restore{copy.path()};
    SqliteStore store(copy / "copy.db", read_only());
    EXPECT_EQ(store.count("paper"), 2u);
    EXPECT_TRUE(store.verify_chain().ok());
    EXPECT_EQ(names_in(copy.path()), before);
}

TEST(Files, AWalWithoutItsShmInAReadOnlyFolderIsRefusedSayingWhatToDo)
{
    TempDir live("files"), copy("files");
    SqliteStore writer(live / "live.db");
    writer.insert(instance("A"));
    for (const char* suffix : {"", "-wal"})
        fs::copy_file(live / (std::string("live.db") + suffix), copy / (std::string("copy.db") + suffix));
    const auto before = names_in(copy.path());
    ::chmod(copy.path().c_str(), 0555);
    Writable restore{copy.path()};
    try {
        SqliteStore store(copy / "copy.db", read_only());
        ADD_FAILURE() << "opened, though the changes in the WAL cannot be read";
    } catch (const StoreReadOnly& e) {
        EXPECT_NE(std::string(e.what()).find("writable folder"), std::string::npos) << e.what();
    }
    EXPECT_EQ(names_in(copy.path()), before);
}

TEST(Files, WithoutCreateAMissingFileIsRefusedAndNotCreated)
{
    TempDir dir("files");
    SqliteOptions o;
    o.create = false;
    EXPECT_THROW(SqliteStore(dir / "typo.db", o), StoreError);
    EXPECT_TRUE(names_in(dir.path()).empty());
}

TEST(Files, WithoutCreateAnEmptyFileIsRefusedAndStaysEmpty)
{
    TempDir dir("files");
    const std::string empty = dir / "empty.db";
    { std::ofstream touch(empty); }
    SqliteOptions o;
    o.create = false;
    EXPECT_THROW(SqliteStore(empty, o), NotAKimflowDatabase);
    EXPECT_EQ(fs::file_size(empty), 0u);
    EXPECT_EQ(names_in(dir.path()), std::set<std::string>{"empty.db"});
    // An existing database opens as before, and by default an empty file becomes one.
    make_database(dir / "kept.db");
    EXPECT_EQ(SqliteStore(dir / "kept.db", o).count("paper"), 2u);
    EXPECT_EQ(SqliteStore(empty).count("paper"), 0u);
}
