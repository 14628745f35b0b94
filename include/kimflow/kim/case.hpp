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

/// A referral to a service of a Rechtskreis. It is open until it is completed
/// (`complete_referral`) or the case ends; while open, the same recipient and Rechtskreis
/// cannot be referred to again (a second one would count twice in the figures).
struct Referral {
    /// The service the client was referred to.
    std::string recipient;
    /// Its legal domain.
    Rechtskreis rechtskreis = Rechtskreis::other;
    /// When the referral was made.
    Timestamp at{};
    /// When it was completed, or ended with the case; none while it is open.
    std::optional<Timestamp> completed_at{};

    /// Whether it is still open.
    bool open() const { return !completed_at; }
    /// Whether it goes to @p to_recipient (compared as organisations are, see
    /// organization_key()) in @p in_rechtskreis.
    bool matches(std::string_view to_recipient, Rechtskreis in_rechtskreis) const
    {
        return rechtskreis == in_rechtskreis && organization_key(recipient) == organization_key(to_recipient);
    }
};

/// The client's consent (Einwilligung, Schweigepflichtentbindung): to whom data may go, and why.
/// `grant_consent` replaces it, `extend_consent` adds recipients, `narrow_consent` withdraws it
/// for one recipient, `withdraw_consent` withdraws it altogether.
struct Consent {
    /// The recipients it names, e.g. "Jobcenter Kreis Recklinghausen".
    std::vector<std::string> recipients{};
    /// What the data may be used for (personal data).
    std::string purpose{};
    /// When it was given (last given, if given again).
    std::optional<Timestamp> granted_at{};
    /// When it was withdrawn, if it was.
    std::optional<Timestamp> withdrawn_at{};
    /// When it was last extended or narrowed since it was given, if it was.
    std::optional<Timestamp> changed_at{};

    /// Whether the consent names @p recipient: compared as organisations are
    /// (organization_key(): without surrounding blanks, case-folded), so a recipient is named
    /// exactly when a policy would take it for the same organisation.
    bool names(std::string_view recipient) const
    {
        const std::string wanted = organization_key(recipient);
        return std::any_of(recipients.begin(), recipients.end(),
                           [&](const std::string& r) { return organization_key(r) == wanted; });
    }
    /// How many different recipients it names (as organisations: "Jobcenter" and " jobcenter"
    /// are one).
    std::size_t distinct_recipients() const
    {
        std::vector<std::string> keys;
        for (const auto& r : recipients) {
            std::string k = organization_key(r);
            if (std::find(keys.begin(), keys.end(), k) == keys.end()) keys.push_back(std::move(k));
        }
        return keys.size();
    }
    /// The recipients, comma-separated, for messages.
    std::string recipient_list() const
    {
        std::string out;
        for (const auto& r : recipients) out += (out.empty() ? "" : ", ") + r;
        return out;
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

/// A Wiedervorlage: a dated reminder with a subject, one of several per case. It is open until
/// it is marked done (`follow_up_done`) or the case ends; the day it falls due the tick records
/// that (`follow_up_due`), and it stays open, overdue, until it is done.
struct FollowUp {
    /// The day the case is due again.
    Date date{};
    /// When the Wiedervorlage was set.
    Timestamp set_at{};
    /// What is to be looked at then (personal data: it may say something about the client).
    std::string subject{};
    /// When it was done (or closed with the case, or, in data from before Wiedervorlagen were
    /// a list, replaced by the next one); none while it is open.
    std::optional<Timestamp> done_at{};
    /// Whether it was closed because the case ended rather than done by the case manager.
    bool closed_with_case = false;
    /// When its day came and the tick recorded that (`follow_up_due`); none before.
    std::optional<Timestamp> fell_due_at{};

    /// Whether it is still open.
    bool open() const { return !done_at; }
    /// The time it falls due: the start of its day, in UTC (as every Date of kimflow is a UTC
    /// day: date_of(), start_of()).
    Timestamp due() const { return start_of(date); }
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
    /// Every Wiedervorlage set, oldest first, open and done; numbered from 1 in this order
    /// (the number `follow_up_done` and `follow_up_due` name). Nothing is ever removed, so the
    /// numbers stay.
    std::vector<FollowUp> follow_ups{};
    /// Why the case ended, while it is closed or aborted.
    std::optional<ClosureReason> closure_reason{};
    /// Free text given with the closure, abort or pause.
    std::string note{};
    /// While paused: the phase it resumes to.
    std::string paused_from{};
    /// Every phase entered, oldest first.
    std::vector<PhaseChange> phases{};

    /// The earliest date of the open Wiedervorlagen, if there is one.
    std::optional<Date> next_follow_up() const
    {
        std::optional<Date> next;
        for (const FollowUp& f : follow_ups)
            if (f.open() && (!next || f.date < *next)) next = f.date;
        return next;
    }
    /// Whether a Wiedervorlage is open.
    bool has_open_follow_up() const
    {
        return std::any_of(follow_ups.begin(), follow_ups.end(), [](const FollowUp& f) { return f.open(); });
    }
    /// The open referral to @p recipient in @p rechtskreis, if there is one (the first).
    const Referral* open_referral(std::string_view recipient, Rechtskreis rechtskreis) const
    {
        for (const Referral& r : referrals)
            if (r.open() && r.matches(recipient, rechtskreis)) return &r;
        return nullptr;
    }
    /// The first open referral to @p recipient in any Rechtskreis, if there is one.
    const Referral* open_referral_to(std::string_view recipient) const
    {
        const std::string key = organization_key(recipient);
        for (const Referral& r : referrals)
            if (r.open() && organization_key(r.recipient) == key) return &r;
        return nullptr;
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

namespace detail {
/// Whether @p Archive reads (cereal's archives and kimflow's say so by `is_loading`).
template <class Archive, class = void>
struct is_loading_archive : std::false_type {};
template <class Archive>
struct is_loading_archive<Archive, std::void_t<typename Archive::is_loading>> : Archive::is_loading {};

/// Data of KimCase version 1 (before Wiedervorlagen were a list and referrals had an end), as
/// it means now: a second `follow_up` replaced the first, so each Wiedervorlage but the last
/// was done when the next was set; and an ended case's Wiedervorlage and referrals ended with
/// it (a reopened case would otherwise find them open again).
inline void upgrade_version_1(KimCase& c)
{
    for (std::size_t i = 0; i + 1 < c.follow_ups.size(); ++i) c.follow_ups[i].done_at = c.follow_ups[i + 1].set_at;
    if (c.phases.empty()) return;
    const PhaseChange& last = c.phases.back();
    if (last.phase != "closed" && last.phase != "aborted") return;
    for (FollowUp& f : c.follow_ups)
        if (f.open()) {
            f.done_at = std::max(last.at, f.set_at);
            f.closed_with_case = true;
        }
    for (Referral& r : c.referrals)
        if (r.open()) r.completed_at = std::max(last.at, r.at);
}
}  // namespace detail

/// cereal: a referral. Version 2 added `completed_at`.
template <class Archive>
void serialize(Archive& ar, Referral& r, std::uint32_t version)
{
    ar(cereal::make_nvp("recipient", r.recipient), cereal::make_nvp("rechtskreis", r.rechtskreis),
       cereal::make_nvp("at", r.at));
    if (version >= 2) ar(cereal::make_nvp("completed_at", r.completed_at));
}

/// cereal: a consent. Version 2 added `changed_at`.
template <class Archive>
void serialize(Archive& ar, Consent& c, std::uint32_t version)
{
    ar(cereal::make_nvp("recipients", c.recipients), cereal::make_nvp("purpose", c.purpose),
       cereal::make_nvp("granted_at", c.granted_at), cereal::make_nvp("withdrawn_at", c.withdrawn_at));
    if (version >= 2) ar(cereal::make_nvp("changed_at", c.changed_at));
}

/// cereal: a phase entered. Version 1.
template <class Archive>
void serialize(Archive& ar, PhaseChange& p, std::uint32_t /*version*/)
{
    ar(cereal::make_nvp("phase", p.phase), cereal::make_nvp("at", p.at), cereal::make_nvp("reason", p.reason));
}

/// cereal: a Wiedervorlage. Version 2 added the subject, when it was done, whether it closed
/// with the case, and when it fell due.
template <class Archive>
void serialize(Archive& ar, FollowUp& f, std::uint32_t version)
{
    ar(cereal::make_nvp("date", f.date), cereal::make_nvp("set_at", f.set_at));
    if (version >= 2)
        ar(cereal::make_nvp("subject", f.subject), cereal::make_nvp("done_at", f.done_at),
           cereal::make_nvp("closed_with_case", f.closed_with_case), cereal::make_nvp("fell_due_at", f.fell_due_at));
}

/// cereal: a case. Version 2: the same fields, with Wiedervorlagen as a list of open and done
/// ones and referrals that end; data of version 1 is read as detail::upgrade_version_1() says.
template <class Archive>
void serialize(Archive& ar, KimCase& c, std::uint32_t version)
{
    ar(cereal::make_nvp("kommune", c.kommune), cereal::make_nvp("kreis", c.kreis), cereal::make_nvp("traeger", c.traeger),
       cereal::make_nvp("manager", c.manager), cereal::make_nvp("goals", c.goals),
       cereal::make_nvp("referrals", c.referrals), cereal::make_nvp("consent", c.consent),
       cereal::make_nvp("follow_ups", c.follow_ups), cereal::make_nvp("closure_reason", c.closure_reason),
       cereal::make_nvp("note", c.note), cereal::make_nvp("paused_from", c.paused_from),
       cereal::make_nvp("phases", c.phases));
    if constexpr (detail::is_loading_archive<Archive>::value)
        if (version < 2) detail::upgrade_version_1(c);
}

}  // namespace kimflow::kim

CEREAL_CLASS_VERSION(kimflow::kim::Referral, 2)
CEREAL_CLASS_VERSION(kimflow::kim::Consent, 2)
CEREAL_CLASS_VERSION(kimflow::kim::PhaseChange, 1)
CEREAL_CLASS_VERSION(kimflow::kim::FollowUp, 2)
CEREAL_CLASS_VERSION(kimflow::kim::KimCase, 2)
