// OParl 1.1 export and import (see kimflow/io/oparl.hpp for what is written and how the
// state of an imported paper is derived).
#include "kimflow/io/oparl.hpp"

#include <algorithm>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <string_view>
#include <tuple>
#include <utility>
#include <variant>

#include "kimflow/core/text.hpp"

namespace kimflow::oparl {
namespace {

using nlohmann::json;
using namespace kimflow::paper;

const std::string kTypeBase = "https://schema.oparl.org/1.1/";

std::string type_url(std::string_view name) { return kTypeBase + std::string(name); }

// ---------------------------------------------------------------- names, URLs, file names

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alnum(char c) { return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

/// Percent-encodes all but RFC 3986's unreserved characters, so `14/1923` becomes `14%2F1923`.
std::string percent_encode(std::string_view s)
{
    static const char* hex = "0123456789ABCDEF";
    std::string out;
    for (char c : s) {
        if (is_alnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
            out += c;
        } else {
            const auto byte = static_cast<unsigned char>(c);
            out += '%';
            out += hex[byte >> 4];
            out += hex[byte & 15];
        }
    }
    return out;
}

std::string percent_decode(std::string_view s)
{
    auto value = [](char c) {
        return is_digit(c) ? c - '0' : (c | 0x20) >= 'a' && (c | 0x20) <= 'f' ? (c | 0x20) - 'a' + 10 : -1;
    };
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '%' && i + 2 < s.size() && value(s[i + 1]) >= 0 && value(s[i + 2]) >= 0) {
            out += static_cast<char>(value(s[i + 1]) * 16 + value(s[i + 2]));
            i += 2;
        } else {
            out += s[i];
        }
    }
    return out;
}

/// `Ausschuss für Kultur, Sport und Vielfalt` → `ausschuss-fuer-kultur-sport-und-vielfalt`.
std::string slug(std::string_view name)
{
    std::string out;
    bool gap = false;
    auto put = [&](std::string_view part) {
        if (gap && !out.empty()) out += '-';
        gap = false;
        out += part;
    };
    for (std::size_t i = 0; i < name.size(); ++i) {
        const char c = name[i];
        if (is_alnum(c)) {
            const char lower = c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
            put(std::string_view(&lower, 1));
        } else if (static_cast<unsigned char>(c) == 0xC3 && i + 1 < name.size()) {
            switch (static_cast<unsigned char>(name[++i])) {  // UTF-8 of ä Ä ö Ö ü Ü ß
            case 0xA4:
            case 0x84: put("ae"); break;
            case 0xB6:
            case 0x96: put("oe"); break;
            case 0xBC:
            case 0x9C: put("ue"); break;
            case 0x9F: put("ss"); break;
            default: gap = true;
            }
        } else {
            gap = true;
        }
    }
    return out.empty() ? "unnamed" : out;
}

/// A short stable hash (FNV-1a), to tell apart names that give the same slug.
std::string short_hash(std::string_view s)
{
    std::uint32_t h = 2166136261u;
    for (char c : s) h = (h ^ static_cast<unsigned char>(c)) * 16777619u;
    static const char* hex = "0123456789abcdef";
    std::string out(8, '0');
    for (int i = 7; i >= 0; --i, h >>= 4) out[static_cast<std::size_t>(i)] = hex[h & 15];
    return out;
}

/// Agenda item numbers compared as people read them: 9.2 < 10.1, 9 < 9.1 < 9a.
bool natural_less(std::string_view a, std::string_view b)
{
    std::size_t i = 0, j = 0;
    while (i < a.size() && j < b.size()) {
        if (is_digit(a[i]) && is_digit(b[j])) {
            std::size_t i2 = i, j2 = j;
            while (i2 < a.size() && is_digit(a[i2])) ++i2;
            while (j2 < b.size() && is_digit(b[j2])) ++j2;
            std::string_view x = a.substr(i, i2 - i), y = b.substr(j, j2 - j);
            while (x.size() > 1 && x[0] == '0') x.remove_prefix(1);
            while (y.size() > 1 && y[0] == '0') y.remove_prefix(1);
            if (x.size() != y.size()) return x.size() < y.size();
            if (x != y) return x < y;
            i = i2;
            j = j2;
        } else {
            if (a[i] != b[j]) return static_cast<unsigned char>(a[i]) < static_cast<unsigned char>(b[j]);
            ++i;
            ++j;
        }
    }
    return i == a.size() && j < b.size();
}

/// A file name of letters, digits, `.`, `_` and `-`.
std::string safe_file_name(std::string_view s)
{
    std::string out;
    for (char c : s) out += is_alnum(c) || c == '.' || c == '_' || c == '-' ? c : '_';
    if (out.empty() || out[0] == '.') out.insert(out.begin(), '_');
    if (out.size() > 120) out.resize(120);
    return out;
}

// ---------------------------------------------------------------- export

/// A paper as export sees it.
struct PaperRow {
    Paper data;
    std::string state;
    Timestamp created{}, modified{};
    std::string url;
};

/// Consultation @p index of @p row on a meeting's agenda: the meeting's and the item's URLs.
using Placement = std::pair<std::string, std::string>;

std::string consultation_url(const PaperRow& row, std::size_t index)
{
    return row.url + "/consultation/" + std::to_string(index + 1);
}

/// URLs of the organizations named in @p rows: one per name, its slug made unique by a hash
/// where two names share one.
std::map<std::string, std::string> organization_urls(const std::vector<PaperRow>& rows, const std::string& base)
{
    std::set<std::string> names;
    for (const auto& row : rows) {
        names.insert(row.data.originator);
        names.insert(row.data.body);
        for (const auto& c : row.data.consultations) names.insert(c.organization);
    }
    names.erase("");
    std::map<std::string, std::vector<std::string>> by_slug;
    for (const auto& name : names) by_slug[slug(name)].push_back(name);
    std::map<std::string, std::string> urls;
    for (const auto& [s, same] : by_slug)
        for (const auto& name : same)
            urls[name] = base + "/organization/" + (same.size() == 1 ? s : s + "-" + short_hash(name));
    return urls;
}

json paper_object(const PaperRow& row, const std::string& base, const std::map<std::string, std::string>& orgs,
                  const std::map<std::pair<std::string, std::size_t>, Placement>& placed)
{
    const Paper& p = row.data;
    json out = {{"id", row.url},
                {"type", type_url("Paper")},
                {"name", p.title},
                {"reference", p.reference},
                {"paperType", std::string(to_string(p.type))},
                {"created", format_timestamp(row.created)},
                {"modified", format_timestamp(row.modified)},
                {"kimflow:state", row.state}};
    if (p.date) out["date"] = format_date(*p.date);
    if (!p.body.empty()) out["body"] = orgs.at(p.body);
    if (!p.originator.empty()) out["originatorOrganization"] = json::array({orgs.at(p.originator)});
    if (!p.related_papers.empty()) {
        json related = json::array();
        for (const auto& r : p.related_papers) related.push_back(base + "/paper/" + percent_encode(r));
        out["relatedPaper"] = std::move(related);
    }
    json consultations = json::array();
    for (std::size_t i = 0; i < p.consultations.size(); ++i) {
        const Consultation& c = p.consultations[i];
        json item = {{"id", consultation_url(row, i)},
                     {"type", type_url("Consultation")},
                     {"paper", row.url},
                     {"role", std::string(to_string(c.role))},
                     {"authoritative", c.authoritative}};
        if (!c.organization.empty()) item["organization"] = json::array({orgs.at(c.organization)});
        if (auto it = placed.find({p.reference, i}); it != placed.end()) {
            item["meeting"] = it->second.first;
            item["agendaItem"] = it->second.second;
        }
        consultations.push_back(std::move(item));
    }
    if (!consultations.empty()) out["consultation"] = std::move(consultations);
    if (p.submitted_at) out["kimflow:submittedAt"] = format_timestamp(*p.submitted_at);
    if (!p.answer_reference.empty()) out["kimflow:answerReference"] = p.answer_reference;
    if (p.answered_at) out["kimflow:answeredAt"] = format_timestamp(*p.answered_at);
    if (!p.withdrawal_reason.empty()) out["kimflow:withdrawalReason"] = p.withdrawal_reason;
    if (!p.completion_note.empty()) out["kimflow:completionNote"] = p.completion_note;
    return out;
}

// ---------------------------------------------------------------- import: reading JSON

std::string describe(const json& v)
{
    const std::string name = v.type_name();
    return (name == "array" || name == "object" ? "an " : "a ") + name;
}

/// An object in an input file, with the file and path its errors name.
class Reader {
public:
    Reader(const std::string& file, std::string path, const json& object)
        : file_(&file), path_(std::move(path)), j_(&object)
    {
    }

    const std::string& file() const { return *file_; }
    const std::string& path() const { return path_; }
    const json& object() const { return *j_; }
    std::string where(std::string_view key) const
    {
        return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
    }
    [[noreturn]] void fail(std::string_view key, const std::string& message) const
    {
        throw ImportError(*file_, where(key), message);
    }

    /// The value of @p key, or null when it is absent or null (OParl leaves out what is empty).
    const json* get(std::string_view key) const
    {
        auto it = j_->find(std::string(key));
        return it == j_->end() || it->is_null() ? nullptr : &*it;
    }

    std::optional<std::string> text(std::string_view key) const
    {
        const json* v = get(key);
        if (!v) return std::nullopt;
        if (!v->is_string()) fail(key, "must be a text (JSON string), not " + describe(*v));
        return v->get<std::string>();
    }

    std::optional<bool> flag(std::string_view key) const
    {
        const json* v = get(key);
        if (v && !v->is_boolean()) fail(key, "must be true or false, not " + describe(*v));
        return v ? std::optional<bool>(v->get<bool>()) : std::nullopt;
    }

    std::optional<Date> date(std::string_view key) const
    {
        auto t = text(key);
        if (!t) return std::nullopt;
        try {
            if (t->size() == 10 && (*t)[4] == '-') return parse_date(*t);
        } catch (const std::invalid_argument&) {
        }
        fail(key, "'" + *t + "' is not a date; OParl writes dates as YYYY-MM-DD, e.g. 2025-02-06");
    }

    std::optional<Timestamp> time(std::string_view key) const
    {
        auto t = text(key);
        if (!t) return std::nullopt;
        try {
            return parse_timestamp(*t);
        } catch (const std::invalid_argument&) {
            fail(key, "'" + *t + "' is not a date-time; OParl writes them as 2025-02-06T18:00:00+01:00");
        }
    }

    /// The calendar day of a date-time as written (its local date, whatever the offset).
    std::optional<Date> day(std::string_view key) const
    {
        if (!time(key)) return std::nullopt;
        return parse_date(text(key)->substr(0, 10));
    }

    std::vector<std::string> texts(std::string_view key) const
    {
        std::vector<std::string> out;
        const json* v = get(key);
        if (!v) return out;
        if (!v->is_array()) fail(key, "must be a list (JSON array) of texts, not " + describe(*v));
        for (std::size_t i = 0; i < v->size(); ++i) {
            if (!(*v)[i].is_string())
                fail(std::string(key) + "[" + std::to_string(i) + "]",
                     "must be a text (JSON string), not " + describe((*v)[i]));
            out.push_back((*v)[i].get<std::string>());
        }
        return out;
    }

    std::vector<Reader> objects(std::string_view key) const
    {
        std::vector<Reader> out;
        const json* v = get(key);
        if (!v) return out;
        if (!v->is_array()) fail(key, "must be a list (JSON array) of objects, not " + describe(*v));
        for (std::size_t i = 0; i < v->size(); ++i) {
            const std::string at = where(key) + "[" + std::to_string(i) + "]";
            if (!(*v)[i].is_object())
                throw ImportError(*file_, at, "must be an OParl object, not " + describe((*v)[i]));
            out.emplace_back(*file_, at, (*v)[i]);
        }
        return out;
    }

private:
    const std::string* file_;
    std::string path_;
    const json* j_;
};

/// Looks @p text up in @p names (case-insensitive); fails listing the names.
template <class T, std::size_t N>
T read_name(const Reader& r, std::string_view key, const std::string& text,
            const std::pair<std::string_view, T> (&names)[N], std::string_view what)
{
    for (const auto& [name, value] : names)
        if (kimflow::equal_folded(name, kimflow::trim(text))) return value;
    std::string known;
    for (const auto& entry : names) known += (known.empty() ? "" : ", ") + std::string(entry.first);
    r.fail(key, "'" + text + "' is not a " + std::string(what) + " kimflow knows; use one of: " + known);
}

const std::pair<std::string_view, PaperType> kPaperTypes[] = {
    {"Anfrage", PaperType::anfrage},
    {"Fraktionsanfrage", PaperType::anfrage},
    {"Kleine Anfrage", PaperType::anfrage},
    {"Große Anfrage", PaperType::anfrage},
    {"Antwort", PaperType::antwort},
    {"Beantwortung", PaperType::antwort},
    {"Beantwortung einer Anfrage", PaperType::antwort},
    {"Antrag", PaperType::antrag},
    {"Fraktionsantrag", PaperType::antrag},
    {"Dringlichkeitsantrag", PaperType::antrag},
    {"Änderungsantrag", PaperType::aenderungsantrag},
    {"Aenderungsantrag", PaperType::aenderungsantrag},
    {"Beschlussvorlage", PaperType::beschlussvorlage},
    {"Vorlage", PaperType::beschlussvorlage},
    {"Verwaltungsvorlage", PaperType::beschlussvorlage},
    {"Sitzungsvorlage", PaperType::beschlussvorlage},
    {"Mitteilungsvorlage", PaperType::mitteilungsvorlage},
    {"Mitteilung", PaperType::mitteilungsvorlage},
    {"Informationsvorlage", PaperType::mitteilungsvorlage},
    {"Bericht", PaperType::bericht},
};

/// The paper type @p text names, if kimflow knows it.
std::optional<PaperType> known_type(const std::optional<std::string>& text)
{
    if (text)
        for (const auto& [name, value] : kPaperTypes)
            if (kimflow::equal_folded(name, kimflow::trim(*text))) return value;
    return std::nullopt;
}

const std::pair<std::string_view, ConsultationRole> kRoles[] = {
    {"Kenntnisnahme", ConsultationRole::kenntnisnahme}, {"zur Kenntnis", ConsultationRole::kenntnisnahme},
    {"Vorberatung", ConsultationRole::vorberatung},     {"Empfehlung", ConsultationRole::empfehlung},
    {"Entscheidung", ConsultationRole::entscheidung},   {"Beschlussfassung", ConsultationRole::entscheidung},
    {"Anhörung", ConsultationRole::anhoerung},          {"Anhoerung", ConsultationRole::anhoerung},
};

/// The paper lifecycle's states, as `kimflow:state` names them.
const std::pair<std::string_view, std::string_view> kStates[] = {
    {"draft", "draft"},         {"submitted", "submitted"},       {"answered", "answered"},
    {"on_agenda", "on_agenda"}, {"acknowledged", "acknowledged"}, {"decided", "decided"},
    {"rejected", "rejected"},   {"withdrawn", "withdrawn"},       {"completed", "completed"},
};

const std::set<std::string, std::less<>> kOParlTypes = {
    "System",  "Body",       "LegislativeTerm", "Organization", "Person", "Membership",
    "Meeting", "AgendaItem", "Paper",           "Consultation", "File",   "Location"};

/// What a meeting's result makes of a consultation.
enum class Outcome { acknowledge, recommend, decide, reject, postpone, refer, withdraw };

const char* const kAcceptedResults =
    "zur Kenntnis genommen, empfohlen, beschlossen, abgelehnt, vertagt, verwiesen, zurückgezogen, erledigt";

/// Where the committee's name starts in a referral's result ("verwiesen an Hauptausschuss", as
/// the lifecycle writes it): a byte offset into @p result; npos if it names none.
std::size_t referral_name_at(std::string_view result)
{
    constexpr std::string_view referred_to = "verwiesen an ";
    const auto at = kimflow::find_folded(result, referred_to);
    return at == std::string_view::npos ? at : at + referred_to.size();
}

/// The outcome a result text names, or none (see the header for the rules).
std::optional<Outcome> outcome_of(std::string_view result, bool decides)
{
    // The committee's name may hold any word ("Ausschuss für zurückgezogene Anträge"): only
    // the words before it name the outcome.
    const auto name = referral_name_at(result);
    std::string text = kimflow::fold_case(name == std::string_view::npos ? result : result.substr(0, name));
    auto has = [&](std::string_view word) { return text.find(word) != std::string::npos; };
    if (has("zurückgezogen") || has("zurueckgezogen")) return Outcome::withdraw;
    if (has("vertagt")) return Outcome::postpone;
    if (has("verwiesen")) return Outcome::refer;
    if (has("abgelehnt")) return decides ? Outcome::reject : Outcome::recommend;
    if (has("kenntnis") || has("erledigt")) return Outcome::acknowledge;
    if (has("empfohlen") || has("empfehlung")) return Outcome::recommend;
    if (has("beschlossen") || has("beschluss")) return decides ? Outcome::decide : Outcome::recommend;
    return std::nullopt;
}

struct MeetingInfo {
    std::optional<Date> day;
    std::vector<std::string> organizations;
};

struct AgendaInfo {
    std::string meeting, number, result;
    std::optional<Date> day;  ///< from the item's own `start`
    std::string file, result_field;
};

/// Every object of the input: the papers to import and what they refer to.
struct Catalog {
    std::deque<json> documents;
    std::vector<Reader> papers;
    std::map<std::string, const Reader*> paper_by_id, paper_by_reference;
    std::map<std::string, std::string> names;  ///< Organization and Body ids → names
    std::map<std::string, MeetingInfo> meetings;
    std::map<std::string, AgendaInfo> agenda_items;
    std::map<std::string, std::string> agenda_of_consultation;
    std::map<std::string, Reader> consultations;

    void add_source(const ImportSource& source)
    {
        json& doc = documents.emplace_back();
        try {
            doc = json::parse(source.text);
        } catch (const json::exception& e) {  // parse errors, and numbers too large (out_of_range)
            std::string what = e.what();
            if (auto end = what.find("] "); what.rfind("[json.exception", 0) == 0 && end != std::string::npos)
                what.erase(0, end + 2);
            // The parser quotes what it last read: the bad bytes themselves, or a long string.
            throw ImportError(source.name, "",
                              "not valid JSON (" + printable(what, 200) + "); fix the file or leave it out");
        }
        if (doc.is_array()) {
            for (std::size_t i = 0; i < doc.size(); ++i) add_object(source.name, "[" + std::to_string(i) + "]", doc[i]);
        } else if (doc.is_object() && !doc.contains("type") && doc.contains("data")) {
            if (!doc["data"].is_array())
                throw ImportError(source.name, "data", "must be a list (JSON array) of OParl objects");
            for (std::size_t i = 0; i < doc["data"].size(); ++i)
                add_object(source.name, "data[" + std::to_string(i) + "]", doc["data"][i]);
        } else {
            add_object(source.name, "", doc);
        }
    }

    void add_object(const std::string& file, const std::string& path, const json& j)
    {
        if (!j.is_object())
            throw ImportError(file, path, "must be an OParl object (a JSON object with a type), not " + describe(j));
        const Reader r(file, path, j);
        const auto type = r.text("type");
        if (!type) r.fail("type", "missing: every OParl object names its type, e.g. " + type_url("Paper"));
        const std::string name = type->rfind(kTypeBase, 0) == 0 ? type->substr(kTypeBase.size()) : std::string();
        if (!kOParlTypes.count(name))
            r.fail("type", "'" + *type + "' is not an OParl 1.1 type; kimflow reads objects of type " +
                               type_url("Paper") + " and the other OParl 1.1 types");
        const std::string id = r.text("id").value_or("");
        if (name == "Paper") {
            papers.push_back(r);
        } else if (name == "Organization" || name == "Body") {
            if (auto n = r.text("name"); n && !id.empty()) names[id] = *n;
        } else if (name == "Meeting") {
            const std::string key = id.empty() ? file + "#" + path : id;
            MeetingInfo& m = meetings[key];
            m.day = r.day("start");
            m.organizations = r.texts("organization");
            for (const Reader& item : r.objects("agendaItem")) add_agenda_item(item, key);
        } else if (name == "AgendaItem") {
            add_agenda_item(r, "");
        } else if (name == "Consultation") {
            if (!id.empty()) consultations.insert_or_assign(id, r);
        }
    }

    void add_agenda_item(const Reader& r, const std::string& meeting)
    {
        AgendaInfo a{r.text("meeting").value_or(meeting),
                     r.text("number").value_or(""),
                     r.text("result").value_or(""),
                     r.day("start"),
                     r.file(),
                     r.where("result")};
        const std::string id = r.text("id").value_or(r.file() + "#" + r.path());
        if (auto c = r.text("consultation")) agenda_of_consultation[*c] = id;
        agenda_items[id] = std::move(a);
    }

    void index_papers()
    {
        for (const Reader& p : papers) {
            if (auto id = p.text("id")) paper_by_id.emplace(*id, &p);
            if (auto ref = p.text("reference")) paper_by_reference.emplace(*ref, &p);
        }
    }

    template <class Map>
    static const typename Map::mapped_type* find(const Map& map, const std::optional<std::string>& key)
    {
        if (!key) return nullptr;
        auto it = map.find(*key);
        return it == map.end() ? nullptr : &it->second;
    }

    std::string name_of(const std::string& url) const
    {
        auto it = names.find(url);
        return it == names.end() || it->second.empty() ? url : it->second;
    }

    std::string names_of(const std::vector<std::string>& urls) const
    {
        std::string out;
        for (const auto& url : urls) out += (out.empty() ? "" : "; ") + name_of(url);
        return out;
    }
};

// ---------------------------------------------------------------- import: the plan

using Event =
    std::variant<Submit, Answer, Schedule, Acknowledge, Recommend, Decide, Reject, Postpone, Refer, Withdraw, Complete>;

std::string_view event_id(const Event& e)
{
    return std::visit([](const auto& x) -> std::string_view { return std::decay_t<decltype(x)>::id; }, e);
}

struct Step {
    Event event;
    /// When it happens; none: at the time of the step before.
    std::optional<Timestamp> at{};
    /// For a schedule: the meeting's day (to place the answer).
    std::optional<Date> meeting{};
};

/// What import does with one Paper object.
struct Plan {
    std::string file;
    std::string reference;
    Paper paper;
    Timestamp created{};
    std::vector<Step> steps;
    /// `kimflow:state`, when given: where the replay must end.
    std::string state;
};

/// A consultation as the data tells it.
struct Treatment {
    Consultation c;
    std::optional<Date> day;
    std::string top, result;
    std::optional<Outcome> outcome;
    std::string refer_to;
    std::optional<ConsultationRole> refer_role;
};

Treatment read_treatment(const Reader& r, const Catalog& cat)
{
    const auto id = r.text("id");
    const Reader* alone = Catalog::find(cat.consultations, id);  // the same consultation given on its own
    auto pick = [&](std::string_view key) {
        auto v = r.text(key);
        return v || !alone ? v : alone->text(key);
    };
    Treatment t;
    auto agenda_id = pick("agendaItem");
    if (const std::string* found = Catalog::find(cat.agenda_of_consultation, id); found && !agenda_id)
        agenda_id = *found;
    const AgendaInfo* item = Catalog::find(cat.agenda_items, agenda_id);
    auto meeting_id = pick("meeting");
    if (!meeting_id && item && !item->meeting.empty()) meeting_id = item->meeting;
    const MeetingInfo* meeting = Catalog::find(cat.meetings, meeting_id);

    std::vector<std::string> orgs = r.texts("organization");
    if (orgs.empty() && alone) orgs = alone->texts("organization");
    if (orgs.empty() && meeting) orgs = meeting->organizations;
    if (orgs.empty())
        r.fail("organization", "missing: name the committee (Gremium) of the consultation by its Organization URL");
    t.c.organization = cat.names_of(orgs);
    t.c.authoritative = r.flag("authoritative").value_or(alone ? alone->flag("authoritative").value_or(false) : false);
    if (auto role = r.text("role"))
        t.c.role = read_name(r, "role", *role, kRoles, "consultation role");
    else if (auto other = alone ? alone->text("role") : std::nullopt)
        t.c.role = read_name(*alone, "role", *other, kRoles, "consultation role");
    else
        t.c.role = t.c.authoritative ? ConsultationRole::entscheidung : ConsultationRole::kenntnisnahme;

    t.day = meeting && meeting->day ? meeting->day : item ? item->day : std::nullopt;
    if (!t.day || !item) return t;
    t.top = item->number;
    t.result = item->result;
    if (!t.result.empty()) {
        t.outcome = outcome_of(t.result, t.c.decides());
        if (!t.outcome)
            throw ImportError(
                item->file, item->result_field,
                "'" + t.result + "' is not a result kimflow can read; it must contain one of: " + kAcceptedResults);
    }
    return t;
}

template <class E>
Event result_event(const std::string& text)
{
    E e;
    e.result = text;
    return e;
}

/// The Beratungsfolge to create the paper with, and the steps of the meetings (see the header).
std::vector<Step> plan_consultations(std::vector<Treatment>& ts, Paper& paper, const std::string& withdrawal_reason)
{
    const std::size_t n = ts.size();
    // Consultations a postpone or refer plans again: the lifecycle adds them, so they are left
    // out of the Beratungsfolge the paper starts with.
    std::vector<bool> added(n, false);
    for (std::size_t i = 0; i < n; ++i) {
        Treatment& t = ts[i];
        if (t.outcome == Outcome::refer) {
            if (const auto name = referral_name_at(t.result); name != std::string::npos)
                t.refer_to = std::string(kimflow::trim(std::string_view(t.result).substr(name)));
            if (t.refer_to.empty() && i + 1 < n) t.refer_to = ts[i + 1].c.organization;
            if (t.refer_to.empty()) t.outcome = Outcome::postpone;  // referred, but nowhere known
        }
        std::size_t next = i + 1;
        if (t.outcome == Outcome::postpone && next < n && ts[next].c.organization == t.c.organization)
            added[next] = true;
        if (t.outcome == Outcome::refer) {
            if (next < n && ts[next].c.organization == t.refer_to) {
                added[next] = true;
                t.refer_role = ts[next].c.role;
                ++next;
            }
            if (t.c.decides() && next < n && ts[next].c.organization == t.c.organization) added[next] = true;
        }
    }
    for (std::size_t i = 0; i < n; ++i)
        if (!added[i])
            paper.consultations.push_back(Consultation{ts[i].c.organization, ts[i].c.role, ts[i].c.authoritative});

    std::vector<std::size_t> order;
    for (std::size_t i = 0; i < n; ++i)
        if (ts[i].day) order.push_back(i);
    // By day; on one day the treated before the one still waiting: a paper is on one agenda at
    // a time, so a consultation without a result is the day's last (OParl has no order within a day).
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        if (*ts[a].day != *ts[b].day) return *ts[a].day < *ts[b].day;
        return ts[a].outcome.has_value() && !ts[b].outcome.has_value();
    });

    std::vector<Step> steps;
    auto schedule = [&](const Treatment& t) {
        Schedule s;
        s.organization = t.c.organization;
        s.meeting_date = *t.day;
        s.agenda_item = t.top;
        s.role = t.c.role;
        steps.push_back({s, std::nullopt, t.day});
    };
    std::optional<std::size_t> waiting;  // the first consultation without result after the last result
    for (std::size_t i : order) {
        const Treatment& t = ts[i];
        if (!t.outcome) {
            if (!waiting) waiting = i;
            continue;
        }
        waiting.reset();
        schedule(t);
        Event e;
        switch (*t.outcome) {
        case Outcome::acknowledge: e = result_event<Acknowledge>(t.result); break;
        case Outcome::recommend: e = result_event<Recommend>(t.result); break;
        case Outcome::decide: e = result_event<Decide>(t.result); break;
        case Outcome::reject: e = result_event<Reject>(t.result); break;
        case Outcome::postpone: e = Postpone{}; break;
        case Outcome::refer: e = Refer{t.refer_to, t.refer_role}; break;
        case Outcome::withdraw: e = Withdraw{withdrawal_reason.empty() ? t.result : withdrawal_reason}; break;
        }
        steps.push_back({std::move(e), start_of(*t.day), std::nullopt});
    }
    if (waiting) schedule(ts[*waiting]);
    return steps;
}

Plan plan_paper(const Reader& r, const Catalog& cat, Timestamp now)
{
    Plan plan;
    plan.file = r.file();
    Paper& p = plan.paper;
    const auto id = r.text("id");
    p.reference = r.text("reference").value_or(id.value_or(""));
    if (p.reference.empty()) r.fail("reference", "missing, and the paper has no id either; give its Drucksachennummer");
    plan.reference = p.reference;
    p.title = r.text("name").value_or("");
    if (p.title.empty()) p.title = p.reference;
    p.date = r.date("date");
    const auto type = r.text("paperType");
    if (!type)
        r.fail("paperType",
               "missing: kimflow needs the kind of paper for its rules; give one of: Anfrage, Antwort, Antrag, "
               "Änderungsantrag, Beschlussvorlage, Mitteilungsvorlage, Bericht");
    p.type = read_name(r, "paperType", *type, kPaperTypes, "paper type");
    p.originator = cat.names_of(r.texts("originatorOrganization"));
    if (auto body = r.text("body")) p.body = cat.name_of(*body);

    // Related papers: a Paper given here names its reference; kimflow's own ids carry it.
    const std::string own_suffix = "/paper/" + percent_encode(p.reference);
    const bool kimflow_ids = id && id->size() > own_suffix.size() &&
                             id->compare(id->size() - own_suffix.size(), own_suffix.size(), own_suffix) == 0;
    const std::string paper_base = kimflow_ids ? id->substr(0, id->size() - own_suffix.size()) + "/paper/" : "";
    std::optional<std::pair<std::string, std::optional<Date>>> antwort;  // a related Antwort: reference, date
    for (const auto& url : r.texts("relatedPaper")) {
        std::string ref = url;
        if (const Reader* const* other = Catalog::find(cat.paper_by_id, url)) {
            ref = (*other)->text("reference").value_or(url);
            if (!antwort && known_type((*other)->text("paperType")) == PaperType::antwort)
                antwort.emplace(ref, (*other)->date("date"));
        } else if (!paper_base.empty() && url.rfind(paper_base, 0) == 0 &&
                   url.find('/', paper_base.size()) == std::string::npos) {
            ref = percent_decode(url.substr(paper_base.size()));
        }
        p.related_papers.push_back(ref);
    }

    // kimflow's extension properties.
    plan.state = r.text("kimflow:state").value_or("");
    if (!plan.state.empty()) plan.state = std::string(read_name(r, "kimflow:state", plan.state, kStates, "state"));
    const auto submitted_at = r.time("kimflow:submittedAt");
    const auto answer_reference = r.text("kimflow:answerReference").value_or("");
    const auto answered_at = r.time("kimflow:answeredAt");
    const auto withdrawal_reason = r.text("kimflow:withdrawalReason").value_or("");
    const auto completion_note = r.text("kimflow:completionNote");
    const auto created = r.time("created");
    const auto modified = r.time("modified");

    std::vector<Treatment> treatments;
    for (const Reader& c : r.objects("consultation")) treatments.push_back(read_treatment(c, cat));
    std::vector<Step> meetings = plan_consultations(treatments, p, withdrawal_reason);

    const bool submitted = plan.state != "draft" && !(plan.state == "withdrawn" && !submitted_at);
    if (submitted) {
        const Timestamp at = submitted_at ? *submitted_at : p.date ? start_of(*p.date) : created.value_or(now);
        plan.steps.push_back({Submit{}, at, std::nullopt});
    }
    std::optional<Step> answer;
    if (!answer_reference.empty()) {
        std::optional<Date> day;
        if (const Reader* const* other = Catalog::find(cat.paper_by_reference, answer_reference))
            day = (*other)->date("date");
        answer = Step{Answer{answer_reference}, answered_at ? answered_at
                                                : day       ? std::optional(start_of(*day))
                                                            : std::nullopt};
    } else if (antwort && p.type == PaperType::anfrage) {
        answer =
            Step{Answer{antwort->first}, antwort->second ? std::optional(start_of(*antwort->second)) : std::nullopt};
    }
    for (Step& step : meetings) {
        // The answer comes before the first meeting on or after its day.
        if (answer && step.meeting && (!answer->at || *step.meeting >= date_of(*answer->at))) {
            plan.steps.push_back(std::move(*answer));
            answer.reset();
        }
        plan.steps.push_back(std::move(step));
    }
    if (answer) plan.steps.push_back(std::move(*answer));

    const bool withdrawn = std::any_of(plan.steps.begin(), plan.steps.end(),
                                       [](const Step& s) { return std::holds_alternative<Withdraw>(s.event); });
    if (!withdrawn && (plan.state == "withdrawn" || (plan.state.empty() && !withdrawal_reason.empty())))
        plan.steps.push_back({Withdraw{withdrawal_reason.empty() ? "zurückgezogen" : withdrawal_reason}, modified});
    if (plan.state == "completed" || (plan.state.empty() && completion_note))
        plan.steps.push_back({Complete{completion_note.value_or("")}, modified});

    // Times: from the creation on, never backwards.
    const Timestamp first = !plan.steps.empty() && plan.steps[0].at ? *plan.steps[0].at : created.value_or(now);
    plan.created = created ? std::min(*created, first) : first;
    Timestamp t = plan.created;
    for (Step& step : plan.steps) step.at = t = std::max(t, step.at.value_or(t));
    return plan;
}

// ---------------------------------------------------------------- import: applying the plan

/// Fires @p step, recorded at @p at; a schedule the deadline guard refuses goes in as urgent
/// (see the header).
void fire_step(PaperEngine& engine, const Plan& plan, const Step& step, const Actor& actor, Timestamp at)
{
    const FireOptions recorded{std::nullopt, at};
    try {
        std::visit(
            [&](const auto& e) {
                using E = std::decay_t<decltype(e)>;
                if constexpr (std::is_same_v<E, Schedule>) {
                    try {
                        engine.fire(plan.reference, e, actor, recorded);
                    } catch (const GuardRejected&) {
                        if (e.urgent) throw;
                        Schedule urgent = e;
                        urgent.urgent = true;
                        engine.fire(plan.reference, urgent, actor, recorded);
                    }
                } else {
                    engine.fire(plan.reference, e, actor, recorded);
                }
            },
            step.event);
    } catch (const GuardRejected& e) {
        throw GuardRejected(e.instance(), e.state(), e.event(), e.reason(), plan.file + ": " + e.what());
    } catch (const EventNotAllowed& e) {
        throw EventNotAllowed(e.instance(), e.state(), e.event(), e.reason(), plan.file + ": " + e.what());
    }
}

std::string list_events(const std::vector<std::string_view>& ids)
{
    std::string out;
    for (auto id : ids) out += (out.empty() ? "" : ", ") + std::string(id);
    return out.empty() ? "(none)" : out;
}

/// Applies @p plan; returns the list of @p result it belongs in.
std::vector<std::string>& apply(PaperEngine& engine, const Plan& plan, const Actor& actor, ImportResult& result)
{
    std::size_t done = 0;
    Timestamp last = plan.created;
    std::vector<std::string>* list = &result.created;
    if (engine.contains(plan.reference)) {
        const auto history = engine.history(plan.reference);
        std::vector<std::string_view> stored, wanted;
        for (const auto& h : history) stored.push_back(h.event);
        for (const auto& s : plan.steps) wanted.push_back(event_id(s.event));
        if (stored.size() > wanted.size() || !std::equal(stored.begin(), stored.end(), wanted.begin())) {
            const bool older =
                wanted.size() < stored.size() && std::equal(wanted.begin(), wanted.end(), stored.begin());
            throw ImportError(plan.file, "",
                              "paper " + plan.reference + " exists with a different history (stored: " +
                                  list_events(stored) + "; the data implies: " + list_events(wanted) + ")" +
                                  (older ? "; the data looks older than what is stored" : "") +
                                  "; kimflow does not rewrite a paper's history: correct the data, or leave this "
                                  "paper out of the import");
        }
        done = stored.size();
        if (!history.empty()) last = history.back().at;
        list = done == plan.steps.size() ? &result.unchanged : &result.advanced;
    } else {
        try {
            engine.create(plan.reference, plan.paper, actor, CreateOptions{plan.created});
        } catch (const InvalidData& e) {
            // The engine refuses the reference as an id (too long, not UTF-8, …): name the file.
            throw ImportError(plan.file, "reference", e.what());
        }
    }
    for (std::size_t i = done; i < plan.steps.size(); ++i) {
        last = std::max(last, *plan.steps[i].at);
        fire_step(engine, plan, plan.steps[i], actor, last);
    }
    if (!plan.state.empty() && engine.state(plan.reference) != plan.state)
        throw ImportError(plan.file, "kimflow:state",
                          "paper " + plan.reference + " says it is '" + plan.state + "', but its data leads to '" +
                              std::string(engine.state(plan.reference)) +
                              "'; check its consultations and meetings, or leave kimflow:state out");
    return *list;
}

}  // namespace

Export export_papers(const PaperEngine& engine, const ExportOptions& options)
{
    std::string base = options.base_url;
    while (!base.empty() && base.back() == '/') base.pop_back();
    std::vector<PaperRow> rows;
    for (const auto& id : engine.find(InstanceQuery{})) {
        auto view = engine.view(id);
        const auto history = engine.history(id);
        PaperRow row{std::move(view.data), std::string(engine.state(id)), view.created_at, view.created_at, {}};
        if (!history.empty()) {
            row.created = history.front().at;
            row.modified = history.back().at;
        }
        row.url = base + "/paper/" + percent_encode(id);
        rows.push_back(std::move(row));
    }
    const auto orgs = organization_urls(rows, base);

    // Meetings: one per committee and day, its agenda in TOP order.
    struct Item {
        const PaperRow* row;
        std::size_t index;
    };
    std::map<std::pair<std::string, Date>, std::vector<Item>> agendas;
    for (const auto& row : rows)
        for (std::size_t i = 0; i < row.data.consultations.size(); ++i) {
            const Consultation& c = row.data.consultations[i];
            if (c.status != ConsultationStatus::planned && c.meeting_date)
                agendas[{c.organization, *c.meeting_date}].push_back({&row, i});
        }
    Export out;
    std::map<std::pair<std::string, std::size_t>, Placement> placed;
    for (auto& [key, items] : agendas) {
        const auto& [committee, day] = key;
        auto top = [](const Item& x) -> const std::string& { return x.row->data.consultations[x.index].agenda_item; };
        std::sort(items.begin(), items.end(), [&](const Item& a, const Item& b) {
            if (top(a).empty() != top(b).empty()) return top(b).empty();
            if (natural_less(top(a), top(b)) || natural_less(top(b), top(a))) return natural_less(top(a), top(b));
            return std::tie(a.row->data.reference, a.index) < std::tie(b.row->data.reference, b.index);
        });
        const std::string& org = orgs.at(committee);
        const std::string url = base + "/meeting/" + format_date(day) + "-" + org.substr(org.rfind('/') + 1);
        json meeting = {{"id", url},
                        {"type", type_url("Meeting")},
                        {"name", "Sitzung " + committee + ", " + format_date(day)},
                        {"start", format_date(day) + "T00:00:00Z"},
                        {"organization", json::array({org})}};
        json agenda = json::array();
        for (std::size_t n = 0; n < items.size(); ++n) {
            const PaperRow& row = *items[n].row;
            const Consultation& c = row.data.consultations[items[n].index];
            const std::string item_url = url + "/agendaItem/" + std::to_string(n + 1);
            json item = {{"id", item_url},         {"type", type_url("AgendaItem")},
                         {"meeting", url},         {"order", n + 1},
                         {"name", row.data.title}, {"consultation", consultation_url(row, items[n].index)}};
            if (!c.agenda_item.empty()) item["number"] = c.agenda_item;
            if (c.status == ConsultationStatus::treated && !c.result.empty()) {
                item["result"] = c.result;
                meeting["meetingState"] = "durchgeführt";
            }
            agenda.push_back(std::move(item));
            placed[{row.data.reference, items[n].index}] = {url, item_url};
        }
        meeting["agendaItem"] = std::move(agenda);
        out.meetings.push_back(std::move(meeting));
    }
    for (const auto& row : rows) out.papers.push_back(paper_object(row, base, orgs, placed));
    for (const auto& [name, url] : orgs)
        out.organizations.push_back({{"id", url}, {"type", type_url("Organization")}, {"name", name}});
    auto by_id = [](const json& a, const json& b) {
        return a.at("id").get<std::string>() < b.at("id").get<std::string>();
    };
    std::sort(out.meetings.begin(), out.meetings.end(), by_id);
    std::sort(out.organizations.begin(), out.organizations.end(), by_id);
    return out;
}

std::vector<std::string> write_export(const Export& exported, const std::string& dir)
{
    namespace fs = std::filesystem;
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) throw Error("cannot create the folder " + dir + ": " + ec.message());
    std::set<std::string> taken;  // lower case: some file systems ignore case
    std::vector<std::string> written;
    auto write = [&](const json& object, const std::string& kind, const std::string& key) {
        const std::string stem = kind + "-" + safe_file_name(key);
        std::string name = stem + ".json";
        for (int n = 2; !taken.insert(kimflow::fold_case(name)).second; ++n)
            name = stem + "-" + std::to_string(n) + ".json";
        const std::string path = (fs::path(dir) / name).string();
        std::ofstream file(path, std::ios::binary | std::ios::trunc);
        file << object.dump(2, ' ', false, json::error_handler_t::replace) << '\n';
        file.close();
        if (!file) throw Error("cannot write " + path + "; check that the folder is writable and the disk not full");
        written.push_back(path);
    };
    auto last_segment = [](const json& o) {
        const auto id = o.at("id").get<std::string>();
        return id.substr(id.rfind('/') + 1);
    };
    for (const auto& p : exported.papers) write(p, "paper", p.value("reference", last_segment(p)));
    for (const auto& m : exported.meetings) write(m, "meeting", last_segment(m));
    for (const auto& o : exported.organizations) write(o, "organization", last_segment(o));
    return written;
}

json as_list(const Export& exported)
{
    json data = json::array();
    for (const auto* part : {&exported.papers, &exported.meetings, &exported.organizations})
        for (const auto& object : *part) data.push_back(object);
    return {{"data", std::move(data)}};
}

ImportResult import_papers(PaperEngine& engine, const std::vector<ImportSource>& sources, const Actor& actor)
{
    // 1. Read and check everything, and plan every paper, before anything changes.
    Catalog catalog;
    for (const auto& source : sources) catalog.add_source(source);
    catalog.index_papers();
    std::vector<Plan> plans;
    std::map<std::string, const Reader*> seen;
    for (const Reader& r : catalog.papers) {
        Plan plan = plan_paper(r, catalog, engine.clock().now());
        if (auto [it, fresh] = seen.emplace(plan.reference, &r); !fresh) {
            if (it->second->object() == r.object()) continue;  // the same object twice
            throw ImportError(r.file(), r.path(),
                              "paper " + plan.reference + " is given twice with different content (also in " +
                                  it->second->file() + "); keep one of them");
        }
        plans.push_back(std::move(plan));
    }
    // 2. Apply all of it, or nothing.
    ImportResult result;
    if (plans.empty()) return result;
    auto unit = engine.unit_of_work();
    for (const Plan& plan : plans) apply(engine, plan, actor, result).push_back(plan.reference);
    unit.commit();
    for (auto* list : {&result.created, &result.advanced, &result.unchanged}) std::sort(list->begin(), list->end());
    return result;
}

}  // namespace kimflow::oparl
