// Tests of OParl export and import (kimflow/io/oparl.hpp): what export writes, that every
// exported object validates against the official OParl 1.1 schemas, how import derives a
// paper's state from the data, and that a round trip keeps every paper as it was.
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include <kimflow/io/oparl.hpp>
#include <kimflow/store/sqlite_store.hpp>

#include "paper_fixture.hpp"
#include "temp_file.hpp"

namespace {

using namespace kimflow;
using namespace kimflow::paper;
using nlohmann::json;
using paper_test::fraktion;
using paper_test::kAusschuss;
using paper_test::kRat;
using paper_test::sitzungsdienst;
using paper_test::verwaltung;
namespace fs = std::filesystem;

const std::string kShared = KIMFLOW_SHARED_DIR;
const std::string kValidator = std::string(KIMFLOW_TESTS_DIR) + "/oparl/validate.py";
const std::string kFixtures = std::string(KIMFLOW_TESTS_DIR) + "/oparl";
const std::string kBase = "https://ratsinfo.example.org/oparl";
const std::string kUmwelt = "Ausschuss für Umwelt";
const std::string kHaupt = "Hauptausschuss";
const Actor importer{"oparl-import", "sitzungsdienst", "Regionalverband Ruhr"};

void write_text(const std::string& path, const std::string& text) { std::ofstream(path, std::ios::binary) << text; }

/// The files of @p dir (or the one file @p path) as import sources, sorted by name.
std::vector<oparl::ImportSource> sources_from(const std::string& path)
{
    std::vector<std::string> files;
    if (fs::is_directory(path)) {
        for (const auto& entry : fs::directory_iterator(path))
            if (entry.path().extension() == ".json") files.push_back(entry.path().string());
    } else {
        files.push_back(path);
    }
    std::sort(files.begin(), files.end());
    std::vector<oparl::ImportSource> out;
    for (const auto& f : files) out.push_back({f, read_text(f)});
    return out;
}

/// A council's paper engine on a SQLite file of its own, with a manual clock.
struct Council {
    TempFile file{"oparl"};
    std::shared_ptr<ManualClock> clock = std::make_shared<ManualClock>(parse_timestamp("2025-01-06T09:00:00Z"));
    PaperEngine engine{PaperConfig{}, clock, std::make_shared<SqliteStore>(file.path())};

    void at(const char* when) { clock->set(parse_timestamp(when)); }

    Fired schedule(const std::string& ref, const std::string& committee, const char* day, const std::string& top,
                   bool urgent = false)
    {
        Schedule s;
        s.organization = committee;
        s.meeting_date = parse_date(day);
        s.agenda_item = top;
        s.urgent = urgent;
        return engine.fire(ref, s, sitzungsdienst);
    }

    oparl::ImportResult import(const std::vector<oparl::ImportSource>& sources, bool strict = false)
    {
        oparl::ImportOptions options;
        options.strict = strict;
        return oparl::import_papers(engine, sources, importer, options);
    }
};

template <class E>
E with_result(const std::string& text)
{
    E e;
    e.result = text;
    return e;
}

Paper paper_of(PaperType type, const std::string& ref, std::vector<Consultation> consultations)
{
    Paper p = paper_test::antrag(ref);
    p.type = type;
    p.date = parse_date("2025-01-06");
    p.consultations = std::move(consultations);
    return p;
}

/// Papers in every state of the lifecycle, with times as a council would have them.
void build_every_state(Council& c)
{
    auto& e = c.engine;
    const Consultation kultur_info{kAusschuss, ConsultationRole::kenntnisnahme};
    const Consultation kultur_vorberatung{kAusschuss, ConsultationRole::vorberatung};
    const Consultation rat_decides{kRat, ConsultationRole::entscheidung, true};

    // Created on 6 January.
    c.at("2025-01-06T09:00:00Z");
    e.create("14/0001", paper_test::anfrage("14/0001"), fraktion);  // stays a draft
    e.create("14/0002", paper_test::antrag("14/0002"), fraktion);   // withdrawn as a draft
    for (const char* ref : {"14/1923", "14/1930", "14/1931", "14/1932"})
        e.create(ref, paper_test::anfrage(ref), fraktion);
    Paper two_steps = paper_test::anfrage("14/1940");
    two_steps.consultations.push_back({kRat, ConsultationRole::kenntnisnahme});
    e.create("14/1940", two_steps, fraktion);
    for (const char* ref : {"14/2001", "14/2002", "14/2003", "14/2004"})
        e.create(ref, paper_test::antrag(ref), fraktion);
    e.create("14/2005", paper_of(PaperType::mitteilungsvorlage, "14/2005", {kultur_info}), verwaltung);
    e.create("14/2006", paper_of(PaperType::beschlussvorlage, "14/2006", {kultur_vorberatung, rat_decides}),
             verwaltung);
    e.create("14/2007", paper_of(PaperType::antrag, "14/2007", {{kUmwelt, ConsultationRole::entscheidung}}), fraktion);
    e.create("14/2008",
             paper_of(PaperType::mitteilungsvorlage, "14/2008", {kultur_info, {kRat, ConsultationRole::kenntnisnahme}}),
             verwaltung);
    Paper amendment = paper_of(PaperType::aenderungsantrag, "14/2001-1", {kultur_vorberatung, rat_decides});
    amendment.related_papers = {"14/2001"};
    e.create("14/2001-1", amendment, fraktion);
    Paper report;  // no date, originator, body or Beratungsfolge: those fields are left out
    report.reference = "B-2025/07";
    report.type = PaperType::bericht;
    report.title = "Jahresbericht Kommunales Integrationsmanagement";
    e.create("B-2025/07", report, verwaltung);

    for (const char* ref : {"14/1923", "14/1930", "14/1932", "14/1940", "14/2001", "14/2002", "14/2003", "14/2004",
                            "14/2005", "14/2006", "14/2007", "14/2008", "14/2001-1", "B-2025/07"})
        e.fire(ref, Submit{}, fraktion);
    c.at("2025-01-07T10:00:00Z");
    e.fire("14/0002", Withdraw{"Fraktion zieht den Entwurf zurück"}, fraktion);
    c.at("2025-01-10T09:00:00Z");
    e.fire("14/1931", Submit{}, fraktion);  // waits for its answer
    c.schedule("14/1932", kAusschuss, "2025-02-06", "10.1");
    c.at("2025-01-20T11:00:00Z");
    e.fire("14/1930", Answer{"14/1930-1"}, verwaltung);  // answered, not yet on an agenda
    e.fire("14/1940", Answer{"14/1940-1"}, verwaltung);
    e.fire("14/2004", Withdraw{"Erledigt durch Verwaltungshandeln"}, fraktion);
    c.at("2025-01-27T10:00:00Z");
    e.fire("14/1923", Answer{"14/1923-1"}, verwaltung);
    c.schedule("14/2007", kUmwelt, "2025-02-13", "11");
    c.at("2025-01-28T08:00:00Z");
    c.schedule("14/1923", kAusschuss, "2025-02-06", "9.2");
    c.schedule("14/1940", kAusschuss, "2025-02-06", "9.1");
    for (const char* ref : {"14/2001", "14/2002", "14/2003"}) c.schedule(ref, kAusschuss, "2025-02-06", "9.3");
    c.schedule("14/2005", kAusschuss, "2025-02-06", "4");
    c.schedule("14/2006", kAusschuss, "2025-02-06", "7");
    c.schedule("14/2008", kAusschuss, "2025-02-06", "12");
    c.schedule("14/2001-1", kAusschuss, "2025-02-06", "9.3.1");
    c.at("2025-02-05T12:00:00Z");
    e.fire("14/2005", Withdraw{"Die Vorlage wird überarbeitet"}, verwaltung);

    // The Ausschuss meets on 6 February.
    c.at("2025-02-06T18:00:00Z");
    e.fire("14/1923", Acknowledge{}, sitzungsdienst);
    e.fire("14/1940", with_result<Acknowledge>("einstimmig zur Kenntnis genommen"), sitzungsdienst);
    for (const char* ref : {"14/2001", "14/2002", "14/2003"}) e.fire(ref, Recommend{}, sitzungsdienst);
    e.fire("14/2001-1", with_result<Recommend>("mehrheitlich empfohlen"), sitzungsdienst);
    e.fire("14/2006", Postpone{}, sitzungsdienst);
    e.fire("14/2008", Postpone{}, sitzungsdienst);
    c.at("2025-02-07T09:00:00Z");
    c.schedule("14/2006", kAusschuss, "2025-03-06", "3");
    for (const char* ref : {"14/2001", "14/2002", "14/2003"}) c.schedule(ref, kRat, "2025-03-20", "5");
    c.schedule("14/2001-1", kRat, "2025-03-20", "5.1");
    // A Dringlichkeitsantrag: submitted a week before the meeting, put on its agenda as urgent.
    c.at("2025-01-30T09:00:00Z");
    e.create("14/2009", paper_of(PaperType::antrag, "14/2009", {{kAusschuss, ConsultationRole::entscheidung}}),
             fraktion);
    e.fire("14/2009", Submit{}, fraktion);
    c.schedule("14/2009", kAusschuss, "2025-02-06", "2", true);
    c.at("2025-02-06T19:00:00Z");
    e.fire("14/2009", Decide{}, sitzungsdienst);

    // The Ausschuss für Umwelt on 13 February refers 14/2007 to the Hauptausschuss.
    c.at("2025-02-13T17:00:00Z");
    e.fire("14/2007", Refer{kHaupt, ConsultationRole::empfehlung}, sitzungsdienst);
    c.at("2025-03-06T18:00:00Z");
    e.fire("14/2006", Recommend{}, sitzungsdienst);
    c.at("2025-03-07T09:00:00Z");
    c.schedule("14/2006", kRat, "2025-03-20", "6");

    // The Verbandsversammlung on 20 March.
    c.at("2025-03-20T18:00:00Z");
    e.fire("14/2001", with_result<Decide>("einstimmig beschlossen"), sitzungsdienst);
    e.fire("14/2002", Reject{}, sitzungsdienst);
    e.fire("14/2003", Decide{}, sitzungsdienst);
    e.fire("14/2001-1", with_result<Decide>("mit Änderungen beschlossen"), sitzungsdienst);
    e.fire("14/2006", Refer{kHaupt, std::nullopt}, sitzungsdienst);
    c.at("2025-03-21T09:00:00Z");
    c.schedule("14/2006", kHaupt, "2025-04-10", "2");
    c.at("2025-04-10T18:00:00Z");
    e.fire("14/2006", Recommend{}, sitzungsdienst);
    c.at("2025-04-11T09:00:00Z");
    c.schedule("14/2006", kRat, "2025-05-08", "4");
    c.at("2025-05-08T18:00:00Z");
    e.fire("14/2006", Decide{}, sitzungsdienst);
    c.at("2025-05-15T10:00:00Z");
    e.fire("14/2003", Complete{"Bericht im Ausschuss am 15.05.2025 erstattet"}, verwaltung);
}

const std::vector<std::string> kEveryState = {"14/0001", "14/0002", "14/1923",   "14/1930", "14/1931", "14/1932",
                                              "14/1940", "14/2001", "14/2001-1", "14/2002", "14/2003", "14/2004",
                                              "14/2005", "14/2006", "14/2007",   "14/2008", "14/2009", "B-2025/07"};

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
            GTEST_SKIP() << "the OParl schemas are not in " << kShared                                        \
                         << "/oparl/schema; set KIMFLOW_SHARED_DIR to the shared folder to run this test";    \
        if (std::system("/usr/bin/python3 -c 'import jsonschema' > /dev/null 2>&1") != 0)                     \
            GTEST_SKIP() << "/usr/bin/python3 cannot import jsonschema; install Debian's python3-jsonschema"; \
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

// ------------------------------------------------------------------------------ import

/// Everything a round trip must keep of a paper.
void expect_same_paper(PaperEngine& original, PaperEngine& imported, const std::string& ref)
{
    SCOPED_TRACE(ref);
    ASSERT_TRUE(imported.contains(ref));
    EXPECT_EQ(imported.state(ref), original.state(ref));
    const Paper a = original.data(ref), b = imported.data(ref);
    EXPECT_EQ(b.reference, a.reference);
    EXPECT_EQ(b.type, a.type);
    EXPECT_EQ(b.title, a.title);
    EXPECT_EQ(b.date, a.date);
    EXPECT_EQ(b.originator, a.originator);
    EXPECT_EQ(b.body, a.body);
    EXPECT_EQ(b.related_papers, a.related_papers);
    EXPECT_EQ(b.submitted_at, a.submitted_at);
    EXPECT_EQ(b.answered_at, a.answered_at);
    EXPECT_EQ(b.answer_reference, a.answer_reference);
    EXPECT_EQ(b.withdrawal_reason, a.withdrawal_reason);
    EXPECT_EQ(b.completion_note, a.completion_note);
    EXPECT_EQ(b.current_consultation, a.current_consultation);
    EXPECT_EQ(b.waiting_state, a.waiting_state);
    ASSERT_EQ(b.consultations.size(), a.consultations.size());
    for (std::size_t i = 0; i < a.consultations.size(); ++i) {
        SCOPED_TRACE("consultation " + std::to_string(i));
        const Consultation &x = a.consultations[i], &y = b.consultations[i];
        EXPECT_EQ(y.organization, x.organization);
        EXPECT_EQ(y.role, x.role);
        EXPECT_EQ(y.authoritative, x.authoritative);
        EXPECT_EQ(y.status, x.status);
        EXPECT_EQ(y.meeting_date, x.meeting_date);
        EXPECT_EQ(y.agenda_item, x.agenda_item);
        EXPECT_EQ(y.result, x.result);
    }
}

/// Versions and histories of every paper of @p engine.
std::map<std::string, std::vector<std::string>> histories(const PaperEngine& engine)
{
    std::map<std::string, std::vector<std::string>> out;
    for (const auto& ref : engine.find(InstanceQuery{})) {
        auto& lines = out[ref];
        lines.push_back("version " + std::to_string(engine.version(ref)));
        for (const auto& h : engine.history(ref))
            lines.push_back(std::string(h.event) + " " + format_timestamp(h.at) + " " + h.actor.id + " " + h.payload);
    }
    return out;
}

class OparlImport : public ::testing::Test {
protected:
    Council original;
    Council imported;
    void SetUp() override { build_every_state(original); }
    std::vector<oparl::ImportSource> exported_list() const
    {
        return {{"export.json", oparl::as_list(oparl::export_papers(original.engine, {kBase})).dump(2)}};
    }
};

TEST_F(OparlImport, ARoundTripKeepsEveryPaperInEveryState)
{
    TempDir dir("kimflow-oparl");
    oparl::write_export(oparl::export_papers(original.engine, {kBase}), dir.path());
    const auto result = imported.import(sources_from(dir.path()));
    EXPECT_EQ(result.created, kEveryState);
    EXPECT_TRUE(result.advanced.empty());
    EXPECT_TRUE(result.unchanged.empty());
    for (const auto& ref : kEveryState) expect_same_paper(original.engine, imported.engine, ref);
    // The replay: the lifecycle's events, as the importer, at the data's times.
    const auto history = imported.engine.history("14/1923");
    std::vector<std::string> events;
    for (const auto& h : history) events.push_back(std::string(h.event));
    EXPECT_EQ(events, (std::vector<std::string>{"submit", "answer", "schedule", "acknowledge"}));
    EXPECT_EQ(history.at(0).actor, importer);
    EXPECT_EQ(history.at(1).at, parse_timestamp("2025-01-27T10:00:00Z"));
    EXPECT_EQ(history.at(3).at, parse_timestamp("2025-02-06T00:00:00Z"));  // the meeting's day
    // The Dringlichkeitsantrag missed the deadline: it goes on the agenda as urgent again.
    EXPECT_NE(imported.engine.history("14/2009").at(1).payload.find("urgent=true"), std::string::npos);
    // And exported again, it is the same OParl (but for the times of the replayed meetings).
    auto again = oparl::export_papers(imported.engine, {kBase});
    auto first = oparl::export_papers(original.engine, {kBase});
    EXPECT_EQ(again.meetings, first.meetings);
    EXPECT_EQ(again.organizations, first.organizations);
    for (std::size_t i = 0; i < first.papers.size(); ++i) {
        first.papers[i].erase("modified");
        again.papers[i].erase("modified");
        // What the import learned: where each paper and consultation came from.
        EXPECT_EQ(again.papers[i].at("kimflow:source").at("id"), first.papers[i].at("id"));
        EXPECT_EQ(again.papers[i].at("kimflow:source").at("oparlVersion"), "1.1");
        again.papers[i].erase("kimflow:source");
        // (A consultation the lifecycle planned again, after a postpone or refer, has none.)
        for (auto& c : again.papers[i]["consultation"]) {
            if (!c.contains("kimflow:sourceId")) continue;
            EXPECT_EQ(c.at("kimflow:sourceId"), c.at("id"));
            c.erase("kimflow:sourceId");
        }
        if (again.papers[i]["consultation"].empty()) again.papers[i].erase("consultation");
        EXPECT_EQ(again.papers[i], first.papers[i]);
    }
}

// Found by fuzz_oparl_import: a referral's result names the committee ("verwiesen an …"), and a
// committee whose name holds an outcome word came back withdrawn or postponed.
TEST(OparlRoundTrip, AReferralToACommitteeNamedWithAnOutcomeWordStaysAReferral)
{
    for (const std::string committee : {"Ausschuss für zurückgezogene Anträge", "Vertagte Sachen", "Kenntnisnahme"}) {
        SCOPED_TRACE(committee);
        Council original, imported;
        auto& e = original.engine;
        e.create("14/2011", paper_of(PaperType::antrag, "14/2011", {{kAusschuss, ConsultationRole::vorberatung}}),
                 fraktion);
        e.fire("14/2011", Submit{}, fraktion);
        original.schedule("14/2011", kAusschuss, "2025-02-06", "4");
        original.at("2025-02-06T18:00:00Z");
        e.fire("14/2011", Refer{committee, std::nullopt}, sitzungsdienst);
        original.at("2025-02-07T09:00:00Z");
        original.schedule("14/2011", committee, "2025-03-06", "3");
        ASSERT_EQ(e.state("14/2011"), "on_agenda");

        imported.import({{"export.json", oparl::as_list(oparl::export_papers(e, {kBase})).dump(2)}});
        expect_same_paper(e, imported.engine, "14/2011");
    }
}

// Found by fuzz_oparl_import: on one day the Hauptausschuss postpones the paper and the
// Ausschuss, earlier in the Beratungsfolge, puts it on its agenda the same evening. The waiting
// consultation must come after the treated one of that day, wherever it stands in the list.
TEST(OparlRoundTrip, ATreatmentAndAWaitingConsultationOnOneDayKeepTheirOrder)
{
    Council original, imported;
    auto& e = original.engine;
    e.create("14/2012",
             paper_of(PaperType::antrag, "14/2012",
                      {{kAusschuss, ConsultationRole::vorberatung}, {kHaupt, ConsultationRole::vorberatung}}),
             fraktion);
    e.fire("14/2012", Submit{}, fraktion);
    original.at("2025-01-10T09:00:00Z");
    original.schedule("14/2012", kHaupt, "2025-02-06", "3");
    original.at("2025-02-06T17:00:00Z");
    e.fire("14/2012", Postpone{}, sitzungsdienst);
    original.at("2025-02-06T18:00:00Z");
    original.schedule("14/2012", kAusschuss, "2025-02-06", "5", true);
    ASSERT_EQ(e.state("14/2012"), "on_agenda");

    imported.import({{"export.json", oparl::as_list(oparl::export_papers(e, {kBase})).dump(2)}});
    expect_same_paper(e, imported.engine, "14/2012");
}

TEST_F(OparlImport, ImportingTheSameObjectsTwiceChangesNothing)
{
    const auto sources = exported_list();
    imported.import(sources);
    const auto before = histories(imported.engine);
    const auto result = imported.import(sources);
    EXPECT_TRUE(result.created.empty());
    EXPECT_TRUE(result.advanced.empty());
    EXPECT_EQ(result.unchanged, kEveryState);
    EXPECT_EQ(histories(imported.engine), before);
}

TEST_F(OparlImport, NewResultsAdvanceAnExistingPaper)
{
    // The Anfrage while it is on the agenda, and again after the meeting.
    Council council;
    council.engine.create("14/1923", paper_test::anfrage(), fraktion);
    council.engine.fire("14/1923", Submit{}, fraktion);
    council.at("2025-01-27T10:00:00Z");
    council.engine.fire("14/1923", Answer{"14/1923-1"}, verwaltung);
    council.schedule("14/1923", kAusschuss, "2025-02-06", "9.2");
    const std::string before = oparl::as_list(oparl::export_papers(council.engine)).dump();
    council.at("2025-02-06T18:00:00Z");
    council.engine.fire("14/1923", Acknowledge{}, sitzungsdienst);
    const std::string after = oparl::as_list(oparl::export_papers(council.engine)).dump();

    EXPECT_EQ(imported.import({{"before.json", before}}).created, std::vector<std::string>{"14/1923"});
    EXPECT_EQ(imported.engine.state("14/1923"), "on_agenda");
    const auto result = imported.import({{"after.json", after}});
    EXPECT_EQ(result.advanced, std::vector<std::string>{"14/1923"});
    EXPECT_EQ(imported.engine.state("14/1923"), "acknowledged");
    EXPECT_EQ(imported.engine.version("14/1923"), 4u);
    EXPECT_EQ(imported.import({{"after.json", after}}).unchanged, std::vector<std::string>{"14/1923"});
    // An older export does not move a paper back: it is quarantined, and says why.
    const auto older = imported.import({{"before.json", before}});
    ASSERT_EQ(older.quarantined.size(), 1u);
    EXPECT_EQ(older.quarantined[0].reference, "14/1923");
    EXPECT_NE(older.quarantined[0].reason.find("the data looks older than what is stored"), std::string::npos)
        << older.quarantined[0].reason;
    EXPECT_EQ(imported.engine.state("14/1923"), "acknowledged");
}

TEST_F(OparlImport, APaperWithADifferentHistoryIsQuarantinedAndTheOthersGoIn)
{
    imported.engine.create("14/1923", paper_test::anfrage(), fraktion);
    imported.engine.fire("14/1923", Submit{}, fraktion);
    imported.engine.fire("14/1923", Withdraw{"zurückgezogen"}, fraktion);
    const auto before = imported.engine.history("14/1923");
    const auto result = imported.import(exported_list());
    ASSERT_EQ(result.quarantined.size(), 1u);
    EXPECT_EQ(result.quarantined[0].reference, "14/1923");
    EXPECT_EQ(result.quarantined[0].file, "export.json");
    EXPECT_NE(result.quarantined[0].reason.find("exists with a different history (stored: submit, withdraw; "),
              std::string::npos)
        << result.quarantined[0].reason;
    EXPECT_EQ(result.created.size(), kEveryState.size() - 1);
    EXPECT_EQ(imported.engine.history("14/1923").size(), before.size());
    EXPECT_EQ(imported.engine.state("14/1923"), "withdrawn");
}

TEST_F(OparlImport, StrictlyAPaperWithADifferentHistoryIsRefusedAndNothingChanges)
{
    imported.engine.create("14/1923", paper_test::anfrage(), fraktion);
    imported.engine.fire("14/1923", Submit{}, fraktion);
    imported.engine.fire("14/1923", Withdraw{"zurückgezogen"}, fraktion);
    const auto before = histories(imported.engine);
    try {
        imported.import(exported_list(), true);
        FAIL() << "expected an ImportError";
    } catch (const oparl::ImportError& e) {
        EXPECT_EQ(e.file(), "export.json");
        EXPECT_NE(std::string(e.what()).find("paper 14/1923 exists with a different history (stored: submit, withdraw; "
                                             "the data implies: submit, answer, schedule, acknowledge)"),
                  std::string::npos)
            << e.what();
    }
    EXPECT_EQ(histories(imported.engine), before);  // the papers before 14/1923 were rolled back
    EXPECT_EQ(imported.engine.size(), 1u);
}

TEST_F(OparlImport, StrictlyOneBadFileAndNothingIsImported)
{
    const auto good = exported_list().front();
    const oparl::ImportSource bad{"bad.json",
                                  R"({"id": "https://x.example/paper/9", "type": "https://schema.oparl.org/1.1/Paper",
        "reference": "9/2025", "paperType": "Antrag", "consultation": [{"organization": ["https://x.example/org/1"],
        "authoritative": "ja"}]})"};
    try {
        imported.import({good, bad}, true);
        FAIL() << "expected an ImportError";
    } catch (const oparl::ImportError& e) {
        EXPECT_EQ(e.file(), "bad.json");
        EXPECT_EQ(e.field(), "consultation[0].authoritative");
        EXPECT_NE(std::string(e.what()).find("must be true or false"), std::string::npos) << e.what();
    }
    EXPECT_EQ(imported.engine.size(), 0u);
    // Without --strict the good papers go in and the bad one is quarantined, where it is.
    const auto partial = imported.import({good, bad});
    EXPECT_EQ(partial.created.size(), kEveryState.size());
    ASSERT_EQ(partial.quarantined.size(), 1u);
    EXPECT_EQ(partial.quarantined[0].file, "bad.json");
    EXPECT_EQ(partial.quarantined[0].path, "consultation[0].authoritative");
    EXPECT_EQ(partial.quarantined[0].id, "https://x.example/paper/9");
    Council fresh;

    // A contradiction found only while firing: the papers created before it are rolled back too.
    const oparl::ImportSource contradiction{"antwort.json", R"({"id": "https://x.example/paper/10",
        "type": "https://schema.oparl.org/1.1/Paper", "reference": "10/2025", "name": "Antwort", "paperType": "Antwort",
        "kimflow:answerReference": "10/2025-1"})"};
    try {
        fresh.import({good, contradiction}, true);
        FAIL() << "expected EventRejected";
    } catch (const GuardRejected& e) {
        EXPECT_EQ(std::string(e.what()).rfind("antwort.json: ", 0), 0u) << e.what();
        EXPECT_NE(std::string(e.what()).find("only an Anfrage is answered"), std::string::npos) << e.what();
    }
    EXPECT_EQ(fresh.engine.size(), 0u);
    EXPECT_EQ(fresh.clock->now(), parse_timestamp("2025-01-06T09:00:00Z"));  // the clock is not moved
    // Without --strict the contradicting paper is left out whole: not even created.
    const auto partial_fire = fresh.import({good, contradiction});
    ASSERT_EQ(partial_fire.quarantined.size(), 1u);
    EXPECT_EQ(partial_fire.quarantined[0].reference, "10/2025");
    EXPECT_NE(partial_fire.quarantined[0].reason.find("only an Anfrage is answered"), std::string::npos);
    EXPECT_FALSE(fresh.engine.contains("10/2025"));
    EXPECT_EQ(fresh.engine.size(), kEveryState.size());
}

/// Imports @p text as file `in.json`; expects an ImportError naming @p field and saying @p says.
void expect_import_error(Council& c, const std::string& text, const std::string& field, const std::string& says)
{
    SCOPED_TRACE(text);
    try {
        c.import({{"in.json", text}}, true);
        ADD_FAILURE() << "expected an ImportError";
    } catch (const oparl::ImportError& e) {
        EXPECT_EQ(e.file(), "in.json");
        EXPECT_EQ(e.field(), field) << e.what();
        EXPECT_NE(std::string(e.what()).find(says), std::string::npos) << e.what();
        EXPECT_EQ(std::string(e.what()).rfind("in.json: " + field, 0), 0u) << e.what();
    }
    EXPECT_EQ(c.engine.size(), 0u);
}

std::string paper_json(const std::string& fields)
{
    return R"({"id": "https://x.example/paper/1", "type": "https://schema.oparl.org/1.1/Paper", "reference": "1/2025",
               "name": "Betreff", "paperType": "Antrag")" +
           (fields.empty() ? std::string() : ", " + fields) + "}";
}

TEST_F(OparlImport, MalformedInputIsReportedByFileAndField)
{
    Council& c = imported;
    expect_import_error(c, "{\"id\": ", "", "not valid JSON (parse error at line 1, column 8");
    expect_import_error(c, R"([{"type": "https://schema.oparl.org/1.1/Person"}, 5])", "[1]", "must be an OParl object");
    expect_import_error(
        c, R"({"data": [{"type": "https://schema.oparl.org/1.1/File"}, )" + paper_json(R"("name": 5)") + "]}",
        "data[1].name", "must be a text (JSON string), not a number");
    expect_import_error(c, paper_json(R"("date": "2025-02-30")"), "date", "'2025-02-30' is not a date");
    expect_import_error(c, paper_json(R"("date": "06.02.2025")"), "date", "YYYY-MM-DD");
    expect_import_error(c, paper_json(R"("created": "yesterday")"), "created", "is not a date-time");
    expect_import_error(c, paper_json(R"("consultation": 5)"), "consultation", "must be a list (JSON array)");
    expect_import_error(c, paper_json(R"("consultation": [5])"), "consultation[0]", "must be an OParl object");
    expect_import_error(
        c, paper_json(R"("consultation": [{"organization": ["https://x.example/o/1"], "authoritative": "ja"}])"),
        "consultation[0].authoritative", "must be true or false");
    expect_import_error(c, paper_json(R"("relatedPaper": 5)"), "relatedPaper", "must be a list (JSON array) of texts");
    expect_import_error(c, paper_json(R"("kimflow:state": "archived")"), "kimflow:state",
                        "is not a state of the paper lifecycle");
    expect_import_error(c, R"({"type": "https://schema.oparl.org/1.1/Paper", "paperType": "Antrag"})", "reference",
                        "give its Drucksachennummer");
    // A result kimflow cannot read is a warning where it is, in the meeting's agenda item; the
    // paper goes in, on that meeting's agenda, with no result recorded.
    const auto result = c.import({{"paper.json", paper_json(R"("consultation": [{"id": "https://x.example/c/1",
                      "organization": ["https://x.example/o/1"], "meeting": "https://x.example/m/1"}])")},
                  {"meeting.json", R"({"id": "https://x.example/m/1", "type": "https://schema.oparl.org/1.1/Meeting",
                      "start": "2025-03-01T17:00:00+01:00", "agendaItem": [{"id": "https://x.example/ai/1",
                      "type": "https://schema.oparl.org/1.1/AgendaItem", "consultation": "https://x.example/c/1",
                      "result": "Kaffeepause"}]})"}},
                                  true);
    EXPECT_EQ(result.created, std::vector<std::string>{"1/2025"});
    EXPECT_EQ(c.engine.state("1/2025"), "on_agenda");
    EXPECT_EQ(c.engine.data("1/2025").consultations.at(0).result, "");
    ASSERT_EQ(result.warnings.size(), 1u);
    EXPECT_EQ(result.warnings[0].file, "meeting.json");
    EXPECT_EQ(result.warnings[0].path, "agendaItem[0].result");
    EXPECT_NE(result.warnings[0].reason.find("'Kaffeepause' names no outcome kimflow knows"), std::string::npos)
        << result.warnings[0].reason;
}

TEST_F(OparlImport, UnknownFieldsNullsAndOtherTypesAreIgnored)
{
    const auto result =
        imported.import(
            {{"mixed.json",
              R"([{"id": "https://x.example/person/1", "type": "https://schema.oparl.org/1.1/Person", "name": 5},
            {"type": "https://schema.oparl.org/1.1/System", "oparlVersion": "https://schema.oparl.org/1.1/"},
            )" + paper_json(R"("date": null, "mainFile": {"id": "https://x.example/f/1"}, "x-ris:intern": [1, 2],
                                "keyword": ["Integration"])") +
                  "]"}});
    EXPECT_EQ(result.created, std::vector<std::string>{"1/2025"});
    EXPECT_EQ(imported.engine.state("1/2025"), "submitted");
    EXPECT_FALSE(imported.engine.data("1/2025").date);
}

TEST_F(OparlImport, ProgressIsToldAfterEachPaper)
{
    std::vector<std::pair<std::size_t, std::size_t>> told;
    oparl::ImportOptions options;
    options.progress = [&](std::size_t done, std::size_t total) { told.emplace_back(done, total); };
    oparl::import_papers(imported.engine, exported_list(), importer, options);
    const std::size_t n = kEveryState.size();
    ASSERT_EQ(told.size(), n);
    for (std::size_t i = 0; i < n; ++i) EXPECT_EQ(told[i], std::make_pair(i + 1, n));
}

TEST_F(OparlImport, TheStateComesFromTheStandardFields)
{
    // Hand-written OParl as a council information system publishes it: an Anfrage with its
    // Antwort, a Vorlage through two committees, and a meeting that postponed and referred.
    const auto result = imported.import(sources_from(kFixtures + "/ratsinfo.json"));
    EXPECT_EQ(result.created, (std::vector<std::string>{"14/1923", "14/1923-1", "14/2010", "14/2011"}));

    const Paper anfrage = imported.engine.data("14/1923");
    EXPECT_EQ(imported.engine.state("14/1923"), "acknowledged");
    EXPECT_EQ(anfrage.type, PaperType::anfrage);  // "Fraktionsanfrage"
    EXPECT_EQ(anfrage.title, "Zusammenarbeit der Kommunalen Integrationszentren im Ruhrgebiet");
    EXPECT_EQ(anfrage.date, parse_date("2025-01-06"));
    EXPECT_EQ(anfrage.originator, "Fraktion Die Linke");
    EXPECT_EQ(anfrage.body, "Regionalverband Ruhr");
    EXPECT_EQ(anfrage.related_papers, std::vector<std::string>{"14/1923-1"});
    EXPECT_EQ(anfrage.answer_reference, "14/1923-1");
    EXPECT_EQ(anfrage.answered_at, parse_timestamp("2025-01-27T00:00:00Z"));  // the Antwort's date
    ASSERT_EQ(anfrage.consultations.size(), 1u);
    EXPECT_EQ(anfrage.consultations[0].organization, kAusschuss);
    EXPECT_EQ(anfrage.consultations[0].role, ConsultationRole::kenntnisnahme);  // "zur Kenntnis"
    EXPECT_EQ(anfrage.consultations[0].meeting_date, parse_date("2025-02-06"));
    EXPECT_EQ(anfrage.consultations[0].agenda_item, "9.2");
    EXPECT_EQ(anfrage.consultations[0].result, "zur Kenntnis genommen");
    std::vector<std::string> events;
    for (const auto& h : imported.engine.history("14/1923")) events.push_back(std::string(h.event));
    EXPECT_EQ(events, (std::vector<std::string>{"submit", "answer", "schedule", "acknowledge"}));

    EXPECT_EQ(imported.engine.state("14/1923-1"), "submitted");
    EXPECT_EQ(imported.engine.data("14/1923-1").type, PaperType::antwort);

    // The Vorlage: recommended in the Ausschuss (dated six days before it: urgent), decided in
    // the Verbandsversammlung, whose Beschlussfassung is the Entscheidung.
    EXPECT_EQ(imported.engine.state("14/2010"), "decided");
    const Paper vorlage = imported.engine.data("14/2010");
    EXPECT_EQ(vorlage.type, PaperType::beschlussvorlage);
    ASSERT_EQ(vorlage.consultations.size(), 2u);
    EXPECT_EQ(vorlage.consultations[0].result, "einstimmig empfohlen");
    EXPECT_EQ(vorlage.consultations[1].organization, kRat);
    EXPECT_EQ(vorlage.consultations[1].role, ConsultationRole::entscheidung);
    EXPECT_EQ(vorlage.consultations[1].result, "mit Änderungen beschlossen");
    EXPECT_NE(imported.engine.history("14/2010").at(1).payload.find("urgent=true"), std::string::npos);

    // The Antrag: vertagt, then verwiesen to the next committee of its Beratungsfolge, where it waits.
    EXPECT_EQ(imported.engine.state("14/2011"), "on_agenda");
    const Paper antrag = imported.engine.data("14/2011");
    std::vector<std::string> results;
    for (const auto& c : antrag.consultations) results.push_back(c.organization + ": " + c.result);
    EXPECT_EQ(results, (std::vector<std::string>{kAusschuss + ": vertagt", kAusschuss + ": verwiesen an " + kHaupt,
                                                 kHaupt + ": ", kRat + ": "}));
    EXPECT_EQ(antrag.consultations[2].status, ConsultationStatus::scheduled);
    EXPECT_EQ(antrag.consultations[2].agenda_item, "3");
    EXPECT_EQ(antrag.consultations[3].status, ConsultationStatus::planned);
}

TEST_F(OparlImport, TheOfficialExamples)
{
    if (!fs::exists(kShared + "/oparl/examples/Paper-01.json"))
        GTEST_SKIP() << "the OParl examples are not in " << kShared
                     << "/oparl/examples; set KIMFLOW_SHARED_DIR to the shared folder to run this test";
    // Every example together: the Paper, and Meeting-01 (whose agenda item lacks `order`),
    // Organization-01, Body-01, Person-01, File-01, Location-01, System-01 beside it.
    const auto result = imported.import(sources_from(kShared + "/oparl/examples"));
    EXPECT_EQ(result.created, std::vector<std::string>{"1234/2014"});
    EXPECT_EQ(imported.engine.state("1234/2014"), "submitted");  // its meeting is not given
    const Paper p = imported.engine.data("1234/2014");
    EXPECT_EQ(p.type, PaperType::antwort);  // "Beantwortung einer Anfrage"
    EXPECT_EQ(p.title, "Antwort auf Anfrage 1200/2014");
    EXPECT_EQ(p.date, parse_date("2014-04-04"));
    EXPECT_EQ(p.submitted_at, parse_timestamp("2014-04-04T00:00:00Z"));
    EXPECT_EQ(p.related_papers, std::vector<std::string>{"https://oparl.example.org/paper/699"});
    EXPECT_EQ(p.originator, "https://oparl.example.org/organization/2000; https://oparl.example.org/organization/1000");
    EXPECT_EQ(p.body, "https://oparl.example.org/bodies/1");
    ASSERT_EQ(p.consultations.size(), 1u);
    EXPECT_EQ(p.consultations[0].role, ConsultationRole::entscheidung);  // "Beschlussfassung"
    EXPECT_EQ(p.consultations[0].organization, "https://oparl.example.org/organization/96");
    EXPECT_FALSE(p.consultations[0].authoritative);
    EXPECT_EQ(p.consultations[0].status, ConsultationStatus::planned);
    EXPECT_EQ(imported.engine.history("1234/2014").at(0).at, parse_timestamp("2014-04-04T00:00:00Z"));

    // The meeting alone imports nothing and is no error.
    const auto meeting = imported.import(sources_from(kShared + "/oparl/examples/Meeting-01.json"));
    EXPECT_TRUE(meeting.created.empty() && meeting.advanced.empty() && meeting.unchanged.empty());
    // Again, all of them: nothing new.
    EXPECT_EQ(imported.import(sources_from(kShared + "/oparl/examples")).unchanged,
              std::vector<std::string>{"1234/2014"});
}

}  // namespace
