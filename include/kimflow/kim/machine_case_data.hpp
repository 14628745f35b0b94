/// @file
/// The guards and actions of the KIM case machine (kim/machine.hpp) that keep the case data
/// honest: the consent extended and narrowed, referrals open until completed (one open referral
/// per recipient and Rechtskreis), and Wiedervorlagen as a list, each done or falling due by
/// itself. Apart from machine.hpp only for its length; included by it.
#pragma once

#include <algorithm>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "kimflow/core/machine.hpp"
#include "kimflow/kim/case.hpp"
#include "kimflow/kim/events.hpp"

namespace kimflow::kim {

namespace guard {

/// No referral to the same recipient in the same Rechtskreis is open: a second one would be
/// the same referral counted twice.
struct NotReferredYet : PayloadGuard<NotReferredYet> {
    /// The guard's name in diagrams.
    static std::string label() { return "no open referral there"; }
    /// Empty if no referral to @p e's recipient and Rechtskreis is open; otherwise which is.
    template <class Fsm>
    static std::optional<std::string> refuse(const Fsm& fsm, const Refer& e)
    {
        const Referral* open = fsm.data.open_referral(e.recipient, e.rechtskreis);
        if (!open) return {};
        return "the referral of " + format_date(date_of(open->at)) + " to " + open->recipient + " (" +
               std::string(to_string(open->rechtskreis)) + ") is still open; complete it first (complete_referral) " +
               "before referring there again";
    }
};

namespace detail {
/// Why dropping @p recipient from the consent is refused: an open referral needs it.
template <class Fsm>
std::optional<std::string> needed_by_referral(const Fsm& fsm, std::string_view recipient, const std::string& event)
{
    const Referral* open = fsm.data.open_referral_to(recipient);
    if (!open) return {};
    return event + " would drop " + open->recipient + " from the consent, but the referral of " +
           format_date(date_of(open->at)) + " to it (" + std::string(to_string(open->rechtskreis)) +
           ") is still open; complete it first (complete_referral)";
}
}  // namespace detail

/// Giving the consent again replaces it: it must not drop a recipient an open referral needs.
struct KeepsReferredRecipients : PayloadGuard<KeepsReferredRecipients> {
    /// The guard's name in diagrams.
    static std::string label() { return "keeps referred recipients"; }
    /// Empty if every recipient of an open referral is named again; otherwise which is not.
    template <class Fsm>
    static std::optional<std::string> refuse(const Fsm& fsm, const GrantConsent& e)
    {
        Consent replacement;
        replacement.recipients = e.recipients;
        for (const Referral& r : fsm.data.referrals)
            if (r.open() && !replacement.names(r.recipient))
                return *detail::needed_by_referral(fsm, r.recipient, "grant_consent replaces the consent and") +
                       ", or name it again; to add recipients and keep the others, use extend_consent";
        return {};
    }
};

/// An extension names at least one recipient the consent does not name yet.
struct AddsRecipient : PayloadGuard<AddsRecipient> {
    /// The guard's name in diagrams.
    static std::string label() { return "a new recipient"; }
    /// Empty if @p e names a recipient the consent does not; otherwise what it names already.
    template <class Fsm>
    static std::optional<std::string> refuse(const Fsm& fsm, const ExtendConsent& e)
    {
        for (const auto& r : e.recipients)
            if (!fsm.data.consent.names(r)) return {};
        if (e.recipients.empty()) return "name the recipients to add (recipients=...)";
        return "the consent names all of these already (it names " + fsm.data.consent.recipient_list() +
               "); nothing to extend";
    }
};

/// The consent names more than one recipient, so one can be taken out.
struct SeveralRecipients : StateGuard<SeveralRecipients> {
    /// The guard's name in diagrams.
    static std::string label() { return "several recipients"; }
    /// Empty if the guard allows; otherwise why not and what to do.
    template <class Fsm>
    static std::optional<std::string> refuse(const Fsm& fsm)
    {
        if (fsm.data.consent.distinct_recipients() > 1) return {};
        return "the consent names only " + fsm.data.consent.recipient_list() +
               "; narrowing it would leave nobody: to withdraw it altogether use withdraw_consent (the case then "
               "ends)";
    }
};

/// Narrowing names a recipient of the consent that no open referral needs.
struct MayNarrow : PayloadGuard<MayNarrow> {
    /// The guard's name in diagrams.
    static std::string label() { return "named, not referred"; }
    /// Empty if the guard allows @p e; otherwise why not and what to do.
    template <class Fsm>
    static std::optional<std::string> refuse(const Fsm& fsm, const NarrowConsent& e)
    {
        const Consent& c = fsm.data.consent;
        if (!c.names(e.recipient)) return "the consent does not name " + e.recipient + "; it names " + c.recipient_list();
        return detail::needed_by_referral(fsm, e.recipient, "narrow_consent");
    }
};

/// A referral is open.
struct HasOpenReferral : StateGuard<HasOpenReferral> {
    /// The guard's name in diagrams.
    static std::string label() { return "an open referral"; }
    /// Empty if the guard allows; otherwise why not.
    template <class Fsm>
    static std::optional<std::string> refuse(const Fsm& fsm)
    {
        const auto& r = fsm.data.referrals;
        if (std::any_of(r.begin(), r.end(), [](const Referral& x) { return x.open(); })) return {};
        return "no referral is open";
    }
};

/// The referral to complete is open.
struct ReferralOpen : PayloadGuard<ReferralOpen> {
    /// The guard's name in diagrams.
    static std::string label() { return "that referral open"; }
    /// Empty if a referral to @p e's recipient and Rechtskreis is open; otherwise which are.
    template <class Fsm>
    static std::optional<std::string> refuse(const Fsm& fsm, const CompleteReferral& e)
    {
        if (fsm.data.open_referral(e.recipient, e.rechtskreis)) return {};
        std::string open;
        for (const Referral& r : fsm.data.referrals)
            if (r.open()) open += (open.empty() ? "" : ", ") + r.recipient + " (" + std::string(to_string(r.rechtskreis)) + ")";
        return "no referral to " + e.recipient + " (" + std::string(to_string(e.rechtskreis)) + ") is open; open are " +
               open;
    }
};

/// A new Wiedervorlage lies on the day of the fire or later, and is not one already open.
struct FollowUpAhead : PayloadGuard<FollowUpAhead> {
    /// The guard's name in diagrams.
    static std::string label() { return "not in the past"; }
    /// Empty if the guard allows @p e; otherwise why not and what to do.
    template <class Fsm>
    static std::optional<std::string> refuse(const Fsm& fsm, const FollowUpOn& e)
    {
        const Date today = date_of(fsm.now());
        if (e.date < today)
            return "the Wiedervorlage date " + format_date(e.date) + " lies before today (" + format_date(today) +
                   "); give today or a later day";
        const auto& list = fsm.data.follow_ups;
        for (std::size_t i = 0; i < list.size(); ++i)
            if (list[i].open() && list[i].date == e.date && list[i].subject == e.subject)
                return "Wiedervorlage " + std::to_string(i + 1) + " of " + format_date(e.date) +
                       (e.subject.empty() ? std::string() : " (" + e.subject + ")") + " is open already";
        return {};
    }
};

/// A Wiedervorlage is open.
struct HasOpenFollowUp : StateGuard<HasOpenFollowUp> {
    /// The guard's name in diagrams.
    static std::string label() { return "an open Wiedervorlage"; }
    /// Empty if the guard allows; otherwise why not.
    template <class Fsm>
    static std::optional<std::string> refuse(const Fsm& fsm)
    {
        if (fsm.data.has_open_follow_up()) return {};
        return "no Wiedervorlage is open; set one with follow_up";
    }
};

/// `follow_up_done` names exactly one open Wiedervorlage.
struct NamesOpenFollowUp : PayloadGuard<NamesOpenFollowUp> {
    /// The guard's name in diagrams.
    static std::string label() { return "names an open one"; }
    /// The index of the Wiedervorlage @p e names, or why it names none.
    template <class Fsm>
    static std::pair<std::size_t, std::optional<std::string>> find(const Fsm& fsm, const FollowUpDone& e)
    {
        const auto& list = fsm.data.follow_ups;
        std::string open;
        for (std::size_t i = 0; i < list.size(); ++i)
            if (list[i].open())
                open += (open.empty() ? "" : ", ") + std::to_string(i + 1) + ": " + format_date(list[i].date) +
                        (list[i].subject.empty() ? std::string() : " " + list[i].subject);
        const std::string which = "; open are " + open;
        if (e.number) {
            if (e.number > list.size() || !list[e.number - 1].open())
                return {0, "Wiedervorlage " + std::to_string(e.number) + " is not open" + which};
            return {e.number - 1, std::nullopt};
        }
        if (!e.date) return {0, "name the Wiedervorlage: number=N, or date=YYYY-MM-DD (and subject=...)" + which};
        std::optional<std::size_t> found;
        for (std::size_t i = 0; i < list.size(); ++i) {
            if (!list[i].open() || list[i].date != *e.date) continue;
            if (!e.subject.empty() && list[i].subject != e.subject) continue;
            if (found)
                return {0, "more than one open Wiedervorlage is on " + format_date(*e.date) +
                               "; name it by number or subject" + which};
            found = i;
        }
        if (!found)
            return {0, "no open Wiedervorlage is on " + format_date(*e.date) +
                           (e.subject.empty() ? std::string() : " about " + e.subject) + which};
        return {*found, std::nullopt};
    }
    /// Empty if @p e names exactly one open Wiedervorlage; otherwise why not.
    template <class Fsm>
    static std::optional<std::string> refuse(const Fsm& fsm, const FollowUpDone& e)
    {
        return find(fsm, e).second;
    }
};

/// An open Wiedervorlage's day has come and that is not recorded yet (what the lifecycle's
/// timers() lists): only then is `follow_up_due` offered.
struct FollowUpFallsDue : StateGuard<FollowUpFallsDue> {
    /// The guard's name in diagrams.
    static std::string label() { return "a Wiedervorlage due"; }
    /// Empty if the guard allows; otherwise why not.
    template <class Fsm>
    static std::optional<std::string> refuse(const Fsm& fsm)
    {
        for (const FollowUp& f : fsm.data.follow_ups)
            if (f.open() && !f.fell_due_at && f.due() <= fsm.now()) return {};
        return "no open Wiedervorlage has fallen due without that being recorded";
    }
};

/// `follow_up_due` names an open Wiedervorlage whose day has come, as its timer said.
struct FollowUpDueNow : PayloadGuard<FollowUpDueNow> {
    /// The guard's name in diagrams.
    static std::string label() { return "that one due"; }
    /// Empty if the guard allows @p e; otherwise why not.
    template <class Fsm>
    static std::optional<std::string> refuse(const Fsm& fsm, const FollowUpDue& e)
    {
        const auto& list = fsm.data.follow_ups;
        const std::string name = "Wiedervorlage " + std::to_string(e.number);
        if (e.number == 0 || e.number > list.size()) return "there is no " + name;
        const FollowUp& f = list[e.number - 1];
        if (!f.open()) return name + " is done";
        if (f.fell_due_at) return name + " fell due already (recorded " + format_timestamp(*f.fell_due_at) + ")";
        if (e.due != f.due()) return name + " falls due " + format_timestamp(f.due()) + ", not " + format_timestamp(e.due);
        if (fsm.now() < f.due()) return name + " falls due only " + format_timestamp(f.due());
        return {};
    }
};

}  // namespace guard

namespace action {

/// Extends the consent: adds the recipients it does not name yet, and the purpose if given.
struct RecordExtension {
    /// MSM's action call.
    template <class Fsm, class S, class T>
    void operator()(const ExtendConsent& e, Fsm& fsm, S&, T&) const
    {
        Consent& c = fsm.data.consent;
        for (const auto& r : e.recipients)
            if (!c.names(r)) c.recipients.push_back(r);
        if (!e.purpose.empty()) c.purpose = e.purpose;
        c.changed_at = fsm.now();
    }
};

/// Narrows the consent: takes out the recipient (every spelling of it).
struct RecordNarrowing {
    /// MSM's action call.
    template <class Fsm, class S, class T>
    void operator()(const NarrowConsent& e, Fsm& fsm, S&, T&) const
    {
        Consent& c = fsm.data.consent;
        const std::string key = organization_key(e.recipient);
        c.recipients.erase(std::remove_if(c.recipients.begin(), c.recipients.end(),
                                          [&](const std::string& r) { return organization_key(r) == key; }),
                           c.recipients.end());
        c.changed_at = fsm.now();
    }
};

/// Completes the open referral (every open one to that recipient and Rechtskreis: data stored
/// before duplicates were refused may hold several).
struct RecordReferralCompleted {
    /// MSM's action call.
    template <class Fsm, class S, class T>
    void operator()(const CompleteReferral& e, Fsm& fsm, S&, T&) const
    {
        for (Referral& r : fsm.data.referrals)
            if (r.open() && r.matches(e.recipient, e.rechtskreis)) r.completed_at = fsm.now();
    }
};

/// Adds the Wiedervorlage (date, subject) with the time it was set.
struct RecordFollowUp {
    /// MSM's action call.
    template <class Fsm, class S, class T>
    void operator()(const FollowUpOn& e, Fsm& fsm, S&, T&) const
    {
        FollowUp f;
        f.date = e.date;
        f.set_at = fsm.now();
        f.subject = e.subject;
        fsm.data.follow_ups.push_back(std::move(f));
    }
};

/// Marks the Wiedervorlage `follow_up_done` names done.
struct RecordFollowUpDone {
    /// MSM's action call.
    template <class Fsm, class S, class T>
    void operator()(const FollowUpDone& e, Fsm& fsm, S&, T&) const
    {
        fsm.data.follow_ups[guard::NamesOpenFollowUp::find(fsm, e).first].done_at = fsm.now();
    }
};

/// Records that the Wiedervorlage fell due, which takes its timer off CaseLifecycle::timers().
struct RecordFollowUpDue {
    /// MSM's action call.
    template <class Fsm, class S, class T>
    void operator()(const FollowUpDue& e, Fsm& fsm, S&, T&) const
    {
        fsm.data.follow_ups[e.number - 1].fell_due_at = fsm.now();
    }
};

}  // namespace action

}  // namespace kimflow::kim
