/// @file
/// A Drucksache (OParl: Paper) and its Beratungsfolge: the data of the paper lifecycle.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <cereal/cereal.hpp>
#include <cereal/types/chrono.hpp>
#include <cereal/types/optional.hpp>
#include <cereal/types/string.hpp>
#include <cereal/types/vector.hpp>

#include "kimflow/core/error.hpp"
#include "kimflow/core/time.hpp"

/// The Drucksache lifecycle: a council paper from submission through its Beratungsfolge to a
/// result, with the rules of procedure and due dates.
namespace kimflow::paper {

/// The kind of paper (OParl `paperType`), as councils name them.
enum class PaperType {
    anfrage,            ///< Anfrage / Fraktionsanfrage: a question to the Verwaltung
    antwort,            ///< Antwort: the Verwaltung's answer to an Anfrage
    antrag,             ///< Antrag of a Fraktion or member
    aenderungsantrag,   ///< Änderungsantrag to another paper
    beschlussvorlage,   ///< Beschlussvorlage of the Verwaltung: asks for a decision
    mitteilungsvorlage, ///< Mitteilungsvorlage: informs the committee
    bericht,            ///< Bericht: a report
    sonstige,           ///< any other kind (a type the importer's vocabulary does not map)
};

/// The names a PaperType is read from and shown by: the first of each value is shown, the
/// others (spellings without umlauts) are read too.
constexpr auto enum_names(PaperType)
{
    using T = PaperType;
    return std::array{std::pair{T::anfrage, std::string_view{"Anfrage"}},
                      std::pair{T::antwort, std::string_view{"Antwort"}},
                      std::pair{T::antrag, std::string_view{"Antrag"}},
                      std::pair{T::aenderungsantrag, std::string_view{"Änderungsantrag"}},
                      std::pair{T::aenderungsantrag, std::string_view{"Aenderungsantrag"}},
                      std::pair{T::beschlussvorlage, std::string_view{"Beschlussvorlage"}},
                      std::pair{T::mitteilungsvorlage, std::string_view{"Mitteilungsvorlage"}},
                      std::pair{T::bericht, std::string_view{"Bericht"}},
                      std::pair{T::sonstige, std::string_view{"Sonstige"}}};
}

/// What a committee is asked to do with the paper (OParl Consultation `role`).
enum class ConsultationRole {
    kenntnisnahme, ///< zur Kenntnis
    vorberatung,   ///< Vorberatung: prepares another committee's treatment
    empfehlung,    ///< Empfehlung: recommends to the deciding body
    entscheidung,  ///< Entscheidung: decides
    anhoerung,     ///< Anhörung: is heard
};

/// The names a ConsultationRole is read from and shown by: the first of each value is shown,
/// the others (spellings without umlauts) are read too.
constexpr auto enum_names(ConsultationRole)
{
    using R = ConsultationRole;
    return std::array{std::pair{R::kenntnisnahme, std::string_view{"Kenntnisnahme"}},
                      std::pair{R::vorberatung, std::string_view{"Vorberatung"}},
                      std::pair{R::empfehlung, std::string_view{"Empfehlung"}},
                      std::pair{R::entscheidung, std::string_view{"Entscheidung"}},
                      std::pair{R::anhoerung, std::string_view{"Anhörung"}},
                      std::pair{R::anhoerung, std::string_view{"Anhoerung"}}};
}

/// Where a consultation stands.
enum class ConsultationStatus {
    planned,   ///< in the Beratungsfolge, no meeting yet
    scheduled, ///< on the agenda of a meeting
    treated,   ///< the meeting dealt with it; `result` says how
};

/// The names a ConsultationStatus is read from and shown by.
constexpr auto enum_names(ConsultationStatus)
{
    using S = ConsultationStatus;
    return std::array{std::pair{S::planned, std::string_view{"planned"}},
                      std::pair{S::scheduled, std::string_view{"scheduled"}},
                      std::pair{S::treated, std::string_view{"treated"}}};
}

/// Where an imported object came from: an OParl object of a council information system.
struct Source {
    /// The object's OParl `id` URL; empty for what was not imported.
    std::string id{};
    /// The system that published it: the System URL a sync started from, or the host of `id`.
    std::string system{};
    /// The OParl version the object was written in: "1.0" or "1.1".
    std::string oparl_version{};
    /// The object's `modified` when kimflow first read it.
    std::optional<Timestamp> modified{};

    /// Whether the object came from OParl at all.
    bool empty() const { return id.empty(); }
};

/// One step of the Beratungsfolge: a committee's treatment of the paper (OParl Consultation).
struct Consultation {
    /// The committee (Gremium), e.g. "Ausschuss für Kultur, Sport und Vielfalt".
    std::string organization;
    /// What the committee is asked to do.
    ConsultationRole role = ConsultationRole::kenntnisnahme;
    /// Whether this committee's result is the binding decision (OParl `authoritative`).
    bool authoritative = false;
    /// Planned, on an agenda, or treated.
    ConsultationStatus status = ConsultationStatus::planned;
    /// The meeting, once scheduled.
    std::optional<Date> meeting_date{};
    /// Tagesordnungspunkt, e.g. "9.2".
    std::string agenda_item{};
    /// The meeting's result, once treated, e.g. "zur Kenntnis genommen", "vertagt".
    std::string result{};
    /// The OParl `Consultation` id of an imported consultation (empty otherwise).
    std::string source_id{};

    /// Whether this committee's result is the decision: authoritative, or in the role Entscheidung.
    bool decides() const { return authoritative || role == ConsultationRole::entscheidung; }
};

/// A resolution (Beschlusskontrolle, resolution/lifecycle.hpp) that carries out the paper's
/// decision, as the paper knows it: the paper completes when every one is settled.
struct ResolutionLink {
    /// The resolution's id.
    std::string id;
    /// How it was settled: empty while it is open, else `done` or `dropped`.
    std::string outcome{};
    /// Whether it is still to be carried out.
    bool open() const { return outcome.empty(); }
};

/// A Drucksache and what its lifecycle has recorded.
struct Paper {
    /// Drucksachennummer, e.g. "14/1923" (Wahlperiode 14, number 1923).
    std::string reference;
    /// The kind of paper; decides which rules apply (answer period, deadline).
    PaperType type = PaperType::anfrage;
    /// Betreff.
    std::string title;
    /// The date on the paper.
    std::optional<Date> date{};
    /// Who put it forward, e.g. "Fraktion Die Linke" or "Verwaltung".
    std::string originator{};
    /// The council or Verband whose rules of procedure apply, e.g. "RVR Verbandsversammlung".
    std::string body{};
    /// References of related papers (an answer points to its Anfrage, an Anfrage to its answer).
    std::vector<std::string> related_papers{};
    /// The Beratungsfolge, in order.
    std::vector<Consultation> consultations{};
    /// The kind as the source system names it (OParl `paperType` verbatim, such as
    /// "Beschlussvorlage Rat"); `type` is what the importer's vocabulary maps it to. Empty for
    /// a paper not imported.
    std::string type_name{};
    /// The OParl object an imported paper came from (empty otherwise).
    Source source{};

    // Recorded by the lifecycle.
    /// When it was submitted (recorded by `submit`).
    std::optional<Timestamp> submitted_at{};
    /// When the Anfrage was answered (recorded by `answer`).
    std::optional<Timestamp> answered_at{};
    /// Reference of the answer, e.g. "14/1923-1".
    std::string answer_reference{};
    /// The consultation on the agenda now (index into consultations), while `on_agenda`.
    std::optional<std::size_t> current_consultation{};
    /// The state the paper waited in before the agenda ("submitted" or "answered").
    std::string waiting_state{};
    /// When it was decided (recorded by `decide`).
    std::optional<Timestamp> decided_at{};
    /// When the decision was carried out (recorded by `complete`).
    std::optional<Timestamp> completed_at{};
    /// How the decision was carried out (Beschlusskontrolle).
    std::string completion_note{};
    /// Why it was withdrawn (recorded by `withdraw`).
    std::string withdrawal_reason{};
    /// When the answer period passed without an answer (recorded by the time-triggered
    /// `answer_overdue`).
    std::optional<Timestamp> answer_overdue_at{};
    /// The resolutions that carry out the decision (recorded by `attach_resolution` and
    /// `settle_resolution`).
    std::vector<ResolutionLink> resolutions{};

    /// The resolutions still to be carried out.
    std::size_t open_resolutions() const
    {
        std::size_t n = 0;
        for (const auto& r : resolutions) n += r.open() ? 1 : 0;
        return n;
    }
    /// The link to resolution @p id, or null.
    const ResolutionLink* resolution(std::string_view id) const
    {
        for (const auto& r : resolutions)
            if (r.id == id) return &r;
        return nullptr;
    }

    /// The consultation on the agenda now, or null.
    const Consultation* current() const
    {
        return current_consultation ? &consultations.at(*current_consultation) : nullptr;
    }

    /// Index of the first planned consultation (of @p organization, if given), or none.
    std::optional<std::size_t> next_planned(std::string_view organization = {}) const
    {
        for (std::size_t i = 0; i < consultations.size(); ++i)
            if (consultations[i].status == ConsultationStatus::planned &&
                (organization.empty() || consultations[i].organization == organization))
                return i;
        return std::nullopt;
    }
};

/// Checks what a new paper must have.
/// @throws InvalidData saying which field to fill in
inline void validate(const Paper& p)
{
    if (p.reference.empty()) throw InvalidData("a paper needs its reference (Drucksachennummer), e.g. 14/1923");
    if (p.title.empty()) throw InvalidData("paper " + p.reference + " needs a title (Betreff)");
    for (const auto& c : p.consultations)
        if (c.organization.empty())
            throw InvalidData("paper " + p.reference + ": every consultation of the Beratungsfolge needs a committee");
}

/// cereal: where an imported object came from. Version 1.
template <class Archive>
void serialize(Archive& ar, Source& s, std::uint32_t /*version*/)
{
    ar(cereal::make_nvp("id", s.id), cereal::make_nvp("system", s.system),
       cereal::make_nvp("oparl_version", s.oparl_version), cereal::make_nvp("modified", s.modified));
}

/// cereal: a paper's link to a resolution. Version 1.
template <class Archive>
void serialize(Archive& ar, ResolutionLink& r, std::uint32_t /*version*/)
{
    ar(cereal::make_nvp("id", r.id), cereal::make_nvp("outcome", r.outcome));
}

/// cereal: a consultation of the Beratungsfolge. Version 2 added `source_id`; data of version 1
/// loads with it empty.
template <class Archive>
void serialize(Archive& ar, Consultation& c, std::uint32_t version)
{
    ar(cereal::make_nvp("organization", c.organization), cereal::make_nvp("role", c.role),
       cereal::make_nvp("authoritative", c.authoritative), cereal::make_nvp("status", c.status),
       cereal::make_nvp("meeting_date", c.meeting_date), cereal::make_nvp("agenda_item", c.agenda_item),
       cereal::make_nvp("result", c.result));
    if (version >= 2) ar(cereal::make_nvp("source_id", c.source_id));
}

/// cereal: a paper. Version 2 added `completion_note`, version 3 `type_name` and `source`, version
/// 4 `answer_overdue_at` and `resolutions`; older data loads with them empty.
template <class Archive>
void serialize(Archive& ar, Paper& p, std::uint32_t version)
{
    ar(cereal::make_nvp("reference", p.reference), cereal::make_nvp("type", p.type), cereal::make_nvp("title", p.title),
       cereal::make_nvp("date", p.date), cereal::make_nvp("originator", p.originator), cereal::make_nvp("body", p.body),
       cereal::make_nvp("related_papers", p.related_papers), cereal::make_nvp("consultations", p.consultations),
       cereal::make_nvp("submitted_at", p.submitted_at), cereal::make_nvp("answered_at", p.answered_at),
       cereal::make_nvp("answer_reference", p.answer_reference),
       cereal::make_nvp("current_consultation", p.current_consultation),
       cereal::make_nvp("waiting_state", p.waiting_state), cereal::make_nvp("decided_at", p.decided_at),
       cereal::make_nvp("completed_at", p.completed_at), cereal::make_nvp("withdrawal_reason", p.withdrawal_reason));
    if (version >= 2) ar(cereal::make_nvp("completion_note", p.completion_note));
    if (version >= 3) ar(cereal::make_nvp("type_name", p.type_name), cereal::make_nvp("source", p.source));
    if (version >= 4)
        ar(cereal::make_nvp("answer_overdue_at", p.answer_overdue_at), cereal::make_nvp("resolutions", p.resolutions));
}

}  // namespace kimflow::paper

CEREAL_CLASS_VERSION(kimflow::paper::Source, 1)
CEREAL_CLASS_VERSION(kimflow::paper::Consultation, 2)
CEREAL_CLASS_VERSION(kimflow::paper::Paper, 4)
CEREAL_CLASS_VERSION(kimflow::paper::ResolutionLink, 1)
