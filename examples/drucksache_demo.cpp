// Replays the seeds' story of Fraktionsanfrage 14/1923 in the RVR: asked by Fraktion Die
// Linke on 2025-01-06, answered by the Regionaldirektor with 14/1923-1 on 2025-01-27, and taken
// note of in the Ausschuss für Kultur, Sport und Vielfalt on 2025-02-06 under TOP 9.2.
// Prints the paper's history, one line per transition, with state ids.
//
// Usage: drucksache_demo [DATABASE]   (default: drucksache_demo.db in the current folder)
// The paper is kept in that SQLite file: a second run shows the stored history instead of
// telling the story again.
#include <iostream>
#include <memory>
#include <string>

#include <kimflow/kimflow.hpp>
#include <kimflow/store/sqlite_store.hpp>

using namespace kimflow;
using namespace kimflow::paper;

namespace {

void tell_the_story(PaperEngine& engine, ManualClock& clock)
{
    const Actor fraktion{"kretschmer", "fraktion", "Fraktion Die Linke"};
    const Actor verwaltung{"baumeister", "verwaltung", "Regionalverband Ruhr"};
    const Actor sitzungsdienst{"sitzungsdienst", "sitzungsdienst", "Regionalverband Ruhr"};

    Paper anfrage;
    anfrage.reference = "14/1923";
    anfrage.type = PaperType::anfrage;
    anfrage.title = "Zusammenarbeit der Kommunalen Integrationszentren im Ruhrgebiet";
    anfrage.date = parse_date("2025-01-06");
    anfrage.originator = "Fraktion Die Linke";
    anfrage.body = "Regionalverband Ruhr";
    anfrage.consultations.push_back({"Ausschuss für Kultur, Sport und Vielfalt", ConsultationRole::kenntnisnahme});

    clock.set(parse_timestamp("2025-01-06T09:00:00+01:00"));
    engine.create(anfrage.reference, anfrage, fraktion);
    engine.fire("14/1923", Submit{}, fraktion);

    clock.set(parse_timestamp("2025-01-27T10:00:00+01:00"));
    engine.fire("14/1923", Answer{"14/1923-1"}, verwaltung);

    // The same as a host with only strings would do it (e.g. `kimctl fire paper ...`).
    clock.set(parse_timestamp("2025-01-28T08:30:00+01:00"));
    engine.fire("14/1923", "schedule",
                Fields{{"organization", "Ausschuss für Kultur, Sport und Vielfalt"},
                       {"meeting_date", "2025-02-06"},
                       {"agenda_item", "9.2"},
                       {"role", "Kenntnisnahme"}},
                sitzungsdienst);

    clock.set(parse_timestamp("2025-02-06T15:40:00+01:00"));
    engine.fire("14/1923", Acknowledge{}, sitzungsdienst);
}

}  // namespace

int main(int argc, char** argv)
{
    const std::string path = argc > 1 ? argv[1] : "drucksache_demo.db";
    try {
        auto clock = std::make_shared<ManualClock>();
        PaperConfig config;
        config.bodies["Regionalverband Ruhr"] = RulesOfProcedure{28, 14, 7};
        PaperEngine engine(config, clock, std::make_shared<SqliteStore>(path));

        if (engine.contains("14/1923"))
            std::cout << "(stored in " << path << " by an earlier run)\n";
        else
            tell_the_story(engine, *clock);

        const auto view = engine.view("14/1923");
        std::cout << "Drucksache " << view.data.reference << " (" << to_string(view.data.type) << "): "
                  << view.data.title << "\n";
        for (const auto& r : engine.history("14/1923")) {
            std::cout << "  v" << r.version << "  " << format_timestamp(r.at) << "  " << r.from << " --" << r.event
                      << "--> " << r.to << "  by " << r.actor.id << " (" << r.actor.role << ")";
            if (!r.payload.empty()) std::cout << "  {" << r.payload << "}";
            std::cout << "\n";
        }
        const Consultation& c = view.data.consultations.front();
        std::cout << "Beratungsfolge: " << c.organization << ", " << to_string(c.role) << ", "
                  << format_date(*c.meeting_date) << ", TOP " << c.agenda_item << ": " << c.result << "\n";
        std::cout << "state: " << view.states.front() << "\n";
    } catch (const Error& e) {
        std::cerr << "drucksache_demo: " << e.what() << '\n';
        return 1;
    }
    return 0;
}
