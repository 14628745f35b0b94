// Shared by audit_signing_test.cpp and kimctl_tools_test.cpp (its last section): a signed file with
// KIM cases of two Träger, papers, refusals and an erasure; and what an attacker with write
// access to the file but without the signing key does with it: rehash the documented chains
// (store/chain.hpp) after an edit, and delete, rewrite or re-sign the checkpoints.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <SQLiteCpp/SQLiteCpp.h>
#include <gtest/gtest.h>

#include "../src/store/chain.hpp"  // private to the library (by path: kimctl_tests does not see src/)
#include <kimflow/audit/signing.hpp>
#include <kimflow/default_policy.hpp>
#include <kimflow/paper/lifecycle.hpp>
#include <kimflow/store/sqlite_store.hpp>

#include "kim_fixture.hpp"
#include "temp_file.hpp"

namespace audit_signing_test {

using namespace kim_test;
using audit::SigningKey;

inline const Actor awo{"awo-1", "case_manager", "awo"};
inline const Actor kreis{"kreisler", "kreis_coordinator", "Kreis Recklinghausen"};
inline const Actor stranger{"x", "case_manager", "agora"};
inline const Actor clerk{"clerk", "verwaltung", "rvr"};

inline std::string blob_of(const SQLite::Column& c)
{
    return c.isNull() ? std::string() : std::string(static_cast<const char*>(c.getBlob()), static_cast<std::size_t>(c.getBytes()));
}
inline std::string bytes_of(const Sha256::Digest& d) { return std::string(reinterpret_cast<const char*>(d.data()), d.size()); }
inline Sha256::Digest digest_of(const std::string& bytes)
{
    Sha256::Digest d{};
    if (bytes.size() == d.size()) std::copy(bytes.begin(), bytes.end(), d.begin());
    return d;
}
inline Timestamp at_of(std::int64_t us) { return Timestamp{std::chrono::microseconds{us}}; }

/// seq -> hash (raw bytes) of each log's entries, as rechained.
using Hashes = std::map<std::int64_t, std::string>;
struct Logs {
    Hashes transition, denial, creation;
};

inline void update_blobs(SQLite::Database& db, const std::string& sql, const std::vector<std::string>& blobs, std::int64_t seq)
{
    SQLite::Statement s(db, sql);
    int i = 0;
    for (const auto& b : blobs) s.bind(++i, b.data(), static_cast<int>(b.size()));
    s.bind(++i, seq);
    s.exec();
}

/// The transition log rehashed from its first entry by the documented formats: the payload
/// digests of an edited payload, then each hash after the one before (format 2 where the entry
/// chains a row, 1 where not).
inline Hashes rechain_transitions(SQLite::Database& db)
{
    struct Entry {
        std::int64_t seq;
        std::string lifecycle, id;
        StoredTransition t;
        std::string payload_hash, erased_hash, row;
        bool erased, has_row;
    };
    std::vector<Entry> entries;
    SQLite::Statement s(db, "SELECT t.seq, i.lifecycle, i.id, t.version, t.event, t.from_state, t.to_state, t.actor, "
                            "t.actor_role, t.actor_org, t.at, t.payload, t.summary, t.payload_hash, t.erased_hash, "
                            "t.erased_at IS NOT NULL, t.row_digest FROM transition t JOIN instance i ON t.instance = "
                            "i.key ORDER BY t.seq");
    while (s.executeStep()) {
        StoredTransition t;
        t.version = static_cast<std::uint64_t>(s.getColumn(3).getInt64());
        t.event = s.getColumn(4).getString();
        t.from = s.getColumn(5).getString();
        t.to = s.getColumn(6).getString();
        t.actor = Actor{s.getColumn(7).getString(), s.getColumn(8).getString(), s.getColumn(9).getString()};
        t.at = at_of(s.getColumn(10).getInt64());
        t.payload = blob_of(s.getColumn(11));
        t.summary = s.getColumn(12).getString();
        entries.push_back({s.getColumn(0).getInt64(), s.getColumn(1).getString(), s.getColumn(2).getString(), t,
                           blob_of(s.getColumn(13)), blob_of(s.getColumn(14)), blob_of(s.getColumn(16)),
                           s.getColumn(15).getInt() != 0, !s.getColumn(16).isNull()});
    }
    Hashes out;
    Sha256::Digest previous = chain::genesis;
    for (Entry& e : entries) {
        const std::string now = bytes_of(chain::payload_digest(e.t.payload, e.t.summary));
        if (e.erased) {
            e.erased_hash = now;
        } else {
            if (e.erased_hash == e.payload_hash) e.erased_hash = now;  // not personal: both forms alike
            e.payload_hash = now;
        }
        previous = chain::transition_hash(previous, e.lifecycle, e.id, e.t, digest_of(e.payload_hash),
                                          digest_of(e.erased_hash), e.has_row ? &e.row : nullptr);
        update_blobs(db, "UPDATE transition SET payload_hash = ?, erased_hash = ?, hash = ? WHERE seq = ?",
                     {e.payload_hash, e.erased_hash, bytes_of(previous)}, e.seq);
        out[e.seq] = bytes_of(previous);
    }
    return out;
}

inline Hashes rechain_denials(SQLite::Database& db)
{
    std::vector<std::pair<std::int64_t, StoredDenial>> entries;
    SQLite::Statement s(db, "SELECT seq, lifecycle, instance, action, actor, actor_role, actor_org, at, reason FROM "
                            "denial ORDER BY seq");
    while (s.executeStep())
        entries.push_back({s.getColumn(0).getInt64(),
                           StoredDenial{s.getColumn(1).getString(), s.getColumn(2).getString(), s.getColumn(3).getString(),
                                        Actor{s.getColumn(4).getString(), s.getColumn(5).getString(),
                                              s.getColumn(6).getString()},
                                        at_of(s.getColumn(7).getInt64()), s.getColumn(8).getString()}});
    Hashes out;
    Sha256::Digest previous = chain::genesis;
    for (const auto& [seq, d] : entries) {
        previous = chain::denial_hash(previous, d);
        update_blobs(db, "UPDATE denial SET hash = ? WHERE seq = ?", {bytes_of(previous)}, seq);
        out[seq] = bytes_of(previous);
    }
    return out;
}

inline Hashes rechain_creations(SQLite::Database& db)
{
    struct Entry {
        std::int64_t seq;
        std::string lifecycle, id, row;
    };
    std::vector<Entry> entries;
    SQLite::Statement s(db, "SELECT seq, lifecycle, id, row_digest FROM creation ORDER BY seq");
    while (s.executeStep())
        entries.push_back({s.getColumn(0).getInt64(), s.getColumn(1).getString(), s.getColumn(2).getString(),
                           blob_of(s.getColumn(3))});
    Hashes out;
    Sha256::Digest previous = chain::genesis;
    for (const Entry& e : entries) {
        previous = chain::creation_hash(previous, e.lifecycle, e.id, e.row);
        update_blobs(db, "UPDATE creation SET hash = ? WHERE seq = ?", {bytes_of(previous)}, e.seq);
        out[e.seq] = bytes_of(previous);
    }
    return out;
}

inline Logs rechain_all(SQLite::Database& db) { return {rechain_transitions(db), rechain_denials(db), rechain_creations(db)}; }

/// The row digest of an instance row as it stands (chain::row_digest), written into the entry
/// that chains it: its last transition, or its creation entry while it has none.
inline void rechain_row(SQLite::Database& db, const std::string& lifecycle, const std::string& id)
{
    SQLite::Statement s(db, "SELECT key, version, state, states, data, created_at, created_by, created_role, "
                            "created_org, due, owner, area, overseer, erased_at FROM instance WHERE lifecycle = ? AND id = ?");
    s.bind(1, lifecycle);
    s.bind(2, id);
    ASSERT_TRUE(s.executeStep());
    StoredInstance in;
    in.lifecycle = lifecycle;
    in.id = id;
    in.version = static_cast<std::uint64_t>(s.getColumn(1).getInt64());
    in.state = s.getColumn(2).getString();
    std::string states = s.getColumn(3).getString() + ",";
    for (std::size_t at = 0, comma; (comma = states.find(',', at)) != std::string::npos; at = comma + 1)
        if (comma > at) in.states.push_back(states.substr(at, comma - at));
    in.data = blob_of(s.getColumn(4));
    in.created_at = at_of(s.getColumn(5).getInt64());
    in.created_by = Actor{s.getColumn(6).getString(), s.getColumn(7).getString(), s.getColumn(8).getString()};
    if (!s.getColumn(9).isNull()) in.due = Date{date::days{s.getColumn(9).getInt64()}};
    in.owner = s.getColumn(10).getString();
    in.area = s.getColumn(11).getString();
    in.overseer = s.getColumn(12).getString();
    if (!s.getColumn(13).isNull()) in.erased_at = at_of(s.getColumn(13).getInt64());
    const std::int64_t key = s.getColumn(0).getInt64();
    const std::string row = chain::row_digest(in);
    const std::int64_t last = db.execAndGet("SELECT coalesce(max(seq), 0) FROM transition WHERE instance = " +
                                            std::to_string(key) + " AND version = (SELECT max(version) FROM "
                                            "transition WHERE instance = " + std::to_string(key) + ")").getInt64();
    if (last)
        update_blobs(db, "UPDATE transition SET row_digest = ? WHERE seq = ?", {row}, last);
    else
        update_blobs(db, "UPDATE creation SET row_digest = ? WHERE seq = ?", {row},
                     db.execAndGet("SELECT max(seq) FROM creation WHERE lifecycle = '" + lifecycle + "' AND id = '" + id + "'")
                         .getInt64());
}

/// The hash at the last entry up to @p seq of a rechained log (seq 0 and the genesis hash when none).
inline std::pair<std::int64_t, std::string> head_at(const Hashes& log, std::int64_t seq)
{
    auto it = log.upper_bound(seq);
    if (it == log.begin()) return {0, bytes_of(chain::genesis)};
    --it;
    return *it;
}

/// What the attacker does with the checkpoints after rechaining.
enum class Cover {
    none,             ///< left as they are
    later_deleted,    ///< the ones the rewrite contradicts deleted, the earlier kept
    all_deleted,      ///< every one deleted
    heads_rewritten,  ///< their heads set to the rewritten logs', signatures kept
    own_key,          ///< every one deleted, a new one signed with the attacker's key
};

inline const char* name(Cover c)
{
    switch (c) {
    case Cover::none: return "checkpoints left";
    case Cover::later_deleted: return "later checkpoints deleted";
    case Cover::all_deleted: return "all checkpoints deleted";
    case Cover::heads_rewritten: return "checkpoint heads rewritten";
    case Cover::own_key: return "checkpoints re-signed with the attacker's key";
    }
    return "";
}

inline void cover_checkpoints(SQLite::Database& db, const Logs& logs, Cover cover)
{
    if (cover == Cover::none || cover == Cover::own_key) {
        if (cover == Cover::own_key) db.exec("DELETE FROM checkpoint");
        return;
    }
    if (cover == Cover::all_deleted) {
        db.exec("DELETE FROM checkpoint");
        return;
    }
    SQLite::Statement s(db, "SELECT seq, transitions, transition_head, denials, denial_head, creations, creation_head "
                            "FROM checkpoint ORDER BY seq");
    struct Row {
        std::int64_t seq, counts[3];
        std::string heads[3];
    };
    std::vector<Row> rows;
    while (s.executeStep())
        rows.push_back({s.getColumn(0).getInt64(),
                        {s.getColumn(1).getInt64(), s.getColumn(3).getInt64(), s.getColumn(5).getInt64()},
                        {blob_of(s.getColumn(2)), blob_of(s.getColumn(4)), blob_of(s.getColumn(6))}});
    const Hashes* log[3] = {&logs.transition, &logs.denial, &logs.creation};
    for (const Row& r : rows) {
        std::pair<std::int64_t, std::string> now[3];
        bool holds = true;
        for (int i = 0; i < 3; ++i) {
            now[i] = head_at(*log[i], r.counts[i]);
            holds = holds && now[i].first == r.counts[i] && now[i].second == r.heads[i];
        }
        if (cover == Cover::later_deleted) {
            if (!holds) db.exec("DELETE FROM checkpoint WHERE seq = " + std::to_string(r.seq));
            continue;
        }
        SQLite::Statement u(db, "UPDATE checkpoint SET transitions = ?, transition_head = ?, denials = ?, denial_head = ?, "
                                "creations = ?, creation_head = ? WHERE seq = ?");
        for (int i = 0; i < 3; ++i) {
            u.bind(2 * i + 1, now[i].first);
            u.bind(2 * i + 2, now[i].second.data(), static_cast<int>(now[i].second.size()));
        }
        u.bind(7, r.seq);
        u.exec();
    }
}

/// The instance row as SQL literals, column by column (key first): to compare and to put back.
using Row = std::vector<std::pair<std::string, std::string>>;

/// The fixture's file, built by build(): Caritas's K-1 and K-3 and AWO's K-2 (the middle one,
/// with its entries between others), papers 14/1923 (submitted) and 14/1924 (created only),
/// three refusals, K-3 erased, and K-1 moved on after all that. Every commit signed with key.
class AuditSigning : public ::testing::Test {
protected:
    TempFile file{"audit-signing"};
    std::shared_ptr<ManualClock> clock = std::make_shared<ManualClock>(parse_timestamp("2025-03-01T09:00:00Z"));
    std::shared_ptr<const SigningKey> key = std::make_shared<SigningKey>(SigningKey::generate());

    void SetUp() override { build(file.path()); }

    SqliteOptions signed_by(std::shared_ptr<const SigningKey> k) const
    {
        SqliteOptions o;
        o.signer = std::move(k);
        return o;
    }

    void build(const std::string& path) const
    {
        auto store = std::make_shared<SqliteStore>(path, signed_by(key));
        EngineOptions options;
        options.policy = std::make_shared<const Policy>(default_policy());
        CaseEngine cases{CaseConfig{}, clock, store, options};
        paper::PaperEngine papers{paper::PaperConfig{}, clock, store};
        const auto later = [&] { clock->advance(std::chrono::hours(1)); };
        open_case(cases, "K-1", castrop_rauxel(), caritas);
        cases.fire("K-1", GrantConsent{{kJobcenter}, "Arbeitsmarkt"}, caritas);
        later();
        paper::Paper p;
        p.type = paper::PaperType::anfrage;
        p.title = "Zusammenarbeit der Kommunalen Integrationszentren";
        p.originator = "Fraktion Die Linke";
        p.reference = "14/1923";
        papers.create("14/1923", p, clerk);
        papers.fire("14/1923", paper::Submit{}, clerk);
        later();
        open_case(cases, "K-2", Open{"Herten", "AWO", "awo-1", "Kreis Recklinghausen"}, awo);
        cases.fire("K-2", GrantConsent{{kAbh}, "Aufenthalt"}, awo);
        EXPECT_THROW(cases.fire("K-2", CompleteAssessment{}, kreis), NotPermitted);
        cases.fire("K-2", Accept{}, awo);
        later();
        cases.fire("K-1", Accept{}, caritas);
        open_case(cases, "K-3", castrop_rauxel(), caritas);
        cases.fire("K-3", GrantConsent{{kJobcenter}, "Arbeitsmarkt und Schulden"}, caritas);
        EXPECT_THROW(cases.fire("K-1", CompleteAssessment{}, kreis), NotPermitted);
        later();
        cases.erase("K-3", kreis, ErasureReason::request_art17, "Antrag vom 1. März");
        p.reference = "14/1924";
        papers.create("14/1924", p, clerk);
        later();
        cases.fire("K-1", CompleteAssessment{}, caritas);
        EXPECT_THROW(cases.fire("K-3", Accept{}, kreis), NotPermitted);
    }

    ChainCheck verify(const std::vector<Checkpoint>& witnessed = {}, const std::string& path = {}) const
    {
        return SqliteStore(path.empty() ? file.path() : path).verify_chain(witnessed);
    }

    /// check_signatures' problems for the file at @p path (the fixture's) with @p keys (the real one).
    std::vector<std::string> signature_problems(const std::vector<Checkpoint>& witnessed = {},
                                                std::vector<audit::PublicKey> keys = {},
                                                const std::string& path = {}) const
    {
        if (keys.empty()) keys = {key->public_key()};
        SqliteStore store(path.empty() ? file.path() : path);
        std::vector<std::string> problems;
        audit::check_signatures(store.checkpoints(), witnessed, store.verify_chain(witnessed), keys, problems);
        return problems;
    }

    void sql(const std::string& statement) const
    {
        SQLite::Database db(file.path(), SQLite::OPEN_READWRITE);
        db.exec(statement);
    }

    std::int64_t count(const std::string& table, const std::string& path = {}) const
    {
        SQLite::Database db(path.empty() ? file.path() : path);
        return db.execAndGet("SELECT count(*) FROM " + table).getInt64();
    }

    Row row_of(const std::string& lifecycle, const std::string& id) const
    {
        SQLite::Database db(file.path());
        std::vector<std::string> columns;
        SQLite::Statement info(db, "SELECT name FROM pragma_table_info('instance') ORDER BY cid");
        while (info.executeStep()) columns.push_back(info.getColumn(0).getString());
        Row row;
        for (const auto& c : columns) {
            SQLite::Statement s(db, "SELECT quote(" + c + ") FROM instance WHERE lifecycle = ? AND id = ?");
            s.bind(1, lifecycle);
            s.bind(2, id);
            if (s.executeStep()) row.emplace_back(c, s.getColumn(0).getString());
        }
        return row;
    }

    void restore_row(const Row& row) const
    {
        std::string set;
        for (std::size_t i = 1; i < row.size(); ++i) set += (set.empty() ? "" : ", ") + row[i].first + " = " + row[i].second;
        sql("UPDATE instance SET " + set + " WHERE key = " + row.at(0).second);
    }

    /// Builds a new file for each way of covering the checkpoints, applies @p edit, rehashes
    /// every chain after it as the attacker would, covers the checkpoints, and expects: with them
    /// left, verify_chain fails at a checkpoint; with them deleted, rewritten or re-signed, the
    /// chains verify (the forgery is consistent) but check_signatures with the real public key
    /// says why the file cannot be trusted.
    void expect_forgery_caught(const std::function<void(SQLite::Database&)>& edit) const
    {
        for (Cover cover : {Cover::none, Cover::later_deleted, Cover::all_deleted, Cover::heads_rewritten, Cover::own_key}) {
            SCOPED_TRACE(name(cover));
            TempFile forged{"audit-forged"};
            build(forged.path());
            const ChainCheck before = verify({}, forged.path());
            ASSERT_TRUE(before.ok());
            {
                SQLite::Database db(forged.path(), SQLite::OPEN_READWRITE);
                SQLite::Transaction t(db);
                edit(db);
                cover_checkpoints(db, rechain_all(db), cover);
                t.commit();
            }
            if (cover == Cover::own_key)
                SqliteStore(forged.path(), signed_by(std::make_shared<SigningKey>(SigningKey::generate()))).sign_heads();
            const ChainCheck after = verify({}, forged.path());
            const auto problems = signature_problems({}, {}, forged.path());
            std::string said;
            for (const auto& p : problems) said += p + "\n";
            if (cover == Cover::none) {
                ASSERT_FALSE(after.ok()) << "the stored checkpoints must contradict the rewritten logs";
                EXPECT_EQ(after.first_break->log, "checkpoint") << after.first_break->problem;
                continue;
            }
            ASSERT_TRUE(after.ok()) << "the forgery should be consistent: " << after.first_break->problem;
            EXPECT_TRUE(after.transition_head != before.transition_head || after.denial_head != before.denial_head ||
                        after.creation_head != before.creation_head)
                << "the edit changed no head";
            const char* expected = cover == Cover::later_deleted     ? "covered by no signed checkpoint"
                                   : cover == Cover::all_deleted     ? "no signed checkpoint"
                                   : cover == Cover::heads_rewritten ? "has no valid signature"
                                                                     : "not among the public keys";
            EXPECT_NE(said.find(expected), std::string::npos) << said;
        }
    }
};

}  // namespace audit_signing_test
