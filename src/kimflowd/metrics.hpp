// What /metrics shows, in Prometheus' text format: counters and histograms kept with atomics
// and one mutex for the labelled series.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace kimflowd {

/// A histogram of seconds with fixed buckets (from 100 µs to 10 s).
class Histogram {
public:
    static constexpr std::array<double, 12> bounds{0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005,
                                                   0.01,   0.025,   0.05,   0.1,   1.0,    10.0};
    void observe(double seconds);
    /// The series lines of metric @p name with @p labels (`route="…"`, may be empty).
    std::string render(const std::string& name, const std::string& labels) const;

private:
    std::array<std::atomic<std::uint64_t>, bounds.size() + 1> counts_{};
    std::atomic<std::uint64_t> count_{0};
    std::atomic<std::uint64_t> sum_micros_{0};
};

class Metrics {
public:
    /// A request answered: by route pattern (not the path, which names instances), method and status.
    void request(const std::string& route, const std::string& method, int status, double seconds);
    /// A write committed (or refused) by lifecycle.
    void fire(const std::string& lifecycle)
    {
        std::lock_guard<std::mutex> lock(mutex_);
        add(fires_, lifecycle);
    }
    /// One commit of @p size writes.
    void batch(std::size_t size);
    std::atomic<std::uint64_t> conflicts{0};
    std::atomic<std::uint64_t> busy{0};
    std::atomic<std::uint64_t> login_failures{0};
    std::atomic<std::uint64_t> rate_limited{0};
    std::atomic<std::uint64_t> idempotent_replays{0};
    std::atomic<std::int64_t> queue_depth{0};
    std::atomic<std::int64_t> streams{0};
    std::atomic<std::uint64_t> ticks{0};
    std::atomic<std::uint64_t> tick_firings{0};

    std::string render() const;

private:
    static void add(std::map<std::string, std::uint64_t>& series, const std::string& key);
    mutable std::mutex mutex_;
    std::map<std::string, std::uint64_t> requests_;  // route|method|status
    std::map<std::string, std::unique_ptr<Histogram>> latency_;  // route
    std::map<std::string, std::uint64_t> fires_;
    std::atomic<std::uint64_t> batches_{0};
    std::atomic<std::uint64_t> batched_writes_{0};
    /// Commits of at most 1, 2, 4, … 64 writes, and more.
    std::array<std::atomic<std::uint64_t>, 8> batch_buckets_{};
};

}  // namespace kimflowd
