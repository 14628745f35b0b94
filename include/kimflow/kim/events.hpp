/// @file
/// The events of the KIM case lifecycle and their payloads. Free text written about the client
/// (goals, notes, the consent's purpose, why a case rests) is marked personal: purge() and
/// erase() empty it. Names of staff and institutions are not: the trail must say who acted.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "kimflow/core/fields.hpp"
#include "kimflow/kim/case.hpp"

namespace kimflow::kim {

namespace detail {
/// An event without payload.
struct NoFields {
    template <class Archive>
    void serialize(Archive&)
    {
    }
};
}  // namespace detail

/// Opens the case from a referral (Zugang): it starts in intake.
struct Open {
    /// The event's stable id, for firing by name and in the log.
    static constexpr std::string_view id = "open";
    /// The Kommune the case belongs to (required).
    std::string kommune;
    /// The Träger that runs the case; the Kommune itself when not given.
    std::string traeger;
    /// The case manager (optional).
    std::string manager;
    /// The Kreis or kreisfreie Stadt responsible (optional).
    std::string kreis;
    /// The payload's fields, for cereal and for firing by name (see field()).
    template <class Archive>
    void serialize(Archive& ar)
    {
        ar(field("kommune", kommune), optional_field("traeger", traeger), optional_field("manager", manager),
           optional_field("kreis", kreis));
    }
};

/// The client consents to sharing data with the named recipients for a purpose. Given again,
/// it replaces the earlier consent (e.g. to name a further recipient).
struct GrantConsent {
    /// The event's stable id, for firing by name and in the log.
    static constexpr std::string_view id = "grant_consent";
    /// Who may receive the client's data (institutions, as referrals name them).
    std::vector<std::string> recipients;
    /// What for (personal data).
    std::string purpose;
    /// The payload's fields, for cereal and for firing by name (see field()).
    template <class Archive>
    void serialize(Archive& ar)
    {
        ar(field("recipients", recipients), field("purpose", purpose).personal());
    }
};

/// Case management is the right help: on to the assessment.
struct Accept : detail::NoFields {
    /// The event's stable id, for firing by name and in the log.
    static constexpr std::string_view id = "accept";
};

/// Case management is not the right help: the case closes as not_suitable.
struct Decline {
    /// The event's stable id, for firing by name and in the log.
    static constexpr std::string_view id = "decline";
    /// Why (optional; personal data).
    std::string note;
    /// The payload's fields, for cereal and for firing by name (see field()).
    template <class Archive>
    void serialize(Archive& ar)
    {
        ar(optional_field("note", note).personal());
    }
};

/// Needs and resources are recorded.
struct CompleteAssessment : detail::NoFields {
    /// The event's stable id, for firing by name and in the log.
    static constexpr std::string_view id = "complete_assessment";
};

/// A goal agreed with the client (Zielvereinbarung).
struct AddGoal {
    /// The event's stable id, for firing by name and in the log.
    static constexpr std::string_view id = "add_goal";
    /// The goal as agreed (personal data).
    std::string goal;
    /// The payload's fields, for cereal and for firing by name (see field()).
    template <class Archive>
    void serialize(Archive& ar)
    {
        ar(field("goal", goal).personal());
    }
};

/// The plan is agreed: on to linking the client with services.
struct AgreePlan : detail::NoFields {
    /// The event's stable id, for firing by name and in the log.
    static constexpr std::string_view id = "agree_plan";
};

/// A referral to a service of a Rechtskreis; the consent must name the recipient.
struct Refer {
    /// The event's stable id, for firing by name and in the log.
    static constexpr std::string_view id = "refer";
    /// The service the client is referred to, e.g. "Jugendamt Castrop-Rauxel".
    std::string recipient;
    /// The recipient's legal domain.
    Rechtskreis rechtskreis = Rechtskreis::other;
    /// The payload's fields, for cereal and for firing by name (see field()).
    template <class Archive>
    void serialize(Archive& ar)
    {
        ar(field("recipient", recipient), field("rechtskreis", rechtskreis));
    }
};

/// The help is under way: monitoring starts.
struct StartMonitoring : detail::NoFields {
    /// The event's stable id, for firing by name and in the log.
    static constexpr std::string_view id = "start_monitoring";
};

/// Time to check the goals.
struct Evaluate : detail::NoFields {
    /// The event's stable id, for firing by name and in the log.
    static constexpr std::string_view id = "evaluate";
};

/// Goals not yet met: plan again.
struct Replan : detail::NoFields {
    /// The event's stable id, for firing by name and in the log.
    static constexpr std::string_view id = "replan";
};

/// The case ends (Abschluss) with a reason.
struct Close {
    /// The event's stable id, for firing by name and in the log.
    static constexpr std::string_view id = "close";
    /// Why the case is closed.
    ClosureReason reason = ClosureReason::goals_achieved;
    /// A remark (optional; personal data).
    std::string note;
    /// The payload's fields, for cereal and for firing by name (see field()).
    template <class Archive>
    void serialize(Archive& ar)
    {
        ar(field("reason", reason), optional_field("note", note).personal());
    }
};

/// The case rests (ruhend); it resumes in the phase it left.
struct Pause {
    /// The event's stable id, for firing by name and in the log.
    static constexpr std::string_view id = "pause";
    /// Why the case rests (personal data).
    std::string reason;
    /// The payload's fields, for cereal and for firing by name (see field()).
    template <class Archive>
    void serialize(Archive& ar)
    {
        ar(field("reason", reason).personal());
    }
};

/// The case goes on in the phase it left.
struct Resume : detail::NoFields {
    /// The event's stable id, for firing by name and in the log.
    static constexpr std::string_view id = "resume";
};

/// The case ends early (Abbruch), e.g. no_contact.
struct Abort {
    /// The event's stable id, for firing by name and in the log.
    static constexpr std::string_view id = "abort";
    /// Why the case is aborted.
    ClosureReason reason = ClosureReason::no_contact;
    /// A remark (optional; personal data).
    std::string note;
    /// The payload's fields, for cereal and for firing by name (see field()).
    template <class Archive>
    void serialize(Archive& ar)
    {
        ar(field("reason", reason), optional_field("note", note).personal());
    }
};

/// The client withdraws the consent: the case ends (aborted, consent_withdrawn).
struct WithdrawConsent : detail::NoFields {
    /// The event's stable id, for firing by name and in the log.
    static constexpr std::string_view id = "withdraw_consent";
};

/// A closed case opens again, within the configured window after its closure.
struct Reopen : detail::NoFields {
    /// The event's stable id, for firing by name and in the log.
    static constexpr std::string_view id = "reopen";
};

/// The case moves to another Träger or case manager.
struct Assign {
    /// The event's stable id, for firing by name and in the log.
    static constexpr std::string_view id = "assign";
    /// The new Träger (optional, but one of the two must be given).
    std::string traeger;
    /// The new case manager (optional).
    std::string manager;
    /// The payload's fields, for cereal and for firing by name (see field()).
    template <class Archive>
    void serialize(Archive& ar)
    {
        ar(optional_field("traeger", traeger), optional_field("manager", manager));
    }
};

/// Sets the next follow-up date (Wiedervorlage).
struct FollowUpOn {
    /// The event's stable id, for firing by name and in the log.
    static constexpr std::string_view id = "follow_up";
    /// The day the case is due again.
    Date date{};
    /// The payload's fields, for cereal and for firing by name (see field()).
    template <class Archive>
    void serialize(Archive& ar)
    {
        ar(field("date", date));
    }
};

}  // namespace kimflow::kim
