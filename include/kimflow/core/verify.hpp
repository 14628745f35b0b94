/// @file
/// Checks a store's instances against their logs and their lifecycle: what `kimctl verify`
/// runs, and what a host can run after a restore or before an audit.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "kimflow/core/lifecycle_model.hpp"
#include "kimflow/store/store.hpp"

namespace kimflow {

/// One thing wrong with a stored instance.
struct VerifyFinding {
    /// The instance's lifecycle.
    std::string lifecycle;
    /// The instance's id.
    std::string id;
    /// What is wrong, in a sentence.
    std::string problem;
};

/// Checks every stored instance of lifecycle @p model in @p store and appends what is wrong to
/// @p findings:
/// - the data can be read (cereal, with the class versions this build knows);
/// - every region's state is a state of the lifecycle;
/// - the log has versions 1, 2, … up to the instance's version, without gaps;
/// - the log is a path through the transition table: each region starts in its initial
///   state, each entry starts where its region stands, a state change follows a row of the
///   table (an entry that stays in its state names an event of the lifecycle, or is the
///   erasure of personal data), and the
///   regions end where the instance is stored. (A log entry names the state of one region;
///   a region the entry does not name follows when exactly one row leaves its state with
///   the entry's event.)
/// - the log is in time order: no entry is recorded before the instance was created or before
///   the entry ahead of it (the engine refuses such fires; an edited file can still hold them).
/// @return how many instances were checked
/// @throws StoreError if the store cannot be read at all
std::size_t verify_instances(Store& store, const LifecycleModel& model, std::vector<VerifyFinding>& findings);

/// verify_instances() for lifecycle @p Lifecycle.
template <class Lifecycle>
std::size_t verify_instances(Store& store, std::vector<VerifyFinding>& findings)
{
    return verify_instances(store, model_of<Lifecycle>(), findings);
}

}  // namespace kimflow
