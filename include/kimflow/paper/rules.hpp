/// @file
/// Rules of procedure (Geschäftsordnung): each council has its own, so they are
/// configuration per body, never constants.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "kimflow/core/calendar.hpp"
#include "kimflow/paper/paper.hpp"

namespace kimflow::paper {

/// The periods of one council's rules of procedure, and how they are counted: in calendar days
/// by default, or in working days or Werktage of the body's calendar.
struct RulesOfProcedure {
    /// An Anfrage is answered in writing within this many days of its submission.
    int answer_period_days = 28;
    /// Anfragen and Anträge of members must arrive this many days before the meeting to go on
    /// its agenda (14 in many NRW councils, § 48 GO NRW), unless the matter is urgent.
    int agenda_deadline_days = 14;
    /// Ladungsfrist: papers of the Verwaltung go out with the invitation, this many days
    /// before the meeting.
    int invitation_period_days = 7;
    /// Which days the periods count (kimflow/core/calendar.hpp).
    DayCount counting = DayCount::calendar_days;
    /// The body's holidays: its Land's, with local changes. Used when counting working days or
    /// Werktage, and for shift_to_working_day.
    Calendar calendar{};
    /// § 193 BGB: a period that ends on a Saturday, Sunday or holiday ends on the next working
    /// day (an agenda deadline, counted back from the meeting, on the working day before). Off by
    /// default: many rules of procedure count plain days.
    bool shift_to_working_day = false;

    /// The deadline that applies to a paper of type @p type: the agenda deadline for papers of
    /// members (Anfrage, Antrag, Änderungsantrag), the Ladungsfrist for the Verwaltung's.
    int deadline_days_for(PaperType type) const
    {
        switch (type) {
        case PaperType::anfrage:
        case PaperType::antrag:
        case PaperType::aenderungsantrag: return agenda_deadline_days;
        default: return invitation_period_days;
        }
    }
};

/// Configuration of the paper lifecycle: default rules and the rules of particular bodies.
struct PaperConfig {
    /// Rules for a body not listed in `bodies`.
    RulesOfProcedure defaults{};
    /// Rules by body (Paper::body), e.g. {"RVR Verbandsversammlung", {21, 14, 7}}.
    std::map<std::string, RulesOfProcedure, std::less<>> bodies{};

    /// The rules of @p body (the defaults if it has none of its own).
    const RulesOfProcedure& rules_for(std::string_view body) const
    {
        auto it = bodies.find(body);
        return it == bodies.end() ? defaults : it->second;
    }
};

}  // namespace kimflow::paper
