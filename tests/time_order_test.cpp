// Time only moves forward: a fire or creation may name the time it is recorded at
// (FireOptions, CreateOptions), a time before the instance's last transition is refused and
// changes nothing, and a clock that reads earlier records the last transition's time.
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include <kimflow/kim/report.hpp>
#include <kimflow/store/sqlite_store.hpp>

#include "kim_fixture.hpp"
#include "paper_fixture.hpp"
#include "temp_file.hpp"

namespace {

using namespace kimflow;

Timestamp time_of(const char* text) { return parse_timestamp(text); }

/// What a refused fire must leave as it was.
struct Snapshot {
    std::uint64_t version;
    std::string state;
    std::vector<TransitionRecord> history;
};

template <class Engine>
Snapshot snapshot(const Engine& engine, const std::string& id)
{
    return {engine.version(id), std::string(engine.state(id)), engine.history(id)};
}

template <class Engine>
void expect_unchanged(const Engine& engine, const std::string& id, const Snapshot& before)
{
    EXPECT_EQ(engine.version(id), before.version);
    EXPECT_EQ(engine.state(id), before.state);
    const auto history = engine.history(id);
    ASSERT_EQ(history.size(), before.history.size());
    for (std::size_t i = 0; i < history.size(); ++i) {
        EXPECT_EQ(history[i].event, before.history[i].event);
        EXPECT_EQ(history[i].at, before.history[i].at);
    }
}

using TimeOrder = paper_test::PaperTest;
using CaseTimeOrder = kim_test::CaseTest;

TEST_F(TimeOrder, FiresAndCreationsAreRecordedAtTheTimeTheyName)
{
    engine.create("14/1923", paper_test::anfrage(), paper_test::fraktion, CreateOptions{time_of("2025-01-02T08:00:00Z")});
    engine.fire("14/1923", paper::Submit{}, paper_test::fraktion, FireOptions{std::nullopt, time_of("2025-01-03T10:00:00Z")});
    engine.fire("14/1923", "answer", Fields{{"answer_reference", "14/1923-1"}}, paper_test::verwaltung,
                FireOptions{1, time_of("2025-01-04T11:00:00Z")});
    EXPECT_EQ(engine.view("14/1923").created_at, time_of("2025-01-02T08:00:00Z"));
    const auto history = engine.history("14/1923");
    ASSERT_EQ(history.size(), 2u);
    EXPECT_EQ(history[0].at, time_of("2025-01-03T10:00:00Z"));
    EXPECT_EQ(history[1].at, time_of("2025-01-04T11:00:00Z"));
    // The submission time the lifecycle keeps is the recorded one, not the clock's.
    EXPECT_EQ(engine.data("14/1923").submitted_at, time_of("2025-01-03T10:00:00Z"));
}

TEST_F(TimeOrder, AFireBeforeTheLastTransitionIsRefusedAndChangesNothing)
{
    engine.create("14/1923", paper_test::anfrage(), paper_test::fraktion);
    engine.fire("14/1923", paper::Submit{}, paper_test::fraktion, FireOptions{std::nullopt, time_of("2025-01-10T09:00:00Z")});
    const Snapshot before = snapshot(engine, "14/1923");
    try {
        engine.fire("14/1923", paper::Answer{"14/1923-1"}, paper_test::verwaltung,
                    FireOptions{std::nullopt, time_of("2025-01-09T09:00:00Z")});
        FAIL() << "a back-dated fire was applied";
    } catch (const RecordedTooEarly& e) {
        EXPECT_EQ(e.instance(), "14/1923");
        EXPECT_EQ(e.event(), "answer");
        EXPECT_EQ(e.state(), "submitted");
        EXPECT_NE(std::string(e.what()).find("before its last transition (2025-01-10T09:00:00Z)"), std::string::npos)
            << e.what();
    }
    expect_unchanged(engine, "14/1923", before);
    // The same time as the last transition is fine: two things can happen in one instant.
    engine.fire("14/1923", paper::Answer{"14/1923-1"}, paper_test::verwaltung,
                FireOptions{std::nullopt, time_of("2025-01-10T09:00:00Z")});
    EXPECT_EQ(engine.state("14/1923"), "answered");
}

TEST_F(TimeOrder, AFireBeforeTheCreationIsRefusedAsEventRejected)
{
    engine.create("14/1923", paper_test::anfrage(), paper_test::fraktion, CreateOptions{time_of("2025-01-06T09:00:00Z")});
    EXPECT_THROW(engine.fire("14/1923", "submit", Fields{}, paper_test::fraktion,
                             FireOptions{std::nullopt, time_of("2025-01-05T09:00:00Z")}),
                 EventRejected);
    EXPECT_EQ(engine.version("14/1923"), 0u);
}

TEST_F(TimeOrder, AClockThatReadsEarlierRecordsTheLastTransitionsTime)
{
    engine.create("14/1923", paper_test::anfrage(), paper_test::fraktion);
    engine.fire("14/1923", paper::Submit{}, paper_test::fraktion);
    at("2025-01-05T09:00:00Z");  // a wall clock stepped back by a day
    engine.fire("14/1923", paper::Answer{"14/1923-1"}, paper_test::verwaltung);
    const auto history = engine.history("14/1923");
    EXPECT_EQ(history[1].at, history[0].at);
    EXPECT_EQ(history[1].at, time_of("2025-01-06T09:00:00Z"));
}

TEST(TimeOrderStore, TheLastTransitionsTimeIsReadBackFromTheStore)
{
    TempFile file{"time-order"};
    auto clock = std::make_shared<ManualClock>(time_of("2025-05-10T09:00:00Z"));
    {
        kim::CaseEngine cases(kim::CaseConfig{}, clock, std::make_shared<SqliteStore>(file.path()));
        kim::open_case(cases, "K-2025-017", kim_test::castrop_rauxel(), kim_test::caritas);
        cases.fire("K-2025-017", kim::Decline{"kein Bedarf"}, kim_test::caritas,
                   FireOptions{std::nullopt, time_of("2025-05-12T09:00:00Z")});
        cases.fire("K-2025-017", kim::Reopen{}, kim_test::caritas, FireOptions{std::nullopt, time_of("2025-05-20T09:00:00Z")});
    }
    // A new engine on the file, as a second kimctl run: the case was last moved on 2025-05-20.
    kim::CaseEngine cases(kim::CaseConfig{}, clock, std::make_shared<SqliteStore>(file.path()));
    const Snapshot before = snapshot(cases, "K-2025-017");
    EXPECT_THROW(cases.fire("K-2025-017", kim::Decline{"doch kein Bedarf"}, kim_test::caritas,
                            FireOptions{std::nullopt, time_of("2025-01-10T00:00:00Z")}),
                 RecordedTooEarly);
    expect_unchanged(cases, "K-2025-017", before);
    // Nothing of the refusal reached the file either.
    kim::CaseEngine reread(kim::CaseConfig{}, clock, std::make_shared<SqliteStore>(file.path()));
    expect_unchanged(reread, "K-2025-017", before);
}

TEST_F(CaseTimeOrder, ABackDatedClosureCannotMakeTheFiguresNegative)
{
    at("2025-05-10T09:00:00Z");
    bring("K-2025-017", "evaluation");
    // The story of the issue: closed "on 2025-01-10", before it was opened.
    EXPECT_THROW(engine.fire("K-2025-017", kim::Close{kim::ClosureReason::goals_achieved, ""}, kim_test::caritas,
                             FireOptions{std::nullopt, time_of("2025-01-10T00:00:00Z")}),
                 RecordedTooEarly);
    EXPECT_EQ(engine.state("K-2025-017"), "evaluation");
    engine.fire("K-2025-017", kim::Close{kim::ClosureReason::goals_achieved, ""}, kim_test::caritas,
                FireOptions{std::nullopt, time_of("2025-06-09T09:00:00Z")});
    const kim::Report report = kim::make_report(engine, parse_date("2025-01-01"), parse_date("2025-12-31"));
    ASSERT_TRUE(report.total.mean_days());
    EXPECT_EQ(*report.total.mean_days(), 30.0);
}

TEST_F(CaseTimeOrder, AnErasureIsNeverRecordedBeforeTheLastTransition)
{
    TempFile file{"time-order-erase"};
    kim::CaseEngine stored(kim::CaseConfig{}, clock, std::make_shared<SqliteStore>(file.path()));
    kim::open_case(stored, "K-1", kim_test::castrop_rauxel(), kim_test::caritas);
    stored.fire("K-1", kim::Pause{"Krankenhaus"}, kim_test::caritas, FireOptions{std::nullopt, time_of("2025-03-05T09:00:00Z")});
    at("2025-03-02T09:00:00Z");  // the clock reads before the pause
    stored.erase("K-1", kim_test::caritas);
    const auto history = stored.history("K-1");
    ASSERT_EQ(history.back().event, erasure_event);
    EXPECT_EQ(history.back().at, parse_timestamp("2025-03-05T09:00:00Z"));
}

}  // namespace
