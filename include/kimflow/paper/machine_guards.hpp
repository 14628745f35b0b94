/// @file
/// The guards of the paper lifecycle's table (paper/machine.hpp): what a row checks before it
/// applies, each with the sentence a refusal gives. Included by paper/machine.hpp only.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "kimflow/core/machine.hpp"
#include "kimflow/paper/deadlines.hpp"
#include "kimflow/paper/events.hpp"
#include "kimflow/paper/lifecycle.hpp"

namespace kimflow::paper {

/// Guards of the paper lifecycle.
namespace guard {

/// Only an Anfrage is answered.
struct IsAnfrage : StateGuard<IsAnfrage> {
    /// The guard's name in diagrams.
    static std::string label() { return "Anfrage"; }
    /// Empty if the guard allows; otherwise why not.
    template <class Fsm>
    static std::optional<std::string> refuse(const Fsm& fsm)
    {
        const Paper& p = fsm.data;
        if (p.type == PaperType::anfrage) return {};
        return "only an Anfrage is answered; " + p.reference + " is of type " + std::string(to_string(p.type));
    }
};

/// The Beratungsfolge has a consultation to bind, or the event names one to add.
struct CanBind : PayloadGuard<CanBind> {
    /// The guard's name in diagrams.
    static std::string label() { return "consultation to bind"; }
    /// Empty if the guard allows @p e; otherwise why not and what to give.
    template <class Fsm>
    static std::optional<std::string> refuse(const Fsm& fsm, const Schedule& e)
    {
        const Paper& p = fsm.data;
        if (p.next_planned(e.organization)) return {};
        if (e.organization.empty())
            return "no planned consultation is left in the Beratungsfolge of " + p.reference +
                   "; name the committee with organization=... and its role with role=...";
        if (!e.role)
            return "the Beratungsfolge of " + p.reference + " has no planned consultation in '" + e.organization +
                   "'; give role=... (" + enum_choices<ConsultationRole>() + ") to add one";
        return {};
    }
};

/// The paper arrived early enough for the meeting (agenda deadline or Ladungsfrist of the
/// body's rules of procedure), or the matter is urgent.
struct MeetsDeadline : PayloadGuard<MeetsDeadline> {
    /// The guard's name in diagrams.
    static std::string label() { return "deadline met or urgent"; }
    /// Empty if the guard allows @p e; otherwise why not and what to give.
    template <class Fsm>
    static std::optional<std::string> refuse(const Fsm& fsm, const Schedule& e)
    {
        const Paper& p = fsm.data;
        const Date arrived = p.submitted_at ? date_of(*p.submitted_at) : date_of(fsm.now());
        const long days = days_between(arrived, e.meeting_date);
        if (days < 0)
            return "the meeting on " + format_date(e.meeting_date) + " is before the paper was submitted (" +
                   format_date(arrived) + "); check meeting_date";
        if (e.urgent) return {};
        // The body's rules count in calendar days or in working days with its Land's holidays.
        if (meets_agenda_deadline(p, fsm.config(), arrived, e.meeting_date)) return {};
        const RulesOfProcedure& rules = fsm.config().rules_for(p.body);
        return "deadline missed: submitted on " + format_date(arrived) + ", the meeting on " +
               format_date(e.meeting_date) + " is " + std::to_string(days) + " days later, and the rules of procedure" +
               (p.body.empty() ? std::string() : " of " + p.body) + " ask for " +
               std::to_string(rules.deadline_days_for(p.type)) +
               (rules.counting == DayCount::calendar_days ? " days"
                : rules.counting == DayCount::working_days ? " working days (Mo-Fr)"
                                                           : " Werktage (Mo-Sa)") +
               " (arrival by " + format_date(agenda_deadline(p, fsm.config(), e.meeting_date)) +
               "); set urgent=true if the matter is urgent (Dringlichkeit)";
    }
};

/// The Beratungsfolge is kept in order: the consultation to bind has no planned one before it,
/// or the event says why the order is skipped (`skip_reason`, kept in the history). What was
/// skipped stays planned: a Vorberatung passed over for urgency may still take place, or the
/// paper ends without it.
struct InOrder : PayloadGuard<InOrder> {
    /// The guard's name in diagrams.
    static std::string label() { return "in order or skipped"; }
    /// Empty if the guard allows @p e; otherwise why not and what to give.
    template <class Fsm>
    static std::optional<std::string> refuse(const Fsm& fsm, const Schedule& e)
    {
        const Paper& p = fsm.data;
        if (!e.skip_reason.empty()) return {};
        // The consultation bound, or one added at the end: either way, none planned before it.
        const std::optional<std::size_t> bound = p.next_planned(e.organization);
        const std::size_t end = bound ? *bound : p.consultations.size();
        for (std::size_t i = 0; i < end; ++i) {
            const Consultation& c = p.consultations[i];
            if (c.status != ConsultationStatus::planned) continue;
            return "the Beratungsfolge of " + p.reference + " has the " + std::string(to_string(c.role)) + " in '" +
                   c.organization + "' (consultation " + std::to_string(i + 1) + ") still planned before '" +
                   e.organization + "'" + (bound ? std::string() : " (which it does not list)") +
                   "; schedule that first, or give skip_reason=... to skip it (the history records it)";
        }
        return {};
    }
};

/// An Anfrage's answer period has passed, unanswered, and is not recorded as overdue yet (a
/// time-triggered row: fired once, by a tick; listed as allowed only once it is due).
struct AnswerPeriodPassed : StateGuard<AnswerPeriodPassed> {
    /// The guard's name in diagrams.
    static std::string label() { return "answer period passed"; }
    /// Empty if the guard allows; otherwise why not.
    template <class Fsm>
    static std::optional<std::string> refuse(const Fsm& fsm)
    {
        const Paper& p = fsm.data;
        if (p.answered_at) return "the Anfrage " + p.reference + " is answered";
        if (p.answer_overdue_at) return "the answer of " + p.reference + " is recorded as overdue already";
        const std::optional<Timestamp> end = answer_period_end(p, fsm.config());
        if (!end) return p.reference + " waits for no answer";
        if (fsm.now() < *end) return "the answer period of " + p.reference + " ends at " + format_timestamp(*end);
        return {};
    }
};

/// The event names the end of the answer period (the tick's timer gives it).
struct NamesAnswerPeriodEnd : PayloadGuard<NamesAnswerPeriodEnd> {
    /// The guard's name in diagrams.
    static std::string label() { return "at its end"; }
    /// Empty if the guard allows @p e; otherwise why not.
    template <class Fsm>
    static std::optional<std::string> refuse(const Fsm& fsm, const AnswerOverdue& e)
    {
        const std::optional<Timestamp> end = answer_period_end(fsm.data, fsm.config());
        if (end && e.due == *end) return {};
        return "the answer period of " + fsm.data.reference + " ends at " +
               (end ? format_timestamp(*end) : std::string("no time")) + ", not " + format_timestamp(e.due);
    }
};

/// The resolution is not attached to the paper yet.
struct NewResolution : PayloadGuard<NewResolution> {
    /// The guard's name in diagrams.
    static std::string label() { return "not attached yet"; }
    /// Empty if the guard allows @p e; otherwise why not.
    template <class Fsm>
    static std::optional<std::string> refuse(const Fsm& fsm, const AttachResolution& e)
    {
        if (!fsm.data.resolution(e.resolution)) return {};
        return "resolution '" + e.resolution + "' belongs to " + fsm.data.reference + " already";
    }
};

/// The resolution is attached and open, and the outcome is `done` or `dropped`.
struct OpenResolution : PayloadGuard<OpenResolution> {
    /// The guard's name in diagrams.
    static std::string label() { return "attached and open"; }
    /// Empty if the guard allows @p e; otherwise why not.
    template <class Fsm>
    static std::optional<std::string> refuse(const Fsm& fsm, const SettleResolution& e)
    {
        const ResolutionLink* link = fsm.data.resolution(e.resolution);
        if (!link) return "resolution '" + e.resolution + "' does not belong to " + fsm.data.reference;
        if (!link->open()) return "resolution '" + e.resolution + "' is settled already (" + link->outcome + ")";
        if (e.outcome != "done" && e.outcome != "dropped") return "outcome must be done or dropped, not '" + e.outcome + "'";
        return {};
    }
};

/// Other attached resolutions stay open after this one.
struct OthersOpen : StateGuard<OthersOpen> {
    /// The guard's name in diagrams.
    static std::string label() { return "others open"; }
    /// Empty if the guard allows; otherwise why not.
    template <class Fsm>
    static std::optional<std::string> refuse(const Fsm& fsm)
    {
        if (fsm.data.open_resolutions() > 1) return {};
        return "it is the last open resolution";
    }
};

/// This is the last open resolution: settling it completes the paper.
struct LastOpen : StateGuard<LastOpen> {
    /// The guard's name in diagrams.
    static std::string label() { return "last open"; }
    /// Empty if the guard allows; otherwise why not.
    template <class Fsm>
    static std::optional<std::string> refuse(const Fsm& fsm)
    {
        if (fsm.data.open_resolutions() == 1) return {};
        return "other resolutions are open";
    }
};

/// No resolution of the paper is open: a paper with resolutions completes through them.
struct NoOpenResolutions : StateGuard<NoOpenResolutions> {
    /// The guard's name in diagrams.
    static std::string label() { return "no open resolution"; }
    /// Empty if the guard allows; otherwise why not.
    template <class Fsm>
    static std::optional<std::string> refuse(const Fsm& fsm)
    {
        std::string open;
        for (const auto& r : fsm.data.resolutions)
            if (r.open()) open += (open.empty() ? "" : ", ") + r.id;
        if (open.empty()) return {};
        return "its resolutions " + open + " are still open; " + fsm.data.reference +
               " completes by itself when the last of them is done or dropped";
    }
};

/// The consultation on the agenda is the authoritative one (its committee decides).
struct Authoritative : StateGuard<Authoritative> {
    /// The guard's name in diagrams.
    static std::string label() { return "authoritative"; }
    /// Empty if the guard allows; otherwise why not.
    template <class Fsm>
    static std::optional<std::string> refuse(const Fsm& fsm)
    {
        const Consultation* c = fsm.data.current();
        if (c && c->decides()) return {};
        return "the consultation in '" + (c ? c->organization : std::string("?")) +
               "' is not authoritative (role " + (c ? std::string(to_string(c->role)) : std::string("?")) +
               "); record its outcome with acknowledge or recommend, or mark the deciding committee authoritative";
    }
};

/// More consultations are planned after the current one.
struct MorePlanned : StateGuard<MorePlanned> {
    /// The guard's name in diagrams.
    static std::string label() { return "more planned"; }
    /// Empty if the guard allows; otherwise why not.
    template <class Fsm>
    static std::optional<std::string> refuse(const Fsm& fsm)
    {
        if (fsm.data.next_planned()) return std::nullopt;
        return "no further consultation is planned";
    }
};

/// No consultation is planned after the current one.
struct NoMorePlanned : StateGuard<NoMorePlanned> {
    /// The guard's name in diagrams.
    static std::string label() { return "none planned"; }
    /// Empty if the guard allows; otherwise why not.
    template <class Fsm>
    static std::optional<std::string> refuse(const Fsm& fsm)
    {
        if (!fsm.data.next_planned()) return std::nullopt;
        return "further consultations are planned";
    }
};

/// The paper waited in state @p State before it went on the agenda.
template <class State>
struct WaitedIn : StateGuard<WaitedIn<State>> {
    /// The guard's name in diagrams.
    static std::string label() { return "waited in " + std::string(State::id); }
    /// Empty if the guard allows; otherwise why not.
    template <class Fsm>
    static std::optional<std::string> refuse(const Fsm& fsm)
    {
        if (fsm.data.waiting_state == State::id) return {};
        return "the paper waited in '" + fsm.data.waiting_state + "', not '" + std::string(State::id) + "'";
    }
};

}  // namespace guard

}  // namespace kimflow::paper
