// OParl import: n papers as a council information system publishes them (OParl 1.1 list pages
// of 100 objects: the papers, each with 1–3 consultations; the meetings, with the agenda items
// whose results move the papers to their states; the organizations and the body), imported by
// kimflow::oparl::import_papers into a fresh PaperEngine, on its default in-memory store or on a
// SqliteStore in a temporary file; and the same pages imported again into that engine, where
// every paper is unchanged. Sizes: 10^3 and 10^4 papers (smoke: 10^3); the environment variable
// KIMFLOW_BENCH_OPARL_LARGE=1 adds 10^5. Counter: papers_per_second. Figures and how long each
// size takes: bench/README.md, "OParl import".
//
// The pages are made once per size, before timing, and are the same on every run. They use only
// what import_papers reads since its first version (the three-argument call, the created and
// unchanged lists), so this file also builds against kimflow before the importer's rewrite.
#include <algorithm>
#include <cstdlib>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include <kimflow/io/oparl.hpp>
#include <kimflow/paper/lifecycle.hpp>
#include <kimflow/store/sqlite_store.hpp>

#include "common/files.hpp"
#include "common/suite.hpp"

namespace {

using namespace kimflow;
using namespace kimflow::paper;
using nlohmann::json;

constexpr std::size_t kPageSize = 100;  // objects per list page, as RIS page them
constexpr int kPapersPerDay = 20;       // a large city: some 5 000 papers a year
const std::string kRis = "https://ris.example.de/oparl/";
const std::string kSchema = "https://schema.oparl.org/1.1/";
const std::string kBody = kRis + "body/1";

/// The committees; the Rat (last) decides. Committee c meets weekly on day c of the week.
const char* const kCommittees[] = {"Ausschuss für Planung und Stadtentwicklung",
                                   "Bauausschuss",
                                   "Ausschuss für Umwelt und Klimaschutz",
                                   "Schulausschuss",
                                   "Sozialausschuss",
                                   "Finanzausschuss",
                                   "Rat der Stadt"};
const char* const kCommitteeSlugs[] = {"planung", "bau", "umwelt", "schule", "soziales", "finanzen", "rat"};
constexpr int kRat = 6;
constexpr int kAusschuesse = 6;

const char* const kOriginators[] = {"Fraktion SPD", "Fraktion CDU", "Fraktion BÜNDNIS 90/DIE GRÜNEN", "Fraktion FDP",
                                    "Der Oberbürgermeister"};
const char* const kOriginatorSlugs[] = {"spd", "cdu", "gruene", "fdp", "verwaltung"};
constexpr int kVerwaltung = 4;

std::string organization_url(const char* slug) { return kRis + "organization/" + slug; }

/// One consultation of a generated paper: in which committee, whether it has a meeting (weeks
/// after the paper's week; none: still planned) and the result written on its agenda item.
struct Consult {
    int committee;
    const char* role;
    bool authoritative;
    int week;            // -1: no meeting yet
    std::string result;  // empty: none yet
};

struct Scenario {
    const char* type;
    std::vector<Consult> consultations;
};

/// Paper i's type and Beratungsfolge, by i % 10 (committees a and b vary with i):
/// acknowledged, decided, rejected after a postponement, an Anfrage answered by the Antwort
/// after it and acknowledged, that Antwort (submitted), on the Rat's agenda, decided after a
/// referral, withdrawn in the meeting, submitted with nothing treated, acknowledged in two
/// committees.
Scenario scenario(std::size_t i)
{
    const int a = static_cast<int>((i / 10) % kAusschuesse);
    const int b = (a + 1) % kAusschuesse;
    switch (i % 10) {
    case 0: return {"Mitteilungsvorlage", {{a, "Kenntnisnahme", false, 3, "zur Kenntnis genommen"}}};
    case 1:
        return {"Beschlussvorlage",
                {{a, "Vorberatung", false, 3, "empfohlen"}, {kRat, "Entscheidung", true, 5, "einstimmig beschlossen"}}};
    case 2:
        return {"Antrag",
                {{a, "Vorberatung", false, 3, "vertagt"},
                 {a, "Vorberatung", false, 4, "empfohlen"},
                 {kRat, "Entscheidung", true, 6, "mehrheitlich abgelehnt"}}};
    case 3: return {"Anfrage", {{a, "Kenntnisnahme", false, 3, "zur Kenntnis genommen"}}};
    case 4: return {"Antwort", {{a, "Kenntnisnahme", false, -1, ""}}};
    case 5: return {"Beschlussvorlage", {{a, "Vorberatung", false, 3, "empfohlen"}, {kRat, "Entscheidung", true, 5, ""}}};
    case 6:
        return {"Antrag",
                {{a, "Vorberatung", false, 3, std::string("verwiesen an ") + kCommittees[b]},
                 {b, "Vorberatung", false, 4, "empfohlen"},
                 {kRat, "Entscheidung", true, 6, "einstimmig beschlossen"}}};
    case 7: return {"Antrag", {{kRat, "Entscheidung", true, 3, "zurückgezogen"}}};
    case 8: return {"Beschlussvorlage", {{a, "Vorberatung", false, -1, ""}, {kRat, "Entscheidung", true, -1, ""}}};
    default:
        return {"Mitteilungsvorlage",
                {{a, "Kenntnisnahme", false, 3, "zur Kenntnis genommen"},
                 {b, "Kenntnisnahme", false, 4, "zur Kenntnis genommen"}}};
    }
}

const Date kFirstDay = parse_date("2010-01-04");  // a Monday

std::string day_text(long day) { return format_date(kFirstDay + date::days{day}); }

/// A list page of @p objects, with OParl's pagination and links.
std::string list_page(const std::string& list_url, json objects, std::size_t page, std::size_t pages,
                      std::size_t total)
{
    json links = {{"first", list_url + "?page=1"}, {"last", list_url + "?page=" + std::to_string(pages)}};
    if (page < pages) links["next"] = list_url + "?page=" + std::to_string(page + 1);
    return json{{"data", std::move(objects)},
                {"pagination",
                 {{"totalElements", total}, {"elementsPerPage", kPageSize}, {"currentPage", page}, {"totalPages", pages}}},
                {"links", std::move(links)}}
        .dump();
}

/// The files of a RIS with @p n papers: the body, the organizations, the meetings and the
/// papers, each list in pages of 100.
std::vector<oparl::ImportSource> make_sources(std::size_t n)
{
    std::vector<json> papers;
    papers.reserve(n);
    std::map<std::pair<long, int>, json> meetings;  // by (week, committee): its agenda items
    std::size_t agenda_items = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const long day = static_cast<long>(i / kPapersPerDay);
        const long week = day / 7;
        const Scenario s = scenario(i);
        const std::string id = kRis + "paper/" + std::to_string(i + 1);
        const std::string year = day_text(day).substr(0, 4);
        const std::string reference = std::to_string(100000 + i).substr(1) + "/" + year;
        const std::string title = std::string(s.type) + " " + reference + ": " +
                                  (i % 3 == 0   ? "Sanierung der Grundschule am Park"
                                   : i % 3 == 1 ? "Radweg an der Hauptstraße"
                                                : "Haushalt und Stellenplan") +
                                  " (Teil " + std::to_string(i % 7 + 1) + ")";
        const bool verwaltung = std::string(s.type) != "Antrag" && std::string(s.type) != "Anfrage";
        const int originator = verwaltung ? kVerwaltung : static_cast<int>(i % 4);
        long last_day = day;
        json consultations = json::array();
        for (std::size_t k = 0; k < s.consultations.size(); ++k) {
            const Consult& c = s.consultations[k];
            const std::string cid = kRis + "consultation/" + std::to_string(i + 1) + "-" + std::to_string(k + 1);
            json consultation = {{"id", cid},
                                 {"type", kSchema + "Consultation"},
                                 {"paper", id},
                                 {"organization", json::array({organization_url(kCommitteeSlugs[c.committee])})},
                                 {"authoritative", c.authoritative},
                                 {"role", c.role}};
            if (c.week >= 0) {
                const long meeting_week = week + c.week;
                const long meeting_day = meeting_week * 7 + c.committee;
                last_day = std::max(last_day, meeting_day);
                const std::string mid =
                    kRis + "meeting/" + kCommitteeSlugs[c.committee] + "-" + std::to_string(meeting_week);
                json& meeting = meetings[{meeting_week, c.committee}];
                if (meeting.is_null()) {
                    meeting = {{"id", mid},
                               {"type", kSchema + "Meeting"},
                               {"name", std::string("Sitzung ") + kCommittees[c.committee]},
                               {"start", day_text(meeting_day) + "T17:00:00+01:00"},
                               {"end", day_text(meeting_day) + "T20:00:00+01:00"},
                               {"organization", json::array({organization_url(kCommitteeSlugs[c.committee])})},
                               {"agendaItem", json::array()},
                               {"created", day_text(meeting_day - 28) + "T09:00:00+01:00"},
                               {"modified", day_text(meeting_day + 1) + "T09:00:00+01:00"}};
                }
                json& items = meeting["agendaItem"];
                const std::string number = std::to_string(items.size() + 1);
                const std::string aid = kRis + "agendaitem/" + std::to_string(++agenda_items);
                json item = {{"id", aid},       {"type", kSchema + "AgendaItem"},
                             {"meeting", mid},  {"number", number},
                             {"order", items.size() + 1}, {"name", title},
                             {"public", true},  {"consultation", cid}};
                if (!c.result.empty()) {
                    item["result"] = c.result;
                    meeting["meetingState"] = "durchgeführt";
                }
                items.push_back(std::move(item));
                consultation["meeting"] = mid;
                consultation["agendaItem"] = aid;
            }
            consultations.push_back(std::move(consultation));
        }
        json paper = {{"id", id},
                      {"type", kSchema + "Paper"},
                      {"body", kBody},
                      {"name", title},
                      {"reference", reference},
                      {"date", day_text(day)},
                      {"paperType", s.type},
                      {"originatorOrganization", json::array({organization_url(kOriginatorSlugs[originator])})},
                      {"mainFile",
                       {{"id", kRis + "file/" + std::to_string(i + 1)},
                        {"type", kSchema + "File"},
                        {"name", reference + ".pdf"},
                        {"fileName", "Vorlage-" + std::to_string(i + 1) + ".pdf"},
                        {"mimeType", "application/pdf"},
                        {"accessUrl", kRis + "file/" + std::to_string(i + 1) + "/download"}}},
                      {"consultation", std::move(consultations)},
                      {"created", day_text(day) + "T08:00:00+01:00"},
                      {"modified", day_text(last_day + 1) + "T09:00:00+01:00"}};
        // The Anfrage and its Antwort, which follows it, name each other.
        if (i % 10 == 3 && i + 1 < n) paper["relatedPaper"] = json::array({kRis + "paper/" + std::to_string(i + 2)});
        if (i % 10 == 4) paper["relatedPaper"] = json::array({kRis + "paper/" + std::to_string(i)});
        papers.push_back(std::move(paper));
    }

    std::vector<oparl::ImportSource> sources;
    sources.push_back({"body.json", json{{"id", kBody},
                                         {"type", kSchema + "Body"},
                                         {"name", "Stadt Musterstadt"},
                                         {"shortName", "Musterstadt"},
                                         {"organization", kBody + "/organization"},
                                         {"paper", kBody + "/paper"},
                                         {"meeting", kBody + "/meeting"}}
                                        .dump()});
    json organizations = json::array();
    for (int c = 0; c <= kRat; ++c)
        organizations.push_back({{"id", organization_url(kCommitteeSlugs[c])},
                                 {"type", kSchema + "Organization"},
                                 {"body", kBody},
                                 {"name", kCommittees[c]},
                                 {"organizationType", "Gremium"}});
    for (int o = 0; o <= kVerwaltung; ++o)
        organizations.push_back({{"id", organization_url(kOriginatorSlugs[o])},
                                 {"type", kSchema + "Organization"},
                                 {"body", kBody},
                                 {"name", kOriginators[o]},
                                 {"organizationType", o == kVerwaltung ? "Verwaltungsbereich" : "Fraktion"}});
    sources.push_back({"organization-1.json", list_page(kBody + "/organization", std::move(organizations), 1, 1, 12)});

    auto add_pages = [&](const std::string& what, std::vector<json> objects) {
        const std::size_t pages = (objects.size() + kPageSize - 1) / kPageSize;
        for (std::size_t p = 0; p < pages; ++p) {
            json page = json::array();
            for (std::size_t k = p * kPageSize; k < std::min(objects.size(), (p + 1) * kPageSize); ++k)
                page.push_back(std::move(objects[k]));
            sources.push_back({what + "-" + std::to_string(p + 1) + ".json",
                               list_page(kBody + "/" + what, std::move(page), p + 1, pages, objects.size())});
        }
    };
    std::vector<json> meeting_list;
    meeting_list.reserve(meetings.size());
    for (auto& [key, meeting] : meetings) meeting_list.push_back(std::move(meeting));
    add_pages("meeting", std::move(meeting_list));
    add_pages("paper", std::move(papers));
    return sources;
}

/// The pages for @p n papers; kept while the benchmarks run at one size.
const std::vector<oparl::ImportSource>& sources(std::int64_t n)
{
    static std::int64_t size = 0;
    static std::vector<oparl::ImportSource> made;
    if (size != n) {
        made = make_sources(static_cast<std::size_t>(n));
        size = n;
    }
    return made;
}

/// Who imports: the Sitzungsdienst's import account.
const Actor& importer()
{
    static const Actor a{"oparl-import", "sitzungsdienst", "Stadt Musterstadt"};
    return a;
}

/// A fresh paper engine, in memory or on a SqliteStore in a folder of its own, with a clock
/// after every date of the pages.
struct Council {
    std::unique_ptr<bench::ScratchDir> dir;
    std::unique_ptr<PaperEngine> engine;

    explicit Council(bool sqlite)
    {
        auto clock = std::make_shared<ManualClock>(parse_timestamp("2050-01-01T12:00:00Z"));
        std::shared_ptr<SqliteStore> store;
        if (sqlite) {
            dir = std::make_unique<bench::ScratchDir>();
            store = std::make_shared<SqliteStore>(dir->file("papers.db"));
        }
        engine = std::make_unique<PaperEngine>(PaperConfig{}, clock, store);
    }
    ~Council() { engine.reset(); }  // the engine and its store before their folder
};

/// The engine the pages of @p n papers went into once, for BM_OParl_Reimport: kept while it
/// runs with one size and store (Google Benchmark calls the function more than once).
struct Imported {
    std::int64_t n = 0;
    bool sqlite = false;
    std::unique_ptr<Council> council;
};
Imported& kept_import()
{
    static Imported i;
    return i;
}

/// The engine with the pages of @p n papers imported once; null if that import failed.
PaperEngine* imported(std::int64_t n, bool sqlite)
{
    Imported& i = kept_import();
    if (!i.council || i.n != n || i.sqlite != sqlite) {
        i.council.reset();
        i.council = std::make_unique<Council>(sqlite);
        i.n = n;
        i.sqlite = sqlite;
        if (oparl::import_papers(*i.council->engine, sources(n), importer()).created.size() !=
            static_cast<std::size_t>(n))
            i.council.reset();
    }
    return i.council ? i.council->engine.get() : nullptr;
}

void BM_OParl_Import(benchmark::State& state)
{
    const std::int64_t n = state.range(0);
    const bool sqlite = state.range(1) != 0;
    const auto& input = sources(n);
    kept_import().council.reset();  // no engine of a re-import left beside this one
    std::size_t created = 0;
    bench::timed_batches(
        state, n, [&] { return std::make_unique<Council>(sqlite); },
        [&](const std::unique_ptr<Council>& council) {
            created = oparl::import_papers(*council->engine, input, importer()).created.size();
        });
    if (created != static_cast<std::size_t>(n))
        state.SkipWithError(("created " + std::to_string(created) + " of " + std::to_string(n) + " papers").c_str());
    state.counters["papers_per_second"] = benchmark::Counter(static_cast<double>(state.iterations() * n),
                                                             benchmark::Counter::kIsRate);
    state.SetLabel(sqlite ? "SqliteStore" : "in memory");
}

void BM_OParl_Reimport(benchmark::State& state)
{
    const std::int64_t n = state.range(0);
    const bool sqlite = state.range(1) != 0;
    const auto& input = sources(n);
    PaperEngine* engine = imported(n, sqlite);
    if (!engine) {
        state.SkipWithError("the first import did not create every paper");
        return;
    }
    std::size_t unchanged = 0;
    for (auto _ : state) unchanged = oparl::import_papers(*engine, input, importer()).unchanged.size();
    if (unchanged != static_cast<std::size_t>(n))
        state.SkipWithError(("unchanged " + std::to_string(unchanged) + " of " + std::to_string(n) + " papers").c_str());
    state.SetItemsProcessed(state.iterations() * n);
    state.counters["papers_per_second"] = benchmark::Counter(static_cast<double>(state.iterations() * n),
                                                             benchmark::Counter::kIsRate);
    state.SetLabel(sqlite ? "SqliteStore" : "in memory");
}

std::vector<std::int64_t> paper_counts()
{
    if (bench::settings().smoke) return {1000};
    std::vector<std::int64_t> counts{1000, 10000};
    const char* large = std::getenv("KIMFLOW_BENCH_OPARL_LARGE");
    if (large && *large && std::string(large) != "0") counts.push_back(100000);
    return counts;
}

const int registered = bench::later([] {
    for (std::int64_t n : paper_counts())
        for (int sqlite : {0, 1}) {
            benchmark::RegisterBenchmark("BM_OParl_Import", BM_OParl_Import)
                ->ArgNames({"papers", "sqlite"})
                ->Args({n, sqlite})
                ->UseManualTime()
                ->Unit(benchmark::kMillisecond);
            benchmark::RegisterBenchmark("BM_OParl_Reimport", BM_OParl_Reimport)
                ->ArgNames({"papers", "sqlite"})
                ->Args({n, sqlite})
                ->UseRealTime()
                ->Unit(benchmark::kMillisecond);
        }
});

}  // namespace
