// The conformance suite of the Store interface: every backend runs it (InMemoryStore, SqliteStore,
// PgStore on a database of its own on the tests' PostgreSQL server); a later backend adds its
// factory to the list at the bottom.
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include <kimflow/store/memory_store.hpp>
#include <kimflow/store/sqlite_store.hpp>

#include "temp_file.hpp"
#if KIMFLOW_TEST_POSTGRESQL
#include <kimflow/store/pg_store.hpp>

#include "pg_test_server.hpp"
#endif

using namespace kimflow;

namespace {

struct Backend {
    std::string name;
    std::function<std::shared_ptr<Store>(const std::string& path)> open;
    /// Whether the backend counts changes (Store::change_counter); one that does not must say
    /// so with std::nullopt every time, and the engine then re-reads instead.
    bool counts_changes = true;
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
    ASSERT_EQ(before.has_value(), GetParam().counts_changes) << GetParam().name;
    if (!GetParam().counts_changes) {
        advance("A", 1, "submitted");
        EXPECT_FALSE(store->change_counter()) << "a backend that does not count changes says so every time";
        return;
    }
    advance("A", 1, "submitted");
    const auto after = store->change_counter();
    EXPECT_NE(after, before);
    store->begin();
    advance("A", 2, "answered");
    store->rollback();
    EXPECT_NE(store->change_counter(), after) << "a rollback may leave an engine's copy ahead of the store";
    EXPECT_EQ(store->version("paper", "A"), 1u);
}

#if KIMFLOW_TEST_POSTGRESQL
/// A PgStore with the database it was opened on, which goes when the store does.
struct PgStoreOnItsDatabase {
    kimflow_test::PgDatabase database;
    PgStore store{database.connection()};
};
#endif

const Backend kBackends[] = {
    {"memory", [](const std::string&) { return std::make_shared<InMemoryStore>(); }},
    {"sqlite", [](const std::string& path) { return std::make_shared<SqliteStore>(path); }},
    {"sqlite_normal_sync",
     [](const std::string& path) {
         SqliteOptions o;
         o.synchronous = SqliteOptions::Synchronous::normal;
         return std::make_shared<SqliteStore>(path, o);
     }},
#if KIMFLOW_TEST_POSTGRESQL
    {"postgresql",
     [](const std::string&) {
         auto held = std::make_shared<PgStoreOnItsDatabase>();
         return std::shared_ptr<Store>(held, &held->store);
     }},
#endif
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

TEST_P(StoreConformance, ListsSettingsByPrefixTakingPercentAndUnderscoreLiterally)
{
    for (const char* key : {"account/zander", "account/aweber", "accountant", "account%/x", "account_/y", "acc", "b",
                            "token/1"})
        store->put_setting(key, std::string("value of ") + key);
    using Settings = std::vector<std::pair<std::string, std::string>>;
    EXPECT_EQ(store->settings("account/"),
              (Settings{{"account/aweber", "value of account/aweber"}, {"account/zander", "value of account/zander"}}))
        << "by key, the prefix's alone";
    // As LIKE patterns, '%' and '_' would take every key starting with "account".
    EXPECT_EQ(store->settings("account%"), (Settings{{"account%/x", "value of account%/x"}}));
    EXPECT_EQ(store->settings("account_"), (Settings{{"account_/y", "value of account_/y"}}));
    EXPECT_EQ(store->settings("account_/y"), (Settings{{"account_/y", "value of account_/y"}})) << "a key is its own prefix";
    EXPECT_TRUE(store->settings("account/zander/").empty());
    // A prefix of bytes, not of characters: "ü" is two.
    store->put_setting("gremium/Ausschuss für Kultur/1", "x");
    EXPECT_EQ(store->settings("gremium/Ausschuss für"), (Settings{{"gremium/Ausschuss für Kultur/1", "x"}}));
    store->erase_setting("gremium/Ausschuss für Kultur/1");
    EXPECT_TRUE(store->settings("c").empty());
    EXPECT_TRUE(store->settings("zzz").empty());
    const Settings all = store->settings("");
    ASSERT_EQ(all.size(), 8u);
    EXPECT_EQ(all.front().first, "acc");
    EXPECT_EQ(all.back().first, "token/1");

    // Inside a transaction: its own writes; after a rollback, not.
    store->begin();
    store->put_setting("account/mkoch", "new");
    EXPECT_EQ(store->settings("account/").size(), 3u);
    store->rollback();
    EXPECT_EQ(store->settings("account/").size(), 2u);
}

TEST_P(StoreConformance, ErasesASettingInTheTransaction)
{
    store->put_setting("token/1", "one");
    store->put_setting("token/2", "two");
    store->erase_setting("token/missing");  // nothing to remove: no error
    EXPECT_EQ(store->settings("token/").size(), 2u);

    // Rolled back with the instance written beside it.
    store->begin();
    store->insert(instance("A"));
    store->erase_setting("token/1");
    EXPECT_FALSE(store->setting("token/1")) << "its own transaction sees it gone";
    store->rollback();
    EXPECT_EQ(store->setting("token/1"), "one");
    EXPECT_FALSE(store->load("paper", "A"));

    // A savepoint inside: undone alone.
    store->begin();
    store->begin();
    store->erase_setting("token/2");
    store->rollback();
    store->erase_setting("token/1");
    store->commit();
    EXPECT_FALSE(store->setting("token/1"));
    EXPECT_EQ(store->setting("token/2"), "two");
    EXPECT_EQ(store->settings("token/").size(), 1u);

    // Removed, then written again in one transaction: the new value stays.
    store->begin();
    store->erase_setting("token/2");
    store->put_setting("token/2", "again");
    store->commit();
    EXPECT_EQ(store->setting("token/2"), "again");
}

TEST_P(StoreConformance, FeedsTheLogOfEveryLifecycleInCommitOrder)
{
    EXPECT_TRUE(store->log_after(0, 10).empty());
    store->insert(instance("A"));
    StoredInstance k = instance("K-1");
    k.lifecycle = "case";
    k.owner = "caritas";
    k.overseer = "Kreis Recklinghausen";
    store->insert(k);
    advance("A", 1, "submitted");
    StoredInstance k1 = k;
    k1.version = 1;
    k1.states = {"accepted"};
    k1.state = "accepted";
    store->append(k1, transition(1, "intake", "accepted"));
    advance("A", 2, "answered");

    const auto all = store->log_after(0, 100);
    ASSERT_EQ(all.size(), 3u);
    EXPECT_LT(all[0].seq, all[1].seq);
    EXPECT_LT(all[1].seq, all[2].seq);
    EXPECT_GT(all[0].seq, 0u);
    EXPECT_EQ(all[0].lifecycle, "paper");
    EXPECT_EQ(all[0].id, "A");
    EXPECT_EQ(all[0].transition.version, 1u);
    EXPECT_EQ(all[0].transition.to, "submitted");
    EXPECT_EQ(all[0].owner, "Fraktion Die Linke");
    EXPECT_EQ(all[1].lifecycle, "case");
    EXPECT_EQ(all[1].id, "K-1");
    EXPECT_EQ(all[1].owner, "caritas");
    EXPECT_EQ(all[1].overseer, "Kreis Recklinghausen");
    EXPECT_EQ(all[1].transition.actor, (Actor{"a", "r", "o"}));
    EXPECT_EQ(all[1].transition.payload, std::string("\x00payload", 8));
    EXPECT_EQ(all[2].id, "A");
    EXPECT_EQ(all[2].transition.version, 2u);

    // Read on from the last number seen, in pieces of a limit: each entry once.
    const auto first_two = store->log_after(0, 2);
    ASSERT_EQ(first_two.size(), 2u);
    EXPECT_EQ(first_two[1].seq, all[1].seq);
    const auto rest = store->log_after(first_two.back().seq, 2);
    ASSERT_EQ(rest.size(), 1u);
    EXPECT_EQ(rest[0].seq, all[2].seq);
    EXPECT_TRUE(store->log_after(all[2].seq, 10).empty());
    EXPECT_TRUE(store->log_after(0, 0).empty());

    // A rolled-back entry is not fed; the next committed one comes after everything seen.
    store->begin();
    advance("A", 3, "scheduled");
    EXPECT_EQ(store->log_after(all[2].seq, 10).size(), 1u) << "its own transaction sees it";
    store->rollback();
    EXPECT_TRUE(store->log_after(all[2].seq, 10).empty());
    advance("A", 3, "scheduled");
    const auto next = store->log_after(all[2].seq, 10);
    ASSERT_EQ(next.size(), 1u);
    EXPECT_GT(next[0].seq, all[2].seq);
    EXPECT_EQ(next[0].transition.to, "scheduled");
}

TEST_P(StoreConformance, FeedsAnErasedEntryInItsErasedForm)
{
    store->insert(instance("K-1"));
    StoredTransition personal = transition(1, "draft", "submitted");
    personal.personal = true;
    personal.payload = "goal=Sprachkurs";
    personal.summary = "goal=Sprachkurs";
    personal.erased_payload = "goal=";
    personal.erased_summary = "goal=";
    store->append(instance("K-1", 1), personal);
    ASSERT_EQ(store->log_after(0, 10).size(), 1u);
    EXPECT_EQ(store->log_after(0, 10)[0].transition.summary, "goal=Sprachkurs");
    EXPECT_FALSE(store->log_after(0, 10)[0].transition.erased_at);

    StoredInstance erased = instance("K-1", 2);
    erased.data = "erased";
    const StoredTransition record{2, "erase_personal_data", "draft", "draft", Actor{"it", "administrator", "kreis"},
                                  parse_timestamp("2026-01-01T00:00:00Z"), "", "reason=retention"};
    store->erase(erased, {ErasedEntry{1, "goal=", "goal="}}, record);
    const auto fed = store->log_after(0, 10);
    ASSERT_EQ(fed.size(), 2u);
    EXPECT_EQ(fed[0].transition.payload, "goal=");
    EXPECT_EQ(fed[0].transition.summary, "goal=");
    EXPECT_EQ(fed[0].transition.erased_at, record.at);
    EXPECT_EQ(fed[1].transition.event, "erase_personal_data");
    EXPECT_EQ(fed[1].transition.summary, "reason=retention");
    EXPECT_FALSE(fed[1].transition.erased_at);
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreConformance, ::testing::ValuesIn(kBackends),
                         [](const ::testing::TestParamInfo<Backend>& info) { return info.param.name; });

}  // namespace
