/// @file
/// Where the engine gets the time from: injectable so that tests, replays and tools that
/// record the past (`--at`) decide what "now" is.
#pragma once

#include <atomic>
#include <chrono>

#include "kimflow/core/time.hpp"

namespace kimflow {

/// Source of the current time. Implementations must be safe to call from several threads.
class Clock {
public:
    virtual ~Clock() = default;
    /// The current instant.
    virtual Timestamp now() const = 0;
};

/// The system's wall clock.
class SystemClock final : public Clock {
public:
    Timestamp now() const override
    {
        return date::floor<std::chrono::microseconds>(std::chrono::system_clock::now());
    }
};

/// A clock that only moves when told to: for tests, replays and back-dated entries.
class ManualClock final : public Clock {
public:
    /// Starts at @p start.
    explicit ManualClock(Timestamp start = Timestamp{}) : now_(start.time_since_epoch().count()) {}

    Timestamp now() const override { return Timestamp{std::chrono::microseconds{now_.load()}}; }

    /// Moves the clock to @p t (also backwards: the caller decides what the past is).
    void set(Timestamp t) { now_.store(t.time_since_epoch().count()); }

    /// Moves the clock forward by @p d.
    template <class Rep, class Period>
    void advance(std::chrono::duration<Rep, Period> d)
    {
        now_.fetch_add(std::chrono::duration_cast<std::chrono::microseconds>(d).count());
    }

private:
    std::atomic<std::chrono::microseconds::rep> now_;
};

}  // namespace kimflow
