// Tests of OParl export (kimflow/io/oparl.hpp): what export writes, and that every exported
// object validates against the official OParl 1.1 schemas (with tests/oparl/validate.py). The
// papers in every state it exports come from oparl_export_fixture.hpp.
#include <sys/wait.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include <kimflow/io/oparl.hpp>

#include "oparl_export_fixture.hpp"
#include "temp_file.hpp"
#include "test_data.hpp"

namespace {

using namespace oparl_export_fixture;

const std::string kValidator = std::string(KIMFLOW_TESTS_DIR) + "/oparl/validate.py";

void write_text(const std::string& path, const std::string& text) { std::ofstream(path, std::ios::binary) << text; }

const json& paper_named(const oparl::Export& e, const std::string& reference)
{
    for (const auto& p : e.papers)
        if (p.at("reference") == reference) return p;
    throw std::runtime_error("no exported paper " + reference);
}

/// Fails for every null, empty text, empty list or empty object in @p j.
void expect_nothing_empty(const json& j, const std::string& path = "$")
{
    EXPECT_FALSE(j.is_null()) << path;
    EXPECT_FALSE(j.is_string() && j.get<std::string>().empty()) << path;
    EXPECT_FALSE((j.is_array() || j.is_object()) && j.empty()) << path;
    if (j.is_object())
        for (const auto& [key, value] : j.items()) expect_nothing_empty(value, path + "." + key);
    if (j.is_array())
        for (std::size_t i = 0; i < j.size(); ++i) expect_nothing_empty(j[i], path + "[" + std::to_string(i) + "]");
}

// ------------------------------------------------------------------------------ export

class OparlExport : public ::testing::Test {
protected:
    Council council;
    oparl::Export exported;
    void SetUp() override
    {
        build_every_state(council);
        exported = oparl::export_papers(council.engine, {kBase});
    }
};

TEST_F(OparlExport, EveryPaperInEveryStateIsExportedSortedByReference)
{
    std::vector<std::string> refs, states;
    for (const auto& p : exported.papers) {
        refs.push_back(p.at("reference"));
        states.push_back(p.at("kimflow:state"));
    }
    EXPECT_EQ(refs, kEveryState);
    for (const char* state : {"draft", "submitted", "answered", "on_agenda", "acknowledged", "decided", "rejected",
                              "withdrawn", "completed"})
        EXPECT_NE(std::find(states.begin(), states.end(), state), states.end()) << state;
}

TEST_F(OparlExport, APaperSaysWhatOParlCanSayAndTheRestAsKimflowExtensions)
{
    const json& p = paper_named(exported, "14/1923");
    const std::string org = kBase + "/organization/";
    const std::string meeting = kBase + "/meeting/2025-02-06-ausschuss-fuer-kultur-sport-und-vielfalt";
    EXPECT_EQ(p.at("id"), kBase + "/paper/14%2F1923");
    EXPECT_EQ(p.at("type"), "https://schema.oparl.org/1.1/Paper");
    EXPECT_EQ(p.at("name"), "Zusammenarbeit der Kommunalen Integrationszentren im Ruhrgebiet");
    EXPECT_EQ(p.at("date"), "2025-01-06");
    EXPECT_EQ(p.at("paperType"), "Anfrage");
    EXPECT_EQ(p.at("relatedPaper"), json::array({kBase + "/paper/14%2F1923-1"}));
    EXPECT_EQ(p.at("originatorOrganization"), json::array({org + "fraktion-die-linke"}));
    EXPECT_EQ(p.at("body"), org + "regionalverband-ruhr");
    EXPECT_EQ(p.at("created"), "2025-01-06T09:00:00Z");   // the first transition
    EXPECT_EQ(p.at("modified"), "2025-02-06T18:00:00Z");  // the last
    ASSERT_EQ(p.at("consultation").size(), 1u);
    const json& c = p.at("consultation")[0];
    EXPECT_EQ(c.at("id"), kBase + "/paper/14%2F1923/consultation/1");
    EXPECT_EQ(c.at("type"), "https://schema.oparl.org/1.1/Consultation");
    EXPECT_EQ(c.at("paper"), p.at("id"));
    EXPECT_EQ(c.at("organization"), json::array({org + "ausschuss-fuer-kultur-sport-und-vielfalt"}));
    EXPECT_EQ(c.at("role"), "Kenntnisnahme");
    EXPECT_EQ(c.at("authoritative"), false);
    EXPECT_EQ(c.at("meeting"), meeting);
    EXPECT_EQ(c.at("agendaItem"), meeting + "/agendaItem/5");  // TOPs 2, 4, 7, 9.1, 9.2, …
    EXPECT_EQ(p.at("kimflow:state"), "acknowledged");
    EXPECT_EQ(p.at("kimflow:submittedAt"), "2025-01-06T09:00:00Z");
    EXPECT_EQ(p.at("kimflow:answerReference"), "14/1923-1");
    EXPECT_EQ(p.at("kimflow:answeredAt"), "2025-01-27T10:00:00Z");
    EXPECT_FALSE(p.contains("deleted"));

    EXPECT_EQ(paper_named(exported, "14/2005").at("kimflow:withdrawalReason"), "Die Vorlage wird überarbeitet");
    EXPECT_EQ(paper_named(exported, "14/2005").at("kimflow:state"), "withdrawn");
    EXPECT_FALSE(paper_named(exported, "14/2005").contains("deleted"));  // withdrawn is a state
    EXPECT_EQ(paper_named(exported, "14/2003").at("kimflow:completionNote"),
              "Bericht im Ausschuss am 15.05.2025 erstattet");
    EXPECT_EQ(paper_named(exported, "14/2001-1").at("paperType"), "Änderungsantrag");
}

TEST_F(OparlExport, EmptyFieldsAreLeftOut)
{
    for (const auto* part : {&exported.papers, &exported.meetings, &exported.organizations})
        for (const auto& object : *part) expect_nothing_empty(object);
    const json& draft = paper_named(exported, "14/0001");
    EXPECT_EQ(draft.at("kimflow:state"), "draft");
    EXPECT_EQ(draft.at("created"), "2025-01-06T09:00:00Z");  // no transition: the creation time
    EXPECT_EQ(draft.at("modified"), draft.at("created"));
    EXPECT_FALSE(draft.contains("kimflow:submittedAt"));
    EXPECT_FALSE(draft.at("consultation")[0].contains("meeting"));
    EXPECT_FALSE(draft.at("consultation")[0].contains("agendaItem"));
    const json& report = paper_named(exported, "B-2025/07");
    for (const char* key : {"date", "originatorOrganization", "body", "relatedPaper", "consultation",
                            "kimflow:answerReference", "kimflow:withdrawalReason", "kimflow:completionNote"})
        EXPECT_FALSE(report.contains(key)) << key;
}

TEST_F(OparlExport, OneMeetingPerCommitteeAndDayWithItsAgendaInTopOrder)
{
    std::vector<std::string> ids;
    for (const auto& m : exported.meetings) ids.push_back(m.at("id"));
    const std::string m = kBase + "/meeting/";
    EXPECT_EQ(ids,
              (std::vector<std::string>{
                  m + "2025-02-06-ausschuss-fuer-kultur-sport-und-vielfalt", m + "2025-02-13-ausschuss-fuer-umwelt",
                  m + "2025-03-06-ausschuss-fuer-kultur-sport-und-vielfalt", m + "2025-03-20-verbandsversammlung",
                  m + "2025-04-10-hauptausschuss", m + "2025-05-08-verbandsversammlung"}));
    const json& kultur = exported.meetings.at(0);
    EXPECT_EQ(kultur.at("type"), "https://schema.oparl.org/1.1/Meeting");
    EXPECT_EQ(kultur.at("name"), "Sitzung Ausschuss für Kultur, Sport und Vielfalt, 2025-02-06");
    EXPECT_EQ(kultur.at("start"), "2025-02-06T00:00:00Z");
    EXPECT_EQ(kultur.at("organization"),
              json::array({kBase + "/organization/ausschuss-fuer-kultur-sport-und-vielfalt"}));
    EXPECT_EQ(kultur.at("meetingState"), "durchgeführt");
    std::vector<std::string> tops;
    int order = 0;
    for (const auto& item : kultur.at("agendaItem")) {
        tops.push_back(item.at("number"));
        EXPECT_EQ(item.at("order"), ++order);
        EXPECT_EQ(item.at("meeting"), kultur.at("id"));
        EXPECT_EQ(item.at("id"), kultur.at("id").get<std::string>() + "/agendaItem/" + std::to_string(order));
    }
    EXPECT_EQ(tops,
              (std::vector<std::string>{"2", "4", "7", "9.1", "9.2", "9.3", "9.3", "9.3", "9.3.1", "10.1", "12"}));
    const json& item = kultur.at("agendaItem")[4];  // TOP 9.2: the seeds' Anfrage
    EXPECT_EQ(item.at("name"), "Zusammenarbeit der Kommunalen Integrationszentren im Ruhrgebiet");
    EXPECT_EQ(item.at("consultation"), kBase + "/paper/14%2F1923/consultation/1");
    EXPECT_EQ(item.at("result"), "zur Kenntnis genommen");
    EXPECT_FALSE(kultur.at("agendaItem")[9].contains("result"));  // TOP 10.1 is still on the agenda
    EXPECT_EQ(kultur.at("agendaItem")[1].at("result"), "zurückgezogen");
    EXPECT_EQ(kultur.at("agendaItem")[2].at("result"), "vertagt");
}

TEST_F(OparlExport, OrganizationsNameEveryCommitteeOriginatorAndBody)
{
    std::vector<std::string> names;
    for (const auto& o : exported.organizations) {
        names.push_back(o.at("name"));
        EXPECT_EQ(o.at("type"), "https://schema.oparl.org/1.1/Organization");
        EXPECT_EQ(o.size(), 3u);  // id, type, name
    }
    std::sort(names.begin(), names.end());
    EXPECT_EQ(names, (std::vector<std::string>{kAusschuss, kUmwelt, "Fraktion Die Linke", kHaupt,
                                               "Regionalverband Ruhr", "SPD-Fraktion", kRat}));
}

TEST(OparlExportNames, NamesThatShareASlugGetDistinctIds)
{
    Council c;
    Paper a = paper_test::anfrage("1");
    a.originator = "SPD Fraktion";
    Paper b = paper_test::anfrage("2");
    b.originator = "SPD-Fraktion";
    c.engine.create("1", a, fraktion);
    c.engine.create("2", b, fraktion);
    const auto e = oparl::export_papers(c.engine);
    const auto first = paper_named(e, "1").at("originatorOrganization")[0];
    const auto second = paper_named(e, "2").at("originatorOrganization")[0];
    EXPECT_NE(first, second);
    EXPECT_EQ(first.get<std::string>().rfind("https://kimflow.invalid/oparl/organization/spd-fraktion-", 0), 0u);
}

TEST_F(OparlExport, WriteExportWritesOneSafelyNamedFilePerObject)
{
    TempDir dir("kimflow-oparl");
    const auto written = oparl::write_export(exported, dir / "out");
    EXPECT_EQ(written.size(), exported.papers.size() + exported.meetings.size() + exported.organizations.size());
    std::vector<std::string> names;
    for (const auto& path : written) {
        names.push_back(fs::path(path).filename().string());
        EXPECT_EQ(json::parse(read_text(path)).at("type").get<std::string>().rfind("https://schema.oparl.org/1.1/", 0),
                  0u);
    }
    EXPECT_NE(std::find(names.begin(), names.end(), "paper-14_1923.json"), names.end());
    EXPECT_NE(std::find(names.begin(), names.end(), "paper-B-2025_07.json"), names.end());
    EXPECT_NE(std::find(names.begin(), names.end(), "meeting-2025-02-06-ausschuss-fuer-kultur-sport-und-vielfalt.json"),
              names.end());
    EXPECT_NE(std::find(names.begin(), names.end(), "organization-fraktion-die-linke.json"), names.end());
    EXPECT_EQ(json::parse(read_text(dir / "out/paper-14_1923.json")), paper_named(exported, "14/1923"));
    EXPECT_NE(read_text(dir / "out/paper-14_1923.json").find("\n  \""), std::string::npos);  // pretty-printed

    const json list = oparl::as_list(exported);
    ASSERT_EQ(list.size(), 1u);
    EXPECT_EQ(list.at("data").size(), written.size());
    EXPECT_EQ(list.at("data")[0], exported.papers[0]);
}

// ------------------------------------------------------------------------------ schemas

/// Runs validate.py on @p paths; returns its exit status and puts its output in @p output.
int validate(const std::vector<std::string>& paths, std::string* output = nullptr)
{
    TempFile log("validate");
    std::string command = "/usr/bin/python3 '" + kValidator + "' '" + kShared + "/oparl/schema'";
    for (const auto& p : paths) command += " '" + p + "'";
    const int status = std::system((command + " > '" + log.path() + "' 2>&1").c_str());
    if (output) *output = read_text(log.path());
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/// Skips the test unless the OParl schemas and Debian's python3-jsonschema are there.
#define SKIP_WITHOUT_VALIDATOR()                                                                              \
    do {                                                                                                      \
        if (!fs::exists(kShared + "/oparl/schema/Paper.json"))                                                \
            KIMFLOW_SKIP_WITHOUT("the OParl schemas are not in " << kShared                              \
                                 << "/oparl/schema; set KIMFLOW_SHARED_DIR to the shared folder");       \
        if (std::system("/usr/bin/python3 -c 'import jsonschema' > /dev/null 2>&1") != 0)                     \
            KIMFLOW_SKIP_WITHOUT("/usr/bin/python3 cannot import jsonschema; install python3-jsonschema"); \
    } while (false)

TEST(OparlSchema, EveryExportedObjectValidatesAgainstItsSchema)
{
    SKIP_WITHOUT_VALIDATOR();
    Council council;
    build_every_state(council);
    const auto exported = oparl::export_papers(council.engine, {kBase});
    TempDir dir("kimflow-oparl");
    oparl::write_export(exported, dir / "files");
    write_text(dir / "list.json", oparl::as_list(exported).dump(2));
    std::string output;
    EXPECT_EQ(validate({dir / "files", dir / "list.json"}, &output), 0) << output;
}

TEST(OparlSchema, WhatWasImportedFromARisExportsValidWithItsSourceAsExtensions)
{
    SKIP_WITHOUT_VALIDATOR();
    Council council;
    std::vector<oparl::ImportSource> sources;
    for (const char* name : {"sessionnet-rabenfeld", "sdnet-rurtal", "allris-kirchau"})
        sources.push_back({name, read_text(kFixtures + "/ris/" + name + ".json")});
    const auto result = oparl::import_papers(council.engine, sources, importer);
    ASSERT_GE(result.created.size(), 18u);
    const auto exported = oparl::export_papers(council.engine, {kBase});
    std::size_t with_source = 0;
    for (const auto& p : exported.papers) with_source += p.contains("kimflow:source") ? 1 : 0;
    EXPECT_EQ(with_source, result.created.size());
    TempDir dir("kimflow-oparl");
    write_text(dir / "list.json", oparl::as_list(exported).dump(2));
    std::string output;
    EXPECT_EQ(validate({dir / "list.json"}, &output), 0) << output;
}

TEST(OparlSchema, TheHandWrittenFixturesAreValidOParl)
{
    SKIP_WITHOUT_VALIDATOR();
    std::string output;
    // (The corpus in oparl/ris/ reproduces real RIS output, quirks and OParl 1.0 included: it is
    // not valid OParl 1.1, on purpose.)
    EXPECT_EQ(validate({kFixtures + "/ratsinfo.json"}, &output), 0) << output;
}

TEST(OparlSchema, TheValidatorFindsErrorsInNestedObjects)
{
    SKIP_WITHOUT_VALIDATOR();
    TempDir dir("kimflow-oparl");
    // An agenda item without its required `order`, nested in a meeting: only the explicit
    // validation of nested objects sees it (the official example has this very gap).
    write_text(dir / "meeting.json",
               R"({"id": "https://x.example/meeting/1", "type": "https://schema.oparl.org/1.1/Meeting",
        "agendaItem": [{"id": "https://x.example/item/1", "type": "https://schema.oparl.org/1.1/AgendaItem",
                        "number": "1"}]})");
    std::string output;
    EXPECT_EQ(validate({dir / "meeting.json"}, &output), 1) << output;
    EXPECT_NE(output.find("$.agendaItem[0]: 'order' is a required property"), std::string::npos) << output;

    write_text(dir / "paper.json",
               R"({"data": [{"id": "https://x.example/paper/1", "type": "https://schema.oparl.org/1.1/Paper",
        "name": 5, "consultation": [{"id": "https://x.example/c/1", "type": "https://schema.oparl.org/1.1/Consultation",
        "authoritative": "ja"}]}]})");
    EXPECT_EQ(validate({dir / "paper.json"}, &output), 1) << output;
    EXPECT_NE(output.find("$.data[0].name: 5 is not of type 'string'"), std::string::npos) << output;
    EXPECT_NE(output.find("$.data[0].consultation[0].authoritative"), std::string::npos) << output;

    EXPECT_EQ(validate({kShared + "/oparl/examples/Meeting-01.json"}, &output), 1) << output;
    EXPECT_EQ(validate({kShared + "/oparl/examples/Paper-01.json"}, &output), 0) << output;
    EXPECT_EQ(validate({dir / "missing.json"}, &output), 2) << output;
}

}  // namespace
