/// @file
/// OParl: papers out as OParl 1.1 `Paper` objects (with their `Consultation`s), the meetings
/// and agenda items the engine knows as `Meeting` and `AgendaItem`, the committees as
/// `Organization`; and OParl 1.0 and 1.1 `Paper` objects in, as council information systems
/// really write them, with the state derived from what the data says.
///
/// OParl cannot say everything the lifecycle knows (withdrawn, Beschlusskontrolle done, the
/// answer's reference). Export adds those as extension properties prefixed `kimflow:`, which
/// OParl readers ignore; import uses them when present and otherwise derives the state from
/// the standard fields alone.
///
/// ## Extension properties of an exported `Paper`
/// | property | written | meaning |
/// |---|---|---|
/// | `kimflow:state` | always | the lifecycle state id (`draft`, `submitted`, …, `completed`) |
/// | `kimflow:submittedAt` | once submitted | when (date-time); tells a paper withdrawn as a draft |
/// | `kimflow:answerReference` | once answered | the answer's reference, e.g. `14/1923-1` |
/// | `kimflow:answeredAt` | once answered | when (date-time); places the answer among the meetings |
/// | `kimflow:withdrawalReason` | when withdrawn | why |
/// | `kimflow:completionNote` | when completed with a note | how the decision was carried out |
/// | `kimflow:paperTypeName` | for an imported paper | its `paperType` as the source wrote it |
/// | `kimflow:source` | for an imported paper | `{id, system, oparlVersion, modified}`: the object it came from |
///
/// An exported `Consultation` that was imported carries `kimflow:sourceId`, its id at the source.
///
/// ## What export writes
/// - Ids are URLs under ExportOptions::base_url: `{base}/paper/{reference, percent-encoded}`,
///   `{base}/paper/{…}/consultation/{n}` (n: position in the Beratungsfolge, from 1),
///   `{base}/organization/{slug of the name}`, `{base}/meeting/{date}-{slug of the committee}`,
///   `{base}/meeting/{…}/agendaItem/{order}`. The same engine content gives the same ids.
/// - `created`/`modified` of a paper are the times of its first and last transition (its
///   creation time while it has none); dates are `YYYY-MM-DD`, date-times RFC 3339 in UTC.
/// - Empty optional fields are left out; nothing is written as null; nothing is `deleted`
///   (a withdrawn paper is a state, not a deleted object).
/// - One `Meeting` per (committee, meeting date) of a scheduled or treated consultation, named
///   `Sitzung {committee}, {date}`. kimflow knows only the day of a meeting: `start` is
///   `{date}T00:00:00Z`. `meetingState` is `durchgeführt` once a result is known, else left out.
///   Its `agendaItem[]` has one `AgendaItem` per consultation: `number` is the TOP, `order` its
///   position (TOPs compared naturally, so 9.2 comes before 10.1), `name` the paper's title,
///   `result` once treated.
/// - One `Organization` (id, name) per committee, originator and body named. kimflow knows a
///   body only by name, so `Paper.body` points to such an Organization: an OParl `Body` needs
///   lists (persons, meetings, legislative terms) kimflow does not have.
///
/// ## How import derives the state ("the replay")
/// The paper is created with its Beratungsfolge (every consultation planned), then the events
/// the data implies are fired through the real lifecycle, as the import's actor, each recorded
/// at the time the data gives (FireOptions::recorded_at; never going backwards):
/// 1. `submit`, at `kimflow:submittedAt`, else the paper's `date`, else `created`, else now.
///    A paper published in OParl is at least submitted, unless `kimflow:state` says `draft`,
///    or says `withdrawn` without `kimflow:submittedAt` (withdrawn as a draft).
/// 2. `answer`, for `kimflow:answerReference`, or for an Anfrage whose `relatedPaper` is an
///    Antwort given in the import; at `kimflow:answeredAt`, else the Antwort's date, else at
///    the submission. It comes before the first meeting on or after that day.
/// 3. Per consultation whose meeting is known (a `Meeting` given, found through the
///    consultation's `meeting` or its `AgendaItem`), in order of meeting date (on one day the
///    treated ones first, in the order of the data; OParl has no order within a day):
///    `schedule` for that committee and day with the agenda item's `number` as TOP; then, if
///    the agenda item has a `result`, the event its outcome names (ImportOptions::vocabulary):
///    withdraw, postpone, refer (to the committee named after "verwiesen an ", whose words do
///    not count as results, else to the next consultation's committee; a postpone when there
///    is none), reject, acknowledge, recommend, decide; a decision or rejection of a committee
///    that does not decide is its recommendation (the text kept). A result that records no
///    outcome leaves the consultation waiting on that agenda (see Reading OParl). A paper is
///    on one agenda at a time: of the consultations without result
///    only the first is scheduled, and only if no treated one follows it; the others stay
///    planned. Schedules happen at the previous event's time,
///    results at the meeting's day.
///    The consultation a postpone or refer plans again is the next one of that committee in
///    the data, so kimflow's own export comes back as it was; in other data, the lifecycle
///    adds it (one more planned consultation). Postpone and refer record their own result text
///    (`vertagt`, `verwiesen an …`).
/// 4. `withdraw` when `kimflow:state` says `withdrawn` (or `kimflow:withdrawalReason` is given)
///    and it is not withdrawn yet; `complete` when it says `completed` (or
///    `kimflow:completionNote` is given); at `modified`, if that is later.
///
/// Deadlines: the council put a paper on the agenda whatever kimflow's rules of procedure say,
/// so a `schedule` the deadline guard refuses is fired again with `urgent=true` (Dringlichkeit);
/// the history shows it. When `kimflow:state` is given, the state the replay reaches must be it
/// (else the paper is quarantined).
///
/// ## Reading OParl
/// - Files hold one object, an array, or a list page `{"data": [...]}`; OParl 1.0
///   (`https://schema.oparl.org/1.0/…`) and 1.1, mixed as they come, `http` or `https`. An
///   object without `type` is read as what it holds (embedded consultations and agenda items,
///   objects with `paperType` or `agendaItem`). A file that is an error object
///   (`{"error": …}`) is quarantined; `[]` and `{"data": []}` import nothing.
/// - Ids are compared without their scheme. References: `reference`, else the object's `id`.
///   Title: `name`, else the reference. Names and titles are tidied (line breaks and no-break
///   spaces as one blank). Related papers: the reference of a `Paper` given in the import,
///   else, for ids in kimflow's form (`…/paper/{percent-encoded reference}`), the decoded
///   reference, else the URL.
/// - Organizations (originator, body, committees) are named by the `Organization` or `Body`
///   given with that id, else by their URL; several are joined with "; ". A consultation
///   without organization takes its meeting's; one without either is left out of the
///   Beratungsfolge (a warning).
/// - `paperType`, `role` and result texts go through ImportOptions::vocabulary
///   (oparl_vocabulary.hpp). The paper keeps its type text verbatim (Paper::type_name). An
///   unmapped type is imported as PaperType::sonstige, an unmapped role as Entscheidung for an
///   authoritative consultation, else Kenntnisnahme; both with a warning. A missing role reads
///   the same way, silently. A result that names no outcome, or several ("a) … b) …"), or
///   `none` ("ohne") records nothing: the consultation counts as on that meeting's agenda
///   without result, and a warning names the agenda item.
/// - Who decides: a consultation in the role Entscheidung, or `authoritative`. OParl's
///   `authoritative` says a resolution is taken there, and SessionNet sets it on every
///   consultation with one: before a later Entscheidung it is a recommendation, so it is not
///   kept there. When no consultation names a role or is authoritative (SD.NET), the last one,
///   where the Beratungsfolge ends, decides. A paper dated after its first meeting (the date of
///   its last revision) counts as submitted by that meeting's day.
/// - Consultations: embedded, linked by URL to a `Consultation` given on its own, or given on
///   their own naming the paper (`paper`); one per id (the one with a result wins; a warning).
///   Agenda items are found through the consultation's `agendaItem`, the item's
///   `consultation`, or, for items that name neither (ALLRIS), by the paper's title among the
///   items of a meeting: given to a consultation of that meeting's committee still without a
///   meeting, else to a consultation of its own (a warning). Section headers (no number, no
///   result) tie to nothing.
/// - A file with raw control characters inside its texts (not JSON) is read as if they were
///   escaped, with a warning.
/// - Dates: `date` may hold a date-time (its day counts). Date-times: `+01::00` is read as
///   `+01:00`; a bare date as its midnight UTC. A meeting's day is its `start`'s (else its
///   `end`'s), whatever `end` says. `created` is ignored when it is a placeholder (1900-01-01,
///   1970-01-01, 2000-01-01) or after `modified` (the time of a crawl). `order` and `number`
///   may be numbers or texts.
/// - Unknown fields are ignored (vendor fields such as `STERNBERG:…`), and so is null. A single
///   object where a list belongs is read as a list of one. Objects of other types (Body,
///   Person, File, Location, System, …) serve only to name organizations or are ignored.
///
/// ## Tombstones
/// A deleted object (`deleted: true`, with or without `type`) whose id became a paper
/// withdraws it ("in der Quelle gelöscht") at the tombstone's `modified`: advanced; a paper in a
/// final state keeps its history (skipped, saying so). An unknown one is skipped. A paper and
/// its tombstone in one import: the tombstone counts.
///
/// ## Identity and existing papers
/// The store remembers which OParl id became which paper (Store::setting
/// `oparl:paper:{id without scheme}`) and which paper each consultation belongs to
/// (`oparl:consultation:{id without scheme}`: the paper's id, for a sync to find the papers of
/// changed meetings). A paper is matched by its id first; else by its reference, if the paper
/// of that reference came from no other OParl object; a paper of another source with the same
/// reference (another body) gets the id `{reference} ({body})`. A paper matched by id whose
/// reference changed keeps its id (a warning). For an existing paper, the events the data
/// implies are compared with its stored history (event ids in order): equal → unchanged; the
/// history is a beginning of them → the missing events are fired (advanced); otherwise the
/// paper is quarantined and nothing of it changes. The stored paper's fields are never
/// rewritten. Two copies of one paper in an import: the one with the later `modified` counts.
#pragma once

#include <array>
#include <cstddef>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "kimflow/core/actor.hpp"
#include "kimflow/core/error.hpp"
#include "kimflow/io/oparl_vocabulary.hpp"
#include "kimflow/paper/lifecycle.hpp"

namespace kimflow::resolution {
class ResolutionEngine;
}

/// OParl 1.1 export and import of papers.
namespace kimflow::oparl {

/// How exported objects are named.
struct ExportOptions {
    /// The ids of exported objects are URLs under this base, such as
    /// `https://ratsinfo.example.org/oparl/paper/14%2F1923` (a trailing slash is dropped).
    std::string base_url = "https://kimflow.invalid/oparl";
    /// Where the papers' resolutions (Beschlusskontrolle) run, if they are to be exported: each
    /// paper then lists them in `kimflow:resolutions` with office, task, due date, state, last
    /// progress report and reason for delay. None: only their ids and how they were settled.
    const resolution::ResolutionEngine* resolutions = nullptr;
};

/// What export_papers produces: one JSON object per OParl object.
struct Export {
    /// `https://schema.oparl.org/1.1/Paper` objects, with their consultations embedded.
    std::vector<nlohmann::json> papers;
    /// `Meeting` objects, with their agenda items embedded, sorted by id.
    std::vector<nlohmann::json> meetings;
    /// `Organization` objects: the committees, originators and bodies named in the papers,
    /// sorted by id.
    std::vector<nlohmann::json> organizations;
};

/// Every paper of @p engine as OParl objects, papers sorted by reference.
/// Every object validates against its OParl 1.1 schema (see tests/oparl/validate.py).
Export export_papers(const paper::PaperEngine& engine, const ExportOptions& options = {});

/// Writes @p exported into folder @p dir (created if missing), one file per object:
/// `paper-<ref>.json`, `meeting-<…>.json`, `organization-<…>.json`, with file names made safe
/// (letters, digits, dot, `_` and `-`; other characters become `_`; a name taken already gets
/// `-2`, `-3`, …). Files are pretty-printed UTF-8 JSON; existing files of those names are
/// replaced.
/// @return the paths written
/// @throws Error if the folder cannot be created or a file cannot be written
std::vector<std::string> write_export(const Export& exported, const std::string& dir);

/// All objects of @p exported as one OParl list page: `{"data": [...]}` (papers, then
/// meetings, then organizations).
nlohmann::json as_list(const Export& exported);

/// One input file: its name (for messages) and its text. A file holds one OParl object, a
/// JSON array of objects, or a list page `{"data": [...]}`.
struct ImportSource {
    /// The file's name, as messages and ImportError::file() give it.
    std::string name;
    /// The file's content: UTF-8 JSON.
    std::string text;
};

/// Bad OParl input: says which file and which field, and what to do.
class ImportError : public InvalidData {
public:
    /// @p message about field @p field (a JSON path; empty for the whole file) of file @p file.
    ImportError(std::string file, std::string field, const std::string& message)
        : InvalidData(file + (field.empty() ? std::string() : ": " + field) + ": " + message),
          file_(std::move(file)), field_(std::move(field))
    {
    }
    /// The name of the file (ImportSource::name).
    const std::string& file() const noexcept { return file_; }
    /// JSON path of the offending field, such as `consultation[1].role`; empty for the whole file.
    /// In a file holding a list the path starts at the object: `data[2].name`, `[2].name`.
    const std::string& field() const noexcept { return field_; }

private:
    std::string file_;
    std::string field_;
};

/// The `skip_reason` an import gives a schedule that passes a consultation planned before it in
/// the Beratungsfolge: the RIS records that order, and the history says so.
inline constexpr std::string_view skip_as_recorded = "Reihenfolge laut Ratsinformationssystem";

/// How an import treats its input.
struct ImportOptions {
    /// Maps paper types, consultation roles and result texts (oparl_vocabulary.hpp).
    Vocabulary vocabulary{};
    /// All or nothing, as import was before 0.2: the first object that would be skipped for an error or
    /// quarantined stops the import, which then changes nothing (ImportError).
    bool strict = false;
    /// The source system, recorded with each paper (Source::system); empty: the scheme and
    /// host of the object's id.
    std::string system{};
    /// Called after each paper is applied with (done, total), for progress on a terminal.
    std::function<void(std::size_t, std::size_t)> progress{};
    /// Warns about agenda items with a result that name no consultation and match no paper of
    /// the import (by title or reference). A sync importing page by page, with all the
    /// body's meetings beside each page, turns it off.
    bool report_untied = true;
};

/// How one object of the input ended.
enum class ObjectOutcome {
    created,     ///< a new paper
    advanced,    ///< an existing paper the data moved on
    unchanged,   ///< an existing paper the data says nothing new about
    skipped,     ///< not imported, on purpose (a tombstone of an unknown paper, a foreign type)
    quarantined, ///< not imported: its data is broken or contradicts what is stored
};

/// The stable names of ObjectOutcome, as `--json` reports write them.
constexpr auto enum_names(ObjectOutcome)
{
    using O = ObjectOutcome;
    return std::array{std::pair{O::created, std::string_view{"created"}},
                      std::pair{O::advanced, std::string_view{"advanced"}},
                      std::pair{O::unchanged, std::string_view{"unchanged"}},
                      std::pair{O::skipped, std::string_view{"skipped"}},
                      std::pair{O::quarantined, std::string_view{"quarantined"}}};
}

/// What became of one object, or a warning about one.
struct ObjectReport {
    /// How it ended (for a warning: how its paper ended).
    ObjectOutcome outcome = ObjectOutcome::skipped;
    /// The file (ImportSource::name) the object is in.
    std::string file{};
    /// The JSON path of the object or field, as ImportError::field() names it (`data[3].reference`).
    std::string path{};
    /// The object's OParl `id`, if it has one.
    std::string id{};
    /// The paper's reference (instance id), for papers.
    std::string reference{};
    /// Why it was skipped or quarantined, or what the warning says.
    std::string reason{};
};

/// What an import did. The reference lists are sorted; the others are in input order.
struct ImportResult {
    /// Papers that were new to the engine.
    std::vector<std::string> created;
    /// Existing papers the data moved on (e.g. a meeting's result arrived since).
    std::vector<std::string> advanced;
    /// Existing papers the data says nothing new about.
    std::vector<std::string> unchanged;
    /// Objects left out on purpose, each with why.
    std::vector<ObjectReport> skipped{};
    /// Objects left out because their data is broken or contradicts the stored history, each
    /// with why, where (file and JSON path) and, if known, which paper.
    std::vector<ObjectReport> quarantined{};
    /// Imported, but worth a look: an unmapped type or role, a result that names no outcome,
    /// a consultation or agenda item that could not be tied to its paper, a quirk repaired.
    std::vector<ObjectReport> warnings{};
    /// Objects read beside the papers (meetings, agenda items, organizations, bodies, …).
    std::size_t context_objects = 0;
    /// OParl objects read, by version ("1.0", "1.1").
    std::map<std::string, std::size_t> versions{};
};

/// Imports the `Paper` objects of @p sources (with the `Meeting`, `AgendaItem`,
/// `Consultation` and `Organization` objects given beside them) into @p engine, firing the
/// lifecycle's events at the times the data gives, as @p actor. See the file comment for how
/// the state is derived, and ImportResult for what is reported.
///
/// Good objects go in even when others are bad: each paper is applied whole or not at all,
/// all of them in one unit of work (one transaction). With ImportOptions::strict the first bad
/// object stops the import and nothing changes. Importing the same objects again changes
/// nothing.
/// @param engine  the engine to import into; its clock says what "now" is for objects that give
///                no time (the clock is read, never moved)
/// @param sources the files to read
/// @param actor   who imports (e.g. an `importer` role the policy allows everything on papers)
/// @param options vocabulary, strictness, source system and progress
/// @throws ImportError in strict mode, for the first object that would be quarantined or
///         skipped for an error; StoreError if the store fails (nothing is imported then)
ImportResult import_papers(paper::PaperEngine& engine, const std::vector<ImportSource>& sources, const Actor& actor,
                           const ImportOptions& options = {});

}  // namespace kimflow::oparl
