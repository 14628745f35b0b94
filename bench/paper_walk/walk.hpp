// Scenario "paper walk": one Anfrage from draft to acknowledged, as in the seeds' story:
// submit, answer, schedule, acknowledge. Each competitor (one file each) runs the same walk;
// items per second count events.
#pragma once

#include <kimflow/paper/lifecycle.hpp>

namespace walk {

inline constexpr int kEventsPerWalk = 4;

inline kimflow::paper::Paper sample_paper()
{
    using namespace kimflow::paper;
    Paper p;
    p.reference = "14/1923";
    p.type = PaperType::anfrage;
    p.title = "Zusammenarbeit der Kommunalen Integrationszentren im Ruhrgebiet";
    p.consultations.push_back({"Ausschuss für Kultur, Sport und Vielfalt", ConsultationRole::kenntnisnahme});
    return p;
}

inline kimflow::paper::Schedule sample_schedule()
{
    kimflow::paper::Schedule s;
    s.meeting_date = kimflow::parse_date("2030-02-06");
    s.agenda_item = "9.2";
    return s;
}

}  // namespace walk
