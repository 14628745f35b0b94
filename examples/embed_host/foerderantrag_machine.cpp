// The Förderantrag's Boost.MSM machine: states, guards, actions and the transition table,
// compiled in this one unit of the host, which also builds the lifecycle's model
// (kimflow::model_of). The rest of the host includes foerderantrag.hpp alone and pays nothing
// for MSM.
#include <algorithm>
#include <optional>
#include <string>
#include <type_traits>

#include <boost/mpl/vector.hpp>
#include <boost/msm/front/functor_row.hpp>
#include <boost/msm/front/states.hpp>

#include <kimflow/core/machine.hpp>
#include <kimflow/core/msm_model.hpp>

#include "foerderantrag.hpp"

namespace foerder {

// States: stable ids, because the store keeps these strings (never MSM's integer ids).
struct Received : boost::msm::front::state<> { static constexpr std::string_view id = "received"; };
struct InReview : boost::msm::front::state<> { static constexpr std::string_view id = "in_review"; };
struct Approved : boost::msm::front::state<> { static constexpr std::string_view id = "approved"; };
struct Rejected : boost::msm::front::state<> { static constexpr std::string_view id = "rejected"; };
struct Withdrawn : boost::msm::front::state<> { static constexpr std::string_view id = "withdrawn"; };

/// Every required document is in. A StateGuard: it depends on the application alone, so
/// allowed_events() leaves `approve` out until the file is complete.
struct DocumentsComplete : kimflow::StateGuard<DocumentsComplete> {
    static std::string label() { return "documents complete"; }
    template <class Fsm> static std::optional<std::string> refuse(const Fsm& fsm)
    {
        std::string missing;
        for (const auto& needed : fsm.config().required_documents)
            if (std::find(fsm.data.documents.begin(), fsm.data.documents.end(), needed) == fsm.data.documents.end())
                missing += (missing.empty() ? "" : ", ") + needed;
        if (missing.empty()) return std::nullopt;
        return "documents missing: " + missing + "; ask the applicant for them and record each with add_document";
    }
};

/// The amount is positive, no more than asked for and within the Höchstbetrag. A PayloadGuard:
/// only the event knows the amount, so it is checked when `approve` is fired.
struct WithinBudget : kimflow::PayloadGuard<WithinBudget> {
    static std::string label() { return "0 < amount <= requested, Höchstbetrag"; }
    template <class Fsm> static std::optional<std::string> refuse(const Fsm& fsm, const Approve& e)
    {
        if (e.amount_eur <= 0) return "the amount must be positive; give amount_eur in whole euros";
        if (e.amount_eur > fsm.data.requested_eur)
            return "the amount of " + euros(e.amount_eur) + " is more than the " + euros(fsm.data.requested_eur) +
                   " applied for; grant at most that";
        if (e.amount_eur > fsm.config().max_grant_eur)
            return "the amount of " + euros(e.amount_eur) + " exceeds the Höchstbetrag of " +
                   euros(fsm.config().max_grant_eur) +
                   " of the Förderrichtlinie; grant less, or reject and advise a smaller application";
        return std::nullopt;
    }
};

/// Above the Wertgrenze, the committee must have decided first (Zuständigkeitsordnung).
struct CommitteeDecided : kimflow::PayloadGuard<CommitteeDecided> {
    static std::string label() { return "committee decided above the Wertgrenze"; }
    template <class Fsm> static std::optional<std::string> refuse(const Fsm& fsm, const Approve& e)
    {
        if (e.amount_eur <= fsm.config().committee_threshold_eur || !fsm.data.resolution.empty()) return std::nullopt;
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

}  // namespace foerder

template const kimflow::LifecycleModel& kimflow::model_of<foerder::Lifecycle>();
