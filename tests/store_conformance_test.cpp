// The conformance suite of the Store interface: every backend runs it (SqliteStore and
// InMemoryStore now; a later backend adds its factory to the list at the bottom).
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include <kimflow/store/memory_store.hpp>
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

TEST_P(StoreConformance, ReadsBackWhenTheLastTransitionWasRecorded)
{
    store->insert(instance("A"));
    EXPECT_FALSE(store->load("paper", "A")->last_transition_at);
    advance("A", 1, "submitted");
    advance("A", 2, "answered");
    EXPECT_EQ(store->load("paper", "A")->last_transition_at, parse_timestamp("2025-01-06T10:00:02Z"));
}

TEST_P(StoreConformance, LogsDenialsInOrder)
{
    const StoredDenial first{"case", "K-1", "read", Actor{"aweber", "case_manager", "agora"},
                             parse_timestamp("2025-03-01T09:00:00Z"), "not theirs"};
    StoredDenial second = first;
    second.instance = "K-2";
    second.action = "accept";
    StoredDenial list = first;
    list.instance.clear();
    for (const StoredDenial& d : std::vector<StoredDenial>{first, second, list}) store->log_denial(d);
    const auto all = store->denials("case");
    ASSERT_EQ(all.size(), 3u);
    EXPECT_EQ(all[1].instance, "K-2");
    EXPECT_EQ(all[1].action, "accept");
    EXPECT_EQ(all[0].actor, first.actor);
    EXPECT_EQ(all[0].at, first.at);
    EXPECT_EQ(all[0].reason, "not theirs");
    EXPECT_EQ(store->denials("case", "K-1").size(), 1u);
    EXPECT_TRUE(store->denials("paper").empty());
    const ChainCheck check = store->verify_chain();
    EXPECT_TRUE(check.ok());
    EXPECT_EQ(check.denials, 3u);
    EXPECT_EQ(check.denial_head.size(), 64u);
}

TEST_P(StoreConformance, ErasesPersonalDataAndTheChainStillHolds)
{
    store->insert(instance("K-1"));
    StoredTransition personal = transition(1, "draft", "submitted");
    personal.personal = true;
    personal.payload = "goal=Sprachkurs";
    personal.summary = "goal=Sprachkurs";
    personal.erased_payload = "goal=";
    personal.erased_summary = "goal=";
    StoredInstance after = instance("K-1", 1);
    store->append(after, personal);
    advance("K-1", 2, "answered");
    EXPECT_TRUE(store->verify_chain().ok());

    StoredInstance erased = instance("K-1", 3);
    erased.states = {"answered"};
    erased.state = "answered";
    erased.data = "erased";
    StoredTransition record{3, "erase_personal_data", "answered", "answered", Actor{"it", "administrator", "kreis"},
                            parse_timestamp("2026-01-01T00:00:00Z"), "", "reason=retention"};
    // An erased form other than the one chained is refused, and nothing changes.
    EXPECT_THROW(store->erase(erased, {ErasedEntry{1, "goal=?", "goal=?"}}, record), StoreError);
    EXPECT_EQ(store->version("paper", "K-1"), 2u);
    EXPECT_EQ(store->history("paper", "K-1")[0].payload, "goal=Sprachkurs");

    store->erase(erased, {ErasedEntry{1, "goal=", "goal="}}, record);
    const auto h = store->history("paper", "K-1");
    ASSERT_EQ(h.size(), 3u);
    EXPECT_EQ(h[0].payload, "goal=");
    EXPECT_EQ(h[0].summary, "goal=");
    EXPECT_EQ(h[0].erased_at, record.at);
    EXPECT_FALSE(h[1].erased_at);
    EXPECT_EQ(h[2].event, "erase_personal_data");
    const auto loaded = store->load("paper", "K-1");
    EXPECT_EQ(loaded->data, "erased");
    EXPECT_EQ(loaded->erased_at, record.at);
    EXPECT_EQ(loaded->version, 3u);
    const ChainCheck check = store->verify_chain();
    EXPECT_TRUE(check.ok()) << check.first_break->problem;
    EXPECT_EQ(check.transitions, 3u);
    EXPECT_EQ(check.erased, 1u);
}

TEST_P(StoreConformance, TheChangeCounterMovesWithEveryWrite)
{
    store->insert(instance("A"));
    const auto before = store->change_counter();
    if (!before) GTEST_SKIP() << GetParam().name << " cannot tell changes (a backend may say so)";
    advance("A", 1, "submitted");
    const auto after = store->change_counter();
    EXPECT_NE(after, before);
    store->begin();
    advance("A", 2, "answered");
    store->rollback();
    EXPECT_NE(store->change_counter(), after) << "a rollback may leave an engine's copy ahead of the store";
    EXPECT_EQ(store->version("paper", "A"), 1u);
}

const Backend kBackends[] = {
    {"memory", [](const std::string&) { return std::make_shared<InMemoryStore>(); }},
    {"sqlite", [](const std::string& path) { return std::make_shared<SqliteStore>(path); }},
    {"sqlite_normal_sync",
     [](const std::string& path) {
         SqliteOptions o;
         o.synchronous = SqliteOptions::Synchronous::normal;
         return std::make_shared<SqliteStore>(path, o);
     }},
};

TEST_P(StoreConformance, KeepsSettingsInTheTransactionBesideTheInstances)
{
    EXPECT_FALSE(store->setting("oparl:sync:https://ris.example.de/body/1"));
    store->put_setting("oparl:sync:https://ris.example.de/body/1", "2025-02-06T18:00:00Z");
    EXPECT_EQ(store->setting("oparl:sync:https://ris.example.de/body/1"), "2025-02-06T18:00:00Z");
    store->put_setting("oparl:sync:https://ris.example.de/body/1", "2025-03-01T08:00:00Z");  // replaced
    EXPECT_EQ(store->setting("oparl:sync:https://ris.example.de/body/1"), "2025-03-01T08:00:00Z");
    const std::string binary("a\0b\xC3\xA4", 5);
    store->put_setting("k", binary);
    EXPECT_EQ(store->setting("k"), binary);

    // Rolled back with the instance written beside it; committed with it.
    store->begin();
    store->insert(instance("14/1923"));
    store->put_setting("oparl:paper:ris.example.de/paper/1", "14/1923");
    store->put_setting("k", "changed");
    store->rollback();
    EXPECT_FALSE(store->load("paper", "14/1923"));
    EXPECT_FALSE(store->setting("oparl:paper:ris.example.de/paper/1"));
    EXPECT_EQ(store->setting("k"), binary);
    store->begin();
    store->insert(instance("14/1923"));
    store->begin();  // a savepoint inside: undone alone
    store->put_setting("k", "inner");
    store->rollback();
    store->put_setting("oparl:paper:ris.example.de/paper/1", "14/1923");
    store->commit();
    EXPECT_TRUE(store->load("paper", "14/1923"));
    EXPECT_EQ(store->setting("oparl:paper:ris.example.de/paper/1"), "14/1923");
    EXPECT_EQ(store->setting("k"), binary);
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreConformance, ::testing::ValuesIn(kBackends),
                         [](const ::testing::TestParamInfo<Backend>& info) { return info.param.name; });

}  // namespace
