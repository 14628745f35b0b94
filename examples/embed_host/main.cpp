// A municipal Fachverfahren that embeds kimflow: the Stadt's grant office (Zuwendungen an
// freie Träger) runs its own Förderantrag lifecycle (foerderantrag.hpp) and, on the same
// SQLite file, the built-in Drucksache lifecycle for the Beschlussvorlage its committee decides.
//
// The story, autumn 2025 to January 2026 (a ManualClock gives every step its date):
//  - two Vereine apply for money for integration projects in 2026;
//  - the Sachbearbeitung saves its review form for FA-2025-014 as one unit of work (committed);
//  - its form for FA-2025-015 asks for more than the Förderrichtlinie allows: the last fire of
//    the unit is refused, the host rolls the whole unit back and shows that nothing was stored;
//  - FA-2025-014 is above the Wertgrenze, so the Verwaltung writes Beschlussvorlage 0731/2025;
//    the Integrationsrat recommends it, the Ausschuss decides, and the grant is approved;
//  - FA-2025-015 is rejected; the Beschlusskontrolle completes the paper in January 2026.
// Every transition of both lifecycles goes to the host's own log file, one line each.
//
// Usage: embed_host [DATABASE [LOGFILE]]
//   DATABASE  the SQLite file (default embed_host.db in the current folder); a second run on
//             it shows what was stored instead of telling the story again
//   LOGFILE   the host's transition log (default: DATABASE.log, beside the database)
// Exit codes: 0 done, 1 unexpected failure, 2 usage or log file, 3 database, 4 the stored data
// does not fit the story (a refusal), 5 a transition was stored but could not be logged.
#include <cstdint>
#include <fstream>
#include <iostream>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <kimflow/core/clock.hpp>
#include <kimflow/core/engine.hpp>
#include <kimflow/core/error.hpp>
#include <kimflow/paper/lifecycle.hpp>
#include <kimflow/store/sqlite_store.hpp>

#include "foerderantrag.hpp"

using kimflow::Actor;
using kimflow::Fields;
using kimflow::parse_date;
using kimflow::parse_timestamp;
namespace paper = kimflow::paper;

namespace {

const char* const usage = "usage: embed_host [DATABASE [LOGFILE]]\n"
                          "  DATABASE  SQLite file (default: embed_host.db)\n"
                          "  LOGFILE   the host's transition log (default: DATABASE.log)\n";

// Who acts. The Verein applies through the Stadt's online portal; the rest is the Verwaltung.
const Actor portal{"antragsportal", "antragsteller", "Online-Antragsportal der Stadt"};
const Actor sachbearbeitung{"a.yilmaz", "sachbearbeitung", "Fachbereich Soziales und Integration"};
const Actor verwaltung{"fb50-leitung", "verwaltung", "Fachbereich Soziales und Integration"};
const Actor sitzungsdienst{"sitzungsdienst", "sitzungsdienst", "Stadt Castrop-Rauxel"};

const std::string grant_a = "FA-2025-014";
const std::string grant_b = "FA-2025-015";
const std::string vorlage = "0731/2025";

using foerder::euros;

std::string join(const std::vector<std::string>& items, const char* if_empty)
{
    std::string out;
    for (const auto& item : items) out += (out.empty() ? "" : ", ") + item;
    return out.empty() ? if_empty : out;
}

template <class Range>
std::string join_views(const Range& items)
{
    std::string out;
    for (const auto& item : items) out += (out.empty() ? "" : ", ") + std::string(item);
    return out.empty() ? "nothing" : out;
}

/// The log file cannot be opened or written.
class LogFileError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// The host's own transition log: a plain text file, one line per applied transition, appended
/// by the engines' observers. Observers run on the firing thread, so writes are serialised.
class TransitionLog {
public:
    explicit TransitionLog(std::string path) : path_(std::move(path)), out_(path_, std::ios::app)
    {
        if (!out_)
            throw LogFileError("cannot open the log file " + path_ +
                                     " for appending; give a writable path as the second argument");
    }

    const std::string& path() const { return path_; }

    /// Writes one line for @p notice (an Engine<L>::Notice of any lifecycle). A failure throws:
    /// the engine reports it as ObserverError, the transition itself stays applied.
    template <class Notice>
    void write(const Notice& notice)
    {
        const kimflow::TransitionRecord& r = notice.record;
        std::lock_guard<std::mutex> lock(mutex_);
        out_ << kimflow::format_timestamp(r.at) << ' ' << notice.lifecycle << ' ' << notice.instance << " v"
             << r.version << ' ' << r.from << " --" << r.event << "--> " << r.to << " by " << r.actor.id << " ("
             << r.actor.role << ')';
        if (!r.payload.empty()) out_ << " {" << r.payload << '}';
        out_ << '\n' << std::flush;  // a line per transition, on disk before the next fire
        if (!out_) throw LogFileError("cannot write to the log file " + path_);
    }

private:
    std::string path_;
    std::ofstream out_;
    std::mutex mutex_;
};

/// A refusal the host expected (a user's mistake in a form): printed with what to do.
void explain(const kimflow::EventRejected& e)
{
    std::cout << "            refused (" << e.event() << " in " << e.state() << "): " << e.reason() << '\n';
}

/// The Sachbearbeitung's review form (Prüfvermerk) for one application, saved in one go: it
/// takes the application on, records the documents received and, if the form holds a decision,
/// fires it (by name: the form only has strings). All of it is one unit of work: if any fire
/// is refused, the exception leaves this function, the unit is destroyed uncommitted and every
/// earlier fire of the form is rolled back. Nothing half-saved.
void save_review_form(foerder::Engine& grants, const std::string& id, const std::vector<std::string>& documents,
                      const std::optional<std::pair<std::string, Fields>>& decision)
{
    auto unit = grants.unit_of_work();
    grants.fire(id, foerder::StartReview{sachbearbeitung.id}, sachbearbeitung);
    for (const auto& document : documents) grants.fire(id, foerder::AddDocument{document}, sachbearbeitung);
    if (decision) grants.fire(id, decision->first, decision->second, sachbearbeitung);
    unit.commit();  // one transaction; the observers hear of the fires only now
}

/// Tells the story on an empty database. Returns false if the library broke a promise.
bool tell_the_story(foerder::Engine& grants, paper::PaperEngine& papers, kimflow::ManualClock& clock)
{
    // Two applications arrive through the portal.
    clock.set(parse_timestamp("2025-09-15T09:12:00+02:00"));
    foerder::Application a;
    a.applicant = "Nachbarschaftsverein Habinghorst e.V.";
    a.project = "Sprachcafé und Lotsen für Neuzugewanderte";
    a.funding_year = 2026;
    a.requested_eur = 18500;
    grants.create(grant_a, a, portal);
    std::cout << "2025-09-15  Eingang " << grant_a << ": " << a.applicant << ", " << euros(a.requested_eur) << '\n';

    clock.set(parse_timestamp("2025-09-16T14:40:00+02:00"));
    foerder::Application b;
    b.applicant = "Elternnetzwerk Ickern e.V.";
    b.project = "Hausaufgabenhilfe und Elterncafé";
    b.funding_year = 2026;
    b.requested_eur = 32000;
    grants.create(grant_b, b, portal);
    std::cout << "2025-09-16  Eingang " << grant_b << ": " << b.applicant << ", " << euros(b.requested_eur) << '\n';

    // Unit of work 1: the review form of FA-2025-014, without a decision (above the Wertgrenze:
    // the committee decides). Commits.
    clock.set(parse_timestamp("2025-09-22T10:05:00+02:00"));
    std::cout << "2025-09-22  unit of work: review form " << grant_a
              << " (start_review, add_document x2)\n";
    save_review_form(grants, grant_a, {"Finanzierungsplan", "Projektbeschreibung"}, std::nullopt);
    std::cout << "            committed: " << grant_a << " " << grants.state(grant_a) << ", version "
              << grants.version(grant_a) << '\n';

    // Unit of work 2: the review form of FA-2025-015 grants the full amount applied for, more
    // than the Höchstbetrag. The last fire is refused; the unit rolls back.
    clock.set(parse_timestamp("2025-09-24T11:30:00+02:00"));
    std::cout << "2025-09-24  unit of work: review form " << grant_b
              << " (start_review, add_document x2, approve 32.000 €)\n";
    try {
        save_review_form(grants, grant_b, {"Finanzierungsplan", "Projektbeschreibung"},
                         std::pair{std::string("approve"),
                                   Fields{{"amount_eur", "32000"}, {"notice_reference", "50-ZB-2025-015"}}});
        std::cout << "BUG: the Förderrichtlinie's Höchstbetrag did not stop the approval\n";
        return false;
    } catch (const kimflow::GuardRejected& e) {
        explain(e);
    }
    const auto after = grants.view(grant_b);
    std::cout << "            rolled back: " << grant_b << " " << after.states.front() << ", version " << after.version
              << ", documents " << join(after.data.documents, "none") << ", reviewer "
              << (after.data.reviewer.empty() ? "none" : after.data.reviewer) << ", history entries "
              << grants.history(grant_b).size() << '\n';
    if (after.states.front() != "received" || after.version != 0 || !after.data.documents.empty() ||
        !after.data.reviewer.empty()) {
        std::cout << "BUG: the refused unit of work left changes behind\n";
        return false;
    }

    // The Sachbearbeitung takes FA-2025-015 on again, this time without the documents.
    clock.set(parse_timestamp("2025-09-25T08:50:00+02:00"));
    grants.fire(grant_b, foerder::StartReview{sachbearbeitung.id}, sachbearbeitung);
    std::cout << "2025-09-25  " << grant_b << " " << grants.state(grant_b) << ", version " << grants.version(grant_b)
              << "; allowed now: " << join_views(grants.allowed_events(grant_b)) << '\n';
    try {  // the state guard: the file is incomplete
        grants.fire(grant_b, "approve", Fields{{"amount_eur", "25000"}, {"notice_reference", "50-ZB-2025-015"}},
                    sachbearbeitung);
        std::cout << "BUG: an incomplete application was approved\n";
        return false;
    } catch (const kimflow::GuardRejected& e) {
        explain(e);
    }

    // FA-2025-014 is above the Wertgrenze: the Verwaltung writes a Beschlussvorlage.
    clock.set(parse_timestamp("2025-09-29T10:00:00+02:00"));
    paper::Paper p;
    p.reference = vorlage;
    p.type = paper::PaperType::beschlussvorlage;
    p.title = "Zuwendung an den Nachbarschaftsverein Habinghorst e.V. für das Projekt "
              "\"Sprachcafé und Lotsen für Neuzugewanderte\" 2026 (" + grant_a + ")";
    p.date = parse_date("2025-09-29");
    p.originator = "Verwaltung";
    p.body = "Rat der Stadt Castrop-Rauxel";
    p.related_papers.push_back(grant_a);
    p.consultations.push_back({"Integrationsrat", paper::ConsultationRole::vorberatung});
    p.consultations.push_back({"Ausschuss für Soziales und Integration", paper::ConsultationRole::entscheidung});
    papers.create(vorlage, p, verwaltung);
    papers.fire(vorlage, paper::Submit{}, verwaltung);
    std::cout << "2025-09-29  Beschlussvorlage " << vorlage << " " << papers.state(vorlage) << '\n';

    // The Sitzungsdienst puts it on the agendas (by name, as the RIS's form gives it).
    clock.set(parse_timestamp("2025-09-30T09:00:00+02:00"));
    papers.fire(vorlage, "schedule",
                Fields{{"organization", "Integrationsrat"}, {"meeting_date", "2025-10-08"}, {"agenda_item", "4"}},
                sitzungsdienst);
    clock.set(parse_timestamp("2025-10-08T19:45:00+02:00"));
    papers.fire(vorlage, paper::Recommend{{"einstimmig empfohlen"}}, sitzungsdienst);
    clock.set(parse_timestamp("2025-10-20T09:00:00+02:00"));
    papers.fire(vorlage, "schedule",
                Fields{{"organization", "Ausschuss für Soziales und Integration"},
                       {"meeting_date", "2025-11-05"},
                       {"agenda_item", "7.1"}},
                sitzungsdienst);
    clock.set(parse_timestamp("2025-11-05T18:20:00+01:00"));
    papers.fire(vorlage, paper::Decide{{"einstimmig beschlossen"}}, sitzungsdienst);
    std::cout << "2025-11-05  Ausschuss: " << vorlage << " " << papers.state(vorlage) << '\n';

    // The host links the two lifecycles: only a decided paper counts as the committee's decision.
    clock.set(parse_timestamp("2025-11-07T09:30:00+01:00"));
    if (papers.state(vorlage) != "decided") {
        std::cout << "BUG: " << vorlage << " is not decided\n";
        return false;
    }
    grants.fire(grant_a, foerder::RecordResolution{vorlage}, sachbearbeitung);
    grants.fire(grant_a, foerder::Approve{18500, "50-ZB-2025-014"}, verwaltung);
    std::cout << "2025-11-07  Zuwendungsbescheid 50-ZB-2025-014: " << grant_a << " " << grants.state(grant_a) << '\n';

    clock.set(parse_timestamp("2025-11-10T11:00:00+01:00"));
    grants.fire(grant_b,
                foerder::Reject{"Höchstbetrag der Förderrichtlinie überschritten, Unterlagen nicht eingereicht; "
                                "ein neuer Antrag für 2027 ist möglich"},
                verwaltung);
    std::cout << "2025-11-10  Ablehnungsbescheid: " << grant_b << " " << grants.state(grant_b) << '\n';

    // Beschlusskontrolle in the new year.
    clock.set(parse_timestamp("2026-01-15T10:00:00+01:00"));
    papers.fire(vorlage, paper::Complete{"Zuwendungsbescheid 50-ZB-2025-014 vom 07.11.2025; erste Rate ausgezahlt"},
                verwaltung);
    std::cout << "2026-01-15  Beschlusskontrolle: " << vorlage << " " << papers.state(vorlage) << '\n';
    return true;
}

void print_history(const std::vector<kimflow::TransitionRecord>& history)
{
    for (const auto& r : history) {
        std::cout << "    v" << r.version << "  " << kimflow::format_timestamp(r.at) << "  " << r.from << " --"
                  << r.event << "--> " << r.to << "  by " << r.actor.id;
        if (!r.payload.empty()) std::cout << "  {" << r.payload << "}";
        std::cout << '\n';
    }
}

/// What the database holds now: the same on every run.
void report(const foerder::Engine& grants, const paper::PaperEngine& papers, const TransitionLog& log)
{
    std::cout << "\nFörderanträge:\n";
    std::string final_states;
    for (const auto& id : grants.find(kimflow::InstanceQuery{})) {
        const auto v = grants.view(id);
        const foerder::Application& a = v.data;
        std::cout << "  " << id << "  " << v.states.front() << "  v" << v.version << "  " << a.applicant << ": "
                  << a.project << " (" << a.funding_year << ")\n"
                  << "    beantragt " << euros(a.requested_eur);
        if (!a.notice_reference.empty())
            std::cout << ", bewilligt " << euros(a.approved_eur) << " (Zuwendungsbescheid " << a.notice_reference
                      << ")";
        if (!a.resolution.empty()) std::cout << ", Beschluss " << a.resolution;
        std::cout << "\n    Unterlagen: " << join(a.documents, "keine") << "\n";
        if (!a.reason.empty()) std::cout << "    Grund: " << a.reason << "\n";
        print_history(grants.history(id));
        final_states += " " + id + "=" + std::string(v.states.front());
    }
    if (papers.contains(vorlage)) {
        const auto v = papers.view(vorlage);
        std::cout << "Drucksache " << vorlage << " (" << kimflow::to_string(v.data.type) << "): " << v.data.title
                  << '\n';
        print_history(papers.history(vorlage));
        for (const auto& c : v.data.consultations) {
            std::cout << "    Beratungsfolge: " << c.organization << ", " << kimflow::to_string(c.role);
            if (c.meeting_date) std::cout << ", " << kimflow::format_date(*c.meeting_date) << ", TOP " << c.agenda_item;
            if (!c.result.empty()) std::cout << ": " << c.result;
            std::cout << '\n';
        }
        final_states += " " + vorlage + "=" + std::string(v.states.front());
    }
    std::cout << "final:" << final_states << '\n';

    std::ifstream in(log.path());
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    std::cout << "log " << log.path() << ": " << lines.size() << " lines\n";
    for (const auto& line : lines) std::cout << "  " << line << '\n';
}

}  // namespace

int main(int argc, char** argv)
{
    if (argc > 3 || (argc > 1 && (std::string(argv[1]) == "-h" || std::string(argv[1]) == "--help"))) {
        std::cerr << usage;
        return argc > 3 ? 2 : 0;
    }
    const std::string db = argc > 1 ? argv[1] : "embed_host.db";
    const std::string log_path = argc > 2 ? argv[2] : db + ".log";
    try {
        // One store, two engines: one file holds the grants and the papers, each lifecycle
        // under its own id, and one transaction log with one hash chain.
        auto store = std::make_shared<kimflow::SqliteStore>(db);
        auto clock = std::make_shared<kimflow::ManualClock>(parse_timestamp("2025-09-15T00:00:00Z"));

        foerder::Guideline guideline;  // Höchstbetrag 25.000 €, Wertgrenze 15.000 €
        paper::PaperConfig rules;
        rules.bodies["Rat der Stadt Castrop-Rauxel"] = paper::RulesOfProcedure{28, 14, 7};
        foerder::Engine grants(guideline, clock, store);
        paper::PaperEngine papers(rules, clock, store);

        TransitionLog log(log_path);
        const auto grant_observer = grants.observe([&log](const foerder::Engine::Notice& n) { log.write(n); });
        const auto paper_observer = papers.observe([&log](const paper::PaperEngine::Notice& n) { log.write(n); });

        bool ok = true;
        if (grants.contains(grant_a))
            std::cout << "(stored in " << db << " by an earlier run; log " << log.path() << ")\n";
        else
            ok = tell_the_story(grants, papers, *clock);

        // Before the log goes: unobserve returns once no observer call is running.
        grants.unobserve(grant_observer);
        papers.unobserve(paper_observer);
        report(grants, papers, log);
        return ok ? 0 : 1;
    } catch (const kimflow::NotAKimflowDatabase& e) {
        std::cerr << "embed_host: " << e.what() << "\n  what to do: " << db
                  << " belongs to another program; give the path of this program's database, or a new file\n";
        return 3;
    } catch (const kimflow::SchemaTooNew& e) {
        std::cerr << "embed_host: " << e.what() << "\n  what to do: run the kimflow version that wrote " << db << '\n';
        return 3;
    } catch (const kimflow::StoreBusy& e) {
        std::cerr << "embed_host: " << e.what() << "\n  what to do: another program is writing " << db
                  << "; try again in a moment\n";
        return 3;
    } catch (const kimflow::StoreCorrupt& e) {
        std::cerr << "embed_host: " << e.what() << "\n  what to do: restore " << db
                  << " from the backup; nothing was written\n";
        return 3;
    } catch (const kimflow::StoreError& e) {  // read-only, full disk, other SQLite failures
        std::cerr << "embed_host: " << e.what() << "\n  what to do: check that " << db
                  << " and its folder are writable and the disk has room\n";
        return 3;
    } catch (const kimflow::ObserverError& e) {
        std::cerr << "embed_host: " << e.what()
                  << "\n  what to do: the transitions named are stored, but the log missed them; fix the log file ("
                  << log_path << ") and add their lines from the history\n";
        return 5;
    } catch (const kimflow::EventRejected& e) {  // GuardRejected, EventNotAllowed
        std::cerr << "embed_host: " << e.what() << "\n  what to do: " << db
                  << " holds data this story does not fit; use a new file, or remove " << db << " to start over\n";
        return 4;
    } catch (const kimflow::InstanceError& e) {  // DuplicateInstance, InstanceNotFound
        std::cerr << "embed_host: " << e.what() << "\n  what to do: " << db
                  << " holds data this story does not fit; use a new file, or remove " << db << " to start over\n";
        return 4;
    } catch (const kimflow::Error& e) {  // InvalidPayload, UnknownEvent, InvalidData: the host's own mistake
        std::cerr << "embed_host: " << e.what() << "\n  what to do: this is a bug in embed_host; report it\n";
        return 1;
    } catch (const LogFileError& e) {  // opening it; a failed write arrives as ObserverError
        std::cerr << "embed_host: " << e.what() << '\n';
        return 2;
    } catch (const std::exception& e) {
        std::cerr << "embed_host: unexpected failure: " << e.what() << '\n';
        return 1;
    }
}
