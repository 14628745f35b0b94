#include "metrics.hpp"

#include <cstdio>
#include <sstream>

namespace kimflowd {

void Histogram::observe(double seconds)
{
    std::size_t i = 0;
    while (i < bounds.size() && seconds > bounds[i]) ++i;
    counts_[i].fetch_add(1, std::memory_order_relaxed);
    count_.fetch_add(1, std::memory_order_relaxed);
    sum_micros_.fetch_add(static_cast<std::uint64_t>(seconds * 1e6), std::memory_order_relaxed);
}

std::string Histogram::render(const std::string& name, const std::string& labels) const
{
    std::ostringstream out;
    const std::string sep = labels.empty() ? "" : ",";
    std::uint64_t cumulative = 0;
    for (std::size_t i = 0; i <= bounds.size(); ++i) {
        cumulative += counts_[i].load(std::memory_order_relaxed);
        char le[32];
        if (i < bounds.size())
            std::snprintf(le, sizeof le, "%g", bounds[i]);
        else
            std::snprintf(le, sizeof le, "+Inf");
        out << name << "_bucket{" << labels << sep << "le=\"" << le << "\"} " << cumulative << '\n';
    }
    out << name << "_sum{" << labels << "} " << static_cast<double>(sum_micros_.load()) / 1e6 << '\n';
    out << name << "_count{" << labels << "} " << count_.load() << '\n';
    return out.str();
}

void Metrics::add(std::map<std::string, std::uint64_t>& series, const std::string& key)
{
    ++series[key];
}

void Metrics::request(const std::string& route, const std::string& method, int status, double seconds)
{
    std::lock_guard<std::mutex> lock(mutex_);
    add(requests_, route + '|' + method + '|' + std::to_string(status));
    auto& h = latency_[route];
    if (!h) h = std::make_unique<Histogram>();
    h->observe(seconds);
}

void Metrics::batch(std::size_t size)
{
    batches_.fetch_add(1, std::memory_order_relaxed);
    batched_writes_.fetch_add(size, std::memory_order_relaxed);
    std::size_t i = 0;
    while (i + 1 < batch_buckets_.size() && size > (std::size_t{1} << i)) ++i;
    batch_buckets_[i].fetch_add(1, std::memory_order_relaxed);
}

std::string Metrics::render() const
{
    std::ostringstream out;
    const auto counter = [&](const char* name, const char* help, std::uint64_t value) {
        out << "# HELP " << name << ' ' << help << "\n# TYPE " << name << " counter\n" << name << ' ' << value << '\n';
    };
    const auto gauge = [&](const char* name, const char* help, std::int64_t value) {
        out << "# HELP " << name << ' ' << help << "\n# TYPE " << name << " gauge\n" << name << ' ' << value << '\n';
    };
    {
        std::lock_guard<std::mutex> lock(mutex_);
        out << "# HELP kimflowd_requests_total Requests answered, by route, method and status.\n"
               "# TYPE kimflowd_requests_total counter\n";
        for (const auto& [key, n] : requests_) {
            const auto a = key.find('|'), b = key.rfind('|');
            out << "kimflowd_requests_total{route=\"" << key.substr(0, a) << "\",method=\"" << key.substr(a + 1, b - a - 1)
                << "\",status=\"" << key.substr(b + 1) << "\"} " << n << '\n';
        }
        out << "# HELP kimflowd_request_duration_seconds Time from a request's arrival to its answer, by route.\n"
               "# TYPE kimflowd_request_duration_seconds histogram\n";
        for (const auto& [route, h] : latency_)
            out << h->render("kimflowd_request_duration_seconds", "route=\"" + route + "\"");
        out << "# HELP kimflowd_fires_total Writes committed (creations and fires), by lifecycle.\n"
               "# TYPE kimflowd_fires_total counter\n";
        for (const auto& [lifecycle, n] : fires_)
            out << "kimflowd_fires_total{lifecycle=\"" << lifecycle << "\"} " << n << '\n';
    }
    counter("kimflowd_commits_total", "Store transactions committed by the group commit.", batches_.load());
    counter("kimflowd_committed_writes_total", "Writes in those transactions.", batched_writes_.load());
    out << "# HELP kimflowd_commit_batch_size Writes per commit.\n# TYPE kimflowd_commit_batch_size histogram\n";
    std::uint64_t cumulative = 0;
    for (std::size_t i = 0; i < batch_buckets_.size(); ++i) {
        cumulative += batch_buckets_[i].load();
        out << "kimflowd_commit_batch_size_bucket{le=\""
            << (i + 1 < batch_buckets_.size() ? std::to_string(std::size_t{1} << i) : std::string("+Inf")) << "\"} "
            << cumulative << '\n';
    }
    out << "kimflowd_commit_batch_size_count " << batches_.load() << '\n'
        << "kimflowd_commit_batch_size_sum " << batched_writes_.load() << '\n';
    counter("kimflowd_conflicts_total", "Writes refused because the instance had moved on (412).", conflicts.load());
    counter("kimflowd_store_busy_total", "Writes or reads that found the database busy (503).", busy.load());
    counter("kimflowd_login_failures_total", "Logins refused.", login_failures.load());
    counter("kimflowd_rate_limited_total", "Requests refused by the rate limit (429).", rate_limited.load());
    counter("kimflowd_idempotent_replays_total", "Retries answered from their Idempotency-Key.", idempotent_replays.load());
    counter("kimflowd_ticks_total", "Deadline ticks run.", ticks.load());
    counter("kimflowd_tick_firings_total", "Events the ticks fired.", tick_firings.load());
    gauge("kimflowd_write_queue_depth", "Writes waiting for the group commit.", queue_depth.load());
    gauge("kimflowd_event_streams", "Open event streams.", streams.load());
    return out.str();
}

}  // namespace kimflowd
