// The Castrop-Rauxel story of the seeds seen from the case side: in 2021 the Kreis
// Recklinghausen passes KIM case management on to freie Träger (Caritas, AGORA). One client's
// case, worked by the Caritas: consent, assessment, goals, referrals to the Jobcenter (SGB II)
// and the Ausländerbehörde (AufenthG), a pause abroad, monitoring, evaluation, closure. Two
// further cases make the year's figures, printed at the end as a table.
//
// Usage: kim_case_demo [DATABASE]   (default: kim_case_demo.db in the current folder)
// The cases are kept in that SQLite file: a second run shows the stored history and figures
// instead of working the cases again.
#include <iostream>
#include <memory>
#include <string>

#include <kimflow/io/kim_report.hpp>
#include <kimflow/kim/follow_up.hpp>
#include <kimflow/kim/lifecycle.hpp>
#include <kimflow/store/sqlite_store.hpp>

using namespace kimflow;
using namespace kimflow::kim;

namespace {

void work_the_cases(CaseEngine& engine, ManualClock& clock)
{
    const Actor caritas{"cm-caritas-1", "case_manager", "caritas"};
    const Actor agora{"cm-agora-1", "case_manager", "agora"};
    const Actor stadt{"cm-stadt-1", "case_manager", "stadt-castrop-rauxel"};
    auto on = [&](const char* day) { clock.set(parse_timestamp(day)); };
    const std::string jobcenter = "Jobcenter Kreis Recklinghausen";
    const std::string abh = "Ausländerbehörde Kreis Recklinghausen";

    {
        on("2021-05-03T09:00:00+02:00");
        open_case(engine, "K-2021-001", Open{"Castrop-Rauxel", "Caritas", "cm-caritas-1", "Kreis Recklinghausen"}, caritas);
        engine.fire("K-2021-001", GrantConsent{{jobcenter, abh}, "Klärung von Aufenthalt und Arbeitsmarktzugang"}, caritas);
        on("2021-05-10T10:00:00+02:00");
        engine.fire("K-2021-001", Accept{}, caritas);
        on("2021-05-20T14:00:00+02:00");
        engine.fire("K-2021-001", CompleteAssessment{}, caritas);
        on("2021-05-27T11:00:00+02:00");
        engine.fire("K-2021-001", AddGoal{"Aufenthaltstitel gesichert"}, caritas);
        engine.fire("K-2021-001", AddGoal{"Arbeitsaufnahme vorbereitet"}, caritas);
        engine.fire("K-2021-001", AgreePlan{}, caritas);
        on("2021-06-01T09:30:00+02:00");
        engine.fire("K-2021-001", "refer", Fields{{"recipient", jobcenter}, {"rechtskreis", "SGB II"}}, caritas);
        on("2021-06-02T09:30:00+02:00");
        engine.fire("K-2021-001", "refer", Fields{{"recipient", abh}, {"rechtskreis", "AufenthG"}}, caritas);
        on("2021-06-15T16:00:00+02:00");
        engine.fire("K-2021-001", StartMonitoring{}, caritas);
        engine.fire("K-2021-001", FollowUpOn{parse_date("2021-07-15")}, caritas);
        on("2021-07-05T08:00:00+02:00");
        engine.fire("K-2021-001", Pause{"Klientin für sechs Wochen im Ausland"}, caritas);
        on("2021-08-16T09:00:00+02:00");
        engine.fire("K-2021-001", Resume{}, caritas);
        engine.fire("K-2021-001", FollowUpOn{parse_date("2021-09-10")}, caritas);
        on("2021-09-15T10:00:00+02:00");
        engine.fire("K-2021-001", Evaluate{}, caritas);
        on("2021-09-20T15:00:00+02:00");
        engine.fire("K-2021-001", Close{ClosureReason::goals_achieved, "Titel erteilt, Arbeitsvertrag ab Oktober"},
                    caritas);

        // A case at AGORA that loses contact, and one the Stadt runs itself.
        on("2021-06-07T09:00:00+02:00");
        open_case(engine, "K-2021-002", Open{"Castrop-Rauxel", "AGORA", "cm-agora-1", "Kreis Recklinghausen"}, agora);
        engine.fire("K-2021-002", GrantConsent{{"Jugendamt Castrop-Rauxel"}, "Kita-Platz"}, agora);
        engine.fire("K-2021-002", Accept{}, agora);
        on("2021-08-30T09:00:00+02:00");
        engine.fire("K-2021-002", Abort{ClosureReason::no_contact, "drei Termine nicht wahrgenommen"}, agora);

        on("2021-11-02T09:00:00+01:00");
        open_case(engine, "K-2021-003", Open{"Castrop-Rauxel", "", "cm-stadt-1", "Kreis Recklinghausen"}, stadt);
        engine.fire("K-2021-003", GrantConsent{{"Sozialamt Castrop-Rauxel"}, "Leistungen nach AsylbLG"}, stadt);
        engine.fire("K-2021-003", Accept{}, stadt);
        engine.fire("K-2021-003", FollowUpOn{parse_date("2021-12-01")}, stadt);
    }
}

}  // namespace

int main(int argc, char** argv)
try {
    const std::string path = argc > 1 ? argv[1] : "kim_case_demo.db";
    auto clock = std::make_shared<ManualClock>();
    CaseEngine engine(CaseConfig{}, clock, std::make_shared<SqliteStore>(path));
    if (engine.contains("K-2021-001"))
        std::cout << "(stored in " << path << " by an earlier run)\n";
    else
        work_the_cases(engine, *clock);

    const KimCase c = engine.data("K-2021-001");
    std::cout << "Fall K-2021-001 (" << c.kommune << ", " << c.kreis << ", Träger " << c.traeger << ")\n";
    for (const auto& r : engine.history("K-2021-001")) {
        std::cout << "  v" << r.version << "  " << format_date(date_of(r.at)) << "  " << r.from << " --" << r.event
                  << "--> " << r.to;
        if (!r.payload.empty()) std::cout << "  {" << r.payload << "}";
        std::cout << "\n";
    }
    std::cout << "state: " << engine.state("K-2021-001") << "\n\n";

    const Report report = make_report(engine, parse_date("2021-01-01"), parse_date("2021-12-31"));
    std::cout << to_table(report);
    return 0;
} catch (const Error& e) {
    std::cerr << "kim_case_demo: " << e.what() << '\n';
    return 1;
}
