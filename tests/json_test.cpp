// kimflow/io/json.hpp: instances and their data as JSON, as kimctl --json and hosts read them.
#include <gtest/gtest.h>

#include "kim_fixture.hpp"
#include "paper_fixture.hpp"

#include <kimflow/io/json.hpp>

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

}  // namespace
