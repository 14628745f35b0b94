// The resolution lifecycle (Beschlusskontrolle): every row and refusal of its table, the status
// derived at chosen days, and a paper kept in step with its resolutions.
#include <kimflow/default_policy.hpp>
#include <kimflow/io/oparl.hpp>
#include <kimflow/resolution/report.hpp>
#include <kimflow/resolution/resolution_engine.hpp>
#include <kimflow/store/sqlite_store.hpp>

#include "paper_fixture.hpp"
#include "temp_file.hpp"

namespace {

using namespace paper_test;
using namespace kimflow::resolution;
namespace res = kimflow::resolution;

const Actor office{"amt5", "verwaltung", "FB 5 Soziales"};
const Actor other_office{"amt1", "verwaltung", "FB 1 Zentrale Dienste"};

class ResolutionTest : public PaperTest {
protected:
    ResolutionEngine resolutions{engine};

    /// Antrag 14/2001 through the Vorberatung to the decision of the Verbandsversammlung.
    void decided(const std::string& ref = "14/2001")
    {
        engine.create(ref, antrag(ref), fraktion);
        engine.fire(ref, Submit{}, fraktion);
        schedule(ref);
        engine.fire(ref, Recommend{}, sitzungsdienst);
        schedule(ref);
        engine.fire(ref, Decide{}, sitzungsdienst);
    }

    Resolution resolution_of(const std::string& paper, const char* due, const std::string& office_name = "FB 5 Soziales")
    {
        Resolution r;
        r.paper = paper;
        r.office = office_name;
        r.due = parse_date(due);
        r.task = "Bericht über den Stand von KIM";
        return r;
    }

    std::string state(const std::string& id) const { return std::string(resolutions.engine().state(id)); }
    Resolution data(const std::string& id) const { return resolutions.engine().data(id); }
};

TEST_F(ResolutionTest, CreatedForADecidedPaperTakesCommitteeBodyAndDayOfTheDecision)
{
    decided();
    at("2025-04-01T10:00:00Z");
    resolutions.create("R1", resolution_of("14/2001", "2025-09-30"), sitzungsdienst);
    const Resolution r = data("R1");
    EXPECT_EQ(state("R1"), "open");
    EXPECT_EQ(r.committee, kRat);
    EXPECT_EQ(r.body, "Regionalverband Ruhr");
    EXPECT_EQ(r.decided_on, date_of(*engine.data("14/2001").decided_at));
    EXPECT_EQ(r.original_due, parse_date("2025-09-30"));
    const Paper p = engine.data("14/2001");
    ASSERT_EQ(p.resolutions.size(), 1u);
    EXPECT_EQ(p.resolutions[0].id, "R1");
    EXPECT_TRUE(p.resolutions[0].open());
    const auto history = engine.history("14/2001");
    EXPECT_EQ(history.back().event, "attach_resolution");
    EXPECT_EQ(history.back().actor, system_actor());
}

TEST_F(ResolutionTest, AnEmptyTaskTakesThePapersTitle)
{
    decided();
    Resolution r = resolution_of("14/2001", "2025-09-30");
    r.task.clear();
    resolutions.create("R1", r, sitzungsdienst);
    EXPECT_EQ(data("R1").task, antrag().title);
}

TEST_F(ResolutionTest, RefusedForAPaperThatIsNotDecidedOrMissingAndNothingIsCreated)
{
    engine.create("14/2001", antrag(), fraktion);
    try {
        resolutions.create("R1", resolution_of("14/2001", "2025-09-30"), sitzungsdienst);
        FAIL() << "a resolution of a draft was created";
    } catch (const InvalidData& e) {
        EXPECT_NE(std::string(e.what()).find("is draft"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("decided paper"), std::string::npos) << e.what();
    }
    EXPECT_THROW(resolutions.create("R1", resolution_of("14/9999", "2025-09-30"), sitzungsdienst), InvalidData);
    EXPECT_FALSE(resolutions.engine().contains("R1"));
    EXPECT_EQ(engine.version("14/2001"), 0u);
}

TEST_F(ResolutionTest, IncompleteDataIsRefusedNamingTheField)
{
    decided();
    Resolution r = resolution_of("14/2001", "2025-09-30");
    r.office.clear();
    try {
        resolutions.create("R1", r, sitzungsdienst);
        FAIL() << "created without an office";
    } catch (const InvalidData& e) {
        EXPECT_NE(std::string(e.what()).find("office"), std::string::npos) << e.what();
    }
    EXPECT_FALSE(resolutions.engine().contains("R1"));
    EXPECT_TRUE(engine.data("14/2001").resolutions.empty()) << "the paper must not list a resolution never created";
}

TEST_F(ResolutionTest, ADuplicateIdLeavesThePaperAsItWas)
{
    decided();
    resolutions.create("R1", resolution_of("14/2001", "2025-09-30"), sitzungsdienst);
    const auto version = engine.version("14/2001");
    EXPECT_THROW(resolutions.create("R1", resolution_of("14/2001", "2025-10-30"), sitzungsdienst), DuplicateInstance);
    EXPECT_EQ(engine.version("14/2001"), version);
    EXPECT_EQ(engine.data("14/2001").resolutions.size(), 1u);
}

TEST_F(ResolutionTest, StartThenReportThenComplete)
{
    decided();
    resolutions.create("R1", resolution_of("14/2001", "2025-09-30"), sitzungsdienst);
    at("2025-04-10T09:00:00Z");
    resolutions.fire("R1", Start{"Arbeitsgruppe gebildet"}, office);
    EXPECT_EQ(state("R1"), "in_progress");
    EXPECT_EQ(data("R1").started_at, parse_timestamp("2025-04-10T09:00:00Z"));
    at("2025-06-10T09:00:00Z");
    resolutions.fire("R1", ReportProgress{"Daten erhoben", "", std::nullopt}, office);
    EXPECT_EQ(state("R1"), "in_progress");
    EXPECT_EQ(data("R1").started_at, parse_timestamp("2025-04-10T09:00:00Z")) << "a report does not restart it";
    ASSERT_EQ(data("R1").reports.size(), 1u);
    EXPECT_EQ(data("R1").reports[0].text, "Daten erhoben");
    resolutions.fire("R1", res::Complete{"Bericht erstattet"}, office);
    EXPECT_EQ(state("R1"), "done");
    EXPECT_EQ(data("R1").completion_note, "Bericht erstattet");
}

TEST_F(ResolutionTest, AReportOnAnOpenResolutionStartsIt)
{
    decided();
    resolutions.create("R1", resolution_of("14/2001", "2025-09-30"), sitzungsdienst);
    at("2025-05-02T09:00:00Z");
    resolutions.fire("R1", "report_progress", Fields{{"text", "begonnen"}}, office);
    EXPECT_EQ(state("R1"), "in_progress");
    EXPECT_EQ(data("R1").started_at, parse_timestamp("2025-05-02T09:00:00Z"));
}

TEST_F(ResolutionTest, AReportThatMovesTheDueDateLaterNeedsAReason)
{
    decided();
    resolutions.create("R1", resolution_of("14/2001", "2025-09-30"), sitzungsdienst);
    at("2025-09-01T09:00:00Z");
    try {
        resolutions.fire("R1", "report_progress", Fields{{"text", "verzögert"}, {"new_due", "2025-12-15"}}, office);
        FAIL() << "a later due date without a reason was taken";
    } catch (const GuardRejected& e) {
        EXPECT_NE(std::string(e.what()).find("delay_reason"), std::string::npos) << e.what();
    }
    EXPECT_EQ(state("R1"), "open");
    resolutions.fire("R1", "report_progress",
                     Fields{{"text", "verzögert"}, {"new_due", "2025-12-15"}, {"delay_reason", "Personalmangel"}}, office);
    EXPECT_EQ(data("R1").due, parse_date("2025-12-15"));
    EXPECT_EQ(data("R1").original_due, parse_date("2025-09-30"));
    EXPECT_EQ(data("R1").delay_reason(), "Personalmangel");
    // An earlier due date needs no reason.
    resolutions.fire("R1", "report_progress", Fields{{"text", "schneller"}, {"new_due", "2025-11-01"}}, office);
    EXPECT_EQ(data("R1").due, parse_date("2025-11-01"));
}

TEST_F(ResolutionTest, ExtendMovesTheDueDateAndRefusesTheSameOrAPastOne)
{
    decided();
    resolutions.create("R1", resolution_of("14/2001", "2025-09-30"), sitzungsdienst);
    at("2025-09-20T09:00:00Z");
    EXPECT_THROW(resolutions.fire("R1", Extend{parse_date("2025-09-30"), "x"}, sitzungsdienst), GuardRejected);
    try {
        resolutions.fire("R1", Extend{parse_date("2025-09-19"), "zu spät"}, sitzungsdienst);
        FAIL() << "a past due date was taken";
    } catch (const GuardRejected& e) {
        EXPECT_NE(std::string(e.what()).find("in the past"), std::string::npos) << e.what();
    }
    EXPECT_THROW(resolutions.fire("R1", "extend", Fields{{"due", "2025-12-31"}}, sitzungsdienst), InvalidPayload)
        << "an extension needs its reason";
    resolutions.fire("R1", Extend{parse_date("2025-12-31"), "Haushaltssperre"}, sitzungsdienst);
    EXPECT_EQ(state("R1"), "open") << "an extension does not start it";
    const Resolution r = data("R1");
    EXPECT_EQ(r.due, parse_date("2025-12-31"));
    ASSERT_EQ(r.extensions.size(), 1u);
    EXPECT_EQ(r.extensions[0].from, parse_date("2025-09-30"));
    EXPECT_EQ(r.extensions[0].reason, "Haushaltssperre");
    EXPECT_EQ(r.delay_reason(), "Haushaltssperre");
}

TEST_F(ResolutionTest, DropNeedsAReasonAndIsFinal)
{
    decided();
    resolutions.create("R1", resolution_of("14/2001", "2025-09-30"), sitzungsdienst);
    EXPECT_THROW(resolutions.fire("R1", "drop", Fields{}, sitzungsdienst), InvalidPayload);
    resolutions.fire("R1", Drop{"durch Ratsbeschluss vom 01.07. aufgehoben"}, sitzungsdienst);
    EXPECT_EQ(state("R1"), "dropped");
    const std::pair<const char*, Fields> events[] = {{"start", {}},
                                                     {"complete", {{"note", "x"}}},
                                                     {"drop", {{"reason", "x"}}},
                                                     {"extend", {{"due", "2026-01-01"}, {"reason", "x"}}},
                                                     {"report_progress", {{"text", "x"}}}};
    for (const auto& [event, fields] : events)
        EXPECT_THROW(resolutions.fire("R1", event, fields, sitzungsdienst), EventNotAllowed) << event;
}

TEST_F(ResolutionTest, DoneIsFinalAndCompleteNeedsANote)
{
    decided();
    resolutions.create("R1", resolution_of("14/2001", "2025-09-30"), sitzungsdienst);
    EXPECT_THROW(resolutions.fire("R1", "complete", Fields{}, office), InvalidPayload);
    resolutions.fire("R1", res::Complete{"umgesetzt"}, office);
    EXPECT_THROW(resolutions.fire("R1", Start{}, office), EventNotAllowed);
    EXPECT_THROW(resolutions.fire("R1", res::Complete{"nochmal"}, office), EventNotAllowed);
    EXPECT_TRUE(resolutions.engine().allowed_events("R1").empty());
}

TEST_F(ResolutionTest, AllowedEventsPerState)
{
    decided();
    resolutions.create("R1", resolution_of("14/2001", "2025-09-30"), sitzungsdienst);
    using V = std::vector<std::string_view>;
    EXPECT_EQ(resolutions.engine().allowed_events("R1"), (V{"start", "report_progress", "extend", "complete", "drop"}));
    resolutions.fire("R1", Start{}, office);
    EXPECT_EQ(resolutions.engine().allowed_events("R1"), (V{"report_progress", "extend", "complete", "drop"}));
    at("2025-10-01T00:00:00Z");  // the time-triggered row is allowed once it is due
    EXPECT_EQ(resolutions.engine().allowed_events("R1"),
              (V{"report_progress", "extend", "complete", "drop", "became_overdue"}));
}

TEST_F(ResolutionTest, BecameOverdueOnlyOnceTheDueDayHasPassedAndOncePerDueDate)
{
    decided();
    resolutions.create("R1", resolution_of("14/2001", "2025-09-30"), sitzungsdienst);
    const Fields end{{"due", "2025-10-01T00:00:00Z"}};
    at("2025-09-30T23:59:59Z");
    EXPECT_THROW(resolutions.fire("R1", "became_overdue", end, system_actor()), GuardRejected);
    at("2025-10-01T00:00:00Z");
    EXPECT_THROW(resolutions.fire("R1", "became_overdue", Fields{{"due", "2025-09-30T00:00:00Z"}}, system_actor()),
                 GuardRejected)
        << "the payload must name the end of the due date";
    resolutions.fire("R1", "became_overdue", end, system_actor());
    EXPECT_EQ(data("R1").overdue_for, parse_date("2025-09-30"));
    EXPECT_THROW(resolutions.fire("R1", "became_overdue", end, system_actor()), GuardRejected);
    // Extended, it can become overdue again, for the new date.
    resolutions.fire("R1", Extend{parse_date("2025-11-30"), "Nachfrist"}, sitzungsdienst);
    at("2025-12-01T08:00:00Z");
    resolutions.fire("R1", "became_overdue", Fields{{"due", "2025-12-01T00:00:00Z"}}, system_actor());
    EXPECT_EQ(data("R1").overdue_for, parse_date("2025-11-30"));
}

TEST_F(ResolutionTest, StatusIsDerivedFromTheDayAskedAbout)
{
    decided();
    resolutions.create("R1", resolution_of("14/2001", "2025-09-30"), sitzungsdienst);
    const ResolutionConfig config;  // 14 days
    const Resolution r = data("R1");
    EXPECT_EQ(status_at(r, "open", parse_date("2025-09-16"), config), Status::on_time);
    EXPECT_EQ(status_at(r, "open", parse_date("2025-09-17"), config), Status::due_soon);
    EXPECT_EQ(status_at(r, "in_progress", parse_date("2025-09-30"), config), Status::due_soon);
    EXPECT_EQ(status_at(r, "in_progress", parse_date("2025-10-01"), config), Status::overdue);
    EXPECT_EQ(status_at(r, "done", parse_date("2026-10-01"), config), Status::done);
    EXPECT_EQ(status_at(r, "dropped", parse_date("2026-10-01"), config), Status::dropped);
    EXPECT_EQ(status_at(r, "open", parse_date("2025-09-10"), ResolutionConfig{30}), Status::due_soon);
    EXPECT_EQ(label_de(Status::overdue), "überfällig");
}

TEST_F(ResolutionTest, ThePaperCompletesWithItsLastResolutionAndSaysSoInItsHistory)
{
    decided();
    resolutions.create("R1", resolution_of("14/2001", "2025-09-30"), sitzungsdienst);
    resolutions.create("R2", resolution_of("14/2001", "2025-06-30", "FB 1 Zentrale Dienste"), sitzungsdienst);
    try {
        engine.fire("14/2001", paper::Complete{"von Hand"}, verwaltung);
        FAIL() << "a paper with open resolutions was completed by hand";
    } catch (const GuardRejected& e) {
        EXPECT_NE(std::string(e.what()).find("R1, R2"), std::string::npos) << e.what();
    }
    at("2025-05-01T09:00:00Z");
    resolutions.fire("R2", res::Complete{"erledigt"}, other_office);
    EXPECT_EQ(engine.state("14/2001"), "decided");
    EXPECT_THROW(engine.fire("14/2001", paper::Complete{}, verwaltung), GuardRejected);
    at("2025-07-01T09:00:00Z");
    resolutions.fire("R1", Drop{"entfällt"}, sitzungsdienst);
    EXPECT_EQ(engine.state("14/2001"), "completed");
    const Paper p = engine.data("14/2001");
    EXPECT_EQ(p.completed_at, parse_timestamp("2025-07-01T09:00:00Z"));
    EXPECT_EQ(p.completion_note, "Beschlusskontrolle: R1 entfallen, R2 erledigt");
    const auto history = engine.history("14/2001");
    ASSERT_GE(history.size(), 2u);
    EXPECT_EQ(history.back().event, "settle_resolution");
    EXPECT_EQ(history.back().to, "completed");
    EXPECT_EQ(history.back().payload, "resolution=R1, outcome=dropped");
    EXPECT_EQ(history[history.size() - 2].to, "decided");
}

TEST_F(ResolutionTest, NoResolutionCanBeAddedToACompletedPaper)
{
    decided();
    engine.fire("14/2001", paper::Complete{"von Hand"}, verwaltung);  // without resolutions, by hand as before
    EXPECT_THROW(resolutions.create("R1", resolution_of("14/2001", "2025-09-30"), sitzungsdienst), InvalidData);
    EXPECT_FALSE(resolutions.engine().contains("R1"));
}

TEST_F(ResolutionTest, SettleAndAttachAreCheckedOnThePaper)
{
    decided();
    resolutions.create("R1", resolution_of("14/2001", "2025-09-30"), sitzungsdienst);
    EXPECT_THROW(engine.fire("14/2001", AttachResolution{"R1"}, system_actor()), GuardRejected);
    EXPECT_THROW(engine.fire("14/2001", SettleResolution{"R9", "done"}, system_actor()), GuardRejected);
    EXPECT_THROW(engine.fire("14/2001", SettleResolution{"R1", "fertig"}, system_actor()), GuardRejected);
    EXPECT_EQ(engine.state("14/2001"), "decided");
}

class ResolutionPolicyTest : public ResolutionTest {
protected:
    std::shared_ptr<const Policy> policy = std::make_shared<const Policy>(default_policy());
    PaperEngine guarded_papers{PaperConfig{}, clock, engine.store(), EngineOptions{100000, policy}};
    ResolutionEngine guarded{guarded_papers, ResolutionConfig{}, clock, EngineOptions{100000, policy}};
};

TEST_F(ResolutionPolicyTest, TheSitzungsdienstCreatesAndTheOfficeReportsOnItsOwn)
{
    decided();
    EXPECT_THROW(guarded.create("R1", resolution_of("14/2001", "2025-09-30"), office), NotPermitted);
    guarded.create("R1", resolution_of("14/2001", "2025-09-30"), sitzungsdienst);
    EXPECT_THROW(guarded.fire("R1", Start{}, other_office), NotPermitted);
    EXPECT_THROW(guarded.fire("R1", Start{}, sitzungsdienst), NotPermitted);
    guarded.fire("R1", Start{}, office);
    EXPECT_THROW(guarded.fire("R1", Drop{"x"}, office), NotPermitted) << "the office does not drop the council's decision";
    EXPECT_THROW(guarded.fire("R1", res::Complete{"x"}, fraktion), NotPermitted);
    guarded.fire("R1", res::Complete{"erledigt"}, office);
    EXPECT_EQ(guarded_papers.state("14/2001"), "completed") << "the office's fire settled the paper as the system";
    EXPECT_FALSE(guarded.engine().denials("R1").empty());
}

TEST_F(ResolutionPolicyTest, ARefusedFireSettlesNothing)
{
    decided();
    guarded.create("R1", resolution_of("14/2001", "2025-09-30"), sitzungsdienst);
    EXPECT_THROW(guarded.fire("R1", res::Complete{"x"}, other_office), NotPermitted);
    EXPECT_EQ(guarded_papers.state("14/2001"), "decided");
    EXPECT_TRUE(guarded_papers.data("14/2001").resolutions[0].open());
}

TEST(ResolutionOnSqlite, CreateAndSettleAreOneTransactionWithThePaper)
{
    TempFile file;
    auto clock = std::make_shared<ManualClock>(parse_timestamp("2025-01-06T09:00:00Z"));
    {
        auto store = std::make_shared<SqliteStore>(file.path());
        PaperEngine papers{PaperConfig{}, clock, store};
        ResolutionEngine resolutions{papers};
        papers.create("14/2001", antrag(), fraktion);
        papers.fire("14/2001", Submit{}, fraktion);
        Schedule s;
        s.meeting_date = parse_date("2025-03-01");
        s.skip_reason = "Dringlichkeit";
        s.organization = kRat;
        papers.fire("14/2001", s, sitzungsdienst);
        papers.fire("14/2001", Decide{}, sitzungsdienst);
        Resolution r;
        r.paper = "14/2001";
        r.office = "FB 5";
        r.task = "Bericht";
        r.due = parse_date("2025-09-30");
        resolutions.create("R1", r, sitzungsdienst);
        resolutions.fire("R1", res::Complete{"erledigt"}, office);
    }
    auto store = std::make_shared<SqliteStore>(file.path());
    PaperEngine papers{PaperConfig{}, clock, store};
    ResolutionEngine resolutions{papers};
    EXPECT_EQ(papers.state("14/2001"), "completed");
    EXPECT_EQ(resolutions.engine().state("R1"), "done");
    EXPECT_EQ(papers.data("14/2001").consultations[0].status, ConsultationStatus::planned) << "skipped in order, still planned";
    EXPECT_EQ(papers.history("14/2001")[1].payload.find("skip_reason=Dringlichkeit") != std::string::npos, true);
    EXPECT_TRUE(store->verify_chain().ok());
}

TEST_F(ResolutionTest, TheReportSortsByCommitteeAndSection)
{
    decided("14/2001");
    at("2025-04-01T09:00:00Z");
    resolutions.create("R1", resolution_of("14/2001", "2025-05-31"), sitzungsdienst);
    resolutions.create("R2", resolution_of("14/2001", "2025-12-31"), sitzungsdienst);
    resolutions.create("R3", resolution_of("14/2001", "2025-06-30", "FB 1 Zentrale Dienste"), sitzungsdienst);
    at("2025-06-02T09:00:00Z");
    resolutions.fire("R1", ReportProgress{"in Arbeit", "Personalmangel", std::nullopt}, office);
    resolutions.fire("R3", res::Complete{"erledigt"}, other_office);
    const Report report = res::report(resolutions, ReportQuery{"", parse_date("2025-01-01"), parse_date("2025-06-10")});
    ASSERT_EQ(report.committees.size(), 1u);
    const CommitteeSection& s = report.committees[0];
    EXPECT_EQ(s.committee, kRat);
    EXPECT_EQ(s.decided.size(), 3u);
    ASSERT_EQ(s.overdue.size(), 1u);
    EXPECT_EQ(s.overdue[0].id, "R1");
    EXPECT_EQ(s.overdue[0].data.delay_reason(), "Personalmangel");
    ASSERT_EQ(s.open.size(), 1u);
    EXPECT_EQ(s.open[0].id, "R2");
    ASSERT_EQ(s.settled.size(), 1u);
    EXPECT_EQ(s.settled[0].id, "R3");
    EXPECT_TRUE(res::report(resolutions, ReportQuery{"Ausschuss X", parse_date("2025-01-01"), parse_date("2025-06-10")})
                    .committees.empty());
    const std::string csv = to_csv(report);
    EXPECT_NE(csv.find(kRat + ",overdue,R1,14/2001,FB 5 Soziales,"), std::string::npos) << csv;
    EXPECT_NE(csv.find("Personalmangel"), std::string::npos);
    EXPECT_NE(to_table(report).find("Überfällig (1)"), std::string::npos) << to_table(report);
    EXPECT_NE(to_json(report).find("\"overdue\": ["), std::string::npos);
}

TEST_F(ResolutionTest, AReportOfAPastPeriodShowsWhatStoodThen)
{
    decided("14/2001");
    at("2025-04-01T09:00:00Z");
    resolutions.create("R1", resolution_of("14/2001", "2025-05-31"), sitzungsdienst);
    at("2025-06-20T09:00:00Z");
    resolutions.fire("R1", Extend{parse_date("2025-09-30"), "Nachfrist"}, sitzungsdienst);
    at("2025-07-15T09:00:00Z");
    resolutions.fire("R1", res::Complete{"erledigt"}, office);
    // On 10 June it was overdue, due on 31 May, not done.
    const Report june = res::report(resolutions, ReportQuery{"", parse_date("2025-01-01"), parse_date("2025-06-10")});
    ASSERT_EQ(june.committees.size(), 1u);
    ASSERT_EQ(june.committees[0].overdue.size(), 1u);
    EXPECT_EQ(june.committees[0].overdue[0].data.due, parse_date("2025-05-31"));
    EXPECT_EQ(june.committees[0].overdue[0].state, "open");
    EXPECT_TRUE(june.committees[0].settled.empty());
    // On 1 July it was open again, due on 30 September.
    const Report july = res::report(resolutions, ReportQuery{"", parse_date("2025-01-01"), parse_date("2025-07-01")});
    ASSERT_EQ(july.committees[0].open.size(), 1u);
    EXPECT_EQ(july.committees[0].open[0].data.due, parse_date("2025-09-30"));
    // Before the decision there was nothing.
    EXPECT_TRUE(res::report(resolutions, ReportQuery{"", parse_date("2025-01-01"), parse_date("2025-01-05")})
                    .committees.empty());
    // Today: done.
    const Report now = res::report(resolutions, ReportQuery{"", parse_date("2025-01-01"), parse_date("2025-07-31")});
    ASSERT_EQ(now.committees[0].settled.size(), 1u);
}

TEST_F(ResolutionTest, TheOParlExportListsAPapersResolutionsAsKimflowExtensions)
{
    decided();
    at("2025-04-01T09:00:00Z");
    resolutions.create("R1", resolution_of("14/2001", "2025-05-31"), sitzungsdienst);
    resolutions.create("R2", resolution_of("14/2001", "2025-12-31", "FB 1 Zentrale Dienste"), sitzungsdienst);
    at("2025-06-02T09:00:00Z");
    resolutions.fire("R1", ReportProgress{"in Arbeit", "Personalmangel", parse_date("2025-08-31")}, office);
    resolutions.fire("R2", Drop{"entfällt"}, sitzungsdienst);
    oparl::ExportOptions options;
    options.resolutions = &resolutions;
    const auto exported = oparl::export_papers(engine, options);
    ASSERT_EQ(exported.papers.size(), 1u);
    const nlohmann::json& list = exported.papers[0].at("kimflow:resolutions");
    ASSERT_EQ(list.size(), 2u);
    EXPECT_EQ(list[0]["id"], "R1");
    EXPECT_EQ(list[0]["state"], "in_progress");
    EXPECT_EQ(list[0]["office"], "FB 5 Soziales");
    EXPECT_EQ(list[0]["due"], "2025-08-31");
    EXPECT_EQ(list[0]["originalDue"], "2025-05-31");
    EXPECT_EQ(list[0]["delayReason"], "Personalmangel");
    EXPECT_EQ(list[0]["lastReport"]["text"], "in Arbeit");
    EXPECT_EQ(list[1]["state"], "dropped");
    EXPECT_EQ(list[1]["dropReason"], "entfällt");
    // Without the engine, the ids and how they were settled, from the paper alone.
    const auto bare = oparl::export_papers(engine).papers[0].at("kimflow:resolutions");
    EXPECT_EQ(bare[1], (nlohmann::json{{"id", "R2"}, {"state", "dropped"}}));
    EXPECT_EQ(bare[0], (nlohmann::json{{"id", "R1"}, {"state", "open"}}));
}

}  // namespace
