// The KIM case lifecycle: every row, every rejection, pause and resume, reopen, follow-ups.
// The rules of the case data (consent changes, open referrals, Wiedervorlagen, timers) are in
// kim_case_data_test.cpp.
#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "kim_fixture.hpp"

using namespace kim_test;

namespace {

const std::vector<std::string> kOpenPhases = {"intake", "assessment", "planning", "linking", "monitoring",
                                              "evaluation", "paused"};

TEST_F(CaseTest, OpenCreatesTheCaseInIntake)
{
    auto fired = open_case(engine, "K-2025-017", castrop_rauxel(), caritas);
    EXPECT_EQ(fired.from, "new");
    EXPECT_EQ(fired.to, "intake");
    EXPECT_EQ(fired.version, 1u);
    const auto view = engine.view("K-2025-017");
    EXPECT_EQ(view.states, (std::vector<std::string_view>{"none", "intake"}));
    EXPECT_EQ(engine.state("K-2025-017"), "intake");
    EXPECT_EQ(view.data.kommune, "Castrop-Rauxel");
    EXPECT_EQ(view.data.kreis, "Kreis Recklinghausen");
    EXPECT_EQ(view.data.traeger, "Caritas");
    EXPECT_EQ(view.data.manager, "cm-caritas-1");
    ASSERT_EQ(view.data.phases.size(), 1u);
    EXPECT_EQ(view.data.phases[0].phase, "intake");
    EXPECT_EQ(view.data.opened_at(), parse_timestamp("2025-03-01T09:00:00Z"));
}

TEST_F(CaseTest, OpenByNameWithTheKommuneAsTraegerWhenNoneIsGiven)
{
    engine.create("K-1", KimCase{}, caritas, "open", Fields{{"kommune", "Datteln"}});
    EXPECT_EQ(engine.data("K-1").traeger, "Datteln");
    EXPECT_THROW(engine.create("K-2", KimCase{}, caritas, "open", Fields{{"traeger", "AWO"}}), InvalidPayload);
    EXPECT_FALSE(engine.contains("K-2"));
}

TEST_F(CaseTest, GrantConsentInAnyOpenStateAndRenewIt)
{
    open_case(engine, "K-1", castrop_rauxel(), caritas);
    auto fired = engine.fire("K-1", GrantConsent{{kJobcenter}, "Arbeitsmarkt"}, caritas);
    EXPECT_EQ(fired.from, "none");
    EXPECT_EQ(fired.to, "granted");
    at("2025-03-05T09:00:00Z");
    fired = engine.fire("K-1", "grant_consent", Fields{{"recipients", kJobcenter + ", " + kAbh}, {"purpose", "beides"}},
                        caritas);
    // An internal transition moves no region: the record names the phase.
    EXPECT_EQ(fired.from, "intake");
    EXPECT_EQ(fired.to, "intake");
    const Consent c = engine.data("K-1").consent;
    EXPECT_EQ(c.recipients, (std::vector<std::string>{kJobcenter, kAbh}));
    EXPECT_EQ(c.purpose, "beides");
    EXPECT_EQ(c.granted_at, parse_timestamp("2025-03-05T09:00:00Z"));
    EXPECT_EQ(engine.state("K-1"), "intake");

    for (const auto& phase : kOpenPhases) {
        const std::string id = "G-" + phase;
        bring(id, phase);
        // From linking on the Jobcenter has an open referral: a new consent must name it again.
        EXPECT_NO_THROW(engine.fire(id, GrantConsent{{kJobcenter, "Jugendamt"}, "Kita"}, caritas)) << phase;
        EXPECT_EQ(engine.state(id), phase);
        EXPECT_EQ(engine.data(id).consent.recipients, (std::vector<std::string>{kJobcenter, "Jugendamt"})) << phase;
    }
}

TEST_F(CaseTest, AcceptNeedsConsent)
{
    open_case(engine, "K-1", castrop_rauxel(), caritas);
    try {
        engine.fire("K-1", Accept{}, caritas);
        FAIL();
    } catch (const GuardRejected& e) {
        EXPECT_NE(e.reason().find("not given consent"), std::string::npos) << e.reason();
    }
    EXPECT_EQ(engine.version("K-1"), 1u);
    auto allowed = engine.allowed_events("K-1");
    EXPECT_EQ(std::count(allowed.begin(), allowed.end(), "accept"), 0);
    engine.fire("K-1", GrantConsent{{kJobcenter}, "Arbeit"}, caritas);
    EXPECT_EQ(engine.fire("K-1", Accept{}, caritas).to, "assessment");
}

TEST_F(CaseTest, DeclineClosesAsNotSuitable)
{
    open_case(engine, "K-1", castrop_rauxel(), caritas);
    EXPECT_EQ(engine.fire("K-1", Decline{"Regelberatung genügt"}, caritas).to, "closed");
    const KimCase c = engine.data("K-1");
    EXPECT_EQ(c.closure_reason, ClosureReason::not_suitable);
    EXPECT_EQ(c.phases.back().reason, ClosureReason::not_suitable);
    EXPECT_EQ(c.note, "Regelberatung genügt");
}

TEST_F(CaseTest, PlanningNeedsAGoalAndLinkingAReferral)
{
    bring("K-1", "planning");
    try {
        engine.fire("K-1", AgreePlan{}, caritas);
        FAIL();
    } catch (const GuardRejected& e) {
        EXPECT_NE(e.reason().find("no goal"), std::string::npos) << e.reason();
    }
    auto fired = engine.fire("K-1", AddGoal{"Sprachkurs B1"}, caritas);
    EXPECT_EQ(fired.from, "planning");
    EXPECT_EQ(fired.to, "planning");
    EXPECT_EQ(engine.fire("K-1", AgreePlan{}, caritas).to, "linking");
    EXPECT_THROW(engine.fire("K-1", StartMonitoring{}, caritas), GuardRejected);
    engine.fire("K-1", Refer{kAbh, Rechtskreis::aufenthg}, caritas);
    EXPECT_EQ(engine.fire("K-1", StartMonitoring{}, caritas).to, "monitoring");
    EXPECT_EQ(engine.data("K-1").goals, std::vector<std::string>{"Sprachkurs B1"});
}

TEST_F(CaseTest, ReferralsNeedTheConsentToNameTheRecipient)
{
    bring("K-2025-017", "linking");
    try {
        engine.fire("K-2025-017", "refer", Fields{{"recipient", "Jugendamt Castrop-Rauxel"}, {"rechtskreis", "SGB VIII"}},
                    caritas);
        FAIL();
    } catch (const GuardRejected& e) {
        const std::string what = e.what();
        EXPECT_NE(what.find("cannot refer case 'K-2025-017': the consent of 2025-03-01 does not name this recipient "
                            "(Jugendamt Castrop-Rauxel)"),
                  std::string::npos)
            << what;
        EXPECT_NE(what.find("ask the client to extend it to Jugendamt Castrop-Rauxel (extend_consent)"),
                  std::string::npos)
            << what;
    }
    EXPECT_TRUE(engine.data("K-2025-017").referrals.empty());
    // Case and blanks do not matter; the Rechtskreis is recorded.
    at("2025-03-10T10:00:00Z");
    auto fired = engine.fire("K-2025-017", Refer{" jobcenter kreis recklinghausen", Rechtskreis::sgb2}, caritas);
    EXPECT_EQ(fired.to, "linking");
    engine.fire("K-2025-017", StartMonitoring{}, caritas);
    engine.fire("K-2025-017", Refer{kAbh, Rechtskreis::aufenthg}, caritas);
    const auto referrals = engine.data("K-2025-017").referrals;
    ASSERT_EQ(referrals.size(), 2u);
    EXPECT_EQ(referrals[0].rechtskreis, Rechtskreis::sgb2);
    EXPECT_EQ(referrals[0].at, parse_timestamp("2025-03-10T10:00:00Z"));
    EXPECT_EQ(referrals[1].rechtskreis, Rechtskreis::aufenthg);
    EXPECT_THROW(engine.fire("K-2025-017", "refer", Fields{{"recipient", kAbh}, {"rechtskreis", "SGB 2"}}, caritas),
                 InvalidPayload);
}

TEST_F(CaseTest, EvaluationClosesOrPlansAgain)
{
    bring("K-1", "evaluation");
    EXPECT_EQ(engine.fire("K-1", Replan{}, caritas).to, "planning");
    engine.fire("K-1", AgreePlan{}, caritas);
    engine.fire("K-1", StartMonitoring{}, caritas);
    engine.fire("K-1", Evaluate{}, caritas);
    auto fired = engine.fire("K-1", "close", Fields{{"reason", "transferred_to_regular_services"}}, caritas);
    EXPECT_EQ(fired.to, "closed");
    EXPECT_EQ(engine.data("K-1").closure_reason, ClosureReason::transferred_to_regular_services);
    EXPECT_THROW(engine.fire("K-1", "close", Fields{{"reason", "fertig"}}, caritas), InvalidPayload);
}

TEST_F(CaseTest, PauseAndResumeReturnToThePhaseLeft)
{
    for (const std::string phase : {"intake", "assessment", "planning", "linking", "monitoring", "evaluation"}) {
        const std::string id = "P-" + phase;
        bring(id, phase);
        auto paused = engine.fire(id, Pause{"Krankenhausaufenthalt"}, caritas);
        EXPECT_EQ(paused.from, phase);
        EXPECT_EQ(paused.to, "paused");
        EXPECT_EQ(engine.data(id).paused_from, phase);
        auto resumed = engine.fire(id, Resume{}, caritas);
        EXPECT_EQ(resumed.from, "paused");
        EXPECT_EQ(resumed.to, phase) << "resume must return to the phase left";
        EXPECT_TRUE(engine.data(id).paused_from.empty());
        const auto h = engine.history(id);
        ASSERT_GE(h.size(), 2u);
        EXPECT_EQ(h[h.size() - 2].event, "pause");
        EXPECT_EQ(h.back().event, "resume");
        const auto phases = engine.data(id).phases;
        EXPECT_EQ(phases[phases.size() - 2].phase, "paused");
        EXPECT_EQ(phases.back().phase, phase);
    }
    bring("P-2", "monitoring");
    engine.fire("P-2", Pause{"x"}, caritas);
    EXPECT_THROW(engine.fire("P-2", Pause{"again"}, caritas), EventNotAllowed);
    EXPECT_THROW(engine.fire("P-2", Evaluate{}, caritas), EventNotAllowed);
    EXPECT_NO_THROW(engine.fire("P-2", FollowUpOn{parse_date("2025-05-01"), "Rückkehr"}, caritas));
}

TEST_F(CaseTest, AbortFromEveryOpenState)
{
    for (const auto& phase : kOpenPhases) {
        const std::string id = "A-" + phase;
        bring(id, phase);
        auto fired = engine.fire(id, Abort{ClosureReason::moved_away, "nach Dortmund verzogen"}, caritas);
        EXPECT_EQ(fired.from, phase);
        EXPECT_EQ(fired.to, "aborted");
        EXPECT_EQ(engine.data(id).closure_reason, ClosureReason::moved_away);
        EXPECT_EQ(engine.data(id).phases.back().reason, ClosureReason::moved_away);
    }
}

TEST_F(CaseTest, AWithdrawnConsentEndsTheCaseFromEveryOpenState)
{
    for (const auto& phase : kOpenPhases) {
        const std::string id = "W-" + phase;
        bring(id, phase);
        at("2025-04-01T12:00:00Z");
        auto fired = engine.fire(id, WithdrawConsent{}, caritas);
        EXPECT_EQ(fired.from, phase);
        EXPECT_EQ(fired.to, "aborted");
        const auto view = engine.view(id);
        EXPECT_EQ(view.states, (std::vector<std::string_view>{"withdrawn", "aborted"}));
        EXPECT_EQ(view.data.closure_reason, ClosureReason::consent_withdrawn);
        EXPECT_EQ(view.data.consent.withdrawn_at, parse_timestamp("2025-04-01T12:00:00Z"));
        EXPECT_TRUE(view.allowed_events.empty());
        at("2025-03-01T09:00:00Z");
    }
}

TEST_F(CaseTest, WithdrawingAConsentNeverGivenIsRefused)
{
    open_case(engine, "K-1", castrop_rauxel(), caritas);
    try {
        engine.fire("K-1", WithdrawConsent{}, caritas);
        FAIL();
    } catch (const GuardRejected& e) {
        EXPECT_NE(e.reason().find("use abort"), std::string::npos) << e.reason();
    }
    EXPECT_EQ(engine.view("K-1").states, (std::vector<std::string_view>{"none", "intake"}));
    EXPECT_EQ(engine.version("K-1"), 1u);
}

TEST_F(CaseTest, ReopenWithinTheWindowOnly)
{
    bring("K-1", "evaluation");
    at("2025-01-31T10:00:00Z");
    engine.fire("K-1", Close{ClosureReason::goals_achieved, ""}, caritas);
    at("2026-01-31T23:00:00Z");  // 12 months later, the last day of the window
    auto fired = engine.fire("K-1", Reopen{}, caritas);
    EXPECT_EQ(fired.from, "closed");
    EXPECT_EQ(fired.to, "intake");
    EXPECT_FALSE(engine.data("K-1").closure_reason);
    EXPECT_EQ(engine.view("K-1").states[0], "granted") << "the consent stays as it was";

    bring("K-2", "closed");  // closed on 2026-01-31 (the clock's day)
    at("2027-02-01T00:00:00Z");
    try {
        engine.fire("K-2", Reopen{}, caritas);
        FAIL();
    } catch (const GuardRejected& e) {
        EXPECT_NE(e.reason().find("within 12 months (until 2027-01-31)"), std::string::npos) << e.reason();
        EXPECT_NE(e.reason().find("open a new case"), std::string::npos);
    }
    EXPECT_EQ(engine.state("K-2"), "closed");

    CaseEngine strict(CaseConfig{3}, clock);
    at("2025-01-10T10:00:00Z");
    open_case(strict, "K-3", castrop_rauxel(), caritas);
    strict.fire("K-3", Decline{}, caritas);
    at("2025-04-11T10:00:00Z");
    EXPECT_THROW(strict.fire("K-3", Reopen{}, caritas), GuardRejected);
}

TEST_F(CaseTest, AddMonthsKeepsToTheMonthsEnd)
{
    EXPECT_EQ(add_months(parse_date("2025-01-31"), 1), parse_date("2025-02-28"));
    EXPECT_EQ(add_months(parse_date("2024-01-31"), 1), parse_date("2024-02-29"));
    EXPECT_EQ(add_months(parse_date("2025-03-15"), 12), parse_date("2026-03-15"));
}

TEST_F(CaseTest, EventsOnClosedOrAbortedCasesAreRejectedAndChangeNothing)
{
    const std::map<std::string, Fields> events = {
        {"grant_consent", {{"recipients", "x"}, {"purpose", "y"}}},
        {"accept", {}},
        {"decline", {}},
        {"complete_assessment", {}},
        {"add_goal", {{"goal", "g"}}},
        {"agree_plan", {}},
        {"refer", {{"recipient", kJobcenter}, {"rechtskreis", "SGB II"}}},
        {"start_monitoring", {}},
        {"evaluate", {}},
        {"replan", {}},
        {"close", {{"reason", "other"}}},
        {"pause", {{"reason", "r"}}},
        {"resume", {}},
        {"abort", {{"reason", "other"}}},
        {"withdraw_consent", {}},
        {"reopen", {}},
        {"assign", {{"manager", "m2"}}},
        {"follow_up", {{"date", "2030-06-01"}}},
        {"extend_consent", {{"recipients", "Jugendamt"}}},
        {"narrow_consent", {{"recipient", kJobcenter}}},
        {"complete_referral", {{"recipient", kJobcenter}, {"rechtskreis", "SGB II"}}},
        {"follow_up_done", {{"number", "1"}}},
        {"follow_up_due", {{"number", "1"}, {"due", "2025-03-01T00:00:00Z"}}},
    };
    for (const std::string id : {"closed", "aborted"}) {
        open_case(engine, id, castrop_rauxel(), caritas);
        engine.fire(id, GrantConsent{{kJobcenter, kAbh}, "Arbeitsmarkt und Aufenthalt"}, caritas);
        engine.fire(id, FollowUpOn{parse_date("2025-03-01"), "heute"}, caritas);  // ends with the case
        if (id == "closed") engine.fire(id, Decline{}, caritas);
        if (id == "aborted") engine.fire(id, Abort{ClosureReason::no_contact, ""}, caritas);
    }
    at("2030-01-01T00:00:00Z");  // past the reopen window
    for (const std::string id : {"closed", "aborted"}) {
        const auto before = engine.view(id);
        for (const auto& [event, payload] : events) {
            try {
                engine.fire(id, event, payload, caritas);
                ADD_FAILURE() << event << " was taken by a " << id << " case";
            } catch (const EventRejected& e) {
                EXPECT_EQ(e.state(), id);
            }
        }
        const auto after = engine.view(id);
        EXPECT_EQ(after.states, before.states);
        EXPECT_EQ(after.version, before.version);
        EXPECT_EQ(after.data.manager, before.data.manager);
        EXPECT_EQ(after.data.follow_ups.size(), before.data.follow_ups.size());
        EXPECT_FALSE(after.data.follow_ups[0].open());
        EXPECT_FALSE(after.data.follow_ups[0].fell_due_at);
        EXPECT_EQ(after.data.consent.recipients, before.data.consent.recipients);
    }
    try {
        engine.fire("closed", AddGoal{"g"}, caritas);
        ADD_FAILURE() << "a closed case took a goal";
    } catch (const EventNotAllowed& e) {
        EXPECT_NE(std::string(e.what()).find("not possible while it is closed"), std::string::npos) << e.what();
    }
    try {
        engine.fire("closed", FollowUpOn{parse_date("2030-02-01")}, caritas);
        ADD_FAILURE() << "a closed case took a Wiedervorlage";
    } catch (const GuardRejected& e) {
        EXPECT_EQ(e.reason(), "the case is closed and takes no more entries; reopen it first");
    }
}

TEST_F(CaseTest, AssignMovesTheCaseToAnotherTraegerOrManager)
{
    bring("K-1", "linking");
    auto fired = engine.fire("K-1", Assign{"AGORA", "cm-agora-2"}, caritas);
    EXPECT_EQ(fired.from, "linking") << "an internal transition: the record names the phase";
    EXPECT_EQ(fired.to, "linking");
    EXPECT_EQ(engine.state("K-1"), "linking");
    EXPECT_EQ(engine.data("K-1").traeger, "AGORA");
    EXPECT_EQ(engine.data("K-1").manager, "cm-agora-2");
    engine.fire("K-1", "assign", Fields{{"manager", "cm-agora-3"}}, caritas);
    EXPECT_EQ(engine.data("K-1").traeger, "AGORA");
    EXPECT_EQ(engine.data("K-1").manager, "cm-agora-3");
    EXPECT_THROW(engine.fire("K-1", Assign{}, caritas), GuardRejected);
}

TEST_F(CaseTest, FollowUpsAndWhichCasesAreDue)
{
    bring("K-1", "monitoring");
    bring("K-2", "intake");
    bring("K-3", "paused");
    bring("K-4", "planning");
    engine.fire("K-1", FollowUpOn{parse_date("2025-04-01")}, caritas);
    engine.fire("K-2", "follow_up", Fields{{"date", "15.03.2025"}}, caritas);
    engine.fire("K-3", FollowUpOn{parse_date("2025-03-20")}, caritas);
    engine.fire("K-4", FollowUpOn{parse_date("2025-03-10")}, caritas);
    engine.fire("K-4", Abort{ClosureReason::no_contact, ""}, caritas);  // ended: never due
    engine.fire("K-1", FollowUpOn{parse_date("2025-03-25")}, caritas);  // beside the first, earlier

    auto due = [&](const char* when) {
        std::vector<std::string> out;
        for (const auto& d : due_for_follow_up(engine, parse_timestamp(when)))
            out.push_back(d.case_id + "@" + format_date(d.due) + ":" + d.phase);
        return out;
    };
    EXPECT_TRUE(due("2025-03-14T23:00:00Z").empty());
    EXPECT_EQ(due("2025-03-15T08:00:00Z"), std::vector<std::string>{"K-2@2025-03-15:intake"});
    EXPECT_EQ(due("2025-03-31T08:00:00Z"),
              (std::vector<std::string>{"K-2@2025-03-15:intake", "K-3@2025-03-20:paused", "K-1@2025-03-25:monitoring"}));
    EXPECT_EQ(due("2025-04-01T08:00:00Z").size(), 4u) << "both of K-1's";
    EXPECT_EQ(engine.data("K-1").next_follow_up(), parse_date("2025-03-25"));
    EXPECT_EQ(engine.data("K-1").follow_ups.size(), 2u);
}

TEST_F(CaseTest, AllowedEventsInTheMainPhases)
{
    auto allowed = [&](const std::string& id) {
        auto v = engine.allowed_events(id);
        return std::set<std::string>(v.begin(), v.end());
    };
    open_case(engine, "K-0", castrop_rauxel(), caritas);
    EXPECT_EQ(allowed("K-0"), (std::set<std::string>{"grant_consent", "assign", "follow_up", "decline", "pause", "abort"}));
    bring("K-1", "intake");
    EXPECT_EQ(allowed("K-1"), (std::set<std::string>{"grant_consent", "extend_consent", "narrow_consent",
                                                     "withdraw_consent", "assign", "follow_up", "accept", "decline",
                                                     "pause", "abort"}));
    bring("K-2", "paused");  // with an open referral
    EXPECT_EQ(allowed("K-2"), (std::set<std::string>{"grant_consent", "extend_consent", "narrow_consent",
                                                     "withdraw_consent", "complete_referral", "assign", "follow_up",
                                                     "resume", "abort"}));
    bring("K-3", "closed");
    EXPECT_EQ(allowed("K-3"), (std::set<std::string>{"reopen"}));
}

TEST(CaseEvents, ListTheirFields)
{
    auto events = CaseEngine::events();
    ASSERT_EQ(events.size(), 24u);
    auto refer = std::find_if(events.begin(), events.end(), [](const EventInfo& e) { return e.id == "refer"; });
    ASSERT_NE(refer, events.end());
    EXPECT_EQ(refer->fields[1].name, "rechtskreis");
    EXPECT_NE(refer->fields[1].kind.find("SGB II, SGB III, SGB VIII, SGB XII, AsylbLG, AufenthG"), std::string::npos);
    EXPECT_EQ(refer->from, (std::vector<std::string_view>{"linking", "monitoring"}));
    auto due = std::find_if(events.begin(), events.end(), [](const EventInfo& e) { return e.id == "follow_up_due"; });
    ASSERT_NE(due, events.end());
    EXPECT_EQ(due->from, (std::vector<std::string_view>{"none", "granted"})) << "bookkeeping on the consent region";
}

}  // namespace
