// Group commit: the writes of concurrent requests run on one thread, many to a store
// transaction (one sync for all of them), and each request is answered once its transaction
// has committed. A write that fails is undone alone (UnitOfWork::attempt); the others commit.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <future>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include <kimflow/core/engine_core.hpp>
#include <kimflow/store/store.hpp>

#include "metrics.hpp"

namespace kimflowd {

/// Which unit of work a write joins: cases alone; papers and resolutions together (a resolution
/// settles its paper in the same transaction).
enum class Family { cases, papers };

/// A write's answer, as the request gets it (and a retry with its Idempotency-Key again).
struct WriteResult {
    int status = 200;
    nlohmann::json body;
    /// The instance's version after the write (the ETag).
    std::uint64_t version = 0;
    /// Answered from the Idempotency-Key's record: nothing was done this time.
    bool replayed = false;
};

/// Where a write's answer is kept for its retries: the store key and what identifies the request.
struct Idempotency {
    std::string key;
    /// SHA-256 of method, path and body: the same key with another request is refused.
    std::string fingerprint;
};

/// The same Idempotency-Key came with another request (HTTP 422).
struct IdempotencyMismatch : std::runtime_error {
    using std::runtime_error::runtime_error;
};

/// The service is stopping and takes no more writes (HTTP 503).
struct ShuttingDown : std::runtime_error {
    using std::runtime_error::runtime_error;
};

class Committer {
public:
    using OpenUnit = std::function<kimflow::UnitOfWork(Family)>;

    /// @param open       opens the unit of work of a family (on the committer's thread)
    /// @param committed  called after each commit (the event feed wakes its readers)
    Committer(kimflow::Store& store, OpenUnit open, Metrics& metrics, std::size_t max_batch,
              std::function<void()> committed);
    ~Committer();
    Committer(const Committer&) = delete;
    Committer& operator=(const Committer&) = delete;

    /// Runs @p work in the next group commit of @p family and returns its result once that has
    /// committed; with @p idempotency, a request seen before gets its first answer instead.
    /// @throws whatever @p work throws (then it changed nothing), the commit's StoreError,
    ///         IdempotencyMismatch, ShuttingDown
    WriteResult write(Family family, const std::string& lifecycle, std::function<WriteResult()> work,
                      const std::optional<Idempotency>& idempotency);

    /// Commits what is queued, then ends the thread; later writes get ShuttingDown.
    void stop();

private:
    struct Job {
        Family family;
        std::string lifecycle;
        std::function<WriteResult()> work;
        std::optional<Idempotency> idempotency;
        std::promise<WriteResult> done;
        std::optional<WriteResult> result;
        std::exception_ptr error;
    };
    void run();
    void commit_family(Family family, std::vector<Job*>& jobs);
    WriteResult run_job(Job& job);

    kimflow::Store& store_;
    OpenUnit open_;
    Metrics& metrics_;
    std::size_t max_batch_;
    std::function<void()> committed_;
    std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<std::unique_ptr<Job>> queue_;
    bool stopping_ = false;
    std::thread thread_;
};

}  // namespace kimflowd
