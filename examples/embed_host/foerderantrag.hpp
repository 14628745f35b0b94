// The host's own lifecycle: a Förderantrag, a grant application by a Verein or freier Träger
// to the Kommune (here for an integration project), from its arrival to the Zuwendungsbescheid.
//
//   received --start_review--> in_review --approve--> approved
//                                        --reject---> rejected
//   received, in_review --withdraw--> withdrawn
//   received, in_review: add_document (internal); in_review: record_resolution (internal)
//
// kimflow knows nothing of grants: everything here is the host's code, written against
// kimflow's building blocks (MachineDef, StateGuard, PayloadGuard, field) the way the built-in
// paper lifecycle is.
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include <boost/mpl/vector.hpp>
#include <boost/msm/front/functor_row.hpp>
#include <boost/msm/front/states.hpp>

#include <cereal/cereal.hpp>
#include <cereal/types/chrono.hpp>
#include <cereal/types/optional.hpp>
#include <cereal/types/string.hpp>
#include <cereal/types/vector.hpp>

#include <kimflow/core/engine.hpp>
#include <kimflow/core/machine.hpp>

namespace foerder {

/// "18.500 €": amounts as the Verwaltung writes them, in messages and reports.
inline std::string euros(std::int64_t amount)
{
    std::string digits = std::to_string(amount < 0 ? -amount : amount);
    for (int i = static_cast<int>(digits.size()) - 3; i > 0; i -= 3) digits.insert(static_cast<std::size_t>(i), ".");
    return (amount < 0 ? "-" : "") + digits + " €";
}

/// A Förderantrag and what its lifecycle recorded. Amounts are whole euros: the
/// Förderrichtlinie grants whole euros, and integers never round.
struct Application {
    /// The Verein or freier Träger that applies (Zuwendungsempfänger).
    std::string applicant;
    /// The project, e.g. "Sprachcafé und Lotsen für Neuzugewanderte".
    std::string project;
    /// The year the money is for (Förderjahr).
    int funding_year = 0;
    /// What the applicant asks for.
    std::int64_t requested_eur = 0;

    // Recorded by the lifecycle.
    /// Who reviews it in the Verwaltung (Sachbearbeitung).
    std::string reviewer{};
    /// Documents received (Finanzierungsplan, Projektbeschreibung, …), in order of arrival.
    std::vector<std::string> documents{};
    /// The Drucksache whose committee decision allows a grant above the Wertgrenze.
    std::string resolution{};
    /// What was granted, and the Zuwendungsbescheid's reference.
    std::int64_t approved_eur = 0;
    std::string notice_reference{};
    /// Why it was rejected or withdrawn.
    std::string reason{};
    /// When it was decided (approved or rejected).
    std::optional<kimflow::Timestamp> decided_at{};
};

/// cereal: the data as the store keeps it. Version 1; a later version adds fields behind an
/// `if (version >= 2)`, so rows written now still load.
template <class Archive>
void serialize(Archive& ar, Application& a, std::uint32_t /*version*/)
{
    ar(cereal::make_nvp("applicant", a.applicant), cereal::make_nvp("project", a.project),
       cereal::make_nvp("funding_year", a.funding_year), cereal::make_nvp("requested_eur", a.requested_eur),
       cereal::make_nvp("reviewer", a.reviewer), cereal::make_nvp("documents", a.documents),
       cereal::make_nvp("resolution", a.resolution), cereal::make_nvp("approved_eur", a.approved_eur),
       cereal::make_nvp("notice_reference", a.notice_reference), cereal::make_nvp("reason", a.reason),
       cereal::make_nvp("decided_at", a.decided_at));
}

/// The Förderrichtlinie: configuration, never constants, since every Kommune (and every
/// budget year) sets its own.
struct Guideline {
    /// Höchstbetrag: no single grant may exceed it (the budget line per project).
    std::int64_t max_grant_eur = 25000;
    /// Wertgrenze of the Zuständigkeitsordnung: above it, a committee decides, not the Verwaltung.
    std::int64_t committee_threshold_eur = 15000;
    /// What an application needs before it can be granted.
    std::vector<std::string> required_documents{"Finanzierungsplan", "Projektbeschreibung"};
};

// States: stable ids, because the store keeps these strings (never MSM's integer ids).
struct Received : boost::msm::front::state<> { static constexpr std::string_view id = "received"; };
struct InReview : boost::msm::front::state<> { static constexpr std::string_view id = "in_review"; };
struct Approved : boost::msm::front::state<> { static constexpr std::string_view id = "approved"; };
struct Rejected : boost::msm::front::state<> { static constexpr std::string_view id = "rejected"; };
struct Withdrawn : boost::msm::front::state<> { static constexpr std::string_view id = "withdrawn"; };

// Events: their `field` lists name the payload once, for cereal (the log) and for firing by
// name from a form that only has strings.

/// The Sachbearbeitung takes the application on (Prüfung).
struct StartReview {
    static constexpr std::string_view id = "start_review";
    std::string reviewer;
    template <class A> void serialize(A& ar) { ar(kimflow::field("reviewer", reviewer)); }
};
/// A document arrived (with the application or nachgereicht).
struct AddDocument {
    static constexpr std::string_view id = "add_document";
    std::string document;
    template <class A> void serialize(A& ar) { ar(kimflow::field("document", document)); }
};
/// The committee decided on the grant: the reference of its Beschlussvorlage.
struct RecordResolution {
    static constexpr std::string_view id = "record_resolution";
    std::string paper_reference;
    template <class A> void serialize(A& ar) { ar(kimflow::field("paper_reference", paper_reference)); }
};
/// Bewilligung: the Zuwendungsbescheid goes out.
struct Approve {
    static constexpr std::string_view id = "approve";
    std::int64_t amount_eur = 0;
    std::string notice_reference;
    template <class A> void serialize(A& ar)
    {
        ar(kimflow::field("amount_eur", amount_eur), kimflow::field("notice_reference", notice_reference));
    }
};
/// Ablehnung, with the reason the Ablehnungsbescheid gives.
struct Reject {
    static constexpr std::string_view id = "reject";
    std::string reason;
    template <class A> void serialize(A& ar) { ar(kimflow::field("reason", reason)); }
};
/// The applicant takes the application back.
struct Withdraw {
    static constexpr std::string_view id = "withdraw";
    std::string reason;
    template <class A> void serialize(A& ar) { ar(kimflow::field("reason", reason)); }
};

/// Every required document is in. A StateGuard: it depends on the application alone, so
/// allowed_events() leaves `approve` out until the file is complete.
struct DocumentsComplete : kimflow::StateGuard<DocumentsComplete> {
    static std::string label() { return "documents complete"; }
    template <class Fsm> static std::string refuse(const Fsm& fsm)
    {
        std::string missing;
        for (const auto& needed : fsm.config().required_documents)
            if (std::find(fsm.data.documents.begin(), fsm.data.documents.end(), needed) == fsm.data.documents.end())
                missing += (missing.empty() ? "" : ", ") + needed;
        if (missing.empty()) return {};
        return "documents missing: " + missing + "; ask the applicant for them and record each with add_document";
    }
};

/// The amount is positive, no more than asked for and within the Höchstbetrag. A PayloadGuard:
/// only the event knows the amount, so it is checked when `approve` is fired.
struct WithinBudget : kimflow::PayloadGuard<WithinBudget> {
    static std::string label() { return "0 < amount <= requested, Höchstbetrag"; }
    template <class Fsm> static std::string refuse(const Fsm& fsm, const Approve& e)
    {
        if (e.amount_eur <= 0) return "the amount must be positive; give amount_eur in whole euros";
        if (e.amount_eur > fsm.data.requested_eur)
            return "the amount of " + euros(e.amount_eur) + " is more than the " + euros(fsm.data.requested_eur) +
                   " applied for; grant at most that";
        if (e.amount_eur > fsm.config().max_grant_eur)
            return "the amount of " + euros(e.amount_eur) + " exceeds the Höchstbetrag of " +
                   euros(fsm.config().max_grant_eur) +
                   " of the Förderrichtlinie; grant less, or reject and advise a smaller application";
        return {};
    }
};

/// Above the Wertgrenze, the committee must have decided first (Zuständigkeitsordnung).
struct CommitteeDecided : kimflow::PayloadGuard<CommitteeDecided> {
    static std::string label() { return "committee decided above the Wertgrenze"; }
    template <class Fsm> static std::string refuse(const Fsm& fsm, const Approve& e)
    {
        if (e.amount_eur <= fsm.config().committee_threshold_eur || !fsm.data.resolution.empty()) return {};
        return "a grant above " + euros(fsm.config().committee_threshold_eur) +
               " (Wertgrenze) needs the committee's decision; record it with record_resolution first";
    }
};

// Actions keep what the payload says in the instance data: the store persists the data, so
// the application's file is complete without replaying its log.
struct KeepReviewer {
    template <class F, class S, class T> void operator()(const StartReview& e, F& fsm, S&, T&) const
    {
        fsm.data.reviewer = e.reviewer;
    }
};
struct KeepDocument {
    template <class F, class S, class T> void operator()(const AddDocument& e, F& fsm, S&, T&) const
    {
        fsm.data.documents.push_back(e.document);
    }
};
struct KeepResolution {
    template <class F, class S, class T> void operator()(const RecordResolution& e, F& fsm, S&, T&) const
    {
        fsm.data.resolution = e.paper_reference;
    }
};
struct RecordApproval {
    template <class F, class S, class T> void operator()(const Approve& e, F& fsm, S&, T&) const
    {
        fsm.data.approved_eur = e.amount_eur;
        fsm.data.notice_reference = e.notice_reference;
        fsm.data.decided_at = fsm.now();  // the fire's time: the ManualClock's in the demo
    }
};
struct RecordReason {
    template <class E, class F, class S, class T> void operator()(const E& e, F& fsm, S&, T&) const
    {
        fsm.data.reason = e.reason;
        if constexpr (std::is_same_v<E, Reject>) fsm.data.decided_at = fsm.now();
    }
};

struct Machine : kimflow::MachineDef<Machine, Application, Guideline> {
    using initial_state = Received;
    using none = boost::msm::front::none;
    template <class S, class E, class T, class A = none, class G = none>
    using Row = boost::msm::front::Row<S, E, T, A, G>;
    // All guards must allow; the first that refuses gives the reason, so the order is what the
    // Sachbearbeitung hears first: missing documents, then the amount, then the committee.
    using ApproveGuard = kimflow::All<DocumentsComplete, WithinBudget, CommitteeDecided>;
    // 8 rows: well under MPL's default limit of 20. `none` as target: an internal transition
    // (the state stays; the version and the log still move).
    // clang-format off
    struct transition_table : boost::mpl::vector<
        //  from      event             to         action          guard
        Row<Received, StartReview,      InReview,  KeepReviewer>,
        Row<Received, AddDocument,      none,      KeepDocument>,
        Row<InReview, AddDocument,      none,      KeepDocument>,
        Row<InReview, RecordResolution, none,      KeepResolution>,
        Row<InReview, Approve,          Approved,  RecordApproval, ApproveGuard>,
        Row<InReview, Reject,           Rejected,  RecordReason>,
        Row<Received, Withdraw,         Withdrawn, RecordReason>,
        Row<InReview, Withdraw,         Withdrawn, RecordReason>
    > {};
    // clang-format on
};

/// The description kimflow::Engine reads.
struct Lifecycle {
    /// Stored with every instance and log row: never rename it once data exists.
    static constexpr std::string_view id = "grant";
    using Definition = Machine;
    using Data = Application;
    using Config = Guideline;
    /// Refuses an application that cannot be worked on (InvalidData, nothing stored).
    static void validate(const Application& a)
    {
        if (a.applicant.empty())
            throw kimflow::InvalidData("a Förderantrag needs its applicant (the Verein or Träger)");
        if (a.project.empty()) throw kimflow::InvalidData("a Förderantrag needs the project it is for");
        if (a.requested_eur <= 0)
            throw kimflow::InvalidData("a Förderantrag must ask for a positive amount (requested_eur, whole euros)");
    }
    /// The store indexes the applicant, so the host can list a Verein's applications quickly.
    static kimflow::StoreKeys store_keys(const Application& a, std::string_view, const Guideline&)
    {
        kimflow::StoreKeys keys;
        keys.owner = a.applicant;
        return keys;
    }
};

using Engine = kimflow::Engine<Lifecycle>;

}  // namespace foerder

CEREAL_CLASS_VERSION(foerder::Application, 1)
