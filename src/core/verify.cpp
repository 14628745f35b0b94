// Checking stored instances against their logs and their lifecycle's table (kimctl verify).
#include "kimflow/core/verify.hpp"

#include <algorithm>
#include <cstdint>

#include "kimflow/core/transition.hpp"

namespace kimflow {

namespace {

bool has_row(const LifecycleModel& model, std::string_view from, std::string_view event, std::string_view to)
{
    const auto& rows = model.transitions();
    return std::any_of(rows.begin(), rows.end(),
                       [&](const TransitionInfo& t) { return t.from == from && t.event == event && t.to == to; });
}

bool has_event(const LifecycleModel& model, std::string_view event) { return model.event(event) != nullptr; }

/// Moves the regions a logged transition does not name: an event that changes the state of one
/// region may move others too (the KIM case's withdraw_consent ends the consent and the phase),
/// and the log names one of them. A region follows when exactly one row leaves its state with
/// the event.
void follow_unlogged_regions(const LifecycleModel& model, std::vector<std::string>& current,
                             std::size_t logged_region, std::string_view event)
{
    for (std::size_t r = 0; r < current.size(); ++r) {
        if (r == logged_region) continue;
        const TransitionInfo* only = nullptr;
        std::size_t count = 0;
        for (const auto& t : model.transitions())
            if (t.from == current[r] && t.event == event && !t.internal) only = (++count == 1) ? &t : nullptr;
        if (only && count == 1) current[r] = std::string(only->to);
    }
}

}  // namespace

std::size_t verify_instances(Store& store, const LifecycleModel& model, std::vector<VerifyFinding>& findings)
{
    const std::string lifecycle(model.id());
    const auto region_of = regions_of_states(model.initial_states(), model.transitions());
    std::vector<std::string> initial;
    for (auto s : model.initial_states()) initial.emplace_back(s);
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
            model.check_data(stored->data, lifecycle + " " + id);
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
                        (t.version <= 1 ? std::string("the instance was created (")
                                        : std::string("the entry ahead of it (")) +
                        format_timestamp(previous_at) +
                        "): a history only moves forward; the log was edited or written by a tool that back-dated it");
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
                problem(entry + " (" + t.event + ") starts in '" + t.from + "', but the one before ended in '" + at +
                        "'");
            const bool known = t.from != t.to ? has_row(model, t.from, t.event, t.to)
                                              : has_event(model, t.event) || t.event == erasure_event;
            if (!known)
                problem(entry + ": no row of the lifecycle goes from '" + t.from + "' by '" + t.event + "' to '" +
                        t.to + "'");
            at = t.to;
            follow_unlogged_regions(model, current, region->second, t.event);
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
