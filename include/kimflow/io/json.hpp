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
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "kimflow/core/actor.hpp"
#include "kimflow/core/engine.hpp"
#include "kimflow/core/fields.hpp"
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

}  // namespace kimflow
