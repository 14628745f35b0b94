// Shared set-up for the tests of OParl import against council information systems (RIS) as
// they publish: a council's paper engine on the default in-memory store with a clock that stands
// still, the importer actor, ways to find and describe what an import did, and the small
// hand-written fixtures several quirk tests share. Used by oparl_quirks_test.cpp,
// oparl_structure_test.cpp, oparl_seed_test.cpp and oparl_mixed_test.cpp.
#pragma once

#include <algorithm>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include <kimflow/io/oparl.hpp>
#include <kimflow/paper/lifecycle.hpp>

namespace oparl_fixture {

using namespace kimflow;
using namespace kimflow::paper;

/// The fixtures' shorthand for the URL prefixes every object repeats, so that a fixture
/// shows its quirk rather than its boilerplate: `{ris}` is the RIS's OParl base
/// `https://ris.example.de/oparl/`, `{1.0}` and `{1.1}` the type prefixes
/// `https://schema.oparl.org/1.0/` and `https://schema.oparl.org/1.1/`. Everything else in a
/// fixture is written as the RIS writes it (other hosts and `http://` ids are spelled out).
inline std::string expand(std::string text)
{
    const std::pair<std::string, std::string> shorthands[] = {{"{ris}", "https://ris.example.de/oparl/"},
                                                              {"{1.0}", "https://schema.oparl.org/1.0/"},
                                                              {"{1.1}", "https://schema.oparl.org/1.1/"}};
    for (const auto& [from, to] : shorthands)
        for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
            text.replace(at, from.size(), to);
    return text;
}

/// Input file @p name holding @p text (its shorthands expanded).
inline oparl::ImportSource file(const std::string& name, const std::string& text) { return {name, expand(text)}; }

/// Paper instance ids, as the tests expect them.
using Refs = std::vector<std::string>;

/// Who imports: the Sitzungsdienst's import account.
inline const Actor importer{"oparl-import", "sitzungsdienst", "Stadt Musterstadt"};

/// A council's papers: the engine on its default in-memory store and a clock that stands after
/// every date in the fixtures (the importer reads it only for objects that give no time).
struct Council {
    std::shared_ptr<ManualClock> clock = std::make_shared<ManualClock>(parse_timestamp("2025-06-30T12:00:00Z"));
    PaperEngine engine{PaperConfig{}, clock};

    oparl::ImportResult import(const std::vector<oparl::ImportSource>& sources,
                               const oparl::ImportOptions& options = {})
    {
        return oparl::import_papers(engine, sources, importer, options);
    }

    /// The instance ids of every paper, sorted.
    std::vector<std::string> papers() const
    {
        auto out = engine.find(InstanceQuery{});
        std::sort(out.begin(), out.end());
        return out;
    }

    /// The instance id of the paper imported from the OParl object @p id (Source::id), or "".
    std::string ref_of(const std::string& id) const
    {
        for (const auto& ref : engine.find(InstanceQuery{}))
            if (engine.data(ref).source.id == id) return ref;
        return {};
    }

    /// The event ids of @p ref's history, in order.
    std::vector<std::string> events(const std::string& ref) const
    {
        std::vector<std::string> out;
        for (const auto& h : engine.history(ref)) out.emplace_back(h.event);
        return out;
    }

    /// The state of @p ref, or "(none)" when there is no such paper.
    std::string state(const std::string& ref) const
    {
        return engine.contains(ref) ? std::string(engine.state(ref)) : std::string("(none)");
    }
};

inline std::string describe(const std::vector<oparl::ObjectReport>& reports)
{
    std::ostringstream out;
    for (const auto& r : reports)
        out << "    " << r.file << " " << r.path << " id=" << r.id << " ref=" << r.reference << ": " << r.reason
            << "\n";
    return out.str();
}

inline std::string join(const std::vector<std::string>& refs)
{
    std::string out;
    for (const auto& r : refs) out += (out.empty() ? "" : ", ") + r;
    return out;
}

/// What an import did, for failure messages.
inline std::string describe(const oparl::ImportResult& r)
{
    std::ostringstream out;
    out << "\n  created: " << join(r.created) << "\n  advanced: " << join(r.advanced)
        << "\n  unchanged: " << join(r.unchanged) << "\n  skipped:\n"
        << describe(r.skipped) << "  quarantined:\n"
        << describe(r.quarantined) << "  warnings:\n"
        << describe(r.warnings);
    return out.str();
}

/// Whether one of @p reports is about the object @p id_or_ref (its OParl id or its paper).
inline bool about(const std::vector<oparl::ObjectReport>& reports, const std::string& id_or_ref)
{
    return std::any_of(reports.begin(), reports.end(),
                       [&](const oparl::ObjectReport& r) { return r.id == id_or_ref || r.reference == id_or_ref; });
}

/// The report about @p id, or null.
inline const oparl::ObjectReport* report_of(const std::vector<oparl::ObjectReport>& reports, const std::string& id)
{
    for (const auto& r : reports)
        if (r.id == id) return &r;
    return nullptr;
}

/// Whether an import did nothing at all: no paper touched, nothing reported.
inline bool nothing_done(const oparl::ImportResult& r)
{
    return r.created.empty() && r.advanced.empty() && r.unchanged.empty() && r.skipped.empty() &&
           r.quarantined.empty();
}

// ------------------------------------------------------------------------------ fixtures

/// A Beschlussvorlage the Rat decides, treated under TOP 6 of its meeting of 20 March with
/// @p result as the RIS writes it.
inline std::vector<oparl::ImportSource> rat_treats(const std::string& result)
{
    return {file("papers.json", R"({"data": [{"id": "{ris}paper/300", "type": "{1.1}Paper", "reference": "0300/2025",
        "name": "Neubau Feuerwache Nord", "paperType": "Beschlussvorlage", "date": "2025-02-24",
        "consultation": [{"id": "{ris}consultation/3001", "type": "{1.1}Consultation", "authoritative": true,
        "organization": ["{ris}organization/rat"], "role": "Entscheidung", "meeting": "{ris}meeting/rat-0320",
        "agendaItem": "{ris}agendaitem/3201"}]}]})"),
            file("meetings.json", R"({"data": [{"id": "{ris}meeting/rat-0320", "type": "{1.1}Meeting",
        "name": "Sitzung des Rates", "start": "2025-03-20T17:00:00+01:00", "organization": ["{ris}organization/rat"],
        "agendaItem": [{"id": "{ris}agendaitem/3201", "type": "{1.1}AgendaItem", "meeting": "{ris}meeting/rat-0320",
        "number": "6", "order": 6, "name": "Neubau Feuerwache Nord", "consultation": "{ris}consultation/3001",
        "result": ")" + result + R"("}]}]})")};
}

/// A list page @p name with Antrag @p n of 13 January (id `{ris}paper/{n}`, reference `00{n}/2025`)
/// and @p more fields.
inline oparl::ImportSource antrag_page(const std::string& name, const std::string& n, const std::string& more = "")
{
    return file(name, R"({"data": [{"id": "{ris}paper/)" + n + R"(", "type": "{1.1}Paper", "reference": "00)" + n +
                          R"(/2025", "name": "Antrag )" + n + R"(", "paperType": "Antrag", "date": "2025-01-13")" +
                          more + "}]}");
}

/// Paper 0070/2025, a Mitteilungsvorlage for the Bauausschuss, with one consultation, @p consultation
/// (its members: the JSON object without braces).
inline oparl::ImportSource kenntnisnahme_paper(const std::string& consultation)
{
    return file("papers.json", R"([{"id": "{ris}paper/70", "type": "{1.1}Paper", "reference": "0070/2025",
        "name": "Sachstand Sanierung Rathaus", "paperType": "Mitteilungsvorlage", "date": "2025-02-10",
        "consultation": [{)" + consultation + "}]}]");
}

/// The Bauausschuss's meeting of 5 March with agenda items @p items.
inline oparl::ImportSource bau_meeting(const std::string& items)
{
    return file("meetings.json", R"([{"id": "{ris}meeting/bau-0305", "type": "{1.1}Meeting", "name": "Bauausschuss",
        "start": "2025-03-05T16:00:00+01:00", "organization": ["{ris}organization/bau"], "agendaItem": [)" + items +
                                     "]}]");
}

/// Two list pages with two good papers and one bad each: `reference` a number (papers-1.json,
/// data[1]) and `date` "yesterday" (papers-2.json, data[0]).
inline std::vector<oparl::ImportSource> pages_with_bad_objects()
{
    return {file("papers-1.json", R"({"data": [
      {"id": "{ris}paper/61", "type": "{1.1}Paper", "reference": "0061/2025", "name": "Antrag Trinkwasserbrunnen",
       "paperType": "Antrag", "date": "2025-02-03"},
      {"id": "{ris}paper/62", "type": "{1.1}Paper", "reference": 62, "name": "Antrag Schulwegsicherung",
       "paperType": "Antrag", "date": "2025-02-03"},
      {"id": "{ris}paper/63", "type": "{1.1}Paper", "reference": "0063/2025", "name": "Antrag Baumschutzsatzung",
       "paperType": "Antrag", "date": "2025-02-04"}], "links": {"next": "{ris}body/1/paper?page=2"}})"),
            file("papers-2.json", R"({"data": [
      {"id": "{ris}paper/64", "type": "{1.1}Paper", "reference": "0064/2025", "name": "Anfrage Hallenbad",
       "paperType": "Anfrage", "date": "yesterday"},
      {"id": "{ris}paper/65", "type": "{1.1}Paper", "reference": "0065/2025", "name": "Anfrage Stadtbücherei",
       "paperType": "Anfrage", "date": "2025-02-05"},
      {"id": "{ris}paper/66", "type": "{1.1}Paper", "reference": "0066/2025", "name": "Anfrage Sporthalle",
       "paperType": "Anfrage", "date": "2025-02-05"}]})")};
}

/// Every paper's history, as event, time and payload.
inline std::map<std::string, std::vector<std::string>> histories(const Council& c)
{
    std::map<std::string, std::vector<std::string>> out;
    for (const auto& ref : c.papers())
        for (const auto& h : c.engine.history(ref))
            out[ref].push_back(std::string(h.event) + " " + format_timestamp(h.at) + " " + h.payload);
    return out;
}

}  // namespace oparl_fixture
