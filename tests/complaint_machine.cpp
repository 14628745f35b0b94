// The complaint lifecycle's machine, compiled once: the one unit of the tests that pays for
// Boost.MSM on a host-defined lifecycle, as core/msm_model.hpp tells a host to do it.
#include "complaint_lifecycle.hpp"

#include <optional>

#include <boost/mpl/vector.hpp>
#include <boost/msm/front/functor_row.hpp>
#include <boost/msm/front/states.hpp>

#include <kimflow/core/machine.hpp>
#include <kimflow/core/msm_model.hpp>

namespace complaint {

struct Received : boost::msm::front::state<> { static constexpr std::string_view id = "received"; };
struct InReview : boost::msm::front::state<> { static constexpr std::string_view id = "in_review"; };
struct Resolved : boost::msm::front::state<> { static constexpr std::string_view id = "resolved"; };
struct Dismissed : boost::msm::front::state<> { static constexpr std::string_view id = "dismissed"; };
struct Unconfirmed : boost::msm::front::state<> { static constexpr std::string_view id = "unconfirmed"; };
struct Confirmed : boost::msm::front::state<> { static constexpr std::string_view id = "confirmed"; };

// Resolving needs the configured number of notes.
struct EnoughNotes : kimflow::StateGuard<EnoughNotes> {
    static std::string label() { return "enough notes"; }
    template <class Fsm> static std::optional<std::string> refuse(const Fsm& fsm)
    {
        if (fsm.data.notes.size() >= fsm.config().notes_needed_to_resolve) return std::nullopt;
        return "a resolution needs " + std::to_string(fsm.config().notes_needed_to_resolve) + " note(s) first";
    }
};
// A dismissal needs a reason of at least 10 characters.
struct ReasonGiven : kimflow::PayloadGuard<ReasonGiven> {
    static std::string label() { return "reason given"; }
    template <class Fsm> static std::optional<std::string> refuse(const Fsm&, const Dismiss& e)
    {
        if (e.reason.size() >= 10) return std::nullopt;
        return "give a reason of at least 10 characters";
    }
};

// A public reply also confirms the receipt (the receipt region's guard on `resolve`).
struct PublicReply : kimflow::PayloadGuard<PublicReply> {
    static std::string label() { return "public reply"; }
    template <class Fsm> static std::optional<std::string> refuse(const Fsm&, const Resolve& e)
    {
        if (e.public_reply) return std::nullopt;
        return "only a public reply confirms the receipt";
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

}  // namespace complaint

template const kimflow::LifecycleModel& kimflow::model_of<complaint::Lifecycle>();
