// verify_instances (kimflow/core/verify.hpp) and SqliteStore's file checks: a sound store
// has no findings; each kind of damage a hand edit can cause is found and named.
#include <gtest/gtest.h>
#include <SQLiteCpp/SQLiteCpp.h>

#include "kim_fixture.hpp"
#include "paper_fixture.hpp"
#include "temp_file.hpp"

#include <kimflow/store/sqlite_store.hpp>
#include <kimflow/core/verify.hpp>

namespace {

using namespace kimflow;
using namespace paper_test;

class Verify : public testing::Test {
protected:
    void SetUp() override
    {
        auto clock = std::make_shared<ManualClock>(parse_timestamp("2025-01-06T09:00:00Z"));
        store = std::make_shared<SqliteStore>(file.path());
        PaperEngine papers(PaperConfig{}, clock, store);
        papers.create("14/1923", anfrage(), fraktion);
        papers.fire("14/1923", Submit{}, fraktion);
        papers.fire("14/1923", Answer{"14/1923-1"}, verwaltung);
        papers.create("14/1924", anfrage("14/1924"), fraktion);  // version 0, no log
        kim::CaseEngine cases(kim::CaseConfig{}, clock, store);
        kim::open_case(cases, "K-1", kim_test::castrop_rauxel(), kim_test::caritas);
        cases.fire("K-1", kim::GrantConsent{{kim_test::kJobcenter}, "Vermittlung"}, kim_test::caritas);
        cases.fire("K-1", kim::Accept{}, kim_test::caritas);
    }

    std::vector<VerifyFinding> findings()
    {
        std::vector<VerifyFinding> out;
        EXPECT_EQ(verify_instances<PaperLifecycle>(*store, out), 2u);
        EXPECT_EQ(verify_instances<kim::CaseLifecycle>(*store, out), 1u);
        return out;
    }

    /// Runs @p sql on the file behind the store's back, as a hand edit would.
    void edit(const std::string& sql)
    {
        SQLite::Database db(file.path(), SQLite::OPEN_READWRITE);
        db.exec(sql);
    }

    static std::string all(const std::vector<VerifyFinding>& findings)
    {
        std::string out;
        for (const auto& f : findings) out += f.lifecycle + " " + f.id + ": " + f.problem + "\n";
        return out;
    }

    TempFile file{"verify"};
    std::shared_ptr<SqliteStore> store;
};

TEST_F(Verify, ASoundStoreHasNoFindings)
{
    EXPECT_EQ(all(findings()), "");
    EXPECT_TRUE(store->integrity_check().empty());
    const std::vector<std::pair<std::string, std::uint64_t>> expected{{"case", 1}, {"paper", 2}};
    EXPECT_EQ(store->lifecycles(), expected);
}

TEST_F(Verify, AStateChangedByHandNoLongerMatchesTheLog)
{
    edit("UPDATE instance SET state = 'decided', states = 'decided' WHERE id = '14/1923'");
    const auto found = findings();
    ASSERT_EQ(found.size(), 1u) << all(found);
    EXPECT_EQ(found[0].id, "14/1923");
    EXPECT_NE(found[0].problem.find("log ends in 'answered'"), std::string::npos) << found[0].problem;
}

TEST_F(Verify, AStateTheLifecycleDoesNotHaveIsNamed)
{
    edit("UPDATE instance SET state = 'vanished', states = 'vanished' WHERE id = '14/1924'");
    const std::string text = all(findings());
    EXPECT_NE(text.find("14/1924: stored in state 'vanished', which the lifecycle does not have"), std::string::npos)
        << text;
}

TEST_F(Verify, AMissingOrRenumberedLogEntryIsFound)
{
    edit("DELETE FROM transition WHERE version = 1 AND instance = (SELECT key FROM instance WHERE id = '14/1923')");
    const std::string text = all(findings());
    EXPECT_NE(text.find("paper 14/1923: log entry 2 follows version 0"), std::string::npos) << text;
    EXPECT_NE(text.find("at version 2 but its log has 1 entries"), std::string::npos) << text;
}

TEST_F(Verify, AnEntryNoRowOfTheTableAllowsIsFound)
{
    edit("UPDATE transition SET to_state = 'decided' WHERE version = 1 AND "
         "instance = (SELECT key FROM instance WHERE id = '14/1923')");
    const std::string text = all(findings());
    EXPECT_NE(text.find("no row of the lifecycle goes from 'draft' by 'submit' to 'decided'"), std::string::npos)
        << text;
}

TEST_F(Verify, DataThatCannotBeReadIsFound)
{
    edit("UPDATE instance SET data = x'0102' WHERE id = 'K-1'");
    const auto found = findings();
    ASSERT_EQ(found.size(), 1u) << all(found);
    EXPECT_EQ(found[0].lifecycle, "case");
    EXPECT_NE(found[0].problem.find("cannot be read"), std::string::npos) << found[0].problem;
}

TEST_F(Verify, EntriesOfTheConsentRegionAndEventsThatMoveBothRegionsFormAValidLog)
{
    // grant_consent moves the consent region, and its log entry names that region's states.
    const auto log = store->history("case", "K-1");
    ASSERT_EQ(log.size(), 3u);
    EXPECT_EQ(log[1].event, "grant_consent");
    EXPECT_EQ(log[1].from, "none");
    EXPECT_EQ(log[1].to, "granted");
    // withdraw_consent ends both regions; its entry names the phase only.
    {
        auto clock = std::make_shared<ManualClock>(parse_timestamp("2025-01-07T09:00:00Z"));
        kim::CaseEngine cases(kim::CaseConfig{}, clock, store);
        cases.fire("K-1", kim::WithdrawConsent{}, kim_test::caritas);
        EXPECT_EQ(cases.view("K-1").states, (std::vector<std::string_view>{"withdrawn", "aborted"}));
    }
    EXPECT_EQ(all(findings()), "");

    // The consent region stored in a state the log does not lead to is found.
    edit("UPDATE instance SET states = 'granted,aborted' WHERE id = 'K-1'");
    const std::string text = all(findings());
    EXPECT_NE(text.find("its log ends in 'withdrawn', but it is stored in 'granted'"), std::string::npos) << text;
}

TEST_F(Verify, AHistoryEditedOutOfTimeOrderIsFound)
{
    // The answer moved to a day before the submission, and the submission to before the paper
    // was created: neither can a fire record any more, but a hand edit can.
    edit("UPDATE transition SET at = at - 86400000000 WHERE version = 2 AND "
         "instance = (SELECT key FROM instance WHERE id = '14/1923')");
    std::string text = all(findings());
    EXPECT_NE(text.find("paper 14/1923: log entry 2 (answer) is recorded at 2025-01-05T09:00:00Z, before the entry "
                        "ahead of it (2025-01-06T09:00:00Z): a history only moves forward"),
              std::string::npos)
        << text;
    edit("UPDATE transition SET at = at - 3600000000 WHERE version = 1 AND "
         "instance = (SELECT key FROM instance WHERE id = '14/1923')");
    text = all(findings());
    EXPECT_NE(text.find("log entry 1 (submit) is recorded at 2025-01-06T08:00:00Z, before the instance was created"),
              std::string::npos)
        << text;
}

}  // namespace
