// kimflowd --demo (demo.hpp): the stories are told through the library's engines under the
// default policy, as a host would tell them, so the demo shows what kimflow records itself.
#include "demo.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>

#include <kimflow/default_policy.hpp>
#include <kimflow/identity/accounts.hpp>
#include <kimflow/io/table.hpp>
#include <kimflow/kim/lifecycle.hpp>
#include <kimflow/paper/lifecycle.hpp>
#include <kimflow/resolution/resolution_engine.hpp>
#include <kimflow/store/sqlite_store.hpp>

namespace kimflowd {

using namespace kimflow;
namespace fs = std::filesystem;
namespace res = kimflow::resolution;

namespace {

/// The setting that marks a demo database, and the demo's version in it: a file without it is
/// someone's real data.
constexpr const char* kDemoKey = "kimflowd:demo";
constexpr const char* kDemoVersion = "1";

const std::string kKommune = "Castrop-Rauxel";
const std::string kKreis = "Kreis Recklinghausen";
const std::string kRat = "Rat der Stadt Castrop-Rauxel";
const std::string kB2 = "Betriebsausschuss 2";
const std::string kIntegrationsrat = "Integrationsrat";
const std::string kHfa = "Haupt- und Finanzausschuss";
const std::string kOffice = "Bereich Integration";
const std::string kAdministrator = "administrator";

// The demo's people: the accounts' names, so that the histories name who logs in.
const Actor kCaritas{"cm-caritas", "case_manager", "Caritas"};
const Actor kAwo{"cm-awo", "case_manager", "AWO"};
const Actor kSitzungsdienst{"sitzungsdienst", "sitzungsdienst", "Stadt Castrop-Rauxel"};
const Actor kVerwaltung{"verwaltung", "verwaltung", kOffice};
// Those without an account: they only appear in the histories.
const Actor kStadt{"stadtverwaltung", "verwaltung", "Stadt Castrop-Rauxel"};
const Actor kSpd{"fraktion-spd", "fraktion", "SPD-Ratsfraktion"};
const Actor kGruene{"fraktion-gruene", "fraktion", "Fraktion Bündnis 90/Die Grünen"};

/// The engines on the new file and a clock the stories set: every time is in the past, counted
/// back from today, so that "due this week" and "overdue" hold whatever day the demo is made.
struct Story {
    ManualClock& clock;
    paper::PaperEngine& papers;
    kim::CaseEngine& cases;
    res::ResolutionEngine& resolutions;
    Timestamp now;
    Date today = date_of(now);

    Date day(int offset) const { return today + date::days{offset}; }
    /// Sets the clock to @p hour o'clock (UTC) @p days_ago days before today.
    void at(int days_ago, int hour) { clock.set(start_of(day(-days_ago)) + std::chrono::hours(hour)); }
    /// A reference numbered in the year of @p d, e.g. 2025/0211 (the demo's own numbering).
    std::string reference(Date d, const char* number) const
    {
        return std::to_string(static_cast<int>(date::year_month_day{d}.year())) + "/" + number;
    }
    void paper(const std::string& ref, paper::PaperType type, const std::string& title, const Actor& by,
               std::vector<paper::Consultation> steps, const std::string& body = "")
    {
        paper::Paper p;
        p.reference = ref;
        p.type = type;
        p.title = title;
        p.date = date_of(clock.now());
        p.originator = by.organization;
        p.body = body.empty() ? kRat : body;
        p.consultations = std::move(steps);
        papers.create(ref, p, by);
        papers.fire(ref, paper::Submit{}, by);
    }
    /// Puts the paper's next consultation on the agenda of the meeting on @p meeting.
    void schedule(const std::string& ref, Date meeting, const char* top, const Actor& by = kSitzungsdienst)
    {
        paper::Schedule e;
        e.meeting_date = meeting;
        e.agenda_item = top;
        papers.fire(ref, e, by);
    }
    void resolve(const std::string& ref, const std::string& task, Date due)
    {
        res::Resolution r;
        r.paper = ref;
        r.office = kOffice;
        r.task = task;
        r.due = due;
        resolutions.create(ref + "-1", r, kSitzungsdienst);
    }
    void open(const std::string& id, const Actor& manager)
    {
        kim::open_case(cases, id, kim::Open{kKommune, manager.organization, manager.id, kKreis}, manager);
    }
};

// The seeds' Fraktionsanfrage of the RVR, from submission to acknowledged, on its own dates.
void rvr_anfrage(Story& s)
{
    const Actor fraktion{"fraktion-linke-rvr", "fraktion", "Fraktion Die Linke"};
    const Actor regionaldirektor{"regionaldirektor", "verwaltung", "Regionalverband Ruhr"};
    const Actor sitzungsdienst{"sitzungsdienst-rvr", "sitzungsdienst", "Regionalverband Ruhr"};
    const std::string committee = "Ausschuss für Kultur, Sport und Vielfalt";
    s.clock.set(parse_timestamp("2025-01-06T09:00:00+01:00"));
    s.paper("14/1923", paper::PaperType::anfrage, "Zusammenarbeit der Kommunalen Integrationszentren im Ruhrgebiet",
            fraktion, {{committee, paper::ConsultationRole::kenntnisnahme}}, "Regionalverband Ruhr");
    s.clock.set(parse_timestamp("2025-01-27T10:00:00+01:00"));
    s.papers.fire("14/1923", paper::Answer{"14/1923-1"}, regionaldirektor);
    s.clock.set(parse_timestamp("2025-01-28T08:30:00+01:00"));
    s.schedule("14/1923", parse_date("2025-02-06"), "9.2", sitzungsdienst);
    s.clock.set(parse_timestamp("2025-02-06T15:40:00+01:00"));
    s.papers.fire("14/1923", paper::Acknowledge{}, sitzungsdienst);
}

// The seeds' Antrag of Castrop-Rauxel, decided in the B2 on 15 April 2021; its report fell
// overdue then, and the committee has since moved it to its next meeting.
void castrop_rauxel_antrag(Story& s)
{
    const std::string ref = "2021/0159", resolution = "2021/0159-1";
    const Actor antragsteller{"fraktionen-spd-gruene", "fraktion", "SPD-Ratsfraktion, Fraktion Bündnis 90/Die Grünen"};
    s.clock.set(parse_timestamp("2021-03-30T10:00:00+02:00"));
    s.paper(ref, paper::PaperType::antrag, "Stand der Umsetzung des Kommunalen Integrationsmanagements in Castrop-Rauxel",
            antragsteller, {{kB2, paper::ConsultationRole::entscheidung, true}});
    s.clock.set(parse_timestamp("2021-03-31T09:00:00+02:00"));
    s.schedule(ref, parse_date("2021-04-15"), "6");
    s.clock.set(parse_timestamp("2021-04-15T18:30:00+02:00"));
    s.papers.fire(ref, paper::Decide{"einstimmig beschlossen"}, kSitzungsdienst);

    s.clock.set(parse_timestamp("2021-04-16T09:00:00+02:00"));
    s.resolve(ref, "Bericht zum Stand des KIM und zur Einbindung der Träger der Freien Wohlfahrtspflege",
              parse_date("2021-06-10"));
    s.clock.set(parse_timestamp("2021-04-19T10:00:00+02:00"));
    s.resolutions.fire(resolution, res::Start{"Abfrage bei den Trägern"}, kVerwaltung);
    s.resolutions.tick(parse_timestamp("2021-06-11T02:00:00+02:00"));
    s.clock.set(parse_timestamp("2021-06-14T11:00:00+02:00"));
    s.resolutions.fire(resolution,
                       res::ReportProgress{"Konzept mit den Trägern abgestimmt; die Fallzahlen fehlen noch",
                                           "Die Förderzusage des Landes für das Case Management steht noch aus",
                                           std::nullopt},
                       kVerwaltung);
    s.at(30, 10);
    s.resolutions.fire(
        resolution, res::ReportProgress{"Die Fallzahlen der Träger liegen vor; der Bericht wird abgestimmt", "", std::nullopt},
        kVerwaltung);
    s.at(29, 9);
    s.resolutions.fire(resolution,
                       res::Extend{s.day(8), "Der Betriebsausschuss 2 erwartet den Bericht zu seiner nächsten Sitzung"},
                       kSitzungsdienst);
}

// Castrop-Rauxel now: two more decisions under Beschlusskontrolle (one overdue, one in time),
// papers on the agendas of the B2 and the Integrationsrat, and an Anfrage left unanswered.
void castrop_rauxel_now(Story& s)
{
    using paper::ConsultationRole;
    using paper::PaperType;
    s.at(80, 9);
    const std::string pool = s.reference(s.day(-80), "0211");
    s.paper(pool, PaperType::beschlussvorlage, "Sprachmittlung in der Beratung: ein Pool für die KIM-Träger", kStadt,
            {{kB2, ConsultationRole::entscheidung, true}});
    s.at(78, 9);
    s.schedule(pool, s.day(-64), "7");
    s.at(64, 19);
    s.papers.fire(pool, paper::Decide{"einstimmig beschlossen"}, kSitzungsdienst);
    s.at(63, 9);
    s.resolve(pool, "Sprachmittlerpool einrichten und den Trägern zugänglich machen", s.day(-10));
    s.at(60, 10);
    s.resolutions.fire(pool + "-1", res::Start{"Ausschreibung vorbereitet"}, kVerwaltung);
    s.at(20, 10);
    s.resolutions.fire(pool + "-1", res::ReportProgress{"Ausschreibung veröffentlicht", "", std::nullopt}, kVerwaltung);

    s.at(40, 9);
    const std::string sprechstunden = s.reference(s.day(-40), "0245");
    s.paper(sprechstunden, PaperType::antrag, "Sprechstunden des KIM-Case-Managements in den Stadtteilen", kGruene,
            {{kHfa, ConsultationRole::entscheidung, true}});
    s.at(39, 9);
    s.schedule(sprechstunden, s.day(-22), "12");
    s.at(22, 20);
    s.papers.fire(sprechstunden, paper::Decide{"mehrheitlich beschlossen"}, kSitzungsdienst);
    s.at(21, 9);
    s.resolve(sprechstunden, "Konzept für Sprechstunden in den Stadtteilen vorlegen", s.day(45));

    // On the agendas: the B2 in eight days (two items), the Integrationsrat in fifteen.
    s.at(21, 11);
    const std::string zahlen = s.reference(s.day(-21), "0268");
    s.paper(zahlen, PaperType::mitteilungsvorlage, "Sachstand KIM-Case-Management: Fallzahlen der Träger", kStadt,
            {{kB2, ConsultationRole::kenntnisnahme}});
    const std::string mittel = s.reference(s.day(-21), "0269");
    s.paper(mittel, PaperType::beschlussvorlage, "Weiterleitung der KIM-Fördermittel an die freien Träger", kStadt,
            {{kB2, ConsultationRole::vorberatung}, {kRat, ConsultationRole::entscheidung, true}});
    s.at(14, 9);
    s.schedule(zahlen, s.day(8), "5.1");
    s.schedule(mittel, s.day(8), "5.2");

    s.at(30, 9);
    const std::string wartezeiten = s.reference(s.day(-30), "0259");
    s.paper(wartezeiten, PaperType::anfrage, "Wartezeiten bei der Ausländerbehörde für Klientinnen und Klienten des KIM",
            kSpd, {{kIntegrationsrat, ConsultationRole::kenntnisnahme}});
    s.at(12, 14);
    s.papers.fire(wartezeiten, paper::Answer{wartezeiten + "-1"}, kVerwaltung);
    s.at(10, 9);
    s.schedule(wartezeiten, s.day(15), "4");

    // Unanswered past its period (28 days): the nightly tick records it overdue.
    s.at(40, 15);
    const std::string eu = s.reference(s.day(-40), "0247");
    s.paper(eu, PaperType::anfrage, "Beratungsangebote für Neuzugewanderte aus EU-Staaten", kGruene,
            {{kIntegrationsrat, ConsultationRole::kenntnisnahme}});
}

// KIM cases of the Caritas and the AWO in Castrop-Rauxel, overseen by the Kreis.
void kim_cases(Story& s)
{
    using kim::Rechtskreis;
    const std::string jobcenter = "Jobcenter Kreis Recklinghausen";
    const std::string jugendamt = "Jugendamt Castrop-Rauxel";
    const std::string sozialamt = "Sozialamt Castrop-Rauxel";

    // Caritas: in monitoring, a Wiedervorlage in two days.
    s.at(70, 9);
    s.open("K-CR-101", kCaritas);
    s.cases.fire("K-CR-101", kim::GrantConsent{{jobcenter}, "Klärung des Arbeitsmarktzugangs"}, kCaritas);
    s.at(63, 10);
    s.cases.fire("K-CR-101", kim::Accept{}, kCaritas);
    s.at(50, 14);
    s.cases.fire("K-CR-101", kim::CompleteAssessment{}, kCaritas);
    s.at(42, 11);
    s.cases.fire("K-CR-101", kim::AddGoal{"Deutschkurs B1 abgeschlossen"}, kCaritas);
    s.cases.fire("K-CR-101", kim::AddGoal{"Anerkennung des Berufsabschlusses beantragt"}, kCaritas);
    s.cases.fire("K-CR-101", kim::AgreePlan{}, kCaritas);
    s.at(40, 9);
    s.cases.fire("K-CR-101", kim::Refer{jobcenter, Rechtskreis::sgb2}, kCaritas);
    s.at(35, 16);
    s.cases.fire("K-CR-101", kim::StartMonitoring{}, kCaritas);
    s.at(10, 9);
    s.cases.fire("K-CR-101", kim::FollowUpOn{s.day(2), "Rückmeldung des Jobcenters zum Sprachkurs"}, kCaritas);

    // Caritas: just opened, no consent yet.
    s.at(3, 10);
    s.open("K-CR-102", kCaritas);
    s.cases.fire("K-CR-102", kim::FollowUpOn{s.day(4), "Einwilligung im Erstgespräch einholen"}, kCaritas);

    // Caritas: closed, goals achieved.
    s.at(210, 9);
    s.open("K-CR-103", kCaritas);
    s.cases.fire("K-CR-103", kim::GrantConsent{{sozialamt}, "Leistungen nach dem SGB XII"}, kCaritas);
    s.at(205, 10);
    s.cases.fire("K-CR-103", kim::Accept{}, kCaritas);
    s.at(190, 10);
    s.cases.fire("K-CR-103", kim::CompleteAssessment{}, kCaritas);
    s.at(180, 11);
    s.cases.fire("K-CR-103", kim::AddGoal{"Eigene Wohnung gefunden"}, kCaritas);
    s.cases.fire("K-CR-103", kim::AgreePlan{}, kCaritas);
    s.at(178, 9);
    s.cases.fire("K-CR-103", kim::Refer{sozialamt, Rechtskreis::sgb12}, kCaritas);
    s.at(170, 9);
    s.cases.fire("K-CR-103", kim::StartMonitoring{}, kCaritas);
    s.at(120, 9);
    s.cases.fire("K-CR-103", kim::CompleteReferral{sozialamt, Rechtskreis::sgb12}, kCaritas);
    s.at(60, 10);
    s.cases.fire("K-CR-103", kim::Evaluate{}, kCaritas);
    s.at(58, 15);
    s.cases.fire("K-CR-103", kim::Close{kim::ClosureReason::goals_achieved, "Mietvertrag unterschrieben"}, kCaritas);

    // AWO: referred to the Jugendamt; its answer was due four days ago.
    s.at(45, 9);
    s.open("K-CR-201", kAwo);
    s.cases.fire("K-CR-201", kim::GrantConsent{{jugendamt}, "Kita-Platz und Hilfen zur Erziehung"}, kAwo);
    s.at(40, 10);
    s.cases.fire("K-CR-201", kim::Accept{}, kAwo);
    s.at(33, 14);
    s.cases.fire("K-CR-201", kim::CompleteAssessment{}, kAwo);
    s.at(30, 11);
    s.cases.fire("K-CR-201", kim::AddGoal{"Kita-Platz für die Tochter"}, kAwo);
    s.cases.fire("K-CR-201", kim::AgreePlan{}, kAwo);
    s.at(25, 9);
    s.cases.fire("K-CR-201", kim::Refer{jugendamt, Rechtskreis::sgb8}, kAwo);
    s.cases.fire("K-CR-201", kim::FollowUpOn{s.day(-4), "Antwort des Jugendamts zum Kita-Platz"}, kAwo);

    // AWO: resting while the client is in hospital.
    s.at(20, 9);
    s.open("K-CR-202", kAwo);
    s.cases.fire("K-CR-202", kim::GrantConsent{{"Ausländerbehörde Kreis Recklinghausen"}, "Klärung des Aufenthalts"}, kAwo);
    s.at(18, 10);
    s.cases.fire("K-CR-202", kim::Accept{}, kAwo);
    s.at(8, 12);
    s.cases.fire("K-CR-202", kim::Pause{"Klient für vier Wochen im Krankenhaus"}, kAwo);
}

/// Fills @p store: the stories, the nightly ticks a running kimflowd would have made, the
/// accounts, and last the mark that makes it the demo.
void fill(const std::shared_ptr<SqliteStore>& store)
{
    const Timestamp now = date::floor<std::chrono::microseconds>(std::chrono::system_clock::now());
    auto clock = std::make_shared<ManualClock>(now);
    EngineOptions options;
    options.policy = std::make_shared<const Policy>(default_policy());
    paper::PaperEngine papers(paper::PaperConfig{}, clock, store, options);
    kim::CaseEngine cases(kim::CaseConfig{}, clock, store, options);
    res::ResolutionEngine resolutions(papers, res::ResolutionConfig{}, clock, options);
    Story s{*clock, papers, cases, resolutions, now};
    rvr_anfrage(s);
    castrop_rauxel_antrag(s);
    castrop_rauxel_now(s);
    kim_cases(s);
    for (int back = 90; back >= 0; --back) {
        const Timestamp night = start_of(s.day(-back)) + std::chrono::hours(2);
        if (night > now) break;
        clock->set(night);
        papers.tick(night);
        cases.tick(night);
        resolutions.tick(night);
    }
    const Actor admin{"kimflowd-demo", kAdministrator, ""};
    Accounts accounts(store);
    for (const DemoLogin& l : demo_logins()) accounts.add(l.name, l.role, l.organization, l.password, admin, now);
    store->put_setting(kDemoKey, kDemoVersion);
}

/// Whether @p path starts as an SQLite file of kimflow (application_id "KIMF"), read without
/// opening it as a database: a file of anything else is not opened at all.
bool kimflow_file(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    char header[72] = {};
    if (!in.read(header, sizeof header)) return false;
    return std::memcmp(header, "SQLite format 3", 16) == 0 && std::memcmp(header + 68, "KIMF", 4) == 0;
}

/// The demo mark of @p path, read in place as an unchanging file: no lock and no file beside
/// it, so that --demo leaves a real database exactly as it was, and copies none of it anywhere.
/// None if the file has no mark.
/// @throws Error if the file cannot be read as a kimflow database
std::optional<std::string> demo_mark(const std::string& path)
{
    SqliteOptions options;
    options.create = false;
    options.read_only = true;
    options.immutable = true;
    return SqliteStore(path, options).setting(kDemoKey);
}

/// Refuses @p path unless it is a demo database of this version; writes nothing there.
void check_demo(const std::string& path)
{
    std::error_code ec;
    if (!fs::is_regular_file(path, ec))
        throw DemoRefused("'" + path + "' is not a file; pass the path of a demo database, or a new path for one");
    if (!kimflow_file(path))
        throw DemoRefused("'" + path + "' is not a kimflow database, and --demo changes no other file; pass a new path "
                                       "for the demo, e.g. kimflowd --demo kimflow-demo.db (nothing changed)");
    std::optional<std::string> mark;
    try {
        mark = demo_mark(path);
    } catch (const Error& e) {
        throw DemoRefused("'" + path + "' cannot be read as a demo database (" + e.what() +
                          "); pass a new path for the demo (nothing changed)");
    }
    if (!mark)
        throw DemoRefused("'" + path + "' is a kimflow database but not kimflowd's demo, and --demo never changes a real "
                                       "database: pass a new path for the demo, or serve this one with kimflowd --db " +
                          path + " (nothing changed)");
    if (*mark != kDemoVersion)
        throw DemoRefused("'" + path + "' holds the demo of another kimflowd (demo version " + *mark + ", this one makes " +
                          kDemoVersion + "); delete it to have it made again, or pass a new path (nothing changed)");
}

/// Makes the demo at @p path: in a file of its own beside it, put in place only when complete,
/// so that an interrupted start leaves no half-made demo behind. False if another process made
/// @p path meanwhile.
bool make_demo(const std::string& path)
{
    fs::path folder = fs::path(path).parent_path();
    if (folder.empty()) folder = ".";
    std::error_code ec;
    if (!fs::is_directory(folder, ec))
        throw DemoRefused("cannot make the demo database '" + path + "': there is no folder '" + folder.string() +
                          "'; create it, or pass a path in an existing folder");
    if (::access(folder.c_str(), W_OK) != 0)
        throw DemoRefused("cannot make the demo database '" + path + "': the folder '" + folder.string() +
                          "' may not be written; pass a path in a folder you may write");
    // A folder of this start's own beside the path (mkdtemp: a new name, only ours to write),
    // so that the scratch database can be neither another's file nor a link planted there.
    std::string own = (folder / ".kimflow-demo-XXXXXX").string();
    if (!::mkdtemp(own.data()))
        throw DemoRefused("cannot make a folder for the demo in '" + folder.string() + "': " + std::strerror(errno));
    struct RemoveOwn {
        const std::string& folder;
        ~RemoveOwn()
        {
            std::error_code ignored;
            fs::remove_all(folder, ignored);
        }
    } remove{own};
    const std::string scratch = own + "/demo.db";
    {
        SqliteOptions options;
        // A crash loses only the scratch file, which is never used: no sync at each commit.
        options.synchronous = SqliteOptions::Synchronous::normal;
        fill(std::make_shared<SqliteStore>(scratch, options));
    }  // closed: SQLite has moved its WAL into the file and removed it
    if (fs::exists(scratch + "-wal", ec))
        throw StoreError("the demo database was made in '" + scratch + "' but SQLite kept its -wal file; check the folder");
    // Neither link() nor renameat2(RENAME_NOREPLACE) replaces a file: a database that appeared
    // at the path meanwhile stays as it is.
    if (::link(scratch.c_str(), path.c_str()) == 0) return true;
    if (errno == EEXIST) return false;
    // A file system without hard links.
    if (::renameat2(AT_FDCWD, scratch.c_str(), AT_FDCWD, path.c_str(), RENAME_NOREPLACE) == 0) return true;
    if (errno == EEXIST) return false;
    throw StoreError("cannot put the demo database at '" + path + "': " + std::strerror(errno));
}

}  // namespace

std::vector<DemoLogin> demo_logins()
{
    return {
        {kCaritas.id, "demo-caritas-2025", kCaritas.role, kCaritas.organization,
         "KIM-Fälle der Caritas (K-CR-101 bis 103): bearbeiten, Wiedervorlagen; keine Fälle der AWO"},
        {kAwo.id, "demo-awo-2025", kAwo.role, kAwo.organization,
         "KIM-Fälle der AWO (K-CR-201, 202), eine Wiedervorlage überfällig; keine Fälle der Caritas"},
        {"kreis-re", "demo-kreis-2025", "kreis_coordinator", kKreis,
         "alle KIM-Fälle im Kreis lesen und zuweisen, Kennzahlen für das Land"},
        {kSitzungsdienst.id, "demo-sitzung-2025", kSitzungsdienst.role, kSitzungsdienst.organization,
         "Drucksachen und Tagesordnungen, Beschlüsse erfassen, Beschlusskontrolle"},
        {kVerwaltung.id, "demo-verwaltung-2025", kVerwaltung.role, kVerwaltung.organization,
         "Anfragen beantworten, Sachstand zu den Beschlüssen des Bereichs Integration"},
        {"admin", "demo-admin-2025", kAdministrator, "", "Prüfpfad (Audit) und Löschfristen; keine Fallinhalte"},
    };
}

DemoDatabase prepare_demo(const std::string& path)
{
    DemoDatabase out{path, false, demo_logins()};
    std::error_code ec;
    // symlink_status: a dangling link counts as there (and is refused), never written through.
    if (!fs::exists(fs::symlink_status(path, ec)) && make_demo(path)) {
        out.created = true;
        return out;
    }
    check_demo(path);
    return out;
}

std::string demo_banner(const DemoDatabase& demo, const std::string& url)
{
    Table logins({"Konto", "Passwort", "Rolle", "Organisation", "sieht und darf"});
    for (const DemoLogin& l : demo.logins)
        logins.add({l.name, l.password, l.role, l.organization.empty() ? "-" : l.organization, l.description});
    return "kimflowd läuft mit Demo-Daten: " + url + "\n" + "Datenbank: " + demo.path +
           (demo.created ? " (eben angelegt)" : " (von einem früheren Start, unverändert übernommen)") + "\n\n" +
           "Demo-Zugänge (nur für diese Demo: die Passwörter sind fest und öffentlich):\n" + logins.render() + "\n" +
           "Anmelden: POST " + url + "api/v1/session mit {\"name\": \"…\", \"password\": \"…\"}; beenden mit Strg+C.\n";
}

}  // namespace kimflowd
