// A latch for tests whose threads must wait for each other: one side opens it, the other waits,
// bounded, so that a broken promise fails the test instead of hanging it.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>

class Latch {
public:
    void open()
    {
        std::lock_guard<std::mutex> lock(mutex_);
        open_ = true;
        changed_.notify_all();
    }
    /// Whether it opened within @p bound (a generous bound against a hang, not a timing check).
    bool wait(std::chrono::milliseconds bound = std::chrono::seconds(30))
    {
        std::unique_lock<std::mutex> lock(mutex_);
        return changed_.wait_for(lock, bound, [&] { return open_; });
    }

private:
    std::mutex mutex_;
    std::condition_variable changed_;
    bool open_ = false;
};
