/// @file
/// Instances, their data and their history as JSON (nlohmann::json), for tools and hosts
/// that speak JSON: `kimctl --json`, web back-ends, the C ABI.
///
/// Values are written as people read them: enums by their names (`Kenntnisnahme`, `SGB II`),
/// days as `2025-02-06`, instants as `2025-02-06T17:00:00Z`; empty optional values are left
/// out. The shape of an instance:
/// @code{.json}
/// {"lifecycle": "paper", "id": "14/1923", "state": "acknowledged", "states": ["acknowledged"],
///  "version": 5, "allowed_events": [], "created_at": "…", "created_by": {"id": "…", …},
///  "data": {…}, "history": [{"version": 1, "event": "submit", "from": "draft",
///  "to": "submitted", "actor": {…}, "at": "…", "payload": "…"}, …]}
/// @endcode
///
/// The other way, for hosts that send JSON in (the C ABI, web back-ends): fields_from_json()
/// turns an event's payload object into Fields, paper_from_json() a new paper's object into a
/// Paper. Both refuse what they cannot take whole, with a message that says what to send.
#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "kimflow/core/actor.hpp"
#include "kimflow/core/engine.hpp"
#include "kimflow/core/fields.hpp"
#include "kimflow/core/text.hpp"
#include "kimflow/core/time.hpp"
#include "kimflow/core/transition.hpp"
#include "kimflow/kim/case.hpp"
#include "kimflow/paper/paper.hpp"

namespace kimflow {

namespace json_detail {
/// Sets @p key to @p text unless it is empty: optional values are left out, not written empty.
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
}  // namespace json_detail

/// `{"id": …, "role": …, "organization": …}`, empty members left out.
inline nlohmann::json to_json(const Actor& actor)
{
    nlohmann::json j{{"id", actor.id}};
    json_detail::put_text(j, "role", actor.role);
    json_detail::put_text(j, "organization", actor.organization);
    return j;
}

/// One history entry: version, event, from, to, actor, at, and the payload summary if any.
inline nlohmann::json to_json(const TransitionRecord& r)
{
    nlohmann::json j{{"version", r.version},           {"event", std::string(r.event)},
                     {"from", std::string(r.from)},    {"to", std::string(r.to)},
                     {"actor", to_json(r.actor)},       {"at", format_timestamp(r.at)}};
    json_detail::put_text(j, "payload", r.payload);
    return j;
}

namespace paper {
/// A consultation of the Beratungsfolge.
inline nlohmann::json to_json(const Consultation& c)
{
    nlohmann::json j{{"organization", c.organization},
                     {"role", std::string(kimflow::to_string(c.role))},
                     {"authoritative", c.authoritative},
                     {"status", std::string(kimflow::to_string(c.status))}};
    json_detail::put_date(j, "meeting_date", c.meeting_date);
    json_detail::put_text(j, "agenda_item", c.agenda_item);
    json_detail::put_text(j, "result", c.result);
    return j;
}

/// A paper's data.
inline nlohmann::json to_json(const Paper& p)
{
    nlohmann::json j{{"reference", p.reference}, {"type", std::string(kimflow::to_string(p.type))}, {"title", p.title}};
    json_detail::put_date(j, "date", p.date);
    json_detail::put_text(j, "originator", p.originator);
    json_detail::put_text(j, "body", p.body);
    if (!p.related_papers.empty()) j["related_papers"] = p.related_papers;
    j["consultations"] = nlohmann::json::array();
    for (const auto& c : p.consultations) j["consultations"].push_back(to_json(c));
    json_detail::put_time(j, "submitted_at", p.submitted_at);
    json_detail::put_time(j, "answered_at", p.answered_at);
    json_detail::put_text(j, "answer_reference", p.answer_reference);
    if (p.current_consultation) j["current_consultation"] = *p.current_consultation;
    json_detail::put_time(j, "decided_at", p.decided_at);
    json_detail::put_time(j, "completed_at", p.completed_at);
    json_detail::put_text(j, "completion_note", p.completion_note);
    json_detail::put_text(j, "withdrawal_reason", p.withdrawal_reason);
    return j;
}
}  // namespace paper

namespace kim {
/// A KIM case's data. Goals, notes and the consent's purpose are personal data: hosts that
/// pass this on decide who may see it.
inline nlohmann::json to_json(const KimCase& c)
{
    nlohmann::json j = nlohmann::json::object();
    json_detail::put_text(j, "kommune", c.kommune);
    json_detail::put_text(j, "kreis", c.kreis);
    json_detail::put_text(j, "traeger", c.traeger);
    json_detail::put_text(j, "manager", c.manager);
    j["goals"] = c.goals;
    j["referrals"] = nlohmann::json::array();
    for (const auto& r : c.referrals)
        j["referrals"].push_back({{"recipient", r.recipient},
                                  {"rechtskreis", std::string(kimflow::to_string(r.rechtskreis))},
                                  {"at", format_timestamp(r.at)}});
    nlohmann::json consent{{"recipients", c.consent.recipients}};
    json_detail::put_text(consent, "purpose", c.consent.purpose);
    json_detail::put_time(consent, "granted_at", c.consent.granted_at);
    json_detail::put_time(consent, "withdrawn_at", c.consent.withdrawn_at);
    j["consent"] = consent;
    j["follow_ups"] = nlohmann::json::array();
    for (const auto& f : c.follow_ups)
        j["follow_ups"].push_back({{"date", format_date(f.date)}, {"set_at", format_timestamp(f.set_at)}});
    if (c.closure_reason) j["closure_reason"] = std::string(kimflow::to_string(*c.closure_reason));
    json_detail::put_text(j, "note", c.note);
    json_detail::put_text(j, "paused_from", c.paused_from);
    j["phases"] = nlohmann::json::array();
    for (const auto& p : c.phases) {
        nlohmann::json change{{"phase", p.phase}, {"at", format_timestamp(p.at)}};
        if (p.reason) change["reason"] = std::string(kimflow::to_string(*p.reason));
        j["phases"].push_back(change);
    }
    return j;
}
}  // namespace kim

/// An instance view as one object: lifecycle, id, state (the main region's), states (every
/// region's), version, allowed_events, created_at, created_by, erased_at (once erased), data,
/// and the history when @p history is given.
template <class Lifecycle>
nlohmann::json to_json(const InstanceView<typename LifecycleTraits<Lifecycle>::Data>& view,
                       const std::vector<TransitionRecord>* history)
{
    nlohmann::json j{{"lifecycle", view.lifecycle},
                     {"id", view.id},
                     {"state", std::string(view.states.at(LifecycleTraits<Lifecycle>::main_region))},
                     {"states", nlohmann::json::array()},
                     {"version", view.version},
                     {"allowed_events", nlohmann::json::array()},
                     {"created_at", format_timestamp(view.created_at)},
                     {"created_by", to_json(view.created_by)},
                     {"data", to_json(view.data)}};
    for (auto s : view.states) j["states"].push_back(std::string(s));
    for (auto e : view.allowed_events) j["allowed_events"].push_back(std::string(e));
    if (view.erased_at) j["erased_at"] = format_timestamp(*view.erased_at);
    if (history) {
        j["history"] = nlohmann::json::array();
        for (const auto& r : *history) j["history"].push_back(to_json(r));
    }
    return j;
}

/// Instance @p id of @p engine as one object (see above).
/// @throws InstanceNotFound
template <class Lifecycle>
nlohmann::json to_json(const Engine<Lifecycle>& engine, const std::string& id, bool with_history = true)
{
    const auto view = engine.view(id);
    const auto history = with_history ? engine.history(id) : std::vector<TransitionRecord>{};
    return to_json<Lifecycle>(view, with_history ? &history : nullptr);
}

/// Instance @p id as @p actor may see it (allowed_events: those the policy lets them fire).
/// @throws InstanceNotFound; NotPermitted if the policy does not let them read it (logged)
template <class Lifecycle>
nlohmann::json to_json(const Engine<Lifecycle>& engine, const std::string& id, const Actor& actor,
                       bool with_history = true)
{
    const auto view = engine.view(id, actor);
    const auto history = with_history ? engine.history(id, actor) : std::vector<TransitionRecord>{};
    return to_json<Lifecycle>(view, with_history ? &history : nullptr);
}

/// An event's payload from a JSON object of field names and values, for fire() by name:
/// strings as they are, numbers and booleans as their JSON text (`2`, `true`), arrays of
/// strings or numbers as a comma-separated list (Fields' convention for lists); null leaves the
/// field out. A null @p payload is an empty payload.
/// @throws InvalidPayload for a value that is an object, or a list element that is not a string
///         or number, is empty, has blanks around it or contains a comma (the list would not
///         read back as sent); InvalidData if @p payload is not an object
inline Fields fields_from_json(const nlohmann::json& payload, std::string_view event)
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
/// A new paper from the object to_json(const Paper&) writes, limited to what a paper has before
/// its lifecycle starts: `reference` and `title` (required), `type` (default Anfrage), `date`,
/// `originator`, `body`, `related_papers`, and `consultations` of `organization`, `role`
/// (default Kenntnisnahme) and `authoritative`. Members that the lifecycle records
/// (`submitted_at`, a consultation's `meeting_date`, …) are refused, not dropped, so a host
/// never believes it set them; a consultation's `status` is taken only as `planned`.
/// @throws InvalidData naming the member and what to send
inline Paper paper_from_json(const nlohmann::json& j)
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
