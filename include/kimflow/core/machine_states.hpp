/// @file
/// Reads and sets the active states of an MSM machine by their stable ids.
///
/// Boost.MSM has no public setter for the current state; its public persistence hook is
/// `state_machine::serialize(Archive&, unsigned)` (Boost.Serialization's interface), which
/// visits the active state ids first. StateArchive speaks that interface: saving, it reads the
/// active MSM state ids; loading, it writes them. Only stable string ids leave this file, so
/// MSM's integer ids (which change when a table changes) are never stored.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "kimflow/core/error.hpp"
#include "kimflow/core/lifecycle.hpp"
#include "kimflow/core/text.hpp"
#include "kimflow/store/store.hpp"  // StoreCorrupt

namespace kimflow {

namespace detail {

/// A Boost.Serialization-style archive over the active state ids of one flat machine. The
/// first int array MSM hands it is the machine's active states (`m_states`); later arrays
/// (its history policy's) and flags are left as they are.
class StateArchive {
public:
    /// Saving: collects the active ids. Loading: writes @p ids (one per region).
    StateArchive(bool loading, std::vector<int> ids) : loading_(loading), ids_(std::move(ids)) {}

    template <std::size_t N>
    StateArchive& operator&(int (&states)[N])
    {
        if (done_) return *this;
        done_ = true;
        if (loading_) {
            for (std::size_t r = 0; r < N && r < ids_.size(); ++r) states[r] = ids_[r];
        } else {
            ids_.assign(states, states + N);
        }
        return *this;
    }
    StateArchive& operator&(bool&) { return *this; }
    template <class T>
    StateArchive& operator&(T& t)
    {
        if constexpr (std::is_class_v<T>) t.serialize(*this, 0u);
        return *this;
    }
    template <class T>
    StateArchive& operator&(const T& t)
    {
        return *this & const_cast<T&>(t);
    }

    const std::vector<int>& ids() const { return ids_; }

private:
    bool loading_;
    bool done_ = false;
    std::vector<int> ids_;
};

}  // namespace detail

/// The stable ids of @p machine's active states, one per region.
template <class Lifecycle>
std::vector<std::string> active_state_ids(const typename LifecycleTraits<Lifecycle>::Machine& machine)
{
    using Traits = LifecycleTraits<Lifecycle>;
    std::vector<std::string> out;
    for (int r = 0; r < Traits::regions; ++r) out.emplace_back(Traits::state_id(machine.current_state()[r]));
    return out;
}

namespace detail {
/// The region of each MSM state id: the region whose initial state reaches it through the
/// table (rows never cross regions); -1 for a state no region reaches.
template <class Lifecycle>
const std::vector<int>& msm_state_regions()
{
    using Traits = LifecycleTraits<Lifecycle>;
    static const std::vector<int> regions = [] {
        const auto& names = Traits::state_ids();
        const auto region = regions_of_states(Traits::initial_states(), Traits::transitions());
        std::vector<int> out(names.size(), -1);
        for (std::size_t i = 0; i < names.size(); ++i)
            if (const auto found = region.find(names[i]); found != region.end()) out[i] = static_cast<int>(found->second);
        return out;
    }();
    return regions;
}

/// What a StoreCorrupt about stored states tells the user to do.
inline constexpr const char* restore_advice =
    "the database was changed by hand or by another program; restore it from a backup, and run `kimctl verify` "
    "to find other damage";
}  // namespace detail

/// Puts @p machine into the states named by @p ids (one per region, stable ids), without
/// running entry or exit actions: the machine continues as if it had got there itself.
/// @param machine  the instance's machine, as constructed
/// @param ids      the stored state ids, region 0 first
/// @param what     names the instance in errors, e.g. "paper 14/1923"
/// @throws StoreCorrupt if the number of regions differs, an id is not a state of the
///         lifecycle, or names a state of another region: no fire could have stored that
template <class Lifecycle>
void restore_state_ids(typename LifecycleTraits<Lifecycle>::Machine& machine, const std::vector<std::string>& ids,
                       const std::string& what = std::string(Lifecycle::id))
{
    using Traits = LifecycleTraits<Lifecycle>;
    if (ids.size() != static_cast<std::size_t>(Traits::regions))
        throw StoreCorrupt("stored " + what + " has " + std::to_string(ids.size()) + " region states, but the " +
                           std::string(Lifecycle::id) + " lifecycle has " + std::to_string(Traits::regions) + "; " +
                           detail::restore_advice);
    std::vector<int> msm_ids;
    const auto& names = Traits::state_ids();
    const auto& regions = detail::msm_state_regions<Lifecycle>();
    for (const auto& id : ids) {
        int found = -1;
        for (std::size_t i = 0; i < names.size(); ++i)
            if (names[i] == id) found = static_cast<int>(i);
        if (found < 0)
            throw StoreCorrupt("stored " + what + " is in state '" + printable(id) + "', which is not a state of the " +
                               std::string(Lifecycle::id) + " lifecycle; if the lifecycle was changed, migrate the "
                               "stored states; otherwise " + detail::restore_advice);
        const int region = static_cast<int>(msm_ids.size());
        if (regions[static_cast<std::size_t>(found)] >= 0 && regions[static_cast<std::size_t>(found)] != region)
            throw StoreCorrupt("stored " + what + " has state '" + id + "' in region " + std::to_string(region + 1) +
                               " of " + std::to_string(Traits::regions) + ", where the " +
                               std::string(Lifecycle::id) + " lifecycle does not have it; " + detail::restore_advice);
        msm_ids.push_back(found);
    }
    detail::StateArchive archive(true, std::move(msm_ids));
    machine.serialize(archive, 0u);
}

}  // namespace kimflow
