// PgStore beyond the conformance suite (store_conformance_test.cpp runs that on it): the
// database it accepts, queries through indexes, a server that goes away and comes back, several
// nodes writing one chain, and erasure that leaves nothing in the table files.
#include <fstream>
#include <iterator>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include <kimflow/core/transition.hpp>
#include <kimflow/store/pg_store.hpp>

#include "pg_test_server.hpp"

using namespace kimflow;
using kimflow_test::PgDatabase;
using kimflow_test::PgServer;

namespace {

StoredInstance instance(const std::string& id, std::uint64_t version = 0, const std::string& data = "data")
{
    StoredInstance in;
    in.lifecycle = "paper";
    in.id = id;
    in.version = version;
    in.states = {version == 0 ? "draft" : "submitted"};
    in.state = in.states[0];
    in.data = data;
    in.created_at = parse_timestamp("2025-01-06T09:00:00Z");
    in.created_by = Actor{"kretschmer", "fraktion", "Die Linke"};
    in.owner = "fraktion-die-linke";
    return in;
}

StoredTransition transition(std::uint64_t version)
{
    return StoredTransition{version, "submit", "draft", "submitted", Actor{"a", "r", "o"},
                            parse_timestamp("2025-01-06T10:00:00Z") + std::chrono::seconds(version),
                            std::string("\x00payload", 8), "k=v"};
}

std::string file_bytes(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

TEST(PgStore, QueriesAndTheFeedUseIndexes)
{
    PgDatabase db;
    PgStore store(db.connection());
    // Enough rows, of enough different keys, that a scan of the table would cost more than an
    // index; ANALYZE gives the planner the numbers.
    db.run("INSERT INTO instance (lifecycle, id, version, state, states, data, created_at, created_by, created_role, "
           "created_org, due, owner, area, overseer, timer_at) SELECT CASE WHEN g % 2 = 0 THEN 'paper' ELSE 'case' END, "
           "'I' || g, 0, 's' || (g % 50), 's', '\\x00'::bytea, 0, 'a', 'r', 'o', CASE WHEN g % 40 = 0 THEN g END, "
           "'owner' || (g % 100), 'area' || (g % 40), 'ov' || (g % 30), CASE WHEN g % 40 = 0 THEN g END FROM "
           "generate_series(1, 5000) g; ANALYZE instance");
    std::vector<InstanceQuery> queries(6, InstanceQuery{"paper"});
    queries[0].state = "s4";
    queries[1].owner = "owner2";
    queries[2].area = "area2";
    queries[3].overseer = "ov2";
    queries[4].due_before = Date{date::days{100}};
    queries[5].timer_until = Timestamp{std::chrono::microseconds{100}};
    for (const auto& q : queries) {
        std::string plan;
        for (const auto& line : store.explain(PgStore::find_sql(q))) plan += line + "\n";
        EXPECT_EQ(plan.find("Seq Scan"), std::string::npos) << PgStore::find_sql(q) << "\n" << plan;
        EXPECT_NE(plan.find("Index"), std::string::npos) << plan;
    }
    std::string feed;
    for (const auto& line : store.explain("SELECT seq FROM transition WHERE seq > $1 ORDER BY seq LIMIT $2"))
        feed += line + "\n";
    EXPECT_NE(feed.find("Index"), std::string::npos) << feed;
}

TEST(PgStore, RefusesADatabaseOfAnotherApplicationAndChangesNothing)
{
    PgDatabase db;
    db.run("CREATE TABLE patient (id int)");
    try {
        PgStore store(db.connection());
        FAIL() << "opened a database of another application";
    } catch (const NotAKimflowDatabase& e) {
        EXPECT_NE(std::string(e.what()).find("another application"), std::string::npos) << e.what();
    }
    EXPECT_EQ(db.value("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"), "1");
}

TEST(PgStore, WithoutCreateOpensOnlyADatabaseThatHoldsAStore)
{
    PgDatabase db;
    PgOptions options;
    options.create = false;
    EXPECT_THROW(PgStore(db.connection(), options), NotAKimflowDatabase);
    EXPECT_EQ(db.value("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"), "0");
    { PgStore created(db.connection()); }
    PgStore opened(db.connection(), options);
    EXPECT_EQ(opened.count("paper"), 0u);
}

TEST(PgStore, RefusesADatabaseOfANewerSchema)
{
    PgDatabase db;
    { PgStore store(db.connection()); }
    db.run("UPDATE kimflow_meta SET value = '99' WHERE name = 'schema_version'");
    EXPECT_THROW(PgStore(db.connection()), SchemaTooNew);
}

TEST(PgStore, AServerThatCannotBeReachedIsUnavailableAndSaysWhere)
{
    PgOptions options;
    options.connect_timeout = std::chrono::seconds(2);
    try {
        PgStore store("host=/tmp/kimflow-pg-nowhere user=kimflow dbname=none password=secret", options);
        FAIL() << "connected to nothing";
    } catch (const StoreUnavailable& e) {
        const std::string message = e.what();
        EXPECT_NE(message.find("cannot be reached"), std::string::npos) << message;
        EXPECT_NE(message.find("/tmp/kimflow-pg-nowhere"), std::string::npos) << message;
        EXPECT_EQ(message.find("secret"), std::string::npos) << "the password is in the message: " << message;
    }
}

// A writer that waited for the write lock in vain gets StoreBusy, and writes once the lock is free:
// the refused attempt leaves nothing open on its connection.
TEST(PgStore, AWriterThatFoundTheLockTakenIsBusyAndWritesOnceItIsFree)
{
    PgDatabase db;
    PgStore holder(db.connection());
    PgOptions impatient;
    impatient.busy_timeout = std::chrono::milliseconds(50);
    PgStore writer(db.connection(), impatient);
    holder.begin();
    EXPECT_THROW(writer.insert(instance("A")), StoreBusy);
    EXPECT_THROW(writer.put_setting("k", "v"), StoreBusy);
    holder.rollback();
    writer.insert(instance("A"));
    writer.put_setting("k", "v");
    EXPECT_EQ(holder.version("paper", "A"), 0u);
    EXPECT_EQ(holder.setting("k"), "v");
}

// A restart of the database server: calls fail as unavailable while it is down (a transaction
// open then is lost, and its rollback does not throw), and the next call after it is back
// reconnects by itself; what was committed is there.
TEST(PgStore, ARestartedServerIsUnavailableMeanwhileAndReconnectedAfter)
{
    PgServer server;
    PgStore store(server.connection());
    store.insert(instance("A"));
    store.begin();
    store.append(instance("A", 1), transition(1));
    server.halt();
    EXPECT_THROW(store.commit(), StoreUnavailable);
    EXPECT_THROW(store.version("paper", "A"), StoreUnavailable);
    EXPECT_THROW(store.insert(instance("B")), StoreUnavailable);
    server.resume();
    EXPECT_EQ(store.version("paper", "A"), 0u) << "the transaction the restart cut off was not committed";
    store.append(instance("A", 1), transition(1));
    store.insert(instance("B"));
    EXPECT_EQ(store.count("paper"), 2u);
    EXPECT_TRUE(store.verify_chain().ok());
}

// Two nodes (two connections) write at once: each write waits for the other's commit, so the
// logs' seqs follow commit order without gaps, one chain runs through both nodes' entries, and
// each node's change counter sees the other's writes.
TEST(PgStore, TwoNodesWriteOneChainInCommitOrder)
{
    PgDatabase db;
    PgStore first(db.connection()), second(db.connection());
    const auto before = first.change_counter();
    second.insert(instance("seen"));
    EXPECT_NE(first.change_counter(), before) << "a node did not see another node's write";
    const int per_node = 40;
    const auto work = [&](PgStore& store, const std::string& prefix) {
        for (int i = 0; i < per_node; ++i) {
            const std::string id = prefix + std::to_string(i);
            store.insert(instance(id));
            store.append(instance(id, 1), transition(1));
            store.log_denial(StoredDenial{"paper", id, "read", Actor{"x", "r", "o"}, Timestamp{}, "no"});
        }
    };
    std::thread a([&] { work(first, "a"); });
    std::thread b([&] { work(second, "b"); });
    a.join();
    b.join();
    const auto feed = first.log_after(0, 1000);
    ASSERT_EQ(feed.size(), 2u * per_node);
    for (std::size_t i = 0; i < feed.size(); ++i) EXPECT_EQ(feed[i].seq, i + 1);
    std::set<std::string> writers;
    for (const auto& e : feed) writers.insert(e.id.substr(0, 1));
    EXPECT_EQ(writers, (std::set<std::string>{"a", "b"}));
    const ChainCheck check = second.verify_chain();
    EXPECT_TRUE(check.ok()) << (check.first_break ? check.first_break->problem : "");
    EXPECT_EQ(check.transitions, 2u * per_node);
    EXPECT_EQ(check.denials, 2u * per_node);
    EXPECT_EQ(check.creations, 2u * per_node + 1);
    EXPECT_EQ(check.rows_checked, 2u * per_node + 1);
}

// An UPDATE keeps the old row version in the table file until VACUUM; scrub() rewrites the
// tables, so the erased value is in neither file afterwards. (The control: before scrub() it is.)
TEST(PgStore, ScrubLeavesNoErasedValueInTheTableFiles)
{
    PgDatabase db;
    PgStore store(db.connection());
    const std::string secret = "Geheimnis-7f3a9c-Geburtsdatum";
    store.insert(instance("A", 0, "data " + secret));
    StoredTransition t = transition(1);
    t.payload = "payload " + secret;
    t.summary = "note=" + secret;
    t.personal = true;
    t.erased_payload = "payload";
    t.erased_summary = "note=";
    store.append(instance("A", 1, "data " + secret), t);
    StoredTransition record = transition(2);
    record.event = std::string(erasure_event);
    store.erase(instance("A", 2, "data"), {ErasedEntry{1, "payload", "note="}}, record);
    const auto files = [&] {
        db.run("CHECKPOINT");  // the pages in the server's memory go to the files
        std::string bytes;
        for (const char* table : {"transition", "instance"})
            bytes += file_bytes(kimflow_test::pg_detail::server_dir() + "/data/" +
                                db.value(std::string("SELECT pg_relation_filepath('") + table + "')"));
        return bytes;
    };
    ASSERT_NE(files().find(secret), std::string::npos) << "the control: an UPDATE leaves the old version in the file";
    store.scrub();
    EXPECT_EQ(files().find(secret), std::string::npos) << "an erased value is still in a table file";
    EXPECT_EQ(store.history("paper", "A").at(0).payload, "payload");
    EXPECT_TRUE(store.verify_chain().ok());
}

}  // namespace
