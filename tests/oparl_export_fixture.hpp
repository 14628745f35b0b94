// Shared set-up for the tests of OParl export and import (oparl_export_test.cpp,
// oparl_import_test.cpp): a council's paper engine on a SQLite file of its own with a manual
// clock, the papers in every state of the lifecycle that both export and import start from, and
// the names and addresses they share.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include <kimflow/io/oparl.hpp>
#include <kimflow/store/sqlite_store.hpp>

#include "paper_fixture.hpp"
#include "temp_file.hpp"

namespace oparl_export_fixture {

using namespace kimflow;
using namespace kimflow::paper;
using nlohmann::json;
using paper_test::fraktion;
using paper_test::kAusschuss;
using paper_test::kRat;
using paper_test::sitzungsdienst;
using paper_test::verwaltung;
namespace fs = std::filesystem;

inline const std::string kShared = KIMFLOW_SHARED_DIR;
inline const std::string kFixtures = std::string(KIMFLOW_TESTS_DIR) + "/oparl";
inline const std::string kBase = "https://ratsinfo.example.org/oparl";
inline const std::string kUmwelt = "Ausschuss für Umwelt";
inline const std::string kHaupt = "Hauptausschuss";
inline const Actor importer{"oparl-import", "sitzungsdienst", "Regionalverband Ruhr"};

/// A council's paper engine on a SQLite file of its own, with a manual clock.
struct Council {
    TempFile file{"oparl"};
    std::shared_ptr<ManualClock> clock = std::make_shared<ManualClock>(parse_timestamp("2025-01-06T09:00:00Z"));
    PaperEngine engine{PaperConfig{}, clock, std::make_shared<SqliteStore>(file.path())};

    void at(const char* when) { clock->set(parse_timestamp(when)); }

    Fired schedule(const std::string& ref, const std::string& committee, const char* day, const std::string& top,
                   bool urgent = false, std::string skip_reason = {})
    {
        Schedule s;
        s.organization = committee;
        s.meeting_date = parse_date(day);
        s.agenda_item = top;
        s.urgent = urgent;
        s.skip_reason = std::move(skip_reason);
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
inline E with_result(const std::string& text)
{
    E e;
    e.result = text;
    return e;
}

inline Paper paper_of(PaperType type, const std::string& ref, std::vector<Consultation> consultations)
{
    Paper p = paper_test::antrag(ref);
    p.type = type;
    p.date = parse_date("2025-01-06");
    p.consultations = std::move(consultations);
    return p;
}

/// Papers in every state of the lifecycle, with times as a council would have them.
inline void build_every_state(Council& c)
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

inline const std::vector<std::string> kEveryState = {"14/0001", "14/0002", "14/1923",   "14/1930", "14/1931", "14/1932",
                                              "14/1940", "14/2001", "14/2001-1", "14/2002", "14/2003", "14/2004",
                                              "14/2005", "14/2006", "14/2007",   "14/2008", "14/2009", "B-2025/07"};

}  // namespace oparl_export_fixture
