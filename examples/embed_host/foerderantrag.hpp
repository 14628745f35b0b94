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
// paper lifecycle is. This header is the lifecycle's description, which every unit of the host
// includes; its Boost.MSM machine is compiled once, in foerderantrag_machine.cpp.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <cereal/cereal.hpp>
#include <cereal/types/chrono.hpp>
#include <cereal/types/optional.hpp>
#include <cereal/types/string.hpp>
#include <cereal/types/vector.hpp>

#include <kimflow/core/engine.hpp>

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

/// The Boost.MSM front-end, in foerderantrag_machine.cpp.
struct Machine;

/// The description kimflow::Engine reads.
struct Lifecycle {
    /// Stored with every instance and log row: never rename it once data exists.
    static constexpr std::string_view id = "grant";
    using Definition = Machine;
    using Data = Application;
    using Config = Guideline;
    /// Every event of the transition table: what a typed fire takes.
    using Events = kimflow::EventList<StartReview, AddDocument, RecordResolution, Approve, Reject, Withdraw>;
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
