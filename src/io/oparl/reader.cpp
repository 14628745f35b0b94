// Reading OParl files into a Catalog (see reader.hpp).
#include "reader.hpp"

#include <algorithm>

#include "kimflow/core/text.hpp"
#include "kimflow/io/oparl_vocabulary.hpp"
#include "names.hpp"

namespace kimflow::oparl::detail {

using nlohmann::json;

namespace {

std::string describe(const json& v)
{
    const std::string name = v.type_name();
    return (name == "array" || name == "object" ? "an " : "a ") + name;
}

const std::set<std::string, std::less<>> kOParlTypes = {
    "System",  "Body",       "LegislativeTerm", "Organization", "Person", "Membership",
    "Meeting", "AgendaItem", "Paper",           "Consultation", "File",   "Location"};

/// `+01::00` (a known RIS quirk) → `+01:00`.
std::string repair_offset(std::string t)
{
    if (auto at = t.find("::"); at != std::string::npos && at + 2 < t.size()) t.erase(at, 1);
    return t;
}

/// @p text with the control characters inside JSON strings written as `\u00XX`.
std::string escape_raw_controls(const std::string& text)
{
    static const char* hex = "0123456789abcdef";
    std::string out;
    bool in_string = false, escaped = false;
    for (char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        if (in_string && byte < 0x20) {
            out += "\\u00";
            out += hex[byte >> 4];
            out += hex[byte & 15];
            escaped = false;
            continue;
        }
        if (escaped) {
            escaped = false;
        } else if (in_string && c == '\\') {
            escaped = true;
        } else if (c == '"') {
            in_string = !in_string;
        }
        out += c;
    }
    return out;
}

}  // namespace

std::string Reader::where(std::string_view key) const
{
    return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
}

void Reader::fail(std::string_view key, const std::string& message) const
{
    throw ImportError(*file_, where(key), message);
}

const json* Reader::get(std::string_view key) const
{
    auto it = j_->find(std::string(key));
    return it == j_->end() || it->is_null() ? nullptr : &*it;
}

std::optional<std::string> Reader::text(std::string_view key) const
{
    const json* v = get(key);
    if (!v) return std::nullopt;
    if (!v->is_string()) fail(key, "must be a text (JSON string), not " + describe(*v));
    return v->get<std::string>();
}

std::optional<std::string> Reader::label(std::string_view key) const
{
    const json* v = get(key);
    if (!v) return std::nullopt;
    if (v->is_number_integer()) return std::to_string(v->get<long long>());
    if (!v->is_string()) fail(key, "must be a text or a number, not " + describe(*v));
    const std::string t(trim(v->get<std::string>()));
    if (t.empty()) return std::nullopt;
    return t;
}

std::optional<bool> Reader::flag(std::string_view key) const
{
    const json* v = get(key);
    if (v && v->is_string() && (v->get<std::string>() == "true" || v->get<std::string>() == "false"))
        return v->get<std::string>() == "true";
    if (v && !v->is_boolean()) fail(key, "must be true or false, not " + describe(*v));
    return v ? std::optional<bool>(v->get<bool>()) : std::nullopt;
}

std::optional<Date> Reader::date(std::string_view key) const
{
    auto t = text(key);
    if (!t || trim(*t).empty()) return std::nullopt;
    try {
        if (t->size() >= 10 && (*t)[4] == '-' && (t->size() == 10 || (*t)[10] == 'T' || (*t)[10] == ' '))
            return parse_date(t->substr(0, 10));
    } catch (const std::invalid_argument&) {
    }
    fail(key, "'" + printable(*t) + "' is not a date; OParl writes dates as YYYY-MM-DD, e.g. 2025-02-06");
}

std::optional<Timestamp> Reader::time(std::string_view key) const
{
    auto t = text(key);
    if (!t || trim(*t).empty()) return std::nullopt;
    const std::string repaired = repair_offset(std::string(trim(*t)));
    try {
        if (repaired.size() == 10) return start_of(parse_date(repaired));
        return parse_timestamp(repaired);
    } catch (const std::invalid_argument&) {
        fail(key, "'" + printable(*t) + "' is not a date-time; OParl writes them as 2025-02-06T18:00:00+01:00");
    }
}

std::optional<Date> Reader::day(std::string_view key) const
{
    if (!time(key)) return std::nullopt;
    return parse_date(std::string(trim(*text(key))).substr(0, 10));
}

std::vector<std::string> Reader::texts(std::string_view key) const
{
    std::vector<std::string> out;
    const json* v = get(key);
    if (!v) return out;
    if (v->is_string()) return {v->get<std::string>()};
    if (!v->is_array()) fail(key, "must be a list (JSON array) of texts, not " + describe(*v));
    for (std::size_t i = 0; i < v->size(); ++i) {
        if ((*v)[i].is_null()) continue;
        if (!(*v)[i].is_string())
            fail(std::string(key) + "[" + std::to_string(i) + "]", "must be a text (JSON string), not " + describe((*v)[i]));
        out.push_back((*v)[i].get<std::string>());
    }
    return out;
}

std::vector<Reader> Reader::objects(std::string_view key, std::vector<std::string>* links) const
{
    std::vector<Reader> out;
    const json* v = get(key);
    if (!v) return out;
    if (v->is_object()) return {Reader(*file_, where(key), *v)};
    if (v->is_string() && links) {
        links->push_back(v->get<std::string>());
        return out;
    }
    if (!v->is_array()) fail(key, "must be a list (JSON array) of objects, not " + describe(*v));
    for (std::size_t i = 0; i < v->size(); ++i) {
        const std::string at = where(key) + "[" + std::to_string(i) + "]";
        const json& item = (*v)[i];
        if (item.is_null()) continue;
        if (item.is_string() && links) {
            links->push_back(item.get<std::string>());
            continue;
        }
        if (!item.is_object()) throw ImportError(*file_, at, "must be an OParl object, not " + describe(item));
        out.emplace_back(*file_, at, item);
    }
    return out;
}

Kind kind_of(const Reader& r, std::string_view context)
{
    const json* type = r.get("type");
    if (type && type->is_string()) {
        const std::string t = type->get<std::string>();
        const auto at = t.find("schema.oparl.org/");
        if (at != std::string::npos) {
            const std::string rest = t.substr(at + 17);  // "1.0/Paper"
            const auto slash = rest.find('/');
            if (slash != std::string::npos && kOParlTypes.count(rest.substr(slash + 1)) &&
                (rest.substr(0, slash) == "1.0" || rest.substr(0, slash) == "1.1"))
                return {rest.substr(slash + 1), rest.substr(0, slash)};
        }
        return {};
    }
    if (type) return {};
    if (!context.empty()) return {std::string(context), ""};
    const auto has = [&](const char* key) { return r.object().contains(key); };
    if (has("paperType") || (has("reference") && has("consultation"))) return {"Paper", ""};
    if (has("agendaItem") || (has("start") && has("organization"))) return {"Meeting", ""};
    if (has("paper") && (has("role") || has("authoritative"))) return {"Consultation", ""};
    return {};
}

bool is_tombstone(const Reader& r)
{
    const json* d = r.get("deleted");
    return d && ((d->is_boolean() && d->get<bool>()) || (d->is_string() && d->get<std::string>() == "true"));
}

void Catalog::add_source(const ImportSource& source, ImportResult& result, bool strict)
{
    auto quarantine = [&](std::string path, std::string why) {
        if (strict) throw ImportError(source.name, path, why);
        result.quarantined.push_back({ObjectOutcome::quarantined, source.name, std::move(path), "", "", std::move(why)});
    };
    json& doc = documents.emplace_back();
    try {
        try {
            doc = json::parse(source.text);
        } catch (const json::parse_error&) {
            // Some RIS write raw control characters inside texts (ALLRIS names with U+0004):
            // read them escaped, and say so; anything else stays an error.
            const std::string escaped = escape_raw_controls(source.text);
            if (escaped == source.text) throw;
            doc = json::parse(escaped);
            result.warnings.push_back({ObjectOutcome::skipped, source.name, "", "", "",
                                       "raw control characters inside texts, which JSON does not allow; read as if "
                                       "escaped"});
        }
    } catch (const json::exception& e) {  // parse errors, and numbers too large (out_of_range)
        std::string what = e.what();
        if (auto end = what.find("] "); what.rfind("[json.exception", 0) == 0 && end != std::string::npos)
            what.erase(0, end + 2);
        // The parser quotes what it last read: the bad bytes themselves, or a long string.
        return quarantine("", "not valid JSON (" + printable(what, 200) + "); fix the file or leave it out");
    }
    if (doc.is_array()) {
        for (std::size_t i = 0; i < doc.size(); ++i)
            add_object(source.name, "[" + std::to_string(i) + "]", doc[i], result, strict);
    } else if (doc.is_object() && !doc.contains("type") && doc.contains("data")) {
        if (!doc["data"].is_array()) return quarantine("data", "must be a list (JSON array) of OParl objects");
        for (std::size_t i = 0; i < doc["data"].size(); ++i)
            add_object(source.name, "data[" + std::to_string(i) + "]", doc["data"][i], result, strict);
    } else if (doc.is_object() && !doc.contains("type") && !doc.contains("id") &&
               (doc.contains("error") || doc.contains("message"))) {
        const json& e = doc.contains("error") ? doc["error"] : doc["message"];
        quarantine("", "the server sent an error instead of OParl objects (" +
                           printable(e.is_string() ? e.get<std::string>() : e.dump(), 160) +
                           "); fetch the list again later");
    } else {
        add_object(source.name, "", doc, result, strict);
    }
}

void Catalog::add_object(const std::string& file, const std::string& path, const json& j, ImportResult& result,
                         bool strict)
{
    auto leave_out = [&](ObjectOutcome outcome, std::string id, std::string why) {
        if (strict && outcome == ObjectOutcome::quarantined) throw ImportError(file, path, why);
        auto& list = outcome == ObjectOutcome::quarantined ? result.quarantined : result.skipped;
        list.push_back({outcome, file, path, std::move(id), "", std::move(why)});
    };
    if (!j.is_object())
        return leave_out(ObjectOutcome::quarantined, "",
                         "must be an OParl object (a JSON object with a type), not " + describe(j));
    const Reader r(file, path, j);
    const json* id_value = r.get("id");
    const std::string id = id_value && id_value->is_string() ? id_value->get<std::string>() : "";
    try {
        const Kind kind = kind_of(r);
        if (!kind.version.empty()) ++result.versions[kind.version];
        if (is_tombstone(r)) {
            if (id.empty()) return leave_out(ObjectOutcome::skipped, "", "a deleted object without id");
            tombstones.push_back({file, path, id, r.time("modified")});
            return;
        }
        if (kind.name.empty()) {
            const json* type = r.get("type");
            if (!type)
                return leave_out(ObjectOutcome::skipped, id,
                                 "has no type and is not recognisably a Paper, Meeting or Consultation");
            return leave_out(ObjectOutcome::skipped, id,
                             "type " + printable(type->is_string() ? type->get<std::string>() : type->dump()) +
                                 " is not an OParl 1.0 or 1.1 type kimflow reads");
        }
        if (kind.name == "Paper") {
            papers.push_back(r);
            return;
        }
        ++result.context_objects;
        if (kind.name == "Organization" || kind.name == "Body") {
            if (auto n = r.text("name"); n && !id.empty()) names[id_key(id)] = tidy(*n);
        } else if (kind.name == "Meeting") {
            const std::string key = id.empty() ? file + "#" + path : id_key(id);
            MeetingInfo m;
            m.day = r.day("start");
            if (!m.day) m.day = r.day("end");
            m.organizations = r.texts("organization");
            meetings[key] = std::move(m);
            for (const Reader& item : r.objects("agendaItem")) add_agenda_item(item, key);
        } else if (kind.name == "AgendaItem") {
            add_agenda_item(r, "");
        } else if (kind.name == "Consultation") {
            if (id.empty()) return;
            consultations[id_key(id)].push_back(r);
            if (auto paper = r.text("paper")) consultations_of_paper[id_key(*paper)].push_back(id_key(id));
        }
    } catch (const ImportError& e) {
        if (strict) throw;
        result.quarantined.push_back({ObjectOutcome::quarantined, e.file(), e.field(), id, "", e.what()});
    }
}

void Catalog::add_agenda_item(const Reader& r, const std::string& meeting)
{
    AgendaInfo a;
    a.meeting = meeting;
    if (auto m = r.text("meeting")) a.meeting = id_key(*m);
    a.number = r.label("number").value_or("");
    a.name = r.text("name").value_or("");
    a.result = std::string(trim(r.text("result").value_or("")));
    a.day = r.day("start");
    a.file = r.file();
    a.path = r.where("result");
    const auto id = r.text("id");
    a.id = id ? id_key(*id) : r.file() + "#" + r.path();
    a.url = id.value_or("");
    const auto consultation = r.text("consultation");
    if (consultation) agenda_of_consultation[id_key(*consultation)] = a.id;
    // A section header (no number, nothing treated) ties to nothing.
    a.loose = !consultation && (!a.number.empty() || !a.result.empty());
    agenda_items[a.id] = std::move(a);
}

void Catalog::index_papers()
{
    for (const Reader& p : papers)
    {
        if (const json* id = p.get("id"); id && id->is_string()) paper_by_id.emplace(id_key(id->get<std::string>()), &p);
        if (const json* ref = p.get("reference"); ref && ref->is_string())
            paper_by_reference.emplace(tidy(ref->get<std::string>()), &p);
    }
    // An item a consultation links to (ALLRIS 4 links only that way) is not loose.
    auto linked = [&](const Reader& consultation) {
        const json* item = consultation.get("agendaItem");
        if (!item || !item->is_string()) return;
        if (auto it = agenda_items.find(id_key(item->get<std::string>())); it != agenda_items.end())
            it->second.loose = false;
    };
    for (const Reader& p : papers) {
        const json* list = p.get("consultation");
        if (list && list->is_array())
            for (const json& c : *list)
                if (c.is_object()) linked(Reader(p.file(), p.path(), c));
        if (list && list->is_object()) linked(Reader(p.file(), p.path(), *list));
    }
    for (const auto& [key, given] : consultations)
        for (const Reader& c : given) linked(c);
    for (const auto& [key, item] : agenda_items)
        if (item.loose) loose_items.emplace(Vocabulary::fold(item.name), key);
    // An item's name that mentions a reference ("0072/2025 Umbenennung …") names that paper.
    for (const auto& [name, item] : loose_items) {
        const std::string& text = agenda_items.at(item).name;
        std::size_t at = 0;
        while (at < text.size()) {
            const auto end = std::min(text.find_first_of(" \t\n,;:()", at), text.size());
            if (end > at && paper_by_reference.count(text.substr(at, end - at)))
                loose_items_by_reference.emplace(text.substr(at, end - at), item);
            at = end + 1;
        }
    }
}

std::string Catalog::name_of(const std::string& url) const
{
    auto it = names.find(id_key(url));
    return it == names.end() || it->second.empty() ? url : it->second;
}

std::string Catalog::names_of(const std::vector<std::string>& urls) const
{
    std::string out;
    for (const auto& url : urls) out += (out.empty() ? "" : "; ") + name_of(url);
    return out;
}

const Reader* Catalog::paper(const std::string& url) const
{
    auto it = paper_by_id.find(id_key(url));
    return it == paper_by_id.end() ? nullptr : it->second;
}

}  // namespace kimflow::oparl::detail
