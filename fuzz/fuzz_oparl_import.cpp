// libFuzzer target: the OParl importer (kimflow::oparl::import_papers) on untrusted JSON.
//
// Input: the text of up to four import files, separated by lines that are exactly `---`
// (files in1.json, in2.json, …); a file whose first line is exactly `#vocabulary` is instead a
// vocabulary configuration (oparl_vocabulary.hpp) for the import. OParl 1.0 and 1.1 both.
// The files are imported into a fresh paper engine on an empty in-memory SqliteStore, once
// strictly and once partially. A VocabularyError, and in strict mode every kimflow::Error
// (ImportError, EventRejected, …), is an expected answer; anything else, a crash or a sanitizer
// report is a bug, and so is a broken promise of oparl.hpp:
// - strict: all or nothing; a failed import leaves no paper; the clock is never moved;
// - partial: never throws for the data; the engine holds exactly the papers reported created;
//   every object left out says why;
// - importing the same objects again changes nothing (nothing created or advanced);
// - what was imported exports to OParl that imports again into the same states, with the
//   same events in each paper's history.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <kimflow/io/oparl.hpp>
#include <kimflow/store/sqlite_store.hpp>

#include "fuzz_common.hpp"

namespace {

using namespace kimflow;

constexpr std::size_t kMaxSources = 4;
const Actor kImporter{"oparl-import", "sitzungsdienst", "Regionalverband Ruhr"};

constexpr const char* kTarget = "fuzz_oparl_import";

using kimflow_fuzz::verbose;

[[noreturn]] void broken(const std::string& what) { kimflow_fuzz::broken(kTarget, what); }

/// The import files of @p input, and the vocabulary configuration among them (if any).
struct Input {
    std::vector<oparl::ImportSource> sources;
    std::string vocabulary;
    bool has_vocabulary = false;
};

std::vector<oparl::ImportSource> sections_of(std::string_view input)
{
    std::vector<oparl::ImportSource> out(1);
    while (!input.empty()) {
        const auto end = input.find('\n');
        std::string_view line = input.substr(0, end);
        input.remove_prefix(end == std::string_view::npos ? input.size() : end + 1);
        if (line == "---" && out.size() < kMaxSources) {
            out.emplace_back();
            continue;
        }
        out.back().text.append(line);
        if (end != std::string_view::npos) out.back().text += '\n';
    }
    for (std::size_t i = 0; i < out.size(); ++i) out[i].name = "in" + std::to_string(i + 1) + ".json";
    return out;
}

Input input_of(std::string_view text)
{
    Input in;
    constexpr std::string_view marker = "#vocabulary\n";
    for (auto& section : sections_of(text)) {
        if (!in.has_vocabulary && section.text.rfind(marker, 0) == 0) {
            in.vocabulary = section.text.substr(marker.size());
            in.has_vocabulary = true;
        } else {
            in.sources.push_back(std::move(section));
        }
    }
    return in;
}

/// A council's paper engine on an in-memory store. Opening a store costs milliseconds, so each
/// of the two councils an input needs has one store for the process, and an input's work on it
/// is one transaction, rolled back afterwards (the import's unit of work is a savepoint in it).
struct Council {
    explicit Council(int which) : store(shared_store(which)), engine(paper::PaperConfig{}, clock, store)
    {
        store->begin();
    }
    ~Council()
    {
        store->rollback();
        FUZZ_CHECK(store->count(paper::PaperLifecycle::id) == 0,
                   "the store is not empty after the input's transaction was rolled back (unbalanced nesting?)");
    }
    Council(const Council&) = delete;
    Council& operator=(const Council&) = delete;

    oparl::ImportResult import(const std::vector<oparl::ImportSource>& sources, const oparl::ImportOptions& options)
    {
        kimflow_fuzz::poison_stack();
        return oparl::import_papers(engine, sources, kImporter, options);
    }

    static std::shared_ptr<SqliteStore> shared_store(int which)
    {
        static const std::shared_ptr<SqliteStore> stores[2] = {std::make_shared<SqliteStore>(":memory:"),
                                                               std::make_shared<SqliteStore>(":memory:")};
        return stores[which];
    }

    std::shared_ptr<ManualClock> clock = std::make_shared<ManualClock>(parse_timestamp("2025-06-01T12:00:00Z"));
    std::shared_ptr<SqliteStore> store;
    paper::PaperEngine engine;
};

/// What must survive an import again and a round trip: state, version and the events.
std::map<std::string, std::string> summary(const paper::PaperEngine& engine)
{
    std::map<std::string, std::string> out;
    for (const auto& ref : engine.find(InstanceQuery{})) {
        std::string& line = out[ref];
        line = std::string(engine.state(ref)) + " v" + std::to_string(engine.version(ref)) + ":";
        for (const auto& record : engine.history(ref)) line += " " + std::string(record.event);
    }
    return out;
}

std::string joined(const std::vector<std::string>& list)
{
    std::string out;
    for (const auto& s : list) out += (out.empty() ? "" : ", ") + s;
    return out;
}

}  // namespace

/// Every object left out says why and where.
void check_reports(const oparl::ImportResult& result)
{
    for (const auto* list : {&result.skipped, &result.quarantined, &result.warnings})
        for (const auto& r : *list) FUZZ_CHECK(!r.reason.empty() && !r.file.empty(), "a report without reason or file");
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* bytes, std::size_t size)
{
    const Input input = input_of(std::string_view(reinterpret_cast<const char*>(bytes), size));
    oparl::ImportOptions options;
    if (input.has_vocabulary) {
        try {
            options.vocabulary.extend(input.vocabulary, "vocabulary");
        } catch (const oparl::VocabularyError& e) {
            if (verbose()) std::fprintf(stderr, "vocabulary refused: %s\n", e.what());
            return 0;
        }
    }
    const auto& sources = input.sources;

    // Strictly: all or nothing.
    {
        Council strict(0);
        const Timestamp start = strict.clock->now();
        oparl::ImportOptions all_or_nothing = options;
        all_or_nothing.strict = true;
        try {
            const auto result = strict.import(sources, all_or_nothing);
            FUZZ_CHECK(result.quarantined.empty(), "a strict import quarantined an object instead of failing");
        } catch (const Error& e) {
            if (verbose()) std::fprintf(stderr, "strictly refused: %s\n", e.what());
            FUZZ_CHECK(strict.engine.size() == 0, "a failed strict import left papers behind");
        }
        FUZZ_CHECK(strict.clock->now() == start, "an import moved the clock");
    }

    // Partially: the good objects go in, the bad ones are reported.
    Council council(0);
    oparl::ImportResult first;
    try {
        first = council.import(sources, options);
    } catch (const Error& e) {
        broken(std::string("a partial import threw instead of reporting: ") + e.what());
    }
    check_reports(first);
    FUZZ_CHECK(first.advanced.empty() && first.unchanged.empty(), "an import into an empty engine found papers");
    FUZZ_CHECK(council.engine.find(InstanceQuery{}) == first.created,
               "the engine holds other papers than the import created: " + joined(first.created));
    const auto imported = summary(council.engine);
    if (verbose())
        for (const auto& [ref, line] : imported) std::fprintf(stderr, "%s: %s\n", ref.c_str(), line.c_str());

    // Importing the same objects again changes nothing.
    oparl::ImportResult again;
    try {
        again = council.import(sources, options);
    } catch (const Error& e) {
        broken(std::string("importing the same objects again failed: ") + e.what());
    }
    FUZZ_CHECK(again.created.empty() && again.advanced.empty(),
               "importing the same objects again changed something; created: " + joined(again.created) +
                   "; advanced: " + joined(again.advanced));
    FUZZ_CHECK(summary(council.engine) == imported, "importing the same objects again changed a paper");

    // Exported and imported again, every paper reaches the same state by the same events.
    const std::string exported = oparl::as_list(oparl::export_papers(council.engine)).dump();
    if (verbose()) std::fprintf(stderr, "exported: %s\n", exported.c_str());
    Council copy(1);
    try {
        oparl::ImportOptions exact = options;  // the result texts mean what they meant
        exact.strict = true;
        const auto result = copy.import({{"export.json", exported}}, exact);
        FUZZ_CHECK(result.created == first.created, "the export imports as other papers");
    } catch (const Error& e) {
        broken(std::string("the export of imported papers does not import: ") + e.what());
    }
    const auto round_trip = summary(copy.engine);
    for (const auto& [ref, line] : imported)
        FUZZ_CHECK(round_trip.at(ref) == line,
                   "paper " + ref + " after export and import: " + round_trip.at(ref) + "; before: " + line);
    return 0;
}
