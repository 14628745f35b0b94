#include "limits.hpp"

#include <algorithm>
#include <cmath>

namespace kimflowd {

bool RateLimiter::take(const std::string& key, int& retry_after)
{
    if (per_second_ <= 0) return true;
    const auto now = std::chrono::steady_clock::now();
    std::lock_guard<std::mutex> lock(mutex_);
    if (buckets_.size() > 100000) buckets_.clear();  // a flood of addresses must not eat the memory
    auto [it, fresh] = buckets_.try_emplace(key, Bucket{burst_, now});
    Bucket& b = it->second;
    if (!fresh) {
        const double elapsed = std::chrono::duration<double>(now - b.at).count();
        b.tokens = std::min(burst_, b.tokens + elapsed * per_second_);
        b.at = now;
    }
    if (b.tokens >= 1) {
        b.tokens -= 1;
        return true;
    }
    retry_after = std::max(1, static_cast<int>(std::ceil((1 - b.tokens) / per_second_)));
    return false;
}

int LoginThrottle::remaining(const Failures& f, int limit, std::chrono::steady_clock::time_point now) const
{
    if (f.count < limit) return 0;
    const auto left = std::chrono::duration_cast<std::chrono::seconds>(f.last + lock_ - now).count();
    return left > 0 ? static_cast<int>(left) : 0;
}

int LoginThrottle::wait(const std::string& account, const std::string& address)
{
    const auto now = std::chrono::steady_clock::now();
    std::lock_guard<std::mutex> lock(mutex_);
    int w = 0;
    if (auto it = accounts_.find(account); it != accounts_.end()) w = std::max(w, remaining(it->second, per_account_, now));
    if (auto it = addresses_.find(address); it != addresses_.end())
        w = std::max(w, remaining(it->second, per_address_, now));
    return w;
}

void LoginThrottle::failed(const std::string& account, const std::string& address)
{
    const auto now = std::chrono::steady_clock::now();
    std::lock_guard<std::mutex> lock(mutex_);
    if (accounts_.size() > 100000) accounts_.clear();
    if (addresses_.size() > 100000) addresses_.clear();
    for (auto* f : {&accounts_[account], &addresses_[address]}) {
        // Failures older than the lock time are forgotten.
        if (f->count > 0 && now - f->last > lock_) f->count = 0;
        ++f->count;
        f->last = now;
    }
}

void LoginThrottle::succeeded(const std::string& account)
{
    std::lock_guard<std::mutex> lock(mutex_);
    accounts_.erase(account);
}

}  // namespace kimflowd
