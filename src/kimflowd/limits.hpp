// Limits on who asks how often: a token bucket per client address, and failed logins per
// account and per address.
#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <string>

namespace kimflowd {

/// Requests per second per key (a client address), with a burst.
class RateLimiter {
public:
    RateLimiter(double per_second, double burst) : per_second_(per_second), burst_(burst) {}
    /// Whether a request of @p key may go on now; if not, @p retry_after says in how many seconds.
    bool take(const std::string& key, int& retry_after);

private:
    struct Bucket {
        double tokens;
        std::chrono::steady_clock::time_point at;
    };
    double per_second_, burst_;
    std::mutex mutex_;
    std::map<std::string, Bucket> buckets_;
};

/// Failed logins: after `per_account` failures of one account (or `per_address` from one address)
/// within the lock time, further logins of it wait until the lock time has passed since the last.
class LoginThrottle {
public:
    LoginThrottle(int per_account, int per_address, std::chrono::seconds lock)
        : per_account_(per_account), per_address_(per_address), lock_(lock)
    {
    }
    /// Seconds to wait before @p account may try again from @p address; 0: now.
    int wait(const std::string& account, const std::string& address);
    void failed(const std::string& account, const std::string& address);
    /// A success clears the account's failures (not the address's).
    void succeeded(const std::string& account);

private:
    struct Failures {
        int count = 0;
        std::chrono::steady_clock::time_point last{};
    };
    int remaining(const Failures& f, int limit, std::chrono::steady_clock::time_point now) const;
    int per_account_, per_address_;
    std::chrono::seconds lock_;
    std::mutex mutex_;
    std::map<std::string, Failures> accounts_, addresses_;
};

}  // namespace kimflowd
