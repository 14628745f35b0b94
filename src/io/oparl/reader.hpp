// Reading OParl 1.0 and 1.1 as RIS products write it: one object, an array, or a list page per
// file; tombstones; objects without `type`; the quirks the header of oparl.hpp lists. The
// Catalog holds every object of an import, indexed for linking (ids compared without their
// scheme). Nothing here touches an engine.
#pragma once

#include <deque>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "kimflow/core/time.hpp"
#include "kimflow/io/oparl.hpp"

namespace kimflow::oparl::detail {

/// An object in an input file, with the file and JSON path its errors name.
class Reader {
public:
    Reader(const std::string& file, std::string path, const nlohmann::json& object)
        : file_(&file), path_(std::move(path)), j_(&object)
    {
    }

    const std::string& file() const { return *file_; }
    const std::string& path() const { return path_; }
    const nlohmann::json& object() const { return *j_; }
    /// The JSON path of member @p key.
    std::string where(std::string_view key) const;
    [[noreturn]] void fail(std::string_view key, const std::string& message) const;

    /// The value of @p key, or null when it is absent or null (OParl leaves out what is empty).
    const nlohmann::json* get(std::string_view key) const;
    /// A text; numbers are not texts (a `reference` written as a number is an error).
    std::optional<std::string> text(std::string_view key) const;
    /// A text, or a number written as its digits (`order`, `number`); empty texts count as absent.
    std::optional<std::string> label(std::string_view key) const;
    std::optional<bool> flag(std::string_view key) const;
    /// A date; a date-time counts as the day it names (RIS write `date` as either).
    std::optional<Date> date(std::string_view key) const;
    /// A date-time; repairs `+01::00` offsets, and reads a bare date as its midnight UTC.
    std::optional<Timestamp> time(std::string_view key) const;
    /// The calendar day of a date-time as written (its local date, whatever the offset).
    std::optional<Date> day(std::string_view key) const;
    /// URLs: a list of texts, or one text (RIS write single links without the list).
    std::vector<std::string> texts(std::string_view key) const;
    /// Embedded objects: a list, or one object (`auxiliaryFile` quirk). Texts in the list
    /// (links to objects given elsewhere) are returned in @p links, if given.
    std::vector<Reader> objects(std::string_view key, std::vector<std::string>* links = nullptr) const;

private:
    const std::string* file_;
    std::string path_;
    const nlohmann::json* j_;
};

/// What an object is, from its `type` (or, without one, what it holds).
struct Kind {
    std::string name;     ///< "Paper", "Meeting", …; empty: not an OParl object kimflow knows
    std::string version;  ///< "1.0", "1.1"; empty when the type does not say
};

/// The OParl type @p r names (its `type`, else guessed from its members for embedded objects
/// of @p context).
Kind kind_of(const Reader& r, std::string_view context = {});

/// Whether @p r is a tombstone: `deleted: true`.
bool is_tombstone(const Reader& r);

struct MeetingInfo {
    std::optional<Date> day;
    std::vector<std::string> organizations;
};

struct AgendaInfo {
    std::string id, url, meeting, number, name, result;
    std::optional<Date> day;  ///< from the item's own `start`
    std::string file, path;
    bool tied = false;  ///< found by a consultation or a paper
    bool loose = false; ///< names no consultation (and is no section header)
};

/// A tombstone: the object's id and when it was deleted.
struct Tombstone {
    std::string file, path, id;
    std::optional<Timestamp> at;
};

/// Every object of the input, indexed for linking.
class Catalog {
public:
    /// Reads @p source; what cannot be read goes to @p result (quarantined, skipped, versions).
    /// @throws ImportError in strict mode for what would be quarantined
    void add_source(const ImportSource& source, ImportResult& result, bool strict);

    std::deque<nlohmann::json> documents;
    std::vector<Reader> papers;
    std::vector<Tombstone> tombstones;
    std::map<std::string, const Reader*> paper_by_id;  ///< by id_key
    std::map<std::string, const Reader*> paper_by_reference;
    std::map<std::string, std::string> names;          ///< Organization and Body id_keys → names
    std::map<std::string, MeetingInfo> meetings;       ///< by id_key
    std::map<std::string, AgendaInfo> agenda_items;    ///< by id_key
    std::map<std::string, std::string> agenda_of_consultation;  ///< consultation → agenda item
    std::map<std::string, std::vector<Reader>> consultations;   ///< given on their own, by id_key
    std::map<std::string, std::vector<std::string>> consultations_of_paper;  ///< paper → consultation id_keys
    /// Agenda items naming neither a consultation nor a paper (ALLRIS), by folded name, and by
    /// the reference of a paper their name mentions (after index_papers()).
    std::multimap<std::string, std::string> loose_items;
    std::multimap<std::string, std::string> loose_items_by_reference;

    /// Indexes the papers once all sources are read.
    void index_papers();

    std::string name_of(const std::string& url) const;
    std::string names_of(const std::vector<std::string>& urls) const;
    const Reader* paper(const std::string& url) const;

private:
    void add_object(const std::string& file, const std::string& path, const nlohmann::json& j, ImportResult& result,
                    bool strict);
    void add_agenda_item(const Reader& r, const std::string& meeting);
};

}  // namespace kimflow::oparl::detail
