// kimflow/io/json.hpp: instances and their data as JSON, as kimctl --json and hosts read them.
#include <gtest/gtest.h>

#include "kim_fixture.hpp"
#include "paper_fixture.hpp"
#include "temp_file.hpp"

#include <kimflow/io/json.hpp>
#include <kimflow/io/resolution_json.hpp>

namespace {

using namespace kimflow;
using namespace paper_test;

class Json : public PaperTest {};

TEST_F(Json, AnInstanceWithItsHistory)
{
    engine.create("14/1923", anfrage(), fraktion);
    engine.fire("14/1923", Submit{}, fraktion);
    at("2025-01-27T09:00:00Z");
    engine.fire("14/1923", Answer{"14/1923-1"}, verwaltung);

    const nlohmann::json j = to_json(engine, "14/1923");
    EXPECT_EQ(j["lifecycle"], "paper");
    EXPECT_EQ(j["id"], "14/1923");
    EXPECT_EQ(j["state"], "answered");
    EXPECT_EQ(j["states"], nlohmann::json({"answered"}));
    EXPECT_EQ(j["version"], 2);
    EXPECT_EQ(j["allowed_events"], nlohmann::json({"schedule", "withdraw"}));
    EXPECT_EQ(j["created_by"], nlohmann::json({{"id", "kretschmer"}, {"role", "fraktion"}, {"organization", "Fraktion Die Linke"}}));
    ASSERT_EQ(j["history"].size(), 2u);
    EXPECT_EQ(j["history"][1], nlohmann::json({{"version", 2},
                                               {"event", "answer"},
                                               {"from", "submitted"},
                                               {"to", "answered"},
                                               {"actor", {{"id", "baumeister"}, {"role", "verwaltung"}, {"organization", "Regionalverband Ruhr"}}},
                                               {"at", "2025-01-27T09:00:00Z"},
                                               {"payload", "answer_reference=14/1923-1"}}));
    EXPECT_FALSE(to_json(engine, "14/1923", false).contains("history"));
    EXPECT_THROW(to_json(engine, "14/9999"), InstanceNotFound);
}

TEST_F(Json, PaperDataIsWrittenWithNamesAndDaysAndWithoutEmptyValues)
{
    Paper p = antrag();
    p.consultations[0].status = ConsultationStatus::treated;
    p.consultations[0].meeting_date = parse_date("2025-02-06");
    p.consultations[0].agenda_item = "9.2";
    p.consultations[0].result = "empfohlen";
    const nlohmann::json j = paper::to_json(p);
    EXPECT_EQ(j["type"], "Antrag");
    EXPECT_FALSE(j.contains("date"));
    EXPECT_FALSE(j.contains("submitted_at"));
    EXPECT_FALSE(j.contains("withdrawal_reason"));
    EXPECT_EQ(j["consultations"][0], nlohmann::json({{"organization", kAusschuss},
                                                     {"role", "Vorberatung"},
                                                     {"authoritative", false},
                                                     {"status", "treated"},
                                                     {"meeting_date", "2025-02-06"},
                                                     {"agenda_item", "9.2"},
                                                     {"result", "empfohlen"}}));
    EXPECT_EQ(j["consultations"][1]["role"], "Entscheidung");
    EXPECT_TRUE(j["consultations"][1]["authoritative"].get<bool>());
}

TEST(JsonCase, CaseDataWithConsentReferralsAndPhases)
{
    using namespace kim_test;
    auto clock = std::make_shared<ManualClock>(parse_timestamp("2025-03-01T09:00:00Z"));
    kim::CaseEngine cases(kim::CaseConfig{}, clock);
    kim::open_case(cases, "K-1", castrop_rauxel(), caritas);
    cases.fire("K-1", kim::GrantConsent{{kJobcenter}, "Vermittlung in Arbeit"}, caritas);
    cases.fire("K-1", kim::FollowUpOn{parse_date("2025-03-20")}, caritas);

    const nlohmann::json j = to_json(cases, "K-1");
    EXPECT_EQ(j["state"], "intake");
    EXPECT_EQ(j["states"], nlohmann::json({"granted", "intake"}));
    const nlohmann::json& data = j["data"];
    EXPECT_EQ(data["kommune"], "Castrop-Rauxel");
    EXPECT_EQ(data["traeger"], "Caritas");
    EXPECT_EQ(data["consent"]["recipients"], nlohmann::json({kJobcenter}));
    EXPECT_EQ(data["consent"]["purpose"], "Vermittlung in Arbeit");
    EXPECT_EQ(data["consent"]["granted_at"], "2025-03-01T09:00:00Z");
    EXPECT_EQ(data["follow_ups"][0]["date"], "2025-03-20");
    EXPECT_EQ(data["phases"][0], nlohmann::json({{"phase", "intake"}, {"at", "2025-03-01T09:00:00Z"}}));
    EXPECT_FALSE(data.contains("closure_reason"));
}

class JsonKimCase : public kim_test::CaseTest {};

// What a case records as its lifecycle goes on: when the consent last changed, when a referral
// was completed, and each Wiedervorlage's subject, whether and how it was done, and when it fell due.
TEST_F(JsonKimCase, CaseDataWithChangedConsentCompletedReferralAndWiedervorlagen)
{
    using namespace kim_test;
    const std::string jugendamt = "Jugendamt Castrop-Rauxel";
    bring("K-1", "linking");
    at("2025-03-01T10:00:00Z");
    engine.fire("K-1", ExtendConsent{{jugendamt}, ""}, caritas);
    at("2025-03-01T11:00:00Z");
    engine.fire("K-1", kim::Refer{kJobcenter, Rechtskreis::sgb2}, caritas);
    engine.fire("K-1", kim::Refer{kAbh, Rechtskreis::aufenthg}, caritas);
    at("2025-03-03T12:00:00Z");
    engine.fire("K-1", CompleteReferral{kJobcenter, Rechtskreis::sgb2}, caritas);
    engine.fire("K-1", StartMonitoring{}, caritas);
    engine.fire("K-1", FollowUpOn{parse_date("2025-03-05"), "Jobcenter"}, caritas);
    engine.fire("K-1", FollowUpOn{parse_date("2025-03-10"), ""}, caritas);
    at("2025-03-04T15:00:00Z");
    engine.fire("K-1", FollowUpDone{1, {}, ""}, caritas);
    at("2025-03-10T00:05:00Z");
    engine.fire("K-1", FollowUpDue{2, parse_timestamp("2025-03-10T00:00:00Z")}, system_actor());

    const nlohmann::json data = to_json(engine, "K-1")["data"];
    EXPECT_EQ(data["consent"], nlohmann::json({{"recipients", {kJobcenter, kAbh, jugendamt}},
                                               {"purpose", "Arbeitsmarkt und Aufenthalt"},
                                               {"granted_at", "2025-03-01T09:00:00Z"},
                                               {"changed_at", "2025-03-01T10:00:00Z"}}))
        << data.dump(2);
    ASSERT_EQ(data["referrals"].size(), 2u) << data.dump(2);
    EXPECT_EQ(data["referrals"][0], nlohmann::json({{"recipient", kJobcenter},
                                                    {"rechtskreis", "SGB II"},
                                                    {"at", "2025-03-01T11:00:00Z"},
                                                    {"completed_at", "2025-03-03T12:00:00Z"}}));
    EXPECT_FALSE(data["referrals"][1].contains("completed_at")) << "still open";
    ASSERT_EQ(data["follow_ups"].size(), 2u) << data.dump(2);
    EXPECT_EQ(data["follow_ups"][0], nlohmann::json({{"date", "2025-03-05"},
                                                     {"set_at", "2025-03-03T12:00:00Z"},
                                                     {"subject", "Jobcenter"},
                                                     {"done_at", "2025-03-04T15:00:00Z"},
                                                     {"closed_with_case", false}}));
    EXPECT_EQ(data["follow_ups"][1], nlohmann::json({{"date", "2025-03-10"},
                                                     {"set_at", "2025-03-03T12:00:00Z"},
                                                     {"closed_with_case", false},
                                                     {"fell_due_at", "2025-03-10T00:05:00Z"}}))
        << "fallen due, still open, and without a subject";

    // A case that ends closes its open Wiedervorlagen with it.
    at("2025-03-11T09:00:00Z");
    bring("K-2", "intake");
    engine.fire("K-2", FollowUpOn{parse_date("2025-03-20"), "Sprachkurs"}, caritas);
    at("2025-03-12T09:00:00Z");
    engine.fire("K-2", Abort{ClosureReason::no_contact, ""}, caritas);
    const nlohmann::json ended = kim::to_json(engine.data("K-2"));
    EXPECT_EQ(ended["follow_ups"][0]["done_at"], "2025-03-12T09:00:00Z") << ended.dump(2);
    EXPECT_EQ(ended["follow_ups"][0]["closed_with_case"], true);
    EXPECT_FALSE(ended["consent"].contains("changed_at"));
}

// JSON in: what a host sends for a new paper comes back exactly as the paper it meant.
TEST_F(Json, ANewPaperReadsBackFromTheObjectToJsonWrites)
{
    Paper p = antrag();
    p.date = parse_date("2025-03-03");
    p.related_papers = {"14/1923"};
    const Paper read = paper_from_json(to_json(p));
    EXPECT_EQ(to_json(read), to_json(p));
    EXPECT_EQ(read.consultations.at(1).role, ConsultationRole::entscheidung);
    EXPECT_TRUE(read.consultations.at(1).authoritative);

    // What a host would write by hand: defaults for the rest.
    const Paper minimal = paper_from_json(nlohmann::json{{"reference", "14/1924"}, {"title", "Kurz"}});
    EXPECT_EQ(minimal.type, PaperType::anfrage);
    EXPECT_TRUE(minimal.consultations.empty());
}

TEST_F(Json, ANewPaperRefusesWhatItCannotTakeAndSaysWhat)
{
    const auto message = [](const nlohmann::json& j) -> std::string {
        try {
            paper_from_json(j);
        } catch (const InvalidData& e) {
            return e.what();
        }
        return "accepted";
    };
    const nlohmann::json good = to_json(anfrage());
    const auto with = [&](const char* key, nlohmann::json value) {
        nlohmann::json j = good;
        j[key] = std::move(value);
        return j;
    };
    EXPECT_NE(message(nlohmann::json::array()).find("send an object"), std::string::npos);
    EXPECT_NE(message(with("titel", "x")).find("unknown member 'titel'"), std::string::npos);
    EXPECT_NE(message(with("submitted_at", "2025-01-06T09:00:00Z")).find("'submitted_at' is recorded by the paper lifecycle"),
              std::string::npos);
    EXPECT_NE(message(with("type", "Anfrge")).find("'type'"), std::string::npos);
    EXPECT_NE(message(with("title", 42)).find("'title' must be a string"), std::string::npos);
    EXPECT_NE(message(with("title", "")).find("needs a title"), std::string::npos);
    EXPECT_NE(message(with("date", "2025-02-30")).find("'date'"), std::string::npos);
    EXPECT_NE(message(with("related_papers", "14/1923")).find("list of references"), std::string::npos);
    nlohmann::json scheduled = good;
    scheduled["consultations"][0]["status"] = "scheduled";
    EXPECT_NE(message(scheduled).find("consultation 1: 'status' is recorded"), std::string::npos);
    nlohmann::json dated = good;
    dated["consultations"][0]["meeting_date"] = "2025-02-06";
    EXPECT_NE(message(dated).find("consultation 1: 'meeting_date' is recorded"), std::string::npos);
    nlohmann::json no_committee = good;
    no_committee["consultations"][0].erase("organization");
    EXPECT_NE(message(no_committee).find("needs a committee"), std::string::npos);
}

TEST_F(Json, APayloadObjectBecomesFieldsThatFireByName)
{
    const Fields f = fields_from_json(
        nlohmann::json{{"meeting_date", "2025-02-06"}, {"agenda_item", "9.2"}, {"count", 3}, {"public", true},
                       {"recipients", {"Jobcenter", "Jugendamt"}}, {"left_out", nullptr}},
        "schedule");
    EXPECT_EQ(f, (Fields{{"agenda_item", "9.2"}, {"count", "3"}, {"meeting_date", "2025-02-06"}, {"public", "true"},
                         {"recipients", "Jobcenter,Jugendamt"}}));
    EXPECT_TRUE(fields_from_json(nullptr, "submit").empty());

    EXPECT_THROW(fields_from_json(nlohmann::json::array({1, 2}), "answer"), InvalidData);
    EXPECT_THROW(fields_from_json(nlohmann::json{{"organization", {{"name", "Rat"}}}}, "schedule"), InvalidPayload);
    EXPECT_THROW(fields_from_json(nlohmann::json{{"recipients", {"Jobcenter, Jugendamt"}}}, "grant_consent"),
                 InvalidPayload);
    EXPECT_THROW(fields_from_json(nlohmann::json{{"recipients", {nlohmann::json::array()}}}, "grant_consent"),
                 InvalidPayload);
    // Each of these would read back as another list than was sent.
    for (const nlohmann::json& element : {nlohmann::json(""), nlohmann::json(" Jobcenter"), nlohmann::json("Jugendamt "),
                                          nlohmann::json(true)})
        EXPECT_THROW(fields_from_json(nlohmann::json{{"recipients", {"Jobcenter", element}}}, "grant_consent"),
                     InvalidPayload)
            << element;

    // Fired by name, the fields do what the typed event does.
    engine.create("14/1923", anfrage(), fraktion);
    engine.fire("14/1923", Submit{}, fraktion);
    engine.fire("14/1923", "schedule",
                fields_from_json(nlohmann::json{{"meeting_date", "2025-02-06"}, {"agenda_item", "9.2"}}, "schedule"),
                sitzungsdienst);
    EXPECT_EQ(engine.data("14/1923").consultations.at(0).agenda_item, "9.2");
}

// JSON back: what a client of kimflowd reads from an instance's `data` is the data the engine
// holds, member by member (every member set, so that none can be lost unnoticed).
Timestamp instant(const char* text) { return parse_timestamp(text); }

/// Whether @p written is tests/data/@p name, written by hand from the values the test sets, and
/// @p read takes that text whole (so the data round-trips): a member both writer and reader left
/// out would still round-trip, but not match the text.
template <class Data>
testing::AssertionResult as_written_by_hand(const nlohmann::json& written, const char* name,
                                            Data (*read)(const nlohmann::json&))
{
    const auto by_hand = nlohmann::json::parse(read_text(std::string(KIMFLOW_TESTS_DIR) + "/data/" + name));
    if (written != by_hand) return testing::AssertionFailure() << name << ", but to_json wrote " << written.dump(2);
    const nlohmann::json again = to_json(read(by_hand));
    if (again != by_hand) return testing::AssertionFailure() << name << " read and written: " << again.dump(2);
    return testing::AssertionSuccess();
}

TEST(JsonRead, APapersDataReadsBackWholeWithWhatItsLifecycleRecorded)
{
    Paper p;
    p.reference = "14/1923";
    p.type = PaperType::aenderungsantrag;
    p.title = "Zusammenarbeit der KI im Ruhrgebiet";
    p.date = parse_date("2025-01-06");
    p.originator = "Fraktion Die Linke";
    p.body = "Regionalverband Ruhr";
    p.related_papers = {"14/1900", "14/1923-1"};
    Consultation treated;
    treated.organization = "Ausschuss für Kultur, Sport und Vielfalt";
    treated.role = ConsultationRole::anhoerung;
    treated.authoritative = true;
    treated.status = ConsultationStatus::treated;
    treated.meeting_date = parse_date("2025-02-06");
    treated.agenda_item = "9.2";
    treated.result = "zur Kenntnis genommen";
    treated.source_id = "https://ris.example.org/oparl/consultation/7";
    Consultation planned;
    planned.organization = "Verbandsversammlung";
    planned.role = ConsultationRole::entscheidung;
    p.consultations = {treated, planned};
    p.type_name = "Änderungsantrag Fraktion";
    p.source = Source{"https://ris.example.org/oparl/paper/1", "https://ris.example.org/oparl", "1.1",
                      instant("2025-01-05T08:00:00.25Z")};
    p.submitted_at = instant("2025-01-06T08:00:00Z");
    p.answered_at = instant("2025-01-27T09:00:00.123456Z");
    p.answer_reference = "14/1923-1";
    p.current_consultation = 1;
    p.waiting_state = "answered";
    p.decided_at = instant("2025-02-07T10:00:00Z");
    p.completed_at = instant("2025-03-01T11:00:00Z");
    p.completion_note = "umgesetzt";
    p.withdrawal_reason = "erledigt durch Antwort";
    p.answer_overdue_at = instant("2025-01-20T00:00:00Z");
    p.resolutions = {ResolutionLink{"2025/1-1", ""}, ResolutionLink{"2025/1-2", "done"}};

    const Paper r = paper::paper_data_from_json(paper::to_json(p));
    EXPECT_EQ(r.reference, p.reference);
    EXPECT_EQ(r.type, p.type);
    EXPECT_EQ(r.title, p.title);
    EXPECT_EQ(r.date, p.date);
    EXPECT_EQ(r.originator, p.originator);
    EXPECT_EQ(r.body, p.body);
    EXPECT_EQ(r.related_papers, p.related_papers);
    ASSERT_EQ(r.consultations.size(), 2u);
    for (std::size_t i = 0; i < 2; ++i) {
        const Consultation &a = r.consultations[i], &b = p.consultations[i];
        EXPECT_EQ(a.organization, b.organization) << i;
        EXPECT_EQ(a.role, b.role) << i;
        EXPECT_EQ(a.authoritative, b.authoritative) << i;
        EXPECT_EQ(a.status, b.status) << i;
        EXPECT_EQ(a.meeting_date, b.meeting_date) << i;
        EXPECT_EQ(a.agenda_item, b.agenda_item) << i;
        EXPECT_EQ(a.result, b.result) << i;
        EXPECT_EQ(a.source_id, b.source_id) << i;
    }
    EXPECT_EQ(r.type_name, p.type_name);
    EXPECT_EQ(r.source.id, p.source.id);
    EXPECT_EQ(r.source.system, p.source.system);
    EXPECT_EQ(r.source.oparl_version, p.source.oparl_version);
    EXPECT_EQ(r.source.modified, p.source.modified);
    EXPECT_EQ(r.submitted_at, p.submitted_at);
    EXPECT_EQ(r.answered_at, p.answered_at) << "to the microsecond";
    EXPECT_EQ(r.answer_reference, p.answer_reference);
    EXPECT_EQ(r.current_consultation, p.current_consultation);
    EXPECT_EQ(r.waiting_state, "") << "to_json does not write it";
    EXPECT_EQ(r.decided_at, p.decided_at);
    EXPECT_EQ(r.completed_at, p.completed_at);
    EXPECT_EQ(r.completion_note, p.completion_note);
    EXPECT_EQ(r.withdrawal_reason, p.withdrawal_reason);
    EXPECT_EQ(r.answer_overdue_at, p.answer_overdue_at);
    ASSERT_EQ(r.resolutions.size(), 2u);
    EXPECT_TRUE(r.resolutions[0].id == "2025/1-1" && r.resolutions[0].open());
    EXPECT_TRUE(r.resolutions[1].id == "2025/1-2" && r.resolutions[1].outcome == "done");
    EXPECT_TRUE(as_written_by_hand(paper::to_json(p), "paper_data.json", paper::paper_data_from_json));

    // A paper with nothing recorded reads back with nothing recorded.
    Paper bare;
    bare.reference = "14/1924";
    bare.title = "Kurz";
    const Paper read = paper::paper_data_from_json(paper::to_json(bare));
    EXPECT_FALSE(read.date || read.submitted_at || read.current_consultation || read.source.modified);
    EXPECT_TRUE(read.consultations.empty() && read.resolutions.empty() && read.source.empty());
    EXPECT_EQ(paper::to_json(read), paper::to_json(bare));
}

TEST(JsonRead, ACasesDataReadsBackWhole)
{
    kim::KimCase c;
    c.kommune = "Castrop-Rauxel";
    c.kreis = "Kreis Recklinghausen";
    c.traeger = "Caritas";
    c.manager = "mkoch";
    c.goals = {"Sprachkurs B1", ""};
    c.referrals = {kim::Referral{"Jobcenter Kreis Recklinghausen", kim::Rechtskreis::sgb2,
                                 instant("2025-03-01T11:00:00Z"), instant("2025-03-03T12:00:00.5Z")},
                   kim::Referral{"Ausländerbehörde", kim::Rechtskreis::aufenthg, instant("2025-03-01T11:30:00Z"),
                                 std::nullopt}};
    c.consent.recipients = {"Jobcenter Kreis Recklinghausen", "Ausländerbehörde"};
    c.consent.purpose = "Arbeit und Aufenthalt";
    c.consent.granted_at = instant("2025-03-01T09:00:00Z");
    c.consent.withdrawn_at = instant("2025-04-01T09:00:00Z");
    c.consent.changed_at = instant("2025-03-01T10:00:00Z");
    kim::FollowUp done;
    done.date = parse_date("2025-03-05");
    done.set_at = instant("2025-03-03T12:00:00Z");
    done.subject = "Jobcenter";
    done.done_at = instant("2025-03-04T15:00:00Z");
    done.closed_with_case = true;
    done.fell_due_at = instant("2025-03-05T00:05:00Z");
    kim::FollowUp open;
    open.date = parse_date("2025-03-10");
    open.set_at = instant("2025-03-03T12:00:01Z");
    c.follow_ups = {done, open};
    c.closure_reason = kim::ClosureReason::transferred_to_regular_services;
    c.note = "übergeleitet";
    c.paused_from = "monitoring";
    c.phases = {kim::PhaseChange{"intake", instant("2025-03-01T09:00:00Z"), std::nullopt},
                kim::PhaseChange{"closed", instant("2025-04-01T09:00:00Z"), kim::ClosureReason::moved_away}};

    const kim::KimCase r = kim::case_from_json(kim::to_json(c));
    EXPECT_EQ(r.kommune, c.kommune);
    EXPECT_EQ(r.kreis, c.kreis);
    EXPECT_EQ(r.traeger, c.traeger);
    EXPECT_EQ(r.manager, c.manager);
    EXPECT_EQ(r.goals, c.goals) << "an erased goal stays an empty one";
    ASSERT_EQ(r.referrals.size(), 2u);
    for (std::size_t i = 0; i < 2; ++i) {
        EXPECT_EQ(r.referrals[i].recipient, c.referrals[i].recipient) << i;
        EXPECT_EQ(r.referrals[i].rechtskreis, c.referrals[i].rechtskreis) << i;
        EXPECT_EQ(r.referrals[i].at, c.referrals[i].at) << i;
        EXPECT_EQ(r.referrals[i].completed_at, c.referrals[i].completed_at) << i;
    }
    EXPECT_EQ(r.consent.recipients, c.consent.recipients);
    EXPECT_EQ(r.consent.purpose, c.consent.purpose);
    EXPECT_EQ(r.consent.granted_at, c.consent.granted_at);
    EXPECT_EQ(r.consent.withdrawn_at, c.consent.withdrawn_at);
    EXPECT_EQ(r.consent.changed_at, c.consent.changed_at);
    ASSERT_EQ(r.follow_ups.size(), 2u);
    for (std::size_t i = 0; i < 2; ++i) {
        const kim::FollowUp &a = r.follow_ups[i], &b = c.follow_ups[i];
        EXPECT_EQ(a.date, b.date) << i;
        EXPECT_EQ(a.set_at, b.set_at) << i;
        EXPECT_EQ(a.subject, b.subject) << i;
        EXPECT_EQ(a.done_at, b.done_at) << i;
        EXPECT_EQ(a.closed_with_case, b.closed_with_case) << i;
        EXPECT_EQ(a.fell_due_at, b.fell_due_at) << i;
    }
    EXPECT_EQ(r.closure_reason, c.closure_reason);
    EXPECT_EQ(r.note, c.note);
    EXPECT_EQ(r.paused_from, c.paused_from);
    ASSERT_EQ(r.phases.size(), 2u);
    for (std::size_t i = 0; i < 2; ++i) {
        EXPECT_EQ(r.phases[i].phase, c.phases[i].phase) << i;
        EXPECT_EQ(r.phases[i].at, c.phases[i].at) << i;
        EXPECT_EQ(r.phases[i].reason, c.phases[i].reason) << i;
    }
    EXPECT_TRUE(as_written_by_hand(kim::to_json(c), "case_data.json", kim::case_from_json));

    const kim::KimCase empty = kim::case_from_json(kim::to_json(kim::KimCase{}));
    EXPECT_EQ(kim::to_json(empty), kim::to_json(kim::KimCase{}));
    EXPECT_FALSE(empty.closure_reason);
}

TEST(JsonRead, AResolutionsDataReadsBackWhole)
{
    resolution::Resolution res;
    res.paper = "2021/123";
    res.office = "FB 5 Soziales";
    res.task = "Bericht über den Stand von KIM";
    res.due = parse_date("2021-06-30");
    res.committee = "Sozialausschuss";
    res.body = "Rat der Stadt";
    res.decided_on = parse_date("2021-03-18");
    res.original_due = parse_date("2021-05-31");
    res.started_at = instant("2021-04-01T08:00:00Z");
    res.reports = {resolution::ProgressReport{instant("2021-05-02T09:00:00Z"), "Entwurf liegt vor",
                                              "Personalmangel", parse_date("2021-06-30")},
                   resolution::ProgressReport{instant("2021-06-02T09:00:00.75Z"), "in Abstimmung", "", std::nullopt}};
    res.extensions = {resolution::Extension{instant("2021-05-03T10:00:00Z"), parse_date("2021-05-31"),
                                            parse_date("2021-06-30"), "Förderbescheid fehlt"}};
    res.overdue_for = parse_date("2021-05-31");
    res.overdue_since = instant("2021-06-01T00:00:05Z");
    res.done_at = instant("2021-07-01T12:00:00Z");
    res.completion_note = "berichtet im Ausschuss";
    res.dropped_at = instant("2021-07-02T12:00:00Z");
    res.drop_reason = "entfällt";

    const resolution::Resolution r = resolution::resolution_from_json(resolution::to_json(res));
    EXPECT_EQ(r.paper, res.paper);
    EXPECT_EQ(r.office, res.office);
    EXPECT_EQ(r.task, res.task);
    EXPECT_EQ(r.due, res.due);
    EXPECT_EQ(r.committee, res.committee);
    EXPECT_EQ(r.body, res.body);
    EXPECT_EQ(r.decided_on, res.decided_on);
    EXPECT_EQ(r.original_due, res.original_due);
    EXPECT_EQ(r.started_at, res.started_at);
    ASSERT_EQ(r.reports.size(), 2u);
    for (std::size_t i = 0; i < 2; ++i) {
        EXPECT_EQ(r.reports[i].at, res.reports[i].at) << i;
        EXPECT_EQ(r.reports[i].text, res.reports[i].text) << i;
        EXPECT_EQ(r.reports[i].delay_reason, res.reports[i].delay_reason) << i;
        EXPECT_EQ(r.reports[i].new_due, res.reports[i].new_due) << i;
    }
    ASSERT_EQ(r.extensions.size(), 1u);
    const resolution::Extension &e = r.extensions[0], &f = res.extensions[0];
    EXPECT_TRUE(e.at == f.at && e.from == f.from && e.to == f.to && e.reason == f.reason);
    EXPECT_EQ(r.overdue_for, res.overdue_for);
    EXPECT_EQ(r.overdue_since, res.overdue_since);
    EXPECT_EQ(r.done_at, res.done_at);
    EXPECT_EQ(r.completion_note, res.completion_note);
    EXPECT_EQ(r.dropped_at, res.dropped_at);
    EXPECT_EQ(r.drop_reason, res.drop_reason);
    EXPECT_TRUE(as_written_by_hand(resolution::to_json(res), "resolution_data.json", resolution::resolution_from_json));
    EXPECT_EQ(r.delay_reason(), res.delay_reason());
}

// An instance's data read back from an engine's JSON is the engine's data.
TEST_F(JsonKimCase, AnEnginesCaseReadsBackAsTheEngineHoldsIt)
{
    using namespace kim_test;
    bring("K-1", "linking");
    at("2025-03-01T11:00:00Z");
    engine.fire("K-1", kim::Refer{kJobcenter, Rechtskreis::sgb2}, caritas);
    engine.fire("K-1", kim::FollowUpOn{parse_date("2025-03-20"), "Jobcenter"}, caritas);
    const kim::KimCase read = kim::case_from_json(to_json(engine, "K-1")["data"]);
    EXPECT_EQ(kim::to_json(read), kim::to_json(engine.data("K-1")));
    EXPECT_EQ(read.next_follow_up(), parse_date("2025-03-20"));
}

TEST(JsonRead, WhatCannotBeReadIsRefusedNamingWhere)
{
    const auto message = [](auto read, const nlohmann::json& j) -> std::string {
        try {
            read(j);
        } catch (const InvalidData& e) {
            return e.what();
        }
        return "accepted";
    };
    const auto read_case = [](const nlohmann::json& j) { return kim::case_from_json(j); };
    const auto read_paper = [](const nlohmann::json& j) { return paper::paper_data_from_json(j); };
    const auto read_resolution = [](const nlohmann::json& j) { return resolution::resolution_from_json(j); };
    EXPECT_EQ(message(read_case, nlohmann::json::array()), "case JSON: must be an object, not array");
    EXPECT_EQ(message(read_case, {{"goals", "Sprachkurs"}}), "case JSON: goals: must be a list, not string");
    EXPECT_NE(message(read_case, {{"follow_ups", {{{"date", "2025-02-30"}, {"set_at", "2025-02-01T00:00:00Z"}}}}})
                  .find("case JSON: follow_ups[0].date: "),
              std::string::npos);
    EXPECT_NE(message(read_case, {{"referrals", {{{"recipient", "X"}, {"rechtskreis", "SGB 99"}, {"at", "2025-02-01"}}}}})
                  .find("case JSON: referrals[0].rechtskreis: 'SGB 99' is not one of"),
              std::string::npos);
    EXPECT_EQ(message(read_case, {{"kommune", 7}}), "case JSON: kommune: must be a string, not number");
    EXPECT_EQ(message(read_case, {{"kommune", "Marl"}, {"added_later", {1, 2}}}), "accepted") << "unknown members are ignored";
    EXPECT_NE(message(read_paper, {{"type", "Anfrge"}}).find("paper JSON: type: "), std::string::npos);
    EXPECT_EQ(message(read_paper, {{"current_consultation", 0}}),
              "paper JSON: current_consultation: must be the index of one of the consultations");
    EXPECT_NE(message(read_resolution, {{"paper", "1"}}).find("resolution JSON: due: is missing"), std::string::npos);
}

}  // namespace
