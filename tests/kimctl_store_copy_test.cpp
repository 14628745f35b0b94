// kimctl store copy: a SQLite file to a PostgreSQL database and back again, every instance and
// history byte for byte, the signed checkpoints with them, both sides verified; a destination
// that holds anything, and a source that does not verify, are refused and left as they were.
#include <SQLiteCpp/SQLiteCpp.h>

#include <kimflow/store/pg_store.hpp>
#include <kimflow/store/sqlite_store.hpp>

#include "kimctl_fixture.hpp"
#include "pg_test_server.hpp"

namespace kimctl_test {
namespace {

using kimflow_test::PgDatabase;

std::string uri_of(const PgDatabase& db)
{
    return "postgresql:///" + db.name() + "?host=" + kimflow_test::pg_detail::server_dir() + "&user=kimflow";
}

/// Every instance with its history, and the checkpoints, of a store.
struct Contents {
    std::vector<kimflow::StoredInstance> instances;
    std::vector<std::vector<kimflow::StoredTransition>> histories;
    std::vector<kimflow::StoredDenial> denials;
    std::vector<kimflow::Checkpoint> checkpoints;
};

Contents contents_of(kimflow::Store& store)
{
    Contents c;
    for (const char* lifecycle : {"paper", "case", "resolution"}) {
        for (const auto& id : store.find(kimflow::InstanceQuery{lifecycle})) {
            c.instances.push_back(*store.load(lifecycle, id));
            c.histories.push_back(store.history(lifecycle, id));
        }
        for (const auto& d : store.denials(lifecycle)) c.denials.push_back(d);
    }
    c.checkpoints = store.checkpoints();
    return c;
}

void expect_same(const Contents& a, const Contents& b)
{
    ASSERT_EQ(a.instances.size(), b.instances.size());
    for (std::size_t i = 0; i < a.instances.size(); ++i) {
        const auto &x = a.instances[i], &y = b.instances[i];
        EXPECT_EQ(x.id, y.id);
        EXPECT_EQ(x.version, y.version) << x.id;
        EXPECT_EQ(x.states, y.states) << x.id;
        EXPECT_EQ(x.data, y.data) << x.id << ": the data differ";
        EXPECT_EQ(x.created_at, y.created_at) << x.id;
        EXPECT_EQ(x.created_by, y.created_by) << x.id;
        EXPECT_EQ(x.due, y.due) << x.id;
        EXPECT_EQ(x.owner, y.owner) << x.id;
        EXPECT_EQ(x.area, y.area) << x.id;
        EXPECT_EQ(x.overseer, y.overseer) << x.id;
        EXPECT_EQ(x.timer_at, y.timer_at) << x.id;
        EXPECT_EQ(x.last_transition_at, y.last_transition_at) << x.id;
        ASSERT_EQ(a.histories[i].size(), b.histories[i].size()) << x.id;
        for (std::size_t v = 0; v < a.histories[i].size(); ++v) {
            const auto &s = a.histories[i][v], &t = b.histories[i][v];
            EXPECT_EQ(std::tie(s.version, s.event, s.from, s.to, s.at, s.payload, s.summary, s.erased_at),
                      std::tie(t.version, t.event, t.from, t.to, t.at, t.payload, t.summary, t.erased_at))
                << x.id << " version " << s.version;
            EXPECT_EQ(s.actor, t.actor) << x.id << " version " << s.version;
        }
    }
    ASSERT_EQ(a.denials.size(), b.denials.size());
    for (std::size_t i = 0; i < a.denials.size(); ++i)
        EXPECT_EQ(std::tie(a.denials[i].instance, a.denials[i].action, a.denials[i].reason, a.denials[i].at),
                  std::tie(b.denials[i].instance, b.denials[i].action, b.denials[i].reason, b.denials[i].at));
    ASSERT_EQ(a.checkpoints.size(), b.checkpoints.size());
    for (std::size_t i = 0; i < a.checkpoints.size(); ++i)
        EXPECT_EQ(kimflow::checkpoint_message(a.checkpoints[i]) + a.checkpoints[i].signature,
                  kimflow::checkpoint_message(b.checkpoints[i]) + b.checkpoints[i].signature);
}

class KimctlStoreCopy : public Kimctl {
protected:
    TempDir keys{"copy-keys"};

    /// The seeds' story, a case, a refusal in the denial log, and a signing key whose checkpoints
    /// cover it all.
    void fill()
    {
        tell_14_1923();
        ok(kAdministrator + Args{"admin", "key", "init", "--key", keys / "key", "--public-key", keys / "public"});
        ok(kCaritas + Args{"--signing-key", keys / "key", "case", "open", "K-1", "--kommune", "Castrop-Rauxel",
                           "--traeger", "caritas", "--manager", "mkoch", "--kreis", "Kreis Recklinghausen"});
        // Another Träger's case manager may not read it: refused, and the refusal logged.
        EXPECT_EQ(run(kAgora + Args{"--signing-key", keys / "key", "show", "case", "K-1"}).exit, 4);
    }
};

TEST_F(KimctlStoreCopy, ASqliteFileGoesToPostgresqlAndBackByteForByteAndVerifies)
{
    fill();
    PgDatabase pg;
    const Result to_pg = kimctl({"store", "copy", "--from", db.path(), "--to", uri_of(pg)});
    ASSERT_EQ(to_pg.exit, 0) << describe(to_pg);
    EXPECT_NE(to_pg.out.find("Beide Seiten geprüft"), std::string::npos) << to_pg.out;
    EXPECT_NE(to_pg.out.find("1 Ablehnungen"), std::string::npos) << to_pg.out;
    TempFile back{"copied-back"};
    const Result to_file = kimctl({"store", "copy", "--from", uri_of(pg), "--to", back.path(), "--json"});
    ASSERT_EQ(to_file.exit, 0) << describe(to_file);
    EXPECT_EQ(json::parse(to_file.out).at("instances"), 2);

    kimflow::SqliteStore original(db.path()), returned(back.path());
    kimflow::PgStore on_postgresql(pg.connection());
    const Contents source = contents_of(original);
    ASSERT_EQ(source.instances.size(), 2u);
    ASSERT_FALSE(source.checkpoints.empty());
    expect_same(source, contents_of(on_postgresql));
    expect_same(source, contents_of(returned));
    const auto chain = original.verify_chain(), there = on_postgresql.verify_chain(), again = returned.verify_chain();
    EXPECT_TRUE(there.ok() && again.ok());
    EXPECT_EQ(there.transition_head, chain.transition_head);
    EXPECT_EQ(again.creation_head, chain.creation_head);
    // The copy's signatures check with the original's public key, and it takes new signed fires.
    const Result verified = kimctl(kAdministrator + Args{"--db", back.path(), "verify", "--public-key", keys / "public"});
    EXPECT_EQ(verified.exit, 0) << describe(verified);
    const Result fired = kimctl(kCaritas + Args{"--db", back.path(), "--signing-key", keys / "key", "fire", "case",
                                                "K-1", "assign", "manager=akaya"});
    EXPECT_EQ(fired.exit, 0) << describe(fired);
}

TEST_F(KimctlStoreCopy, ADestinationThatHoldsAnythingIsRefusedAndLeftAsItWas)
{
    fill();
    PgDatabase pg;
    ASSERT_EQ(kimctl({"store", "copy", "--from", db.path(), "--to", uri_of(pg)}).exit, 0);
    const Result again = kimctl({"store", "copy", "--from", db.path(), "--to", uri_of(pg)});
    EXPECT_EQ(again.exit, 6) << describe(again);
    EXPECT_NE(again.err.find("empty database only"), std::string::npos) << again.err;
    expect_short_error(again);
    kimflow::PgStore on_postgresql(pg.connection());
    kimflow::SqliteStore original(db.path());
    expect_same(contents_of(original), contents_of(on_postgresql));
}

TEST_F(KimctlStoreCopy, ASourceThatDoesNotVerifyIsNotCopied)
{
    fill();
    {
        SQLite::Database raw(db.path(), SQLite::OPEN_READWRITE);
        raw.exec("UPDATE instance SET owner = 'someone-else' WHERE id = '14/1923'");
    }
    PgDatabase pg;
    const Result r = kimctl({"store", "copy", "--from", db.path(), "--to", uri_of(pg)});
    EXPECT_EQ(r.exit, 6) << describe(r);
    EXPECT_NE(r.err.find("does not verify"), std::string::npos) << r.err;
    EXPECT_EQ(pg.value("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"), "0")
        << "the refused copy created tables";
}

}  // namespace
}  // namespace kimctl_test
