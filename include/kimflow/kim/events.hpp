/// @file
/// The events of the KIM case lifecycle and their payloads. Free text written about the client
/// (goals, notes, the consent's purpose, why a case rests) is marked personal: purge() and
/// erase() empty it. Names of staff and institutions are not: the trail must say who acted.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "kimflow/core/fields.hpp"
#include "kimflow/kim/case.hpp"

namespace kimflow {
class BinaryInputArchive;
}  // namespace kimflow

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
/// it replaces the earlier consent: recipients it does not name again are dropped (refused
/// while a referral to one of them is open). To add recipients and keep the others, use
/// ExtendConsent; to withdraw it for one recipient, NarrowConsent.
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

/// The client extends the consent to further recipients; the recipients named so far stay.
struct ExtendConsent {
    /// The event's stable id, for firing by name and in the log.
    static constexpr std::string_view id = "extend_consent";
    /// The recipients to add (those already named are left as they are; at least one must be new).
    std::vector<std::string> recipients;
    /// A new purpose for the whole consent, if the extension changes it; the purpose stays
    /// when not given (personal data).
    std::string purpose;
    /// The payload's fields, for cereal and for firing by name (see field()).
    template <class Archive>
    void serialize(Archive& ar)
    {
        ar(field("recipients", recipients), optional_field("purpose", purpose).personal());
    }
};

/// The client withdraws the consent for one recipient; it stays for the others. Narrowing it to
/// nobody is refused (that is WithdrawConsent, which ends the case), and so is narrowing away a
/// recipient with an open referral (complete it first).
struct NarrowConsent {
    /// The event's stable id, for firing by name and in the log.
    static constexpr std::string_view id = "narrow_consent";
    /// The recipient the client no longer consents to.
    std::string recipient;
    /// The payload's fields, for cereal and for firing by name (see field()).
    template <class Archive>
    void serialize(Archive& ar)
    {
        ar(field("recipient", recipient));
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

/// A referral to a service of a Rechtskreis; the consent must name the recipient, and no referral
/// to the same recipient in the same Rechtskreis may be open (complete it first).
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

/// A referral is done with (the service has taken the client on, or declined): it no longer
/// counts as open, so the recipient may be referred to again or narrowed out of the consent.
struct CompleteReferral {
    /// The event's stable id, for firing by name and in the log.
    static constexpr std::string_view id = "complete_referral";
    /// The recipient of the open referral.
    std::string recipient;
    /// Its Rechtskreis.
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

/// Adds a Wiedervorlage: a date (today or later) and what it is about. Open ones are kept
/// side by side; a second one does not replace the first.
struct FollowUpOn {
    /// The event's stable id, for firing by name and in the log.
    static constexpr std::string_view id = "follow_up";
    /// The day the case is due again: the day of the fire or later.
    Date date{};
    /// What is to be looked at (optional; personal data).
    std::string subject{};
    /// The payload's fields, for cereal and for firing by name (see field()).
    template <class Archive>
    void serialize(Archive& ar)
    {
        ar(field("date", date));
        if constexpr (std::is_same_v<Archive, BinaryInputArchive>) {
            // Payloads stored before Wiedervorlagen had a subject end after the date; reading
            // them must still work (erasure reads every stored payload). The archive checks
            // the bytes left before it reads any, so a payload without a subject leaves it
            // unread and the archive as it was.
            try {
                ar(optional_field("subject", subject).personal());
            } catch (const cereal::Exception&) {
                subject.clear();
            }
        } else {
            ar(optional_field("subject", subject).personal());
        }
    }
};

/// Marks an open Wiedervorlage done: by its number (1 for the first set, as `kimctl show case`
/// lists them), or by its date (and subject, where two share a date).
struct FollowUpDone {
    /// The event's stable id, for firing by name and in the log.
    static constexpr std::string_view id = "follow_up_done";
    /// The Wiedervorlage's number (from 1; 0: not given).
    std::size_t number = 0;
    /// Its date, when no number is given.
    std::optional<Date> date;
    /// Its subject, where a date is not enough (personal data).
    std::string subject;
    /// The payload's fields, for cereal and for firing by name (see field()).
    template <class Archive>
    void serialize(Archive& ar)
    {
        ar(optional_field("number", number), optional_field("date", date),
           optional_field("subject", subject).personal());
    }
};

/// A Wiedervorlage's day has come (fired by the tick as actor `system`, see
/// CaseLifecycle::timers()): recorded on it (FollowUp::fell_due_at), so the timer is gone. It
/// stays open until it is done.
struct FollowUpDue {
    /// The event's stable id, for firing by name and in the log.
    static constexpr std::string_view id = "follow_up_due";
    /// The Wiedervorlage's number (from 1).
    std::size_t number = 0;
    /// When it falls due: the start of its day (UTC), as the timer said.
    Timestamp due{};
    /// The payload's fields, for cereal and for firing by name (see field()).
    template <class Archive>
    void serialize(Archive& ar)
    {
        ar(field("number", number), field("due", due));
    }
};

}  // namespace kimflow::kim
