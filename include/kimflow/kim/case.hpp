/// @file
/// A KIM case: rechtskreisübergreifendes Case Management of the Kommunales
/// Integrationsmanagement NRW, as a case manager at a Kreis, a Kommune or a freier Träger
/// works it. The data of the case lifecycle.
#pragma once

#include <algorithm>
#include <array>
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
#include "kimflow/core/fields.hpp"
#include "kimflow/core/text.hpp"
#include "kimflow/core/time.hpp"

/// The KIM case lifecycle: Case Management of the Kommunales Integrationsmanagement NRW,
/// with follow-ups (Wiedervorlage) and the figures a Kreis reports.
namespace kimflow::kim {

/// The legal domains (Rechtskreise) a referral goes to.
enum class Rechtskreis {
    sgb2,     ///< SGB II: Jobcenter
    sgb3,     ///< SGB III: Agentur für Arbeit
    sgb8,     ///< SGB VIII: Jugendamt
    sgb12,    ///< SGB XII: Sozialamt
    asylblg,  ///< AsylbLG: Sozialamt
    aufenthg, ///< AufenthG: Ausländerbehörde
    other,    ///< anything else (Beratungsstellen, Schulen, Vereine …)
};

/// The names a Rechtskreis is read from and shown by: the first of each value is shown, the
/// others (`SGB2`, `sonstige` …) are read too.
constexpr auto enum_names(Rechtskreis)
{
    using R = Rechtskreis;
    return std::array{std::pair{R::sgb2, std::string_view{"SGB II"}},     std::pair{R::sgb3, std::string_view{"SGB III"}},
                      std::pair{R::sgb8, std::string_view{"SGB VIII"}},   std::pair{R::sgb12, std::string_view{"SGB XII"}},
                      std::pair{R::asylblg, std::string_view{"AsylbLG"}}, std::pair{R::aufenthg, std::string_view{"AufenthG"}},
                      std::pair{R::other, std::string_view{"other"}},     std::pair{R::sgb2, std::string_view{"SGB2"}},
                      std::pair{R::sgb3, std::string_view{"SGB3"}},       std::pair{R::sgb8, std::string_view{"SGB8"}},
                      std::pair{R::sgb12, std::string_view{"SGB12"}},     std::pair{R::other, std::string_view{"sonstige"}}};
}

/// A column-friendly key: `sgb2`, `aufenthg`, … (for CSV headers and JSON keys).
constexpr std::string_view key(Rechtskreis r)
{
    constexpr std::array<std::string_view, 7> keys{"sgb2", "sgb3", "sgb8", "sgb12", "asylblg", "aufenthg", "other"};
    return keys[static_cast<std::size_t>(r)];
}

/// Every Rechtskreis, in order.
constexpr std::array<Rechtskreis, 7> all_rechtskreise{Rechtskreis::sgb2,    Rechtskreis::sgb3,     Rechtskreis::sgb8,
                                                      Rechtskreis::sgb12,   Rechtskreis::asylblg,  Rechtskreis::aufenthg,
                                                      Rechtskreis::other};

/// Why a case ended (closed or aborted).
enum class ClosureReason {
    goals_achieved,
    transferred_to_regular_services, ///< übergeleitet in die Regelversorgung
    moved_away,
    no_contact,
    not_suitable,
    consent_withdrawn,
    other,
};

/// The names a ClosureReason is read from and shown by.
constexpr auto enum_names(ClosureReason)
{
    using C = ClosureReason;
    return std::array{std::pair{C::goals_achieved, std::string_view{"goals_achieved"}},
                      std::pair{C::transferred_to_regular_services, std::string_view{"transferred_to_regular_services"}},
                      std::pair{C::moved_away, std::string_view{"moved_away"}},
                      std::pair{C::no_contact, std::string_view{"no_contact"}},
                      std::pair{C::not_suitable, std::string_view{"not_suitable"}},
                      std::pair{C::consent_withdrawn, std::string_view{"consent_withdrawn"}},
                      std::pair{C::other, std::string_view{"other"}}};
}

/// Every closure reason, in order.
constexpr std::array<ClosureReason, 7> all_closure_reasons{
    ClosureReason::goals_achieved, ClosureReason::transferred_to_regular_services, ClosureReason::moved_away,
    ClosureReason::no_contact,     ClosureReason::not_suitable,                    ClosureReason::consent_withdrawn,
    ClosureReason::other};

/// A referral to a service of a Rechtskreis.
struct Referral {
    /// The service the client was referred to.
    std::string recipient;
    /// Its legal domain.
    Rechtskreis rechtskreis = Rechtskreis::other;
    /// When the referral was made.
    Timestamp at{};
};

/// The client's consent (Einwilligung, Schweigepflichtentbindung): to whom data may go, and why.
struct Consent {
    /// The recipients it names, e.g. "Jobcenter Kreis Recklinghausen".
    std::vector<std::string> recipients{};
    /// What the data may be used for (personal data).
    std::string purpose{};
    /// When it was given (last given, if given again).
    std::optional<Timestamp> granted_at{};
    /// When it was withdrawn, if it was.
    std::optional<Timestamp> withdrawn_at{};

    /// Whether the consent names @p recipient: compared as organisations are
    /// (organization_key(): without surrounding blanks, case-folded), so a recipient is named
    /// exactly when a policy would take it for the same organisation.
    bool names(std::string_view recipient) const
    {
        const std::string wanted = organization_key(recipient);
        return std::any_of(recipients.begin(), recipients.end(),
                           [&](const std::string& r) { return organization_key(r) == wanted; });
    }
};

/// A phase the case entered, and when (closed and aborted with their reason).
struct PhaseChange {
    /// The phase's state id, e.g. `intake`.
    std::string phase;
    /// When it was entered.
    Timestamp at{};
    /// For `closed` and `aborted`: why.
    std::optional<ClosureReason> reason{};
};

/// A follow-up date (Wiedervorlage) and when it was set.
struct FollowUp {
    /// The day the case is due again.
    Date date{};
    /// When the date was set.
    Timestamp set_at{};
};

/// A KIM case. The id is pseudonymous (no names needed); a host keeps personal data of its
/// own beside it.
struct KimCase {
    /// The kreisangehörige Kommune, e.g. "Castrop-Rauxel".
    std::string kommune{};
    /// The Kreis or kreisfreie Stadt responsible, e.g. "Kreis Recklinghausen".
    std::string kreis{};
    /// Who runs the case: a freier Träger (e.g. "Caritas", "AGORA") or the Kommune itself.
    std::string traeger{};
    /// The case manager (a staff id).
    std::string manager{};
    /// Zielvereinbarung: the goals agreed with the client.
    std::vector<std::string> goals{};
    /// Every referral made, oldest first.
    std::vector<Referral> referrals{};
    /// The consent as last given (or withdrawn).
    Consent consent{};
    /// Every Wiedervorlage set, oldest first; the last is the one that counts.
    std::vector<FollowUp> follow_ups{};
    /// Why the case ended, while it is closed or aborted.
    std::optional<ClosureReason> closure_reason{};
    /// Free text given with the closure, abort or pause.
    std::string note{};
    /// While paused: the phase it resumes to.
    std::string paused_from{};
    /// Every phase entered, oldest first.
    std::vector<PhaseChange> phases{};

    /// The next follow-up date, if one is set.
    std::optional<Date> next_follow_up() const
    {
        return follow_ups.empty() ? std::nullopt : std::optional<Date>(follow_ups.back().date);
    }
    /// When the case was opened (its first intake).
    std::optional<Timestamp> opened_at() const
    {
        return phases.empty() ? std::nullopt : std::optional<Timestamp>(phases.front().at);
    }
    /// When it last entered its current phase.
    std::optional<Timestamp> phase_since() const
    {
        return phases.empty() ? std::nullopt : std::optional<Timestamp>(phases.back().at);
    }
};

/// cereal: a referral. Version 1.
template <class Archive>
void serialize(Archive& ar, Referral& r, std::uint32_t /*version*/)
{
    ar(cereal::make_nvp("recipient", r.recipient), cereal::make_nvp("rechtskreis", r.rechtskreis),
       cereal::make_nvp("at", r.at));
}

/// cereal: a consent. Version 1.
template <class Archive>
void serialize(Archive& ar, Consent& c, std::uint32_t /*version*/)
{
    ar(cereal::make_nvp("recipients", c.recipients), cereal::make_nvp("purpose", c.purpose),
       cereal::make_nvp("granted_at", c.granted_at), cereal::make_nvp("withdrawn_at", c.withdrawn_at));
}

/// cereal: a phase entered. Version 1.
template <class Archive>
void serialize(Archive& ar, PhaseChange& p, std::uint32_t /*version*/)
{
    ar(cereal::make_nvp("phase", p.phase), cereal::make_nvp("at", p.at), cereal::make_nvp("reason", p.reason));
}

/// cereal: a follow-up. Version 1.
template <class Archive>
void serialize(Archive& ar, FollowUp& f, std::uint32_t /*version*/)
{
    ar(cereal::make_nvp("date", f.date), cereal::make_nvp("set_at", f.set_at));
}

/// cereal: a case. Version 1.
template <class Archive>
void serialize(Archive& ar, KimCase& c, std::uint32_t /*version*/)
{
    ar(cereal::make_nvp("kommune", c.kommune), cereal::make_nvp("kreis", c.kreis), cereal::make_nvp("traeger", c.traeger),
       cereal::make_nvp("manager", c.manager), cereal::make_nvp("goals", c.goals),
       cereal::make_nvp("referrals", c.referrals), cereal::make_nvp("consent", c.consent),
       cereal::make_nvp("follow_ups", c.follow_ups), cereal::make_nvp("closure_reason", c.closure_reason),
       cereal::make_nvp("note", c.note), cereal::make_nvp("paused_from", c.paused_from),
       cereal::make_nvp("phases", c.phases));
}

}  // namespace kimflow::kim

CEREAL_CLASS_VERSION(kimflow::kim::Referral, 1)
CEREAL_CLASS_VERSION(kimflow::kim::Consent, 1)
CEREAL_CLASS_VERSION(kimflow::kim::PhaseChange, 1)
CEREAL_CLASS_VERSION(kimflow::kim::FollowUp, 1)
CEREAL_CLASS_VERSION(kimflow::kim::KimCase, 1)
