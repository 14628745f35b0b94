// What the benchmarks fire: the seeds' Anfrage 14/1923 walked from draft to acknowledged
// (submit, answer, schedule, acknowledge: two events with a payload, two without), and a KIM
// case of the Kreis Recklinghausen whose case manager is reassigned (`assign`, an internal
// transition that keeps the data's size steady, so that it can be fired without end).
#pragma once

#include <string>
#include <vector>

#include <kimflow/kim/lifecycle.hpp>
#include <kimflow/paper/lifecycle.hpp>

namespace bench {

/// Events per paper walk.
inline constexpr int kEventsPerWalk = 4;

/// Instances walked per timed batch in the floor group (set up untimed before each batch).
inline constexpr int kWalkBatch = 1000;

inline kimflow::paper::Paper sample_paper()
{
    using namespace kimflow::paper;
    Paper p;
    p.reference = "14/1923";
    p.type = PaperType::anfrage;
    p.title = "Zusammenarbeit der Kommunalen Integrationszentren im Ruhrgebiet";
    p.originator = "Fraktion BÜNDNIS 90/DIE GRÜNEN";
    p.body = "RVR Verbandsversammlung";
    p.consultations.push_back({"Ausschuss für Kultur, Sport und Vielfalt", ConsultationRole::kenntnisnahme});
    return p;
}

/// A meeting far enough ahead that the agenda deadline holds whenever the suite runs.
inline kimflow::paper::Schedule sample_schedule()
{
    kimflow::paper::Schedule s;
    s.meeting_date = kimflow::parse_date("2099-02-06");
    s.agenda_item = "9.2";
    return s;
}

inline const kimflow::Actor& sitzungsdienst()
{
    static const kimflow::Actor a{"sd-rvr-1", "sitzungsdienst", "rvr"};
    return a;
}

inline const kimflow::Actor& case_manager()
{
    static const kimflow::Actor a{"cm-caritas-1", "case_manager", "caritas"};
    return a;
}

inline kimflow::kim::Open sample_opening(std::size_t i)
{
    static const char* const kommunen[] = {"Castrop-Rauxel", "Datteln",         "Dorsten", "Gladbeck",      "Haltern am See",
                                           "Herten",         "Marl",            "Oer-Erkenschwick", "Recklinghausen", "Waltrop"};
    static const char* const traeger[] = {"Caritas", "AGORA", "Diakonie", "AWO"};
    return kimflow::kim::Open{kommunen[i % 10], traeger[i % 4], "cm-" + std::to_string(i % 40), "Kreis Recklinghausen"};
}

/// The reassignment fired again and again; two managers alternate so that the data changes.
inline const kimflow::kim::Assign& sample_assign(std::size_t i)
{
    static const kimflow::kim::Assign assigns[] = {{"", "cm-caritas-1"}, {"", "cm-caritas-2"}};
    return assigns[i & 1];
}

/// Ids "prefix-0" … "prefix-(n-1)", made before timing starts.
inline std::vector<std::string> make_ids(const std::string& prefix, std::size_t n)
{
    std::vector<std::string> ids;
    ids.reserve(n);
    for (std::size_t i = 0; i < n; ++i) ids.push_back(prefix + "-" + std::to_string(i));
    return ids;
}

}  // namespace bench
