// Shared set-up for the paper lifecycle tests: an engine on a manual clock and papers of
// the kinds the seeds show.
#pragma once

#include <memory>
#include <string>

#include <gtest/gtest.h>

#include <kimflow/paper/deadlines.hpp>
#include <kimflow/paper/lifecycle.hpp>

namespace paper_test {

using namespace kimflow;
using namespace kimflow::paper;

inline const Actor fraktion{"kretschmer", "fraktion", "Fraktion Die Linke"};
inline const Actor verwaltung{"baumeister", "verwaltung", "Regionalverband Ruhr"};
inline const Actor sitzungsdienst{"sitzung", "sitzungsdienst", "Regionalverband Ruhr"};

inline const std::string kAusschuss = "Ausschuss für Kultur, Sport und Vielfalt";
inline const std::string kRat = "Verbandsversammlung";

/// Anfrage 14/1923 as in the seeds: one consultation, zur Kenntnis.
inline Paper anfrage(const std::string& reference = "14/1923")
{
    Paper p;
    p.reference = reference;
    p.type = PaperType::anfrage;
    p.title = "Zusammenarbeit der Kommunalen Integrationszentren im Ruhrgebiet";
    p.date = parse_date("2025-01-06");
    p.originator = "Fraktion Die Linke";
    p.body = "Regionalverband Ruhr";
    p.consultations.push_back({kAusschuss, ConsultationRole::kenntnisnahme});
    return p;
}

/// An Antrag with a Vorberatung in the Ausschuss and the decision in the Verbandsversammlung.
inline Paper antrag(const std::string& reference = "14/2001")
{
    Paper p;
    p.reference = reference;
    p.type = PaperType::antrag;
    p.title = "Stand der Umsetzung des Kommunalen Integrationsmanagements";
    p.originator = "SPD-Fraktion";
    p.body = "Regionalverband Ruhr";
    p.consultations.push_back({kAusschuss, ConsultationRole::vorberatung});
    p.consultations.push_back({kRat, ConsultationRole::entscheidung, true});
    return p;
}

class PaperTest : public ::testing::Test {
protected:
    std::shared_ptr<ManualClock> clock = std::make_shared<ManualClock>(parse_timestamp("2025-01-06T09:00:00Z"));
    PaperEngine engine{PaperConfig{}, clock};

    void at(const char* when) { clock->set(parse_timestamp(when)); }

    /// Schedules the next planned consultation for a meeting 30 days ahead of the clock.
    Fired schedule(const std::string& ref, const std::string& agenda_item = "5")
    {
        Schedule s;
        s.meeting_date = date_of(clock->now()) + date::days{30};
        s.agenda_item = agenda_item;
        return engine.fire(ref, s, sitzungsdienst);
    }
};

}  // namespace paper_test
