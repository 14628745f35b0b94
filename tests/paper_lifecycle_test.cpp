// The Drucksache lifecycle: every row of the table, every rejected event in every state,
// guards, deadlines and payload errors.
#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "paper_fixture.hpp"

using namespace paper_test;

namespace {

// ---- every row -------------------------------------------------------------------------

TEST_F(PaperTest, DraftSubmitRecordsTheSubmission)
{
    engine.create("14/1923", anfrage(), fraktion);
    EXPECT_EQ(engine.state("14/1923"), "draft");
    at("2025-01-06T10:00:00Z");
    auto f = engine.fire("14/1923", Submit{}, fraktion);
    EXPECT_EQ(f.from, "draft");
    EXPECT_EQ(f.to, "submitted");
    EXPECT_EQ(engine.data("14/1923").submitted_at, parse_timestamp("2025-01-06T10:00:00Z"));
}

TEST_F(PaperTest, SubmittedAnswerRecordsTheAnswerAsRelatedPaper)
{
    engine.create("14/1923", anfrage(), fraktion);
    engine.fire("14/1923", Submit{}, fraktion);
    at("2025-01-27T10:00:00Z");
    auto f = engine.fire("14/1923", Answer{"14/1923-1"}, verwaltung);
    EXPECT_EQ(f.to, "answered");
    const Paper p = engine.data("14/1923");
    EXPECT_EQ(p.answer_reference, "14/1923-1");
    EXPECT_EQ(p.related_papers, std::vector<std::string>{"14/1923-1"});
    EXPECT_EQ(p.answered_at, parse_timestamp("2025-01-27T10:00:00Z"));
}

TEST_F(PaperTest, OnlyAnAnfrageIsAnswered)
{
    engine.create("14/2001", antrag(), fraktion);
    engine.fire("14/2001", Submit{}, fraktion);
    try {
        engine.fire("14/2001", Answer{"14/2001-1"}, verwaltung);
        FAIL();
    } catch (const GuardRejected& e) {
        EXPECT_NE(e.reason().find("only an Anfrage is answered"), std::string::npos) << e.reason();
        EXPECT_NE(e.reason().find("Antrag"), std::string::npos);
    }
    EXPECT_EQ(engine.state("14/2001"), "submitted");
    auto allowed = engine.allowed_events("14/2001");
    EXPECT_EQ(std::count(allowed.begin(), allowed.end(), "answer"), 0);
}

TEST_F(PaperTest, ScheduleFromSubmittedBindsTheNextPlannedConsultation)
{
    engine.create("14/2001", antrag(), fraktion);
    engine.fire("14/2001", Submit{}, fraktion);
    auto f = schedule("14/2001", "7.1");
    EXPECT_EQ(f.from, "submitted");
    EXPECT_EQ(f.to, "on_agenda");
    const Paper p = engine.data("14/2001");
    ASSERT_TRUE(p.current_consultation);
    EXPECT_EQ(*p.current_consultation, 0u);
    EXPECT_EQ(p.consultations[0].status, ConsultationStatus::scheduled);
    EXPECT_EQ(p.consultations[0].agenda_item, "7.1");
    EXPECT_EQ(p.consultations[0].meeting_date, parse_date("2025-02-05"));
    EXPECT_EQ(p.consultations[1].status, ConsultationStatus::planned);
    EXPECT_EQ(p.waiting_state, "submitted");
}

TEST_F(PaperTest, ScheduleFromAnsweredBindsTheNamedCommittee)
{
    engine.create("14/1923", anfrage(), fraktion);
    engine.fire("14/1923", Submit{}, fraktion);
    engine.fire("14/1923", Answer{"14/1923-1"}, verwaltung);
    auto f = engine.fire("14/1923", "schedule",
                         Fields{{"organization", kAusschuss}, {"meeting_date", "06.02.2025"}, {"agenda_item", "9.2"}},
                         sitzungsdienst);
    EXPECT_EQ(f.from, "answered");
    EXPECT_EQ(f.to, "on_agenda");
    const Paper p = engine.data("14/1923");
    EXPECT_EQ(p.consultations.size(), 1u);
    EXPECT_EQ(p.consultations[0].meeting_date, parse_date("2025-02-06"));
    EXPECT_EQ(p.waiting_state, "answered");
}

TEST_F(PaperTest, ScheduleAddsAConsultationForACommitteeNotInTheBeratungsfolge)
{
    engine.create("14/2001", antrag(), fraktion);
    engine.fire("14/2001", Submit{}, fraktion);
    Schedule s;
    s.organization = "Hauptausschuss";
    s.meeting_date = parse_date("2025-03-01");
    EXPECT_THROW(engine.fire("14/2001", s, sitzungsdienst), GuardRejected) << "adding one needs a role";
    s.role = ConsultationRole::anhoerung;
    s.skip_reason = "Anhörung vor der Vorberatung";  // ahead of the planned ones (BeratungsfolgeTest)
    engine.fire("14/2001", s, sitzungsdienst);
    const Paper p = engine.data("14/2001");
    ASSERT_EQ(p.consultations.size(), 3u);
    EXPECT_EQ(p.consultations[2].organization, "Hauptausschuss");
    EXPECT_EQ(p.consultations[2].role, ConsultationRole::anhoerung);
    EXPECT_EQ(*p.current_consultation, 2u);
}

TEST_F(PaperTest, ScheduleWithoutPlannedConsultationAsksForTheCommittee)
{
    Paper p = anfrage();
    p.consultations.clear();
    engine.create("14/1924", p, fraktion);
    engine.fire("14/1924", Submit{}, fraktion);
    Schedule s;
    s.meeting_date = parse_date("2025-03-01");
    try {
        engine.fire("14/1924", s, sitzungsdienst);
        FAIL();
    } catch (const GuardRejected& e) {
        EXPECT_NE(e.reason().find("organization="), std::string::npos) << e.reason();
    }
    EXPECT_EQ(engine.state("14/1924"), "submitted");
}

TEST_F(PaperTest, AcknowledgeWithNothingMorePlannedEndsAcknowledged)
{
    engine.create("14/1923", anfrage(), fraktion);
    engine.fire("14/1923", Submit{}, fraktion);
    schedule("14/1923");
    auto f = engine.fire("14/1923", Acknowledge{}, sitzungsdienst);
    EXPECT_EQ(f.to, "acknowledged");
    const Paper p = engine.data("14/1923");
    EXPECT_EQ(p.consultations[0].status, ConsultationStatus::treated);
    EXPECT_EQ(p.consultations[0].result, "zur Kenntnis genommen");
    EXPECT_FALSE(p.current_consultation);
}

TEST_F(PaperTest, AcknowledgeWithMorePlannedGoesBackToWhereThePaperWaited)
{
    Paper p = anfrage();
    p.consultations.push_back({kRat, ConsultationRole::kenntnisnahme});
    engine.create("A", p, fraktion);
    engine.fire("A", Submit{}, fraktion);
    schedule("A");
    EXPECT_EQ(engine.fire("A", Acknowledge{{"zur Kenntnis genommen, Nachfragen beantwortet"}}, sitzungsdienst).to,
              "submitted");
    EXPECT_EQ(engine.data("A").consultations[0].result, "zur Kenntnis genommen, Nachfragen beantwortet");

    engine.create("B", p, fraktion);
    engine.fire("B", Submit{}, fraktion);
    engine.fire("B", Answer{"B-1"}, verwaltung);
    schedule("B");
    EXPECT_EQ(engine.fire("B", Acknowledge{}, sitzungsdienst).to, "answered");
    schedule("B");
    EXPECT_EQ(engine.fire("B", Acknowledge{}, sitzungsdienst).to, "acknowledged");
}

TEST_F(PaperTest, RecommendGoesBackToWaitingForTheNextConsultation)
{
    engine.create("14/2001", antrag(), fraktion);
    engine.fire("14/2001", Submit{}, fraktion);
    schedule("14/2001");
    auto f = engine.fire("14/2001", Recommend{{"einstimmig empfohlen"}}, sitzungsdienst);
    EXPECT_EQ(f.from, "on_agenda");
    EXPECT_EQ(f.to, "submitted");
    EXPECT_EQ(engine.data("14/2001").consultations[0].result, "einstimmig empfohlen");

    Paper p = anfrage("A");
    p.consultations.push_back({kRat, ConsultationRole::kenntnisnahme});
    engine.create("A", p, fraktion);
    engine.fire("A", Submit{}, fraktion);
    engine.fire("A", Answer{"A-1"}, verwaltung);
    schedule("A");
    EXPECT_EQ(engine.fire("A", Recommend{}, sitzungsdienst).to, "answered");
    EXPECT_EQ(engine.data("A").consultations[0].result, "empfohlen");
}

TEST_F(PaperTest, DecideNeedsTheAuthoritativeConsultation)
{
    engine.create("14/2001", antrag(), fraktion);
    engine.fire("14/2001", Submit{}, fraktion);
    schedule("14/2001");
    try {
        engine.fire("14/2001", Decide{}, sitzungsdienst);
        FAIL();
    } catch (const GuardRejected& e) {
        EXPECT_NE(e.reason().find("not authoritative"), std::string::npos) << e.reason();
    }
    EXPECT_THROW(engine.fire("14/2001", Reject{}, sitzungsdienst), GuardRejected);
    EXPECT_EQ(engine.state("14/2001"), "on_agenda");
    auto allowed = engine.allowed_events("14/2001");
    EXPECT_EQ(std::count(allowed.begin(), allowed.end(), "decide"), 0);

    engine.fire("14/2001", Recommend{}, sitzungsdienst);
    schedule("14/2001");
    at("2025-02-20T18:00:00Z");
    auto f = engine.fire("14/2001", Decide{{"mehrheitlich beschlossen"}}, sitzungsdienst);
    EXPECT_EQ(f.to, "decided");
    const Paper p = engine.data("14/2001");
    EXPECT_EQ(p.consultations[1].result, "mehrheitlich beschlossen");
    EXPECT_EQ(p.decided_at, parse_timestamp("2025-02-20T18:00:00Z"));
}

TEST_F(PaperTest, RejectByTheAuthoritativeConsultation)
{
    Paper p = antrag();
    p.consultations.erase(p.consultations.begin());
    engine.create("14/2001", p, fraktion);
    engine.fire("14/2001", Submit{}, fraktion);
    schedule("14/2001");
    EXPECT_EQ(engine.fire("14/2001", Reject{}, sitzungsdienst).to, "rejected");
    EXPECT_EQ(engine.data("14/2001").consultations[0].result, "abgelehnt");
}

TEST_F(PaperTest, PostponePlansTheConsultationAgain)
{
    engine.create("14/2001", antrag(), fraktion);
    engine.fire("14/2001", Submit{}, fraktion);
    schedule("14/2001");
    EXPECT_EQ(engine.fire("14/2001", Postpone{}, sitzungsdienst).to, "submitted");
    Paper p = engine.data("14/2001");
    ASSERT_EQ(p.consultations.size(), 3u);
    EXPECT_EQ(p.consultations[0].result, "vertagt");
    EXPECT_EQ(p.consultations[0].status, ConsultationStatus::treated);
    EXPECT_EQ(p.consultations[1].organization, kAusschuss);
    EXPECT_EQ(p.consultations[1].status, ConsultationStatus::planned);
    EXPECT_FALSE(p.consultations[1].meeting_date);
    EXPECT_EQ(p.consultations[2].organization, kRat);
    schedule("14/2001");
    EXPECT_EQ(*engine.data("14/2001").current_consultation, 1u);

    engine.create("A", anfrage("A"), fraktion);
    engine.fire("A", Submit{}, fraktion);
    engine.fire("A", Answer{"A-1"}, verwaltung);
    schedule("A");
    EXPECT_EQ(engine.fire("A", Postpone{}, sitzungsdienst).to, "answered");
}

TEST_F(PaperTest, ReferAddsTheNamedCommitteeNextAndKeepsTheDecisionsPlace)
{
    Paper p = antrag();
    p.consultations.erase(p.consultations.begin());  // only the Verbandsversammlung, authoritative
    engine.create("14/2001", p, fraktion);
    engine.fire("14/2001", Submit{}, fraktion);
    schedule("14/2001");
    auto f = engine.fire("14/2001", Refer{"Ausschuss für Umwelt", std::nullopt}, sitzungsdienst);
    EXPECT_EQ(f.to, "submitted");
    p = engine.data("14/2001");
    ASSERT_EQ(p.consultations.size(), 3u);
    EXPECT_EQ(p.consultations[0].result, "verwiesen an Ausschuss für Umwelt");
    EXPECT_EQ(p.consultations[1].organization, "Ausschuss für Umwelt");
    EXPECT_EQ(p.consultations[1].role, ConsultationRole::vorberatung);
    EXPECT_FALSE(p.consultations[1].authoritative);
    EXPECT_EQ(p.consultations[2].organization, kRat);
    EXPECT_TRUE(p.consultations[2].authoritative);
    EXPECT_EQ(p.consultations[2].status, ConsultationStatus::planned);

    engine.create("A", anfrage("A"), fraktion);
    engine.fire("A", Submit{}, fraktion);
    engine.fire("A", Answer{"A-1"}, verwaltung);
    schedule("A");
    EXPECT_EQ(engine.fire("A", "refer", Fields{{"organization", kRat}, {"role", "Kenntnisnahme"}}, sitzungsdienst).to,
              "answered");
    EXPECT_EQ(engine.data("A").consultations.size(), 2u) << "a non-authoritative consultation is not planned again";
}

TEST_F(PaperTest, ReferFromAConsultationInTheRoleEntscheidungKeepsTheDecisionsPlace)
{
    Paper p = antrag();
    p.consultations = {{kRat, ConsultationRole::entscheidung, false}};  // deciding by role, not flag
    engine.create("14/2001", p, fraktion);
    engine.fire("14/2001", Submit{}, fraktion);
    schedule("14/2001");
    engine.fire("14/2001", Refer{"Hauptausschuss", std::nullopt}, sitzungsdienst);
    p = engine.data("14/2001");
    ASSERT_EQ(p.consultations.size(), 3u);
    EXPECT_EQ(p.consultations[1].organization, "Hauptausschuss");
    EXPECT_EQ(p.consultations[2].organization, kRat);
    EXPECT_EQ(p.consultations[2].status, ConsultationStatus::planned);
    schedule("14/2001");
    EXPECT_EQ(engine.fire("14/2001", Recommend{}, sitzungsdienst).to, "submitted");
    schedule("14/2001");
    EXPECT_EQ(engine.fire("14/2001", Decide{}, sitzungsdienst).to, "decided");
}

TEST_F(PaperTest, WithdrawFromTheAgendaClosesTheConsultation)
{
    engine.create("14/2001", antrag(), fraktion);
    engine.fire("14/2001", Submit{}, fraktion);
    schedule("14/2001");
    engine.fire("14/2001", Withdraw{"erledigt"}, fraktion);
    const Paper p = engine.data("14/2001");
    EXPECT_EQ(p.consultations[0].status, ConsultationStatus::treated);
    EXPECT_EQ(p.consultations[0].result, "zurückgezogen");
    EXPECT_FALSE(p.current_consultation);
    EXPECT_EQ(p.consultations[1].status, ConsultationStatus::planned);
}

TEST_F(PaperTest, WithdrawFromEveryOpenState)
{
    auto open_in = [&](const std::string& ref, const std::string& state) {
        engine.create(ref, anfrage(ref), fraktion);
        if (state == "draft") return;
        engine.fire(ref, Submit{}, fraktion);
        if (state == "answered") engine.fire(ref, Answer{ref + "-1"}, verwaltung);
        if (state == "on_agenda") schedule(ref);
    };
    for (std::string state : {"draft", "submitted", "answered", "on_agenda"}) {
        const std::string ref = "W-" + state;
        open_in(ref, state);
        ASSERT_EQ(engine.state(ref), state);
        auto f = engine.fire(ref, Withdraw{"Fraktion zieht zurück"}, fraktion);
        EXPECT_EQ(f.from, state);
        EXPECT_EQ(f.to, "withdrawn");
        EXPECT_EQ(engine.data(ref).withdrawal_reason, "Fraktion zieht zurück");
        EXPECT_TRUE(engine.allowed_events(ref).empty());
    }
}

TEST_F(PaperTest, CompleteAfterTheDecisionIsCarriedOut)
{
    Paper p = antrag();
    p.consultations.erase(p.consultations.begin());
    engine.create("14/2001", p, fraktion);
    engine.fire("14/2001", Submit{}, fraktion);
    schedule("14/2001");
    engine.fire("14/2001", Decide{}, sitzungsdienst);
    at("2025-04-15T12:00:00Z");
    auto f = engine.fire("14/2001", Complete{"Bericht im B2 am 15.04. erstattet"}, verwaltung);
    EXPECT_EQ(f.from, "decided");
    EXPECT_EQ(f.to, "completed");
    EXPECT_EQ(engine.data("14/2001").completed_at, parse_timestamp("2025-04-15T12:00:00Z"));
    EXPECT_EQ(engine.data("14/2001").completion_note, "Bericht im B2 am 15.04. erstattet");
}

// ---- every rejected event in every state -------------------------------------------------

// The specification's table, written out independently of the machine: which events each
// state has a row for.
const std::map<std::string, std::set<std::string>> kRowsFrom = {
    {"draft", {"submit", "withdraw"}},
    {"submitted", {"answer", "schedule", "withdraw", "answer_overdue"}},
    {"answered", {"schedule", "withdraw"}},
    {"on_agenda", {"acknowledge", "recommend", "decide", "reject", "postpone", "refer", "withdraw", "answer_overdue"}},
    {"acknowledged", {}},
    {"decided", {"complete", "attach_resolution", "settle_resolution"}},
    {"rejected", {}},
    {"withdrawn", {}},
    {"completed", {}},
};

// A valid payload for each event.
const std::map<std::string, Fields> kPayloads = {
    {"submit", {}},
    {"answer", {{"answer_reference", "X-1"}}},
    {"schedule", {{"meeting_date", "2030-01-01"}, {"organization", kRat}, {"role", "Entscheidung"}}},
    {"acknowledge", {}},
    {"recommend", {}},
    {"decide", {}},
    {"reject", {}},
    {"postpone", {}},
    {"refer", {{"organization", kRat}}},
    {"withdraw", {{"reason", "zurückgezogen"}}},
    {"complete", {}},
    {"answer_overdue", {{"due", "2030-01-01T00:00:00Z"}}},
    {"attach_resolution", {{"resolution", "R-1"}}},
    {"settle_resolution", {{"resolution", "R-1"}, {"outcome", "done"}}},
};

TEST_F(PaperTest, EveryEventWithoutARowIsRejectedInEveryStateAndChangesNothing)
{
    // Reach each state with a paper whose guards would otherwise pass.
    auto reach = [&](const std::string& ref, const std::string& state) {
        Paper p = anfrage(ref);
        p.consultations = {{kRat, ConsultationRole::entscheidung, true}};
        engine.create(ref, p, fraktion);
        auto go = [&](const char* e, Fields f = {}) { engine.fire(ref, e, f, sitzungsdienst); };
        if (state == "draft") return;
        go("submit");
        if (state == "submitted") return;
        if (state == "withdrawn") return go("withdraw", {{"reason", "r"}});
        if (state == "answered") return go("answer", {{"answer_reference", ref + "-1"}});
        go("schedule", {{"meeting_date", "2030-01-01"}});
        if (state == "on_agenda") return;
        if (state == "acknowledged") return go("acknowledge");
        if (state == "rejected") return go("reject");
        go("decide");
        if (state == "completed") go("complete");
    };
    int rejected = 0;
    for (const auto& [state, rows] : kRowsFrom) {
        const std::string ref = "R-" + state;
        reach(ref, state);
        ASSERT_EQ(engine.state(ref), state);
        const auto before = engine.view(ref);
        for (const auto& [event, payload] : kPayloads) {
            if (rows.count(event)) continue;
            try {
                engine.fire(ref, event, payload, sitzungsdienst);
                ADD_FAILURE() << event << " was taken in " << state;
            } catch (const EventNotAllowed& e) {
                EXPECT_EQ(e.state(), state);
                EXPECT_EQ(e.event(), event);
                ++rejected;
            }
            const auto after = engine.view(ref);
            EXPECT_EQ(after.states, before.states);
            EXPECT_EQ(after.version, before.version);
            EXPECT_EQ(after.allowed_events, before.allowed_events);
            EXPECT_EQ(engine.history(ref).size(), before.version);
            ASSERT_EQ(after.data.consultations.size(), before.data.consultations.size());
            for (std::size_t i = 0; i < before.data.consultations.size(); ++i) {
                EXPECT_EQ(after.data.consultations[i].status, before.data.consultations[i].status);
                EXPECT_EQ(after.data.consultations[i].result, before.data.consultations[i].result);
            }
            EXPECT_EQ(after.data.current_consultation, before.data.current_consultation);
            EXPECT_EQ(after.data.answer_reference, before.data.answer_reference);
            EXPECT_EQ(after.data.withdrawal_reason, before.data.withdrawal_reason);
            EXPECT_EQ(after.data.waiting_state, before.data.waiting_state);
        }
        // The events allowed now are exactly those with a row whose state guards pass.
        for (auto e : engine.allowed_events(ref)) EXPECT_TRUE(rows.count(std::string(e))) << e << " in " << state;
    }
    EXPECT_EQ(rejected, 9 * 14 - 19);  // 19 (state, event) pairs have a row
}

// ---- guards: deadlines -------------------------------------------------------------------

TEST_F(PaperTest, AgendaDeadlineOfTheRulesOfProcedure)
{
    engine.create("14/2001", antrag(), fraktion);
    at("2025-03-20T09:00:00Z");
    engine.fire("14/2001", Submit{}, fraktion);
    Schedule s;
    s.meeting_date = parse_date("2025-04-01");  // 12 days: the default rules ask for 14
    try {
        engine.fire("14/2001", s, sitzungsdienst);
        FAIL();
    } catch (const GuardRejected& e) {
        EXPECT_NE(e.reason().find("deadline missed"), std::string::npos) << e.reason();
        EXPECT_NE(e.reason().find("14 days"), std::string::npos) << e.reason();
        EXPECT_NE(e.reason().find("urgent=true"), std::string::npos) << e.reason();
    }
    EXPECT_EQ(engine.state("14/2001"), "submitted");
    EXPECT_EQ(engine.data("14/2001").consultations[0].status, ConsultationStatus::planned);

    s.meeting_date = parse_date("2025-04-03");  // exactly 14 days
    EXPECT_EQ(engine.fire("14/2001", s, sitzungsdienst).to, "on_agenda");
}

TEST_F(PaperTest, UrgentMattersSkipTheDeadlineButNotTheCalendar)
{
    engine.create("14/2001", antrag(), fraktion);
    at("2025-03-20T09:00:00Z");
    engine.fire("14/2001", Submit{}, fraktion);
    EXPECT_THROW(engine.fire("14/2001", "schedule", Fields{{"meeting_date", "2025-03-19"}, {"urgent", "true"}},
                             sitzungsdienst),
                 GuardRejected);
    EXPECT_EQ(engine.fire("14/2001", "schedule", Fields{{"meeting_date", "2025-03-21"}, {"urgent", "true"}},
                          sitzungsdienst)
                  .to,
              "on_agenda");
}

TEST_F(PaperTest, DeadlinesAreConfiguredPerBodyAndPaperType)
{
    PaperConfig config;
    config.defaults = RulesOfProcedure{28, 14, 7};
    config.bodies["Stadt Castrop-Rauxel"] = RulesOfProcedure{14, 21, 10};
    PaperEngine e(config, clock);
    at("2025-03-01T09:00:00Z");

    Paper rvr = antrag("RVR");
    e.create("RVR", rvr, fraktion);
    e.fire("RVR", Submit{}, fraktion);
    Paper cas = antrag("CAS");
    cas.body = "Stadt Castrop-Rauxel";
    e.create("CAS", cas, fraktion);
    e.fire("CAS", Submit{}, fraktion);
    Paper vorlage = antrag("V");
    vorlage.type = PaperType::beschlussvorlage;  // the Verwaltung's: the Ladungsfrist applies
    vorlage.body = "Stadt Castrop-Rauxel";
    e.create("V", vorlage, verwaltung);
    e.fire("V", Submit{}, verwaltung);

    Schedule in16days;
    in16days.meeting_date = parse_date("2025-03-17");
    EXPECT_EQ(e.fire("RVR", in16days, sitzungsdienst).to, "on_agenda");
    EXPECT_THROW(e.fire("CAS", in16days, sitzungsdienst), GuardRejected);
    EXPECT_EQ(e.fire("V", in16days, sitzungsdienst).to, "on_agenda");

    EXPECT_EQ(agenda_deadline(cas, config, parse_date("2025-04-22")), parse_date("2025-04-01"));
    EXPECT_EQ(agenda_deadline(vorlage, config, parse_date("2025-04-22")), parse_date("2025-04-12"));
}

// ---- payload errors -----------------------------------------------------------------------

TEST_F(PaperTest, MalformedPayloadsAreReportedByFieldAndChangeNothing)
{
    engine.create("14/1923", anfrage(), fraktion);
    engine.fire("14/1923", Submit{}, fraktion);
    auto expect_field_error = [&](const char* event, const Fields& f, const std::string& field,
                                  const std::string& hint) {
        try {
            engine.fire("14/1923", event, f, sitzungsdienst);
            ADD_FAILURE() << event << " took a bad payload";
        } catch (const InvalidPayload& e) {
            EXPECT_EQ(e.event(), event);
            EXPECT_EQ(e.field(), field);
            EXPECT_NE(std::string(e.what()).find(hint), std::string::npos) << e.what();
        }
    };
    expect_field_error("schedule", {{"agenda_item", "9.2"}}, "meeting_date", "missing");
    expect_field_error("schedule", {{"meeting_date", "6.2."}}, "meeting_date", "YYYY-MM-DD");
    expect_field_error("schedule", {{"meeting_date", "2025-02-30"}}, "meeting_date", "not a date");
    expect_field_error("schedule", {{"meeting_date", "2025-02-06"}, {"role", "Beschluss"}}, "role",
                       "Kenntnisnahme, Vorberatung");
    expect_field_error("schedule", {{"meeting_date", "2025-02-06"}, {"urgent", "sehr"}}, "urgent", "true or false");
    expect_field_error("answer", {}, "answer_reference", "answer_reference=<text>");
    expect_field_error("submit", {{"reason", "x"}}, "reason", "takes no fields");
    EXPECT_EQ(engine.state("14/1923"), "submitted");
    EXPECT_EQ(engine.version("14/1923"), 1u);
}

TEST_F(PaperTest, RolesReadInGermanSpellingAndAnyCase)
{
    engine.create("14/1923", anfrage(), fraktion);
    engine.fire("14/1923", Submit{}, fraktion);
    engine.fire("14/1923", "schedule",
                Fields{{"meeting_date", "2025-03-01"},
                       {"organization", "Integrationsrat"},
                       {"role", "anhörung"},
                       {"skip_reason", "vor dem Ausschuss"}},
                sitzungsdienst);
    EXPECT_EQ(engine.data("14/1923").consultations.back().role, ConsultationRole::anhoerung);
}

TEST_F(PaperTest, CreateChecksThePaper)
{
    Paper p = anfrage();
    p.reference.clear();
    EXPECT_THROW(engine.create("x", p, fraktion), InvalidData);
    p = anfrage();
    p.title.clear();
    EXPECT_THROW(engine.create("14/1923", p, fraktion), InvalidData);
    p = anfrage();
    p.consultations.push_back({""});
    EXPECT_THROW(engine.create("14/1923", p, fraktion), InvalidData);
    EXPECT_EQ(engine.size(), 0u);
}

TEST(PaperEvents, ListEveryEventWithItsFieldsAndStates)
{
    auto events = PaperEngine::events();
    std::vector<std::string_view> ids;
    for (const auto& e : events) ids.push_back(e.id);
    EXPECT_EQ(ids, (std::vector<std::string_view>{"submit", "answer", "schedule", "answer_overdue", "acknowledge",
                                                  "recommend", "decide", "reject", "postpone", "refer", "withdraw",
                                                  "complete", "attach_resolution", "settle_resolution"}));
    const auto& schedule = events[2];
    std::vector<std::string> names;
    for (const auto& f : schedule.fields) names.push_back(f.name + (f.required ? "!" : "?"));
    EXPECT_EQ(names, (std::vector<std::string>{"organization?", "meeting_date!", "agenda_item?", "role?", "urgent?",
                                               "skip_reason?"}));
    EXPECT_EQ(schedule.from, (std::vector<std::string_view>{"submitted", "answered"}));
    EXPECT_EQ(events[3].from, (std::vector<std::string_view>{"submitted", "on_agenda"}));
    EXPECT_EQ(events[10].from, (std::vector<std::string_view>{"draft", "submitted", "answered", "on_agenda"}));
}

}  // namespace
