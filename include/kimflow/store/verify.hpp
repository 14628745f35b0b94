/// @file
/// Checks a store's instances against their logs and their lifecycle: what `kimctl verify`
/// runs, and what a host can run after a restore or before an audit.
#pragma once

#include <algorithm>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "kimflow/core/lifecycle.hpp"
#include "kimflow/core/transition.hpp"
#include "kimflow/store/codec.hpp"
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

namespace detail {
template <class Lifecycle>
bool has_row(std::string_view from, std::string_view event, std::string_view to)
{
    static const auto rows = LifecycleTraits<Lifecycle>::transitions();
    return std::any_of(rows.begin(), rows.end(),
                       [&](const TransitionInfo& t) { return t.from == from && t.event == event && t.to == to; });
}
template <class Lifecycle>
bool has_event(std::string_view event)
{
    static const auto events = LifecycleTraits<Lifecycle>::events();
    return std::any_of(events.begin(), events.end(), [&](const EventInfo& e) { return e.id == event; });
}
}  // namespace detail

namespace detail {
/// The region of each state: what each region's initial state reaches through the table
/// (rows never cross regions).
template <class Lifecycle>
std::map<std::string_view, std::size_t> regions_of_states()
{
    const auto initial = LifecycleTraits<Lifecycle>::initial_states();
    const auto rows = LifecycleTraits<Lifecycle>::transitions();
    std::map<std::string_view, std::size_t> region;
    for (std::size_t r = 0; r < initial.size(); ++r) {
        std::vector<std::string_view> todo{initial[r]};
        while (!todo.empty()) {
            const auto s = todo.back();
            todo.pop_back();
            if (!region.emplace(s, r).second) continue;
            for (const auto& t : rows)
                if (t.from == s) todo.push_back(t.to);
        }
    }
    return region;
}

/// Moves the regions a logged transition does not name: an event that changes the state of
/// one region may move others too (the KIM case's withdraw_consent ends the consent and the
/// phase), and the log names one of them. A region follows when exactly one row leaves its
/// state with the event.
template <class Lifecycle>
void follow_unlogged_regions(std::vector<std::string>& current, std::size_t logged_region, std::string_view event)
{
    static const auto rows = LifecycleTraits<Lifecycle>::transitions();
    for (std::size_t r = 0; r < current.size(); ++r) {
        if (r == logged_region) continue;
        const TransitionInfo* only = nullptr;
        std::size_t count = 0;
        for (const auto& t : rows)
            if (t.from == current[r] && t.event == event && !t.internal) only = (++count == 1) ? &t : nullptr;
        if (only && count == 1) current[r] = std::string(only->to);
    }
}
}  // namespace detail

/// Checks every stored instance of @p Lifecycle in @p store and appends what is wrong to
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
template <class Lifecycle>
std::size_t verify_instances(Store& store, std::vector<VerifyFinding>& findings)
{
    using Traits = LifecycleTraits<Lifecycle>;
    const std::string lifecycle(Lifecycle::id);
    static const auto region_of = detail::regions_of_states<Lifecycle>();
    std::vector<std::string> initial;
    for (auto s : Traits::initial_states()) initial.emplace_back(s);
    std::size_t checked = 0;
    for (const auto& id : store.find(InstanceQuery{lifecycle})) {
        ++checked;
        auto problem = [&](std::string text) { findings.push_back({lifecycle, id, std::move(text)}); };
        const auto stored = store.load(lifecycle, id);
        if (!stored) {
            problem("listed but cannot be loaded");
            continue;
        }
        try {
            (void)decode<typename Traits::Data>(stored->data, lifecycle + " " + id);
        } catch (const StoreCorrupt& e) {
            problem(e.what());
        }
        bool states_known = stored->states.size() == initial.size();
        if (!states_known)
            problem("stored with " + std::to_string(stored->states.size()) + " region states; the lifecycle has " +
                    std::to_string(initial.size()));
        for (const auto& s : stored->states)
            if (!region_of.count(s)) {
                problem("stored in state '" + s + "', which the lifecycle does not have");
                states_known = false;
            }

        const auto log = store.history(lifecycle, id);
        std::vector<std::string> current = initial;
        std::uint64_t expected = 1;
        bool path_known = true;
        Timestamp previous_at = stored->created_at;
        for (const auto& t : log) {
            const std::string entry = "log entry " + std::to_string(t.version);
            if (t.at < previous_at)
                problem(entry + " (" + t.event + ") is recorded at " + format_timestamp(t.at) + ", before " +
                        (t.version <= 1 ? std::string("the instance was created (") : std::string("the entry ahead of it ("))
                        + format_timestamp(previous_at) + "): a history only moves forward; the log was edited "
                        "or written by a tool that back-dated it");
            previous_at = std::max(previous_at, t.at);
            if (t.version != expected)
                problem(entry + " follows version " + std::to_string(expected - 1) + "; versions must not skip");
            expected = t.version + 1;
            const auto region = region_of.find(t.from);
            if (region == region_of.end()) {
                problem(entry + " (" + t.event + ") starts in '" + t.from + "', which the lifecycle does not have");
                path_known = false;
                continue;
            }
            std::string& at = current[region->second];
            if (t.from != at)
                problem(entry + " (" + t.event + ") starts in '" + t.from + "', but the one before ended in '" + at + "'");
            if (t.from != t.to ? !detail::has_row<Lifecycle>(t.from, t.event, t.to) : !(detail::has_event<Lifecycle>(t.event) || t.event == erasure_event))
                problem(entry + ": no row of the lifecycle goes from '" + t.from + "' by '" + t.event + "' to '" + t.to + "'");
            at = t.to;
            detail::follow_unlogged_regions<Lifecycle>(current, region->second, t.event);
        }
        if (log.size() != stored->version)
            problem("at version " + std::to_string(stored->version) + " but its log has " + std::to_string(log.size()) +
                    " entries");
        if (states_known && path_known)
            for (std::size_t r = 0; r < current.size(); ++r)
                if (current[r] != stored->states[r])
                    problem("its log ends in '" + current[r] + "', but it is stored in '" + stored->states[r] + "'");
    }
    return checked;
}

}  // namespace kimflow
