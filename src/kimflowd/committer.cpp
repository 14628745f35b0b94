#include "committer.hpp"

#include <kimflow/core/error.hpp>
#include <kimflow/core/time.hpp>

namespace kimflowd {

Committer::Committer(kimflow::Store& store, OpenUnit open, Metrics& metrics, std::size_t max_batch,
                     std::function<void()> committed)
    : store_(store), open_(std::move(open)), metrics_(metrics), max_batch_(max_batch), committed_(std::move(committed)),
      thread_([this] { run(); })
{
}

Committer::~Committer() { stop(); }

void Committer::stop()
{
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
}

WriteResult Committer::write(Family family, const std::string& lifecycle, std::function<WriteResult()> work,
                             const std::optional<Idempotency>& idempotency)
{
    auto job = std::make_unique<Job>();
    job->family = family;
    job->lifecycle = lifecycle;
    job->work = std::move(work);
    job->idempotency = idempotency;
    std::future<WriteResult> answer = job->done.get_future();
    {
        std::lock_guard<std::mutex> lock(mutex_);
        if (stopping_) throw ShuttingDown("kimflowd is stopping and takes no more changes; try again once it is back");
        queue_.push_back(std::move(job));
        ++metrics_.queue_depth;
    }
    wake_.notify_one();
    return answer.get();
}

WriteResult Committer::run_job(Job& job)
{
    if (job.idempotency) {
        if (const auto seen = store_.setting(job.idempotency->key)) {
            const auto record = nlohmann::json::parse(*seen);
            if (record.at("fingerprint").get<std::string>() != job.idempotency->fingerprint)
                throw IdempotencyMismatch("this Idempotency-Key was used for another request; use a new key for "
                                          "each new change, and the same key only to retry the same request");
            ++metrics_.idempotent_replays;
            return WriteResult{record.at("status").get<int>(), record.at("body"),
                               record.at("version").get<std::uint64_t>(), true};
        }
    }
    WriteResult result = job.work();
    if (job.idempotency) {
        const nlohmann::json record{{"fingerprint", job.idempotency->fingerprint},
                                    {"status", result.status},
                                    {"body", result.body},
                                    {"version", result.version},
                                    {"at", kimflow::format_timestamp(std::chrono::time_point_cast<std::chrono::microseconds>(
                                               std::chrono::system_clock::now()))}};
        // In the write's own transaction: the answer is kept exactly when the change is.
        store_.put_setting(job.idempotency->key, record.dump());
    }
    return result;
}

void Committer::commit_family(Family family, std::vector<Job*>& jobs)
{
    if (jobs.empty()) return;
    std::size_t written = 0;
    try {
        kimflow::UnitOfWork unit = open_(family);
        for (Job* job : jobs) {
            try {
                unit.attempt([&] { job->result = run_job(*job); });
                if (!job->result->replayed) ++written;
            } catch (const kimflow::StoreError&) {
                // The database failed, not the request: SQLite may have rolled the whole
                // transaction back, so nothing of the batch is trusted. All of it fails.
                throw;
            } catch (...) {
                job->error = std::current_exception();
            }
        }
        try {
            unit.commit();
        } catch (const kimflow::ObserverError&) {
            // Committed; only a notification failed. The requests' changes stand.
        }
    } catch (...) {
        // The commit (or opening the unit) failed: nothing of the batch was written.
        if (const auto error = std::current_exception()) {
            try {
                throw;
            } catch (const kimflow::StoreBusy&) {
                ++metrics_.busy;
            } catch (...) {
            }
            for (Job* job : jobs)
                if (!job->error) job->error = error, job->result.reset();
        }
        written = 0;
    }
    if (written > 0) metrics_.batch(written);
    for (Job* job : jobs)
        if (job->result && !job->result->replayed) metrics_.fire(job->lifecycle);
}

void Committer::run()
{
    for (;;) {
        std::vector<std::unique_ptr<Job>> batch;
        {
            std::unique_lock<std::mutex> lock(mutex_);
            wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
            if (queue_.empty() && stopping_) return;
            while (!queue_.empty() && batch.size() < max_batch_) {
                batch.push_back(std::move(queue_.front()));
                queue_.pop_front();
            }
            metrics_.queue_depth -= static_cast<std::int64_t>(batch.size());
        }
        for (Family family : {Family::cases, Family::papers}) {
            std::vector<Job*> jobs;
            for (auto& job : batch)
                if (job->family == family) jobs.push_back(job.get());
            commit_family(family, jobs);
        }
        if (committed_) committed_();
        for (auto& job : batch) {
            if (job->error)
                job->done.set_exception(job->error);
            else
                job->done.set_value(std::move(*job->result));
        }
    }
}

}  // namespace kimflowd
