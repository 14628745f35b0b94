// The conformance suite of the Store interface: every backend runs it (SqliteStore now; a
// later backend adds its factory to the list at the bottom).
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include <kimflow/store/sqlite_store.hpp>

#include "temp_file.hpp"

using namespace kimflow;

namespace {

struct Backend {
    std::string name;
    std::function<std::shared_ptr<Store>(const std::string& path)> open;
};

class StoreConformance : public ::testing::TestWithParam<Backend> {
protected:
    TempFile file;
    std::shared_ptr<Store> store = GetParam().open(file.path());

    static StoredInstance instance(const std::string& id, std::uint64_t version = 0)
    {
        StoredInstance in;
        in.lifecycle = "paper";
        in.id = id;
        in.version = version;
        in.states = {"draft"};
        in.state = "draft";
        in.data = std::string("\x01\x00\x02bytes", 8);
        in.created_at = parse_timestamp("2025-01-06T09:00:00Z");
        in.created_by = Actor{"kretschmer", "fraktion", "Die Linke"};
        in.owner = "Fraktion Die Linke";
        in.area = "RVR";
        return in;
    }
    static StoredTransition transition(std::uint64_t version, const std::string& from, const std::string& to)
    {
        return StoredTransition{version, "submit", from, to, Actor{"a", "r", "o"},
                                parse_timestamp("2025-01-06T10:00:00Z") + std::chrono::seconds(version),
                                std::string("\x00payload", 8), "k=v"};
    }
    /// Advances instance @p id by one transition.
    void advance(const std::string& id, std::uint64_t to_version, const std::string& state)
    {
        StoredInstance after = instance(id, to_version);
        after.states = {state};
        after.state = state;
        store->append(after, transition(to_version, "x", state));
    }
};

TEST_P(StoreConformance, InsertsAndLoadsAnInstanceExactly)
{
    StoredInstance in = instance("14/1923");
    in.due = parse_date("2025-02-03");
    store->insert(in);
    auto loaded = store->load("paper", "14/1923");
    ASSERT_TRUE(loaded);
    EXPECT_EQ(loaded->id, "14/1923");
    EXPECT_EQ(loaded->version, 0u);
    EXPECT_EQ(loaded->states, std::vector<std::string>{"draft"});
    EXPECT_EQ(loaded->state, "draft");
    EXPECT_EQ(loaded->data, in.data) << "binary data with zero bytes survives";
    EXPECT_EQ(loaded->created_at, in.created_at);
    EXPECT_EQ(loaded->created_by, in.created_by);
    EXPECT_EQ(loaded->due, parse_date("2025-02-03"));
    EXPECT_EQ(loaded->owner, "Fraktion Die Linke");
    EXPECT_EQ(loaded->area, "RVR");
    EXPECT_FALSE(store->load("paper", "14/9999"));
    EXPECT_FALSE(store->load("case", "14/1923")) << "ids are per lifecycle";
    EXPECT_EQ(store->version("paper", "14/1923"), 0u);
    EXPECT_FALSE(store->version("paper", "nope"));
}

TEST_P(StoreConformance, RefusesADuplicateInstance)
{
    store->insert(instance("A"));
    EXPECT_THROW(store->insert(instance("A")), DuplicateInstance);
    StoredInstance other = instance("A");
    other.lifecycle = "case";
    EXPECT_NO_THROW(store->insert(other));
    EXPECT_EQ(store->count("paper"), 1u);
    EXPECT_EQ(store->count("case"), 1u);
}

TEST_P(StoreConformance, AppendsTransitionsAndTheNewStateTogether)
{
    store->insert(instance("A"));
    advance("A", 1, "submitted");
    advance("A", 2, "answered");
    EXPECT_EQ(store->version("paper", "A"), 2u);
    EXPECT_EQ(store->load("paper", "A")->state, "answered");
    const auto h = store->history("paper", "A");
    ASSERT_EQ(h.size(), 2u);
    EXPECT_EQ(h[0].version, 1u);
    EXPECT_EQ(h[0].event, "submit");
    EXPECT_EQ(h[0].to, "submitted");
    EXPECT_EQ(h[1].version, 2u);
    EXPECT_EQ(h[1].payload, std::string("\x00payload", 8));
    EXPECT_EQ(h[1].summary, "k=v");
    EXPECT_EQ(h[1].actor, (Actor{"a", "r", "o"}));
    EXPECT_EQ(h[1].at, parse_timestamp("2025-01-06T10:00:02Z"));
    EXPECT_TRUE(store->history("paper", "B").empty());
}

TEST_P(StoreConformance, AVersionMismatchIsAConflictAndWritesNothing)
{
    store->insert(instance("A"));
    advance("A", 1, "submitted");
    try {
        advance("A", 1, "answered");  // expects version 0, the store has 1
        FAIL();
    } catch (const VersionConflict& e) {
        EXPECT_EQ(e.expected(), 0u);
        EXPECT_EQ(e.actual(), 1u);
    }
    EXPECT_THROW(advance("A", 5, "answered"), VersionConflict);
    EXPECT_THROW(advance("missing", 1, "submitted"), InstanceNotFound);
    EXPECT_EQ(store->load("paper", "A")->state, "submitted");
    EXPECT_EQ(store->history("paper", "A").size(), 1u);
}

TEST_P(StoreConformance, TransactionsCommitOrRollBackEverything)
{
    store->insert(instance("A"));
    store->begin();
    advance("A", 1, "submitted");
    store->insert(instance("B"));
    store->rollback();
    EXPECT_EQ(store->version("paper", "A"), 0u);
    EXPECT_FALSE(store->version("paper", "B"));
    EXPECT_TRUE(store->history("paper", "A").empty());

    store->begin();
    advance("A", 1, "submitted");
    store->begin();  // a nested level: a savepoint
    advance("A", 2, "answered");
    store->rollback();  // undoes only the inner level
    store->insert(instance("B"));
    store->commit();
    EXPECT_EQ(store->version("paper", "A"), 1u);
    EXPECT_EQ(store->version("paper", "B"), 0u);
    EXPECT_EQ(store->history("paper", "A").size(), 1u);
}

TEST_P(StoreConformance, FindsByStateOwnerAreaAndDueDay)
{
    for (const char* id : {"A", "B", "C", "D"}) {
        StoredInstance in = instance(id);
        if (std::string(id) == "B") in.owner = "SPD";
        if (std::string(id) == "C") in.area = "Castrop-Rauxel";
        if (std::string(id) != "D") in.due = parse_date("2025-02-0" + std::string(1, static_cast<char>('1' + (id[0] - 'A'))));
        store->insert(in);
    }
    advance("D", 1, "submitted");
    auto find = [&](InstanceQuery q) {
        q.lifecycle = "paper";
        return store->find(q);
    };
    EXPECT_EQ(find({}), (std::vector<std::string>{"A", "B", "C", "D"}));
    EXPECT_EQ(find({"", "submitted"}), std::vector<std::string>{"D"});
    EXPECT_EQ(find({"", "", "SPD"}), std::vector<std::string>{"B"});
    EXPECT_EQ(find({"", "", "", "Castrop-Rauxel"}), std::vector<std::string>{"C"});
    InstanceQuery due;
    due.due_before = parse_date("2025-02-03");  // A (02-01) and B (02-02); D has none
    EXPECT_EQ(find(due), (std::vector<std::string>{"A", "B"}));
    EXPECT_TRUE(store->find(InstanceQuery{"case"}).empty());
}

const Backend kBackends[] = {
    {"sqlite", [](const std::string& path) { return std::make_shared<SqliteStore>(path); }},
    {"sqlite_normal_sync",
     [](const std::string& path) {
         SqliteOptions o;
         o.synchronous = SqliteOptions::Synchronous::normal;
         return std::make_shared<SqliteStore>(path, o);
     }},
};

INSTANTIATE_TEST_SUITE_P(Backends, StoreConformance, ::testing::ValuesIn(kBackends),
                         [](const ::testing::TestParamInfo<Backend>& info) { return info.param.name; });

}  // namespace
