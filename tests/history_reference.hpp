// What the random walks' reference models expect of a history (whole entries: version, event,
// states, actor, time, payload) and of timers, with readable messages for the times compared.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include <kimflow/core/actor.hpp>
#include <kimflow/core/hooks.hpp>
#include <kimflow/core/time.hpp>
#include <kimflow/core/transition.hpp>

namespace history_reference {

/// One entry of an instance's history as a model expects it.
struct Entry {
    std::string event, from, to;
    kimflow::Actor actor;
    kimflow::Timestamp at{};
    std::string payload;
};

// For messages only (date.h's format, not the library's): what a failed comparison shows.
inline std::string show(kimflow::Timestamp t) { return date::format("%FT%TZ", t); }
inline std::string show(const std::optional<kimflow::Timestamp>& t) { return t ? show(*t) : std::string("none"); }
inline std::string show(kimflow::Date d) { return date::format("%F", d); }
inline std::string show(const std::optional<kimflow::Date>& d) { return d ? show(*d) : std::string("none"); }
inline std::string show(const kimflow::Actor& a) { return a.id + "/" + a.role + "/" + a.organization; }

/// Equal times and dates (optional or not), and if not, both shown.
#define ASSERT_SAME_TIME(got, want)                                                                 \
    ASSERT_TRUE((got) == (want)) << #got << " is " << ::history_reference::show(got) << ", the model " \
                                 << "expects " << ::history_reference::show(want)

/// The history @p got is the entries @p want, whole, after its first @p skip entries.
inline void expect_history(const std::vector<kimflow::TransitionRecord>& got, const std::vector<Entry>& want,
                           std::size_t skip = 0)
{
    ASSERT_EQ(got.size(), skip + want.size()) << "history entries";
    for (std::size_t i = 0; i < want.size(); ++i) {
        const kimflow::TransitionRecord& r = got[skip + i];
        const Entry& w = want[i];
        SCOPED_TRACE("history entry " + std::to_string(skip + i + 1) + ": " + w.event);
        ASSERT_EQ(r.version, skip + i + 1);
        ASSERT_EQ(r.event, w.event);
        ASSERT_EQ(r.from, w.from);
        ASSERT_EQ(r.to, w.to);
        ASSERT_TRUE(r.actor == w.actor) << "actor " << show(r.actor) << ", the model expects " << show(w.actor);
        ASSERT_SAME_TIME(r.at, w.at);
        ASSERT_EQ(r.payload, w.payload);
    }
}

/// The timers @p got are the model's @p want: event, due time and payload.
inline void expect_timers(const std::vector<kimflow::Timer>& got, const std::vector<kimflow::Timer>& want)
{
    ASSERT_EQ(got.size(), want.size()) << "timers";
    for (std::size_t i = 0; i < want.size(); ++i) {
        ASSERT_EQ(got[i].event, want[i].event) << "timer " << i + 1;
        ASSERT_SAME_TIME(got[i].due, want[i].due);
        ASSERT_EQ(got[i].payload, want[i].payload) << "timer " << i + 1;
    }
}

}  // namespace history_reference
