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

}  // namespace
