// Instances, their data and their history as JSON; payloads and new papers from JSON.
#include "kimflow/io/json.hpp"
#include "kimflow/io/resolution_json.hpp"

#include <stdexcept>

#include "kimflow/core/text.hpp"

namespace kimflow {

namespace {
inline void put_text(nlohmann::json& j, const char* key, const std::string& text)
{
    if (!text.empty()) j[key] = text;
}
inline void put_time(nlohmann::json& j, const char* key, const std::optional<Timestamp>& t)
{
    if (t) j[key] = format_timestamp(*t);
}
inline void put_date(nlohmann::json& j, const char* key, const std::optional<Date>& d)
{
    if (d) j[key] = format_date(*d);
}
}  // namespace

nlohmann::json to_json(const Actor& actor)
{
    nlohmann::json j{{"id", actor.id}};
    put_text(j, "role", actor.role);
    put_text(j, "organization", actor.organization);
    return j;
}

nlohmann::json to_json(const TransitionRecord& r)
{
    nlohmann::json j{{"version", r.version},           {"event", std::string(r.event)},
                     {"from", std::string(r.from)},    {"to", std::string(r.to)},
                     {"actor", to_json(r.actor)},       {"at", format_timestamp(r.at)}};
    put_text(j, "payload", r.payload);
    return j;
}

namespace paper {
nlohmann::json to_json(const Consultation& c)
{
    nlohmann::json j{{"organization", c.organization},
                     {"role", std::string(kimflow::to_string(c.role))},
                     {"authoritative", c.authoritative},
                     {"status", std::string(kimflow::to_string(c.status))}};
    put_date(j, "meeting_date", c.meeting_date);
    put_text(j, "agenda_item", c.agenda_item);
    put_text(j, "result", c.result);
    put_text(j, "source_id", c.source_id);
    return j;
}

nlohmann::json to_json(const Paper& p)
{
    nlohmann::json j{{"reference", p.reference}, {"type", std::string(kimflow::to_string(p.type))}, {"title", p.title}};
    put_date(j, "date", p.date);
    put_text(j, "originator", p.originator);
    put_text(j, "body", p.body);
    if (!p.related_papers.empty()) j["related_papers"] = p.related_papers;
    j["consultations"] = nlohmann::json::array();
    for (const auto& c : p.consultations) j["consultations"].push_back(to_json(c));
    put_time(j, "submitted_at", p.submitted_at);
    put_time(j, "answered_at", p.answered_at);
    put_text(j, "answer_reference", p.answer_reference);
    if (p.current_consultation) j["current_consultation"] = *p.current_consultation;
    put_time(j, "decided_at", p.decided_at);
    put_time(j, "completed_at", p.completed_at);
    put_text(j, "completion_note", p.completion_note);
    put_text(j, "withdrawal_reason", p.withdrawal_reason);
    put_time(j, "answer_overdue_at", p.answer_overdue_at);
    if (!p.resolutions.empty()) {
        j["resolutions"] = nlohmann::json::array();
        for (const auto& r : p.resolutions)
            j["resolutions"].push_back({{"id", r.id}, {"outcome", r.open() ? nlohmann::json() : nlohmann::json(r.outcome)}});
    }
    put_text(j, "type_name", p.type_name);
    if (!p.source.empty()) {
        nlohmann::json source{{"id", p.source.id}};
        put_text(source, "system", p.source.system);
        put_text(source, "oparl_version", p.source.oparl_version);
        put_time(source, "modified", p.source.modified);
        j["source"] = std::move(source);
    }
    return j;
}
}  // namespace paper

namespace kim {
nlohmann::json to_json(const KimCase& c)
{
    nlohmann::json j = nlohmann::json::object();
    put_text(j, "kommune", c.kommune);
    put_text(j, "kreis", c.kreis);
    put_text(j, "traeger", c.traeger);
    put_text(j, "manager", c.manager);
    j["goals"] = c.goals;
    j["referrals"] = nlohmann::json::array();
    for (const auto& r : c.referrals) {
        nlohmann::json referral{{"recipient", r.recipient},
                                {"rechtskreis", std::string(kimflow::to_string(r.rechtskreis))},
                                {"at", format_timestamp(r.at)}};
        put_time(referral, "completed_at", r.completed_at);
        j["referrals"].push_back(std::move(referral));
    }
    nlohmann::json consent{{"recipients", c.consent.recipients}};
    put_text(consent, "purpose", c.consent.purpose);
    put_time(consent, "granted_at", c.consent.granted_at);
    put_time(consent, "withdrawn_at", c.consent.withdrawn_at);
    put_time(consent, "changed_at", c.consent.changed_at);
    j["consent"] = consent;
    j["follow_ups"] = nlohmann::json::array();
    for (const auto& f : c.follow_ups) {
        nlohmann::json follow_up{{"date", format_date(f.date)},
                                 {"set_at", format_timestamp(f.set_at)},
                                 {"closed_with_case", f.closed_with_case}};
        put_text(follow_up, "subject", f.subject);
        put_time(follow_up, "done_at", f.done_at);
        put_time(follow_up, "fell_due_at", f.fell_due_at);
        j["follow_ups"].push_back(std::move(follow_up));
    }
    if (c.closure_reason) j["closure_reason"] = std::string(kimflow::to_string(*c.closure_reason));
    put_text(j, "note", c.note);
    put_text(j, "paused_from", c.paused_from);
    j["phases"] = nlohmann::json::array();
    for (const auto& p : c.phases) {
        nlohmann::json change{{"phase", p.phase}, {"at", format_timestamp(p.at)}};
        if (p.reason) change["reason"] = std::string(kimflow::to_string(*p.reason));
        j["phases"].push_back(change);
    }
    return j;
}
}  // namespace kim

namespace resolution {
nlohmann::json to_json(const Resolution& r)
{
    nlohmann::json j{{"paper", r.paper}, {"office", r.office}, {"task", r.task}, {"due", format_date(r.due)}};
    put_text(j, "committee", r.committee);
    put_text(j, "body", r.body);
    put_date(j, "decided_on", r.decided_on);
    put_date(j, "original_due", r.original_due);
    put_time(j, "started_at", r.started_at);
    j["reports"] = nlohmann::json::array();
    for (const auto& p : r.reports) {
        nlohmann::json report{{"at", format_timestamp(p.at)}, {"text", p.text}};
        put_text(report, "delay_reason", p.delay_reason);
        put_date(report, "new_due", p.new_due);
        j["reports"].push_back(std::move(report));
    }
    j["extensions"] = nlohmann::json::array();
    for (const auto& e : r.extensions)
        j["extensions"].push_back(
            {{"at", format_timestamp(e.at)}, {"from", format_date(e.from)}, {"to", format_date(e.to)}, {"reason", e.reason}});
    put_date(j, "overdue_for", r.overdue_for);
    put_time(j, "overdue_since", r.overdue_since);
    put_time(j, "done_at", r.done_at);
    put_text(j, "completion_note", r.completion_note);
    put_time(j, "dropped_at", r.dropped_at);
    put_text(j, "drop_reason", r.drop_reason);
    return j;
}
}  // namespace resolution

namespace json_detail {
nlohmann::json instance(const std::string& lifecycle, const std::string& id, const std::vector<std::string_view>& states,
                        int main_region, std::uint64_t version, const std::vector<std::string_view>& allowed_events,
                        Timestamp created_at, const Actor& created_by, const std::optional<Timestamp>& erased_at,
                        nlohmann::json data, const std::vector<TransitionRecord>* history)
{
    nlohmann::json j{{"lifecycle", lifecycle},
                     {"id", id},
                     {"state", std::string(states.at(static_cast<std::size_t>(main_region)))},
                     {"states", nlohmann::json::array()},
                     {"version", version},
                     {"allowed_events", nlohmann::json::array()},
                     {"created_at", format_timestamp(created_at)},
                     {"created_by", to_json(created_by)},
                     {"data", std::move(data)}};
    for (auto s : states) j["states"].push_back(std::string(s));
    for (auto e : allowed_events) j["allowed_events"].push_back(std::string(e));
    if (erased_at) j["erased_at"] = format_timestamp(*erased_at);
    if (history) {
        j["history"] = nlohmann::json::array();
        for (const auto& r : *history) j["history"].push_back(to_json(r));
    }
    return j;
}
}  // namespace json_detail

Fields fields_from_json(const nlohmann::json& payload, std::string_view event)
{
    Fields fields;
    if (payload.is_null()) return fields;
    if (!payload.is_object())
        throw InvalidData("event '" + std::string(event) +
                          "': the payload must be a JSON object of field names and values, e.g. "
                          "{\"meeting_date\": \"2025-02-06\", \"agenda_item\": \"9.2\"}");
    const auto scalar = [&](const std::string& name, const nlohmann::json& v) -> std::string {
        if (v.is_string()) return v.get<std::string>();
        if (v.is_number() || v.is_boolean()) return v.dump();
        throw InvalidPayload(std::string(event), name,
                             "give a string, a number, a boolean or a list of strings, not " +
                                 std::string(v.type_name()));
    };
    for (const auto& [name, value] : payload.items()) {
        if (value.is_null()) continue;
        if (!value.is_array()) {
            fields.emplace(name, scalar(name, value));
            continue;
        }
        std::string list;
        for (const auto& element : value) {
            if (!element.is_string() && !element.is_number())
                throw InvalidPayload(std::string(event), name, "a list holds strings or numbers only");
            std::string text = scalar(name, element);
            if (text.empty() || text.front() == ' ' || text.back() == ' ' || text.front() == '\t' ||
                text.back() == '\t')
                throw InvalidPayload(std::string(event), name,
                                     "a list element must not be empty or have blanks around it: '" + printable(text) +
                                         "'");
            if (text.find(',') != std::string::npos)
                throw InvalidPayload(std::string(event), name,
                                     "a list element cannot contain a comma (lists are sent comma-separated): " +
                                         printable(text));
            list += (list.empty() ? "" : ",") + text;
        }
        fields.emplace(name, std::move(list));
    }
    return fields;
}

namespace paper {
Paper paper_from_json(const nlohmann::json& j)
{
    const auto fail = [](const std::string& what) -> InvalidData { return InvalidData("paper JSON: " + what); };
    if (!j.is_object())
        throw fail("send an object, e.g. {\"reference\": \"14/1923\", \"type\": \"Anfrage\", \"title\": \"…\"}");
    const auto text = [&](const nlohmann::json& o, const std::string& key, const std::string& where) {
        const auto& v = o.at(key);
        if (!v.is_string()) throw fail(where + "'" + key + "' must be a string, not " + v.type_name());
        return v.get<std::string>();
    };
    const auto enum_value = [&](auto tag, const nlohmann::json& o, const std::string& key, const std::string& where) {
        using E = decltype(tag);
        try {
            return parse_enum<E>(text(o, key, where));
        } catch (const std::invalid_argument& e) {
            throw fail(where + "'" + key + "': " + e.what());
        }
    };
    const auto recorded = [&](const std::string& where, const std::string& key) {
        return fail(where + "'" + key + "' is recorded by the paper lifecycle; leave it out of a new paper");
    };

    Paper p;
    for (const auto& [key, value] : j.items()) {
        if (key == "reference") p.reference = text(j, key, "");
        else if (key == "title") p.title = text(j, key, "");
        else if (key == "type") p.type = enum_value(PaperType{}, j, key, "");
        else if (key == "originator") p.originator = text(j, key, "");
        else if (key == "body") p.body = text(j, key, "");
        else if (key == "date") {
            try {
                p.date = parse_date(text(j, key, ""));
            } catch (const std::invalid_argument& e) {
                throw fail(std::string("'date': ") + e.what());
            }
        } else if (key == "related_papers") {
            if (!value.is_array()) throw fail("'related_papers' must be a list of references");
            for (std::size_t i = 0; i < value.size(); ++i) {
                if (!value[i].is_string()) throw fail("'related_papers' must be a list of references (strings)");
                p.related_papers.push_back(value[i].get<std::string>());
            }
        } else if (key == "consultations") {
            if (!value.is_array()) throw fail("'consultations' must be a list, the Beratungsfolge in order");
            for (std::size_t i = 0; i < value.size(); ++i) {
                const auto& c = value[i];
                const std::string where = "consultation " + std::to_string(i + 1) + ": ";
                if (!c.is_object())
                    throw fail(where + "send an object, e.g. {\"organization\": \"Hauptausschuss\", \"role\": \"Entscheidung\"}");
                Consultation consultation;
                for (const auto& [ckey, cvalue] : c.items()) {
                    if (ckey == "organization") consultation.organization = text(c, ckey, where);
                    else if (ckey == "role") consultation.role = enum_value(ConsultationRole{}, c, ckey, where);
                    else if (ckey == "authoritative") {
                        if (!cvalue.is_boolean()) throw fail(where + "'authoritative' must be true or false");
                        consultation.authoritative = cvalue.get<bool>();
                    } else if (ckey == "status") {
                        if (enum_value(ConsultationStatus{}, c, ckey, where) != ConsultationStatus::planned)
                            throw recorded(where, ckey);
                    } else if (ckey == "meeting_date" || ckey == "agenda_item" || ckey == "result") {
                        throw recorded(where, ckey);
                    } else {
                        throw fail(where + "unknown member '" + printable(ckey) +
                                   "'; a consultation has organization, role and authoritative");
                    }
                }
                p.consultations.push_back(std::move(consultation));
            }
        } else if (key == "submitted_at" || key == "answered_at" || key == "answer_reference" ||
                   key == "current_consultation" || key == "decided_at" || key == "completed_at" ||
                   key == "completion_note" || key == "withdrawal_reason") {
            throw recorded("", key);
        } else {
            throw fail("unknown member '" + printable(key) +
                       "'; a new paper has reference, type, title, date, originator, body, related_papers and "
                       "consultations");
        }
    }
    validate(p);
    return p;
}
}  // namespace paper

}  // namespace kimflow
