// The Beschlusskontrolle of the seeds' Antrag of Castrop-Rauxel (30 March 2021): SPD and
// Bündnis 90/Die Grünen ask the Betriebsausschuss 2 (B2) to have the Verwaltung report on the
// state of the Kommunales Integrationsmanagement. The B2 decides on 15 April 2021; from there the
// story is told as it might have gone: a resolution for the office with a due date, the due
// date passing (a tick records it), a late Sachstandsbericht with its reason and a new date,
// the committee's report, and the report given, which completes the paper by itself.
//
// Usage: beschlusskontrolle_demo [DATABASE]   (default: beschlusskontrolle_demo.db)
// A second run on the same file shows what it kept instead of telling the story again.
#include <iostream>
#include <memory>
#include <string>

#include <kimflow/kimflow.hpp>
#include <kimflow/store/sqlite_store.hpp>

using namespace kimflow;
using namespace kimflow::paper;
namespace res = kimflow::resolution;

namespace {

const std::string kAntrag = "2021/0123";
const std::string kResolution = "2021/0123-1";
const std::string kB2 = "Betriebsausschuss 2";

/// The committee's list on @p day, as the Sitzungsdienst prints it for the next agenda.
void print_report(const res::ResolutionEngine& resolutions, const char* day)
{
    const res::Report report = res::report(resolutions, res::ReportQuery{kB2, parse_date("2021-01-01"), parse_date(day)});
    std::cout << res::to_table(report);
}

void tell_the_story(PaperEngine& papers, res::ResolutionEngine& resolutions, ManualClock& clock)
{
    const Actor fraktion{"molloisch", "fraktion", "SPD-Ratsfraktion"};
    const Actor sitzungsdienst{"sitzungsdienst", "sitzungsdienst", "Stadt Castrop-Rauxel"};
    const Actor office{"integration", "verwaltung", "Bereich Integration"};

    Paper antrag;
    antrag.reference = kAntrag;
    antrag.type = PaperType::antrag;
    antrag.title = "Stand der Umsetzung des Kommunalen Integrationsmanagements in Castrop-Rauxel";
    antrag.date = parse_date("2021-03-30");
    antrag.originator = "SPD-Ratsfraktion";
    antrag.body = "Rat der Stadt Castrop-Rauxel";
    antrag.consultations.push_back({kB2, ConsultationRole::entscheidung, true});

    clock.set(parse_timestamp("2021-03-30T10:00:00+02:00"));
    papers.create(kAntrag, antrag, fraktion);
    papers.fire(kAntrag, Submit{}, fraktion);
    clock.set(parse_timestamp("2021-03-31T09:00:00+02:00"));
    papers.fire(kAntrag, "schedule", Fields{{"meeting_date", "2021-04-15"}, {"agenda_item", "6"}}, sitzungsdienst);
    clock.set(parse_timestamp("2021-04-15T18:30:00+02:00"));
    papers.fire(kAntrag, Decide{"einstimmig beschlossen"}, sitzungsdienst);

    // The Sitzungsdienst records what the decision asks for: who, what, by when.
    clock.set(parse_timestamp("2021-04-16T09:00:00+02:00"));
    res::Resolution r;
    r.paper = kAntrag;
    r.office = "Bereich Integration";
    r.task = "Schriftlicher Bericht zum Stand der Umsetzung des KIM, mit der Einbindung der freien Träger";
    r.due = parse_date("2021-06-17");
    resolutions.create(kResolution, r, sitzungsdienst);
    resolutions.fire(kResolution, res::Start{"Abfrage bei Caritas und AGORA"}, office);

    // The due date passes; the nightly tick records it, once.
    clock.set(parse_timestamp("2021-06-18T02:00:00+02:00"));
    for (const auto& f : resolutions.tick(clock.now()).fired)
        std::cout << "tick: " << f.instance << " " << f.event << " (fällig seit " << format_timestamp(f.due) << ")\n";

    // A late Sachstandsbericht, with the reason.
    clock.set(parse_timestamp("2021-06-21T11:00:00+02:00"));
    resolutions.fire(kResolution,
                     res::ReportProgress{"Konzept mit den Trägern abgestimmt; Zahlen der ersten Fälle fehlen noch",
                                         "Der Förderbescheid des Landes für das Case Management kam erst im Juni",
                                         std::nullopt},
                     office);
    std::cout << "\nBeschlusskontrolle für die Sitzung des " << kB2 << " am 24.06.2021:\n";
    print_report(resolutions, "2021-06-24");

    // The committee sets a new date; the Sitzungsdienst records it.
    clock.set(parse_timestamp("2021-06-25T09:00:00+02:00"));
    resolutions.fire(kResolution,
                     res::Extend{parse_date("2021-09-09"), "Der B2 erwartet den Bericht zur Sitzung am 09.09.2021"},
                     sitzungsdienst);

    clock.set(parse_timestamp("2021-09-09T19:00:00+02:00"));
    resolutions.fire(kResolution, res::Complete{"Bericht in der Sitzung des B2 am 09.09.2021 erstattet"}, office);
}

}  // namespace

int main(int argc, char** argv)
{
    const std::string path = argc > 1 ? argv[1] : "beschlusskontrolle_demo.db";
    try {
        auto clock = std::make_shared<ManualClock>();
        PaperEngine papers(PaperConfig{}, clock, std::make_shared<SqliteStore>(path));
        res::ResolutionEngine resolutions(papers);

        if (papers.contains(kAntrag))
            std::cout << "(stored in " << path << " by an earlier run)\n";
        else
            tell_the_story(papers, resolutions, *clock);

        std::cout << "\nDrucksache " << kAntrag << ": " << papers.data(kAntrag).title << "\n";
        for (const auto& r : papers.history(kAntrag))
            std::cout << "  v" << r.version << "  " << format_timestamp(r.at) << "  " << r.from << " --" << r.event
                      << "--> " << r.to << "  by " << r.actor.id << (r.payload.empty() ? "" : "  {" + r.payload + "}")
                      << "\n";
        std::cout << "Beschluss " << kResolution << ":\n";
        for (const auto& r : resolutions.engine().history(kResolution))
            std::cout << "  v" << r.version << "  " << format_timestamp(r.at) << "  " << r.from << " --" << r.event
                      << "--> " << r.to << "  by " << r.actor.id << "\n";
        std::cout << "\nBeschlusskontrolle am 30.09.2021:\n";
        print_report(resolutions, "2021-09-30");
        std::cout << "state: " << papers.state(kAntrag) << ", " << resolutions.engine().state(kResolution) << "\n";
    } catch (const Error& e) {
        std::cerr << "beschlusskontrolle_demo: " << e.what() << '\n';
        return 1;
    }
    return 0;
}
