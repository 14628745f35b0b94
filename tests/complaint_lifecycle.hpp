// A host-defined lifecycle, as a municipal system would write its own: a complaint
// (Beschwerde) with a review, notes, and a second region for the receipt confirmation.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <boost/mpl/vector.hpp>
#include <boost/msm/front/functor_row.hpp>
#include <boost/msm/front/states.hpp>

#include <cereal/types/string.hpp>
#include <cereal/types/vector.hpp>

#include <kimflow/core/engine.hpp>
#include <kimflow/core/machine.hpp>

namespace complaint {

struct Complaint {
    std::string subject;
    std::string reviewer{};
    std::vector<std::string> notes{};
    std::string resolution{};
};

template <class Archive>
void serialize(Archive& ar, Complaint& c)
{
    ar(c.subject, c.reviewer, c.notes, c.resolution);
}

struct Settings {
    std::size_t notes_needed_to_resolve = 1;
};

struct Received : boost::msm::front::state<> { static constexpr std::string_view id = "received"; };
struct InReview : boost::msm::front::state<> { static constexpr std::string_view id = "in_review"; };
struct Resolved : boost::msm::front::state<> { static constexpr std::string_view id = "resolved"; };
struct Dismissed : boost::msm::front::state<> { static constexpr std::string_view id = "dismissed"; };
struct Unconfirmed : boost::msm::front::state<> { static constexpr std::string_view id = "unconfirmed"; };
struct Confirmed : boost::msm::front::state<> { static constexpr std::string_view id = "confirmed"; };

struct Review {
    static constexpr std::string_view id = "review";
    std::string reviewer{};
    template <class A> void serialize(A& ar) { ar(kimflow::field("reviewer", reviewer)); }
};
struct AddNote {
    static constexpr std::string_view id = "add_note";
    std::string text;
    template <class A> void serialize(A& ar) { ar(kimflow::field("text", text)); }
};
struct Resolve {
    static constexpr std::string_view id = "resolve";
    std::string resolution{};
    bool public_reply = false;
    template <class A> void serialize(A& ar)
    {
        ar(kimflow::field("resolution", resolution), kimflow::optional_field("public_reply", public_reply));
    }
};
struct Dismiss {
    static constexpr std::string_view id = "dismiss";
    std::string reason;
    template <class A> void serialize(A& ar) { ar(kimflow::field("reason", reason)); }
};
struct ConfirmReceipt {
    static constexpr std::string_view id = "confirm_receipt";
    template <class A> void serialize(A&) {}
};

// Resolving needs the configured number of notes.
struct EnoughNotes : kimflow::StateGuard<EnoughNotes> {
    static std::string label() { return "enough notes"; }
    template <class Fsm> static std::string refuse(const Fsm& fsm)
    {
        if (fsm.data.notes.size() >= fsm.config().notes_needed_to_resolve) return {};
        return "a resolution needs " + std::to_string(fsm.config().notes_needed_to_resolve) + " note(s) first";
    }
};
// A dismissal needs a reason of at least 10 characters.
struct ReasonGiven : kimflow::PayloadGuard<ReasonGiven> {
    static std::string label() { return "reason given"; }
    template <class Fsm> static std::string refuse(const Fsm&, const Dismiss& e)
    {
        return e.reason.size() >= 10 ? std::string() : "give a reason of at least 10 characters";
    }
};

// A public reply also confirms the receipt (the receipt region's guard on `resolve`).
struct PublicReply : kimflow::PayloadGuard<PublicReply> {
    static std::string label() { return "public reply"; }
    template <class Fsm> static std::string refuse(const Fsm&, const Resolve& e)
    {
        return e.public_reply ? std::string() : "only a public reply confirms the receipt";
    }
};

struct SetReviewer {
    template <class F, class S, class T> void operator()(const Review& e, F& fsm, S&, T&) const { fsm.data.reviewer = e.reviewer; }
};
struct KeepNote {
    template <class F, class S, class T> void operator()(const AddNote& e, F& fsm, S&, T&) const { fsm.data.notes.push_back(e.text); }
};
struct KeepResolution {
    template <class F, class S, class T> void operator()(const Resolve& e, F& fsm, S&, T&) const { fsm.data.resolution = e.resolution; }
};

struct Machine : kimflow::MachineDef<Machine, Complaint, Settings> {
    using initial_state = boost::mpl::vector<Received, Unconfirmed>;
    template <class S, class E, class T, class A = boost::msm::front::none, class G = boost::msm::front::none>
    using Row = boost::msm::front::Row<S, E, T, A, G>;
    struct transition_table : boost::mpl::vector<
        Row<Received,    Review,         InReview,               SetReviewer>,
        Row<InReview,    AddNote,        boost::msm::front::none, KeepNote>,
        Row<InReview,    Resolve,        Resolved,               KeepResolution, EnoughNotes>,
        Row<Received,    Dismiss,        Dismissed,              boost::msm::front::none, ReasonGiven>,
        Row<InReview,    Dismiss,        Dismissed,              boost::msm::front::none, ReasonGiven>,
        Row<Unconfirmed, ConfirmReceipt, Confirmed>,
        Row<Unconfirmed, Resolve,        Confirmed,              boost::msm::front::none, PublicReply>
    > {};
};

struct Lifecycle {
    static constexpr std::string_view id = "complaint";
    using Definition = Machine;
    using Data = Complaint;
    using Config = Settings;
    static void validate(const Complaint& c)
    {
        if (c.subject.empty()) throw kimflow::InvalidData("a complaint needs a subject");
    }
};

using Engine = kimflow::Engine<Lifecycle>;

}  // namespace complaint
