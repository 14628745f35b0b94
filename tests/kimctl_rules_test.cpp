// kimctl rules paper: the rules of procedure kept in the database (kimflow/io/rules.hpp), shown
// for people and scripts, refused whole when a file is bad.
#include <fstream>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "kimctl_fixture.hpp"
#include "temp_file.hpp"

namespace {

using namespace kimctl_test;

/// The Verwaltung's clerk, under a policy (in @p dir) that lets them configure papers.
Args clerk(const TempDir& dir)
{
    std::ofstream(dir / "rules.policy") << "# keeping the rules of procedure is configuring papers\n"
                                           "allow paper verwaltung configure any\n";
    return kVerwaltung + Args{"--policy", dir / "rules.policy"};
}

TEST_F(Kimctl, RulesOfProcedureKeptShownAndReset)
{
    TempDir dir("kimctl-rules");
    std::ofstream(dir / "rules.json") << R"({"defaults": {"counting": "working_days", "land": "NRW",
        "extra_holidays": ["2027-02-08"]}, "bodies": {"Rat der Stadt Castrop-Rauxel": {"agenda_deadline_days": 21}}})";

    const json defaults = json::parse(ok(kSitzungsdienst + Args{"rules", "paper", "--json"}).out);
    EXPECT_EQ(defaults["defaults"]["counting"], "calendar_days");
    EXPECT_TRUE(defaults["bodies"].empty());

    const Result refused = run(kSitzungsdienst + Args{"rules", "paper", dir / "rules.json"});
    EXPECT_EQ(refused.exit, 7) << describe(refused);

    const json kept = json::parse(ok(clerk(dir) + Args{"rules", "paper", dir / "rules.json", "--json"}).out);
    EXPECT_EQ(kept["defaults"]["counting"], "working_days");
    EXPECT_EQ(kept["defaults"]["land"], "NW");
    const json& cas = kept["bodies"]["Rat der Stadt Castrop-Rauxel"];
    EXPECT_EQ(cas["agenda_deadline_days"], 21);
    EXPECT_EQ(cas["counting"], "working_days") << "a body takes the defaults' values";
    EXPECT_EQ(cas["extra_holidays"], json::array({"2027-02-08"}));

    const Result table = ok(kSitzungsdienst + Args{"rules", "paper"});
    for (const char* cell : {"Gremium", "Rat der Stadt Castrop-Rauxel", "21 Arbeitstage", "28 Arbeitstage",
                             "(alle anderen)", "2027-02-08", "NW"})
        EXPECT_NE(table.out.find(cell), std::string::npos) << cell << "\n" << table.out;

    ok(clerk(dir) + Args{"rules", "paper", "--reset"});
    EXPECT_EQ(json::parse(ok(kSitzungsdienst + Args{"rules", "paper", "--json"}).out), defaults);
}

TEST_F(Kimctl, ABadRulesFileChangesNothing)
{
    TempDir dir("kimctl-rules");
    std::ofstream(dir / "good.json") << R"({"defaults": {"answer_period_days": 20}})";
    std::ofstream(dir / "bad.json") << R"({"defaults": {"counting": "workdays"}})";
    ok(clerk(dir) + Args{"rules", "paper", dir / "good.json"});

    const Result bad = run(clerk(dir) + Args{"rules", "paper", dir / "bad.json"});
    EXPECT_EQ(bad.exit, 2) << describe(bad);
    expect_short_error(bad);
    EXPECT_NE(bad.err.find("defaults.counting: 'workdays' is not one of: calendar_days, working_days, werktage"),
              std::string::npos)
        << bad.err;
    EXPECT_EQ(run(clerk(dir) + Args{"rules", "paper", dir / "missing.json"}).exit, 2);
    EXPECT_EQ(json::parse(ok(kSitzungsdienst + Args{"rules", "paper", "--json"}).out)["defaults"]["answer_period_days"],
              20)
        << "the rules kept before stay";
}

}  // namespace
