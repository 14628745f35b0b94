// kimflow::Engine driven through a host-defined lifecycle (tests/complaint_lifecycle.hpp).
#include <atomic>
#include <chrono>
#include <memory>
#include <stdexcept>
#include <thread>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "complaint_lifecycle.hpp"
#include "twin_events_lifecycle.hpp"

using namespace kimflow;
using complaint::Complaint;

namespace {

const Actor clerk{"clerk1", "beschwerdestelle", "stadt-castrop-rauxel"};

class EngineTest : public ::testing::Test {
protected:
    std::shared_ptr<ManualClock> clock = std::make_shared<ManualClock>(parse_timestamp("2025-03-01T09:00:00Z"));
    complaint::Engine engine{complaint::Settings{1}, clock};

    void SetUp() override { engine.create("B-1", Complaint{"Lärm am Markt"}, clerk); }
};

TEST_F(EngineTest, CreatesInstancesInTheirInitialStatesAtVersionZero)
{
    auto view = engine.view("B-1");
    EXPECT_EQ(view.lifecycle, "complaint");
    EXPECT_EQ(view.id, "B-1");
    EXPECT_EQ(view.states, (std::vector<std::string_view>{"received", "unconfirmed"}));
    EXPECT_EQ(view.version, 0u);
    EXPECT_EQ(view.data.subject, "Lärm am Markt");
    EXPECT_EQ(view.created_by, clerk);
    EXPECT_EQ(view.created_at, parse_timestamp("2025-03-01T09:00:00Z"));
    EXPECT_TRUE(engine.history("B-1").empty());
    EXPECT_EQ(engine.size(), 1u);
    EXPECT_TRUE(engine.contains("B-1"));
    EXPECT_FALSE(engine.contains("B-2"));
}

// Events are found by id: a lifecycle with two events of one id is refused when its model is
// made, before a payload of one could reach the other's code.
TEST(EngineModel, RefusesALifecycleWithTwoEventsOfOneId)
{
    try {
        kimflow::Engine<twins::Lifecycle> engine;
        FAIL() << "an engine was made for a lifecycle with two events called 'finish'";
    } catch (const kimflow::Error& e) {
        EXPECT_NE(std::string(e.what()).find("two events of the twins lifecycle have the id 'finish'"), std::string::npos)
            << e.what();
    }
}

TEST_F(EngineTest, CreateRefusesDuplicateIdsEmptyIdsAndInvalidData)
{
    EXPECT_THROW(engine.create("B-1", Complaint{"again"}, clerk), DuplicateInstance);
    EXPECT_THROW(engine.create("", Complaint{"x"}, clerk), InvalidData);
    EXPECT_THROW(engine.create("B-2", Complaint{}, clerk), InvalidData);
    EXPECT_EQ(engine.size(), 1u);
    EXPECT_EQ(engine.data("B-1").subject, "Lärm am Markt");
}

TEST_F(EngineTest, TypedFireAppliesTheTransitionAndRecordsIt)
{
    clock->set(parse_timestamp("2025-03-02T10:30:00Z"));
    Fired fired = engine.fire("B-1", complaint::Review{"mueller"}, clerk);
    EXPECT_EQ(fired.from, "received");
    EXPECT_EQ(fired.to, "in_review");
    EXPECT_EQ(fired.version, 1u);
    EXPECT_EQ(engine.state("B-1"), "in_review");
    EXPECT_EQ(engine.data("B-1").reviewer, "mueller");

    auto history = engine.history("B-1");
    ASSERT_EQ(history.size(), 1u);
    EXPECT_EQ(history[0].version, 1u);
    EXPECT_EQ(history[0].event, "review");
    EXPECT_EQ(history[0].from, "received");
    EXPECT_EQ(history[0].to, "in_review");
    EXPECT_EQ(history[0].actor, clerk);
    EXPECT_EQ(history[0].at, parse_timestamp("2025-03-02T10:30:00Z"));
    EXPECT_EQ(history[0].payload, "reviewer=mueller");
}

TEST_F(EngineTest, InternalTransitionsKeepTheStateAndCountAsVersions)
{
    engine.fire("B-1", complaint::Review{"mueller"}, clerk);
    auto fired = engine.fire("B-1", complaint::AddNote{"Ortstermin vereinbart"}, clerk);
    EXPECT_EQ(fired.from, "in_review");
    EXPECT_EQ(fired.to, "in_review");
    EXPECT_EQ(fired.version, 2u);
    EXPECT_EQ(engine.data("B-1").notes, std::vector<std::string>{"Ortstermin vereinbart"});
}

TEST_F(EngineTest, SecondRegionMovesIndependentlyAndIsRecordedByItsOwnStates)
{
    auto fired = engine.fire("B-1", complaint::ConfirmReceipt{}, clerk);
    EXPECT_EQ(fired.from, "unconfirmed");
    EXPECT_EQ(fired.to, "confirmed");
    EXPECT_EQ(engine.view("B-1").states, (std::vector<std::string_view>{"received", "confirmed"}));
    EXPECT_THROW(engine.fire("B-1", complaint::ConfirmReceipt{}, clerk), EventNotAllowed);
}

TEST_F(EngineTest, AnEventTakenByOneRegionAndRefusedByAnotherIsApplied)
{
    engine.fire("B-1", complaint::Review{"mueller"}, clerk);
    engine.fire("B-1", complaint::AddNote{"n"}, clerk);
    // The main region resolves; the receipt region's guard refuses (no public reply).
    auto fired = engine.fire("B-1", complaint::Resolve{"erledigt", false}, clerk);
    EXPECT_EQ(fired.to, "resolved");
    EXPECT_EQ(engine.view("B-1").states, (std::vector<std::string_view>{"resolved", "unconfirmed"}));
    EXPECT_EQ(engine.version("B-1"), 3u);
}

TEST_F(EngineTest, BothRegionsMoveOnOneEventAndTheRecordNamesTheMainRegion)
{
    engine.fire("B-1", complaint::Review{"mueller"}, clerk);
    engine.fire("B-1", complaint::AddNote{"n"}, clerk);
    auto fired = engine.fire("B-1", complaint::Resolve{"erledigt", true}, clerk);
    EXPECT_EQ(fired.from, "in_review");
    EXPECT_EQ(fired.to, "resolved");
    EXPECT_EQ(engine.view("B-1").states, (std::vector<std::string_view>{"resolved", "confirmed"}));
}

TEST_F(EngineTest, CreateWithAnOpeningEventIsOneStep)
{
    auto fired = engine.create("B-2", Complaint{"Schlagloch"}, clerk, complaint::Review{"schulz"});
    EXPECT_EQ(fired.from, "received");
    EXPECT_EQ(fired.to, "in_review");
    EXPECT_EQ(fired.version, 1u);
    EXPECT_EQ(engine.history("B-2").front().event, "review");

    fired = engine.create("B-3", Complaint{"Laterne"}, clerk, "review", Fields{{"reviewer", "schulz"}});
    EXPECT_EQ(engine.data("B-3").reviewer, "schulz");
    EXPECT_EQ(fired.version, 1u);
}

TEST_F(EngineTest, ARejectedOpeningEventCreatesNothing)
{
    int notices = 0;
    engine.observe([&](const complaint::Engine::Notice&) { ++notices; });
    EXPECT_THROW(engine.create("B-2", Complaint{"x"}, clerk, complaint::AddNote{"n"}), EventNotAllowed);
    EXPECT_THROW(engine.create("B-2", Complaint{"x"}, clerk, complaint::Dismiss{"short"}), GuardRejected);
    EXPECT_THROW(engine.create("B-2", Complaint{"x"}, clerk, "review", Fields{}), InvalidPayload);
    EXPECT_THROW(engine.create("B-2", Complaint{"x"}, clerk, "reviw", Fields{}), UnknownEvent);
    EXPECT_THROW(engine.create("B-1", Complaint{"x"}, clerk, complaint::Review{"r"}), DuplicateInstance);
    EXPECT_FALSE(engine.contains("B-2"));
    EXPECT_THROW(engine.view("B-2"), InstanceNotFound);
    EXPECT_EQ(engine.size(), 1u);
    EXPECT_EQ(engine.state("B-1"), "received") << "the existing instance is untouched";
    EXPECT_EQ(notices, 0);
    // The id is free again.
    engine.create("B-2", Complaint{"x"}, clerk, complaint::Review{"r"});
    EXPECT_EQ(notices, 1);
}

TEST_F(EngineTest, EventNotAllowedNamesInstanceStateAndEventAndChangesNothing)
{
    const auto before = engine.view("B-1");
    try {
        engine.fire("B-1", complaint::AddNote{"too early"}, clerk);
        FAIL() << "add_note must not be allowed in received";
    } catch (const EventNotAllowed& e) {
        EXPECT_EQ(e.instance(), "B-1");
        EXPECT_EQ(e.state(), "received");
        EXPECT_EQ(e.event(), "add_note");
        const std::string what = e.what();
        EXPECT_NE(what.find("'B-1'"), std::string::npos) << what;
        EXPECT_NE(what.find("received"), std::string::npos) << what;
        EXPECT_NE(what.find("add_note"), std::string::npos) << what;
        EXPECT_NE(what.find("review"), std::string::npos) << "should list the allowed events: " << what;
    }
    const auto after = engine.view("B-1");
    EXPECT_EQ(after.states, before.states);
    EXPECT_EQ(after.version, before.version);
    EXPECT_TRUE(after.data.notes.empty());
    EXPECT_TRUE(engine.history("B-1").empty());
}

TEST_F(EngineTest, GuardRejectionCarriesTheGuardsReasonAndChangesNothing)
{
    engine.fire("B-1", complaint::Review{"mueller"}, clerk);
    try {
        engine.fire("B-1", complaint::Resolve{"erledigt"}, clerk);
        FAIL() << "resolve needs a note first";
    } catch (const GuardRejected& e) {
        EXPECT_EQ(e.state(), "in_review");
        EXPECT_EQ(e.event(), "resolve");
        EXPECT_EQ(e.reason(), "a resolution needs 1 note(s) first");
    }
    EXPECT_EQ(engine.state("B-1"), "in_review");
    EXPECT_EQ(engine.version("B-1"), 1u);
    EXPECT_TRUE(engine.data("B-1").resolution.empty());

    EXPECT_THROW(engine.fire("B-1", complaint::Dismiss{"short"}, clerk), GuardRejected);
    engine.fire("B-1", complaint::AddNote{"geprüft"}, clerk);
    EXPECT_EQ(engine.fire("B-1", complaint::Resolve{"Ordnungsamt informiert"}, clerk).to, "resolved");
}

TEST_F(EngineTest, ConfigurationReachesTheGuards)
{
    complaint::Engine strict{complaint::Settings{2}, clock};
    strict.create("B-9", Complaint{"Parkplatz"}, clerk);
    strict.fire("B-9", complaint::Review{"x"}, clerk);
    strict.fire("B-9", complaint::AddNote{"one"}, clerk);
    EXPECT_THROW(strict.fire("B-9", complaint::Resolve{"done"}, clerk), GuardRejected);
    strict.fire("B-9", complaint::AddNote{"two"}, clerk);
    EXPECT_EQ(strict.fire("B-9", complaint::Resolve{"done"}, clerk).to, "resolved");
}

TEST_F(EngineTest, AllowedEventsFollowStatesAndStateGuards)
{
    // Table order; resolve is listed because the receipt region takes it with a public reply.
    EXPECT_EQ(engine.allowed_events("B-1"),
              (std::vector<std::string_view>{"review", "dismiss", "confirm_receipt", "resolve"}));
    engine.fire("B-1", complaint::ConfirmReceipt{}, clerk);
    EXPECT_EQ(engine.allowed_events("B-1"), (std::vector<std::string_view>{"review", "dismiss"}));
    engine.fire("B-1", complaint::Review{"mueller"}, clerk);
    // resolve's guard needs a note; dismiss's guard needs the payload, so it is listed.
    EXPECT_EQ(engine.allowed_events("B-1"), (std::vector<std::string_view>{"add_note", "dismiss"}));
    engine.fire("B-1", complaint::AddNote{"n"}, clerk);
    EXPECT_EQ(engine.allowed_events("B-1"), (std::vector<std::string_view>{"add_note", "resolve", "dismiss"}));
    engine.fire("B-1", complaint::Resolve{"ok"}, clerk);
    EXPECT_TRUE(engine.allowed_events("B-1").empty());
}

TEST_F(EngineTest, FireByNameParsesThePayload)
{
    engine.fire("B-1", "review", Fields{{"reviewer", "mueller"}}, clerk);
    engine.fire("B-1", "add_note", Fields{{"text", "Anruf"}}, clerk);
    auto fired = engine.fire("B-1", "resolve", Fields{{"resolution", "erledigt"}, {"public_reply", "ja"}}, clerk);
    EXPECT_EQ(fired.to, "resolved");
    EXPECT_EQ(engine.data("B-1").resolution, "erledigt");
    EXPECT_EQ(engine.history("B-1").back().payload, "resolution=erledigt, public_reply=true");
}

TEST_F(EngineTest, FireByNameRejectsUnknownEventsAndMalformedPayloadsWithoutChange)
{
    try {
        engine.fire("B-1", "approve", Fields{}, clerk);
        FAIL();
    } catch (const UnknownEvent& e) {
        EXPECT_EQ(e.event(), "approve");
        EXPECT_NE(std::string(e.what()).find("review, add_note, resolve, dismiss, confirm_receipt"), std::string::npos)
            << e.what();
    }
    try {
        engine.fire("B-1", "review", Fields{}, clerk);
        FAIL();
    } catch (const InvalidPayload& e) {
        EXPECT_EQ(e.event(), "review");
        EXPECT_EQ(e.field(), "reviewer");
        EXPECT_NE(std::string(e.what()).find("missing"), std::string::npos);
    }
    try {
        engine.fire("B-1", "review", Fields{{"reviewer", "x"}, {"reviwer", "typo"}}, clerk);
        FAIL();
    } catch (const InvalidPayload& e) {
        EXPECT_EQ(e.field(), "reviwer");
        EXPECT_NE(std::string(e.what()).find("its fields are: reviewer"), std::string::npos) << e.what();
    }
    EXPECT_THROW(engine.fire("B-1", "confirm_receipt", Fields{{"note", "x"}}, clerk), InvalidPayload);
    engine.fire("B-1", complaint::Review{"x"}, clerk);
    engine.fire("B-1", complaint::AddNote{"x"}, clerk);
    try {
        engine.fire("B-1", "resolve", Fields{{"resolution", "ok"}, {"public_reply", "vielleicht"}}, clerk);
        FAIL();
    } catch (const InvalidPayload& e) {
        EXPECT_EQ(e.field(), "public_reply");
        EXPECT_NE(std::string(e.what()).find("vielleicht"), std::string::npos);
    }
    EXPECT_EQ(engine.state("B-1"), "in_review");
    EXPECT_EQ(engine.version("B-1"), 2u);
}

TEST_F(EngineTest, UnknownInstancesAreReported)
{
    EXPECT_THROW(engine.fire("B-404", complaint::Review{"x"}, clerk), InstanceNotFound);
    EXPECT_THROW(engine.fire("B-404", "review", Fields{{"reviewer", "x"}}, clerk), InstanceNotFound);
    EXPECT_THROW(engine.view("B-404"), InstanceNotFound);
    EXPECT_THROW(engine.allowed_events("B-404"), InstanceNotFound);
    try {
        engine.state("B-404");
        FAIL() << "state() of an unknown instance must throw";
    } catch (const InstanceNotFound& e) {
        EXPECT_EQ(e.lifecycle(), "complaint");
        EXPECT_EQ(e.instance(), "B-404");
    }
}

TEST_F(EngineTest, ExpectedVersionMakesTheFireConditional)
{
    engine.fire("B-1", complaint::Review{"x"}, clerk, 0);
    try {
        engine.fire("B-1", complaint::AddNote{"stale"}, clerk, 0);
        FAIL();
    } catch (const VersionConflict& e) {
        EXPECT_EQ(e.expected(), 0u);
        EXPECT_EQ(e.actual(), 1u);
    }
    EXPECT_TRUE(engine.data("B-1").notes.empty());
    EXPECT_EQ(engine.fire("B-1", complaint::AddNote{"fresh"}, clerk, 1).version, 2u);
    EXPECT_THROW(engine.fire("B-1", "add_note", Fields{{"text", "x"}}, clerk, 7), VersionConflict);
}

TEST_F(EngineTest, ObserversSeeEachAppliedTransitionInOrder)
{
    std::vector<std::string> seen;
    auto handle = engine.observe([&](const complaint::Engine::Notice& n) {
        seen.push_back(std::string(n.lifecycle) + ":" + n.instance + ":" + std::string(n.record.event) + ":" +
                       std::to_string(n.record.version) + ":" + n.data.reviewer);
    });
    engine.fire("B-1", complaint::Review{"mueller"}, clerk);
    EXPECT_THROW(engine.fire("B-1", complaint::Review{"again"}, clerk), EventNotAllowed);  // not seen
    engine.fire("B-1", complaint::AddNote{"n"}, clerk);
    engine.unobserve(handle);
    engine.fire("B-1", complaint::AddNote{"unseen"}, clerk);
    EXPECT_EQ(seen, (std::vector<std::string>{"complaint:B-1:review:1:mueller", "complaint:B-1:add_note:2:mueller"}));
}

TEST_F(EngineTest, AFailingObserverIsReportedButTheTransitionStands)
{
    int calls = 0;
    engine.observe([](const complaint::Engine::Notice&) { throw std::runtime_error("log disk full"); });
    engine.observe([&](const complaint::Engine::Notice&) { ++calls; });
    try {
        engine.fire("B-1", complaint::Review{"mueller"}, clerk);
        FAIL();
    } catch (const ObserverError& e) {
        EXPECT_NE(std::string(e.what()).find("log disk full"), std::string::npos);
        EXPECT_NE(std::string(e.what()).find("applied as version 1"), std::string::npos);
    }
    EXPECT_EQ(calls, 1);
    EXPECT_EQ(engine.state("B-1"), "in_review");
    EXPECT_EQ(engine.history("B-1").size(), 1u);
}

TEST_F(EngineTest, RequiredTextMustNotBeEmpty)
{
    try {
        engine.fire("B-1", complaint::Review{""}, clerk);
        FAIL();
    } catch (const InvalidPayload& e) {
        EXPECT_EQ(e.field(), "reviewer");
        EXPECT_NE(std::string(e.what()).find("is empty"), std::string::npos) << e.what();
    }
    EXPECT_THROW(engine.fire("B-1", "review", Fields{{"reviewer", ""}}, clerk), InvalidPayload);
    EXPECT_EQ(engine.version("B-1"), 0u);
}

TEST_F(EngineTest, ObserversMayFireOnOtherInstancesAndUnobserveThemselves)
{
    engine.create("B-2", Complaint{"Echo"}, clerk);
    std::size_t self = 0;
    std::vector<std::string> seen;
    self = engine.observe([&](const complaint::Engine::Notice& n) {
        seen.push_back(n.instance + ":" + std::string(n.record.event));
        if (n.instance == "B-1") engine.fire("B-2", complaint::Review{"echo"}, clerk);  // nested notification
        if (n.instance == "B-2") engine.unobserve(self);                               // must not wait for itself
    });
    engine.fire("B-1", complaint::Review{"x"}, clerk);
    engine.fire("B-1", complaint::AddNote{"after"}, clerk);
    EXPECT_EQ(seen, (std::vector<std::string>{"B-1:review", "B-2:review"}));
    EXPECT_EQ(engine.state("B-2"), "in_review");
}

TEST_F(EngineTest, UnobserveWaitsForARunningObserver)
{
    std::atomic<bool> running{false}, release{false};
    auto* state = new int(1);  // what the observer uses; freed once unobserve() has returned
    auto handle = engine.observe([&, state](const complaint::Engine::Notice&) {
        running = true;
        while (!release) std::this_thread::yield();
        *state += 1;
        running = false;
    });
    std::thread firing([&] { engine.fire("B-1", complaint::Review{"x"}, clerk); });
    while (!running) std::this_thread::yield();
    std::atomic<bool> calling{false}, returned{false};
    std::thread stopper([&] {
        calling = true;
        engine.unobserve(handle);
        returned = true;
        EXPECT_FALSE(running) << "unobserve returned while the observer was still running";
        delete state;
    });
    // Once the stopper is calling, a broken unobserve returns at once; the correct one waits for
    // the release. The bound only ends the wait: passing never depends on it.
    while (!calling) std::this_thread::yield();
    const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(500);
    while (!returned && std::chrono::steady_clock::now() < until) std::this_thread::yield();
    EXPECT_FALSE(returned) << "unobserve returned before the running observer was released";
    release = true;
    firing.join();
    stopper.join();
}

TEST_F(EngineTest, EventsDescribeTheirFieldsAndSourceStates)
{
    auto events = complaint::Engine::events();
    ASSERT_EQ(events.size(), 5u);
    EXPECT_EQ(events[2].id, "resolve");
    ASSERT_EQ(events[2].fields.size(), 2u);
    EXPECT_EQ(events[2].fields[0].name, "resolution");
    EXPECT_TRUE(events[2].fields[0].required);
    EXPECT_EQ(events[2].fields[1].name, "public_reply");
    EXPECT_EQ(events[2].fields[1].kind, "yes/no");
    EXPECT_FALSE(events[2].fields[1].required);
    EXPECT_EQ(events[3].id, "dismiss");
    EXPECT_EQ(events[3].from, (std::vector<std::string_view>{"received", "in_review"}));
}

TEST_F(EngineTest, ForEachVisitsEveryInstance)
{
    engine.create("B-2", Complaint{"Müll"}, clerk);
    engine.fire("B-2", complaint::Review{"x"}, clerk);
    std::vector<std::string> ids;
    engine.for_each([&](const Instance<complaint::Lifecycle>& in) {
        ids.push_back(in.id() + "=" + std::string(in.state()));
    });
    std::sort(ids.begin(), ids.end());
    EXPECT_EQ(ids, (std::vector<std::string>{"B-1=received", "B-2=in_review"}));
}

TEST(EngineClock, NeedsAClock)
{
    EXPECT_THROW(complaint::Engine(complaint::Settings{}, nullptr), Error);
}

}  // namespace
