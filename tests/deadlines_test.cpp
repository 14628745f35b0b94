// Due dates and "which papers are overdue at T" (kimflow/paper/deadlines.hpp).
#include <string>
#include <vector>

#include "paper_fixture.hpp"

using namespace paper_test;

namespace {

TEST_F(PaperTest, AnswerIsDueAfterTheAnswerPeriod)
{
    engine.create("14/1923", anfrage(), fraktion);
    EXPECT_FALSE(answer_due(engine.data("14/1923"), engine.config())) << "a draft has no due date yet";
    engine.fire("14/1923", Submit{}, fraktion);
    EXPECT_EQ(answer_due(engine.data("14/1923"), engine.config()), parse_date("2025-02-03"));  // 28 days
    EXPECT_FALSE(answer_due(antrag(), engine.config())) << "only an Anfrage is answered";
}

TEST_F(PaperTest, OverduePapersAtATime)
{
    engine.create("14/1923", anfrage(), fraktion);
    engine.fire("14/1923", Submit{}, fraktion);  // answer due 2025-02-03
    engine.create("14/1930", anfrage("14/1930"), fraktion);
    at("2025-01-10T09:00:00Z");
    engine.fire("14/1930", Submit{}, fraktion);  // answer due 2025-02-07
    engine.create("14/2001", antrag(), fraktion);
    engine.fire("14/2001", Submit{}, fraktion);
    Schedule s;
    s.meeting_date = parse_date("2025-02-05");
    engine.fire("14/2001", s, sitzungsdienst);  // result due after the meeting on 2025-02-05
    engine.create("14/2002", anfrage("14/2002"), fraktion);  // a draft is never overdue

    auto refs = [&](const char* at) {
        std::vector<std::string> out;
        for (const auto& o : overdue_papers(engine, parse_timestamp(at)))
            out.push_back(o.reference + ":" + std::string(to_string(o.what)) + ":" + format_date(o.due));
        return out;
    };
    EXPECT_TRUE(refs("2025-02-03T23:59:59Z").empty()) << "due on the day itself is not overdue";
    EXPECT_EQ(refs("2025-02-04T00:00:00Z"), std::vector<std::string>{"14/1923:answer:2025-02-03"});
    EXPECT_EQ(refs("2025-02-08T12:00:00Z"),
              (std::vector<std::string>{"14/1923:answer:2025-02-03", "14/2001:result:2025-02-05",
                                        "14/1930:answer:2025-02-07"}));

    at("2025-02-05T19:00:00Z");
    engine.fire("14/1923", Answer{"14/1923-1"}, verwaltung);
    engine.fire("14/2001", Recommend{}, sitzungsdienst);
    EXPECT_EQ(refs("2025-02-08T12:00:00Z"), std::vector<std::string>{"14/1930:answer:2025-02-07"});
}

TEST_F(PaperTest, AnAnfrageOnTheAgendaWithoutAnswerIsStillOverdueForIt)
{
    engine.create("14/1923", anfrage(), fraktion);
    engine.fire("14/1923", Submit{}, fraktion);  // answer due 2025-02-03
    Schedule s;
    s.meeting_date = parse_date("2025-02-20");
    engine.fire("14/1923", s, sitzungsdienst);
    std::vector<std::string> got;
    for (const auto& o : overdue_papers(engine, parse_timestamp("2025-02-25")))
        got.push_back(std::string(to_string(o.what)) + ":" + format_date(o.due));
    EXPECT_EQ(got, (std::vector<std::string>{"answer:2025-02-03", "result:2025-02-20"}));
}

TEST_F(PaperTest, AnswerPeriodFollowsTheBodysRules)
{
    PaperConfig config;
    config.bodies["Stadt Castrop-Rauxel"] = RulesOfProcedure{14, 14, 7};
    PaperEngine e(config, clock);
    Paper p = anfrage("CAS-1");
    p.body = "Stadt Castrop-Rauxel";
    e.create("CAS-1", p, fraktion);
    e.fire("CAS-1", Submit{}, fraktion);
    EXPECT_EQ(answer_due(e.data("CAS-1"), config), parse_date("2025-01-20"));
    EXPECT_EQ(overdue_papers(e, parse_timestamp("2025-01-21")).size(), 1u);
    EXPECT_TRUE(overdue_papers(e, parse_timestamp("2025-01-20")).empty());
}

}  // namespace
