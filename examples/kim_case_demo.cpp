// The Castrop-Rauxel story of the seeds seen from the case side: in 2021 the Kreis
// Recklinghausen passes KIM case management on to freie Träger (Caritas, AGORA). One client's
// case, worked by the Caritas: consent for the Jobcenter, assessment, goals, the consent
// extended to the Ausländerbehörde, referrals to the Jobcenter (SGB II) and the
// Ausländerbehörde (AufenthG), two Wiedervorlagen, a pause abroad during which the first falls
// due, monitoring, evaluation, closure. Two further cases make the year's figures, printed at
// the end as a table.
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
    const Actor system{"system", "system"};
    auto on = [&](const char* day) { clock.set(parse_timestamp(day)); };
    const std::string jobcenter = "Jobcenter Kreis Recklinghausen";
    const std::string abh = "Ausländerbehörde Kreis Recklinghausen";

    {
        on("2021-05-03T09:00:00+02:00");
        open_case(engine, "K-2021-001", Open{"Castrop-Rauxel", "Caritas", "cm-caritas-1", "Kreis Recklinghausen"}, caritas);
        engine.fire("K-2021-001", GrantConsent{{jobcenter}, "Klärung des Arbeitsmarktzugangs"}, caritas);
        on("2021-05-10T10:00:00+02:00");
        engine.fire("K-2021-001", Accept{}, caritas);
        on("2021-05-20T14:00:00+02:00");
        engine.fire("K-2021-001", CompleteAssessment{}, caritas);
        on("2021-05-27T11:00:00+02:00");
        engine.fire("K-2021-001", AddGoal{"Aufenthaltstitel gesichert"}, caritas);
        engine.fire("K-2021-001", AddGoal{"Arbeitsaufnahme vorbereitet"}, caritas);
        engine.fire("K-2021-001", AgreePlan{}, caritas);
        // The Ausländerbehörde joins: the consent is extended, the Jobcenter stays in it.
        engine.fire("K-2021-001", ExtendConsent{{abh}, "Klärung von Aufenthalt und Arbeitsmarktzugang"}, caritas);
        on("2021-06-01T09:30:00+02:00");
        engine.fire("K-2021-001", "refer", Fields{{"recipient", jobcenter}, {"rechtskreis", "SGB II"}}, caritas);
        on("2021-06-02T09:30:00+02:00");
        engine.fire("K-2021-001", "refer", Fields{{"recipient", abh}, {"rechtskreis", "AufenthG"}}, caritas);
        on("2021-06-15T16:00:00+02:00");
        engine.fire("K-2021-001", StartMonitoring{}, caritas);
        engine.fire("K-2021-001", FollowUpOn{parse_date("2021-07-15"), "Rückmeldung des Jobcenters"}, caritas);
        engine.fire("K-2021-001", FollowUpOn{parse_date("2021-08-31"), "Termin bei der Ausländerbehörde"}, caritas);
        on("2021-07-05T08:00:00+02:00");
        engine.fire("K-2021-001", Pause{"Klientin für sechs Wochen im Ausland"}, caritas);
        // The first Wiedervorlage falls due while the case rests: what the lifecycle's timers
        // list is fired as the system, as a tick fires it.
        on("2021-07-15T06:00:00+02:00");
        for (const Timer& due : CaseLifecycle::timers(engine.data("K-2021-001"), engine.state("K-2021-001"), {}))
            if (due.due <= clock.now()) engine.fire("K-2021-001", std::string(due.event), due.payload, system);
        on("2021-08-16T09:00:00+02:00");
        engine.fire("K-2021-001", Resume{}, caritas);
        engine.fire("K-2021-001", FollowUpDone{1, {}, ""}, caritas);
        engine.fire("K-2021-001", "complete_referral", Fields{{"recipient", jobcenter}, {"rechtskreis", "SGB II"}},
                    caritas);
        on("2021-09-15T10:00:00+02:00");
        engine.fire("K-2021-001", Evaluate{}, caritas);
        on("2021-09-20T15:00:00+02:00");
        // Closing ends the Wiedervorlage still open and the referral to the Ausländerbehörde.
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
        engine.fire("K-2021-003", FollowUpOn{parse_date("2021-12-01"), "Bescheid des Sozialamts"}, stadt);
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
    std::cout << "state: " << engine.state("K-2021-001") << "\n";
    std::cout << "consent: " << c.consent.recipient_list() << "\n";
    for (std::size_t i = 0; i < c.follow_ups.size(); ++i) {
        const FollowUp& f = c.follow_ups[i];
        std::cout << "Wiedervorlage " << i + 1 << "  " << format_date(f.date) << "  " << f.subject << "  "
                  << (f.fell_due_at ? "fell due, " : "") << (f.closed_with_case ? "closed with the case" : "done")
                  << "\n";
    }
    std::cout << "\n";

    const Report report = make_report(engine, parse_date("2021-01-01"), parse_date("2021-12-31"));
    std::cout << to_table(report);
    return 0;
} catch (const Error& e) {
    std::cerr << "kim_case_demo: " << e.what() << '\n';
    return 1;
}
