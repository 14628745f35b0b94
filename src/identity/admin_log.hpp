// Writes an administrator's change (of an account, a token, the policy) as a transition of the
// store's admin lifecycle, so that it is hash-chained with everything else the store logs.
#pragma once

#include <string>
#include <string_view>
#include <type_traits>

#include "kimflow/core/actor.hpp"
#include "kimflow/core/time.hpp"
#include "kimflow/store/store.hpp"

namespace kimflow::identity_detail {

/// Logs @p event on admin instance @p subject (created on first use) with @p summary (never a
/// secret), in the caller's transaction if one is open. @p state is the subject's state after.
void log_admin(Store& store, const std::string& subject, const std::string& event, const std::string& state,
               const std::string& summary, const Actor& by, Timestamp at);

/// Runs @p f inside one store transaction: all of it or nothing.
template <class F>
auto in_transaction(Store& store, F&& f)
{
    store.begin();
    try {
        if constexpr (std::is_void_v<decltype(f())>) {
            f();
            store.commit();
        } else {
            auto result = f();
            store.commit();
            return result;
        }
    } catch (...) {
        store.rollback();
        throw;
    }
}

/// Lower-case hex of @p bytes.
std::string hex(std::string_view bytes);
/// SHA-256 of @p text, as hex.
std::string sha256_hex(std::string_view text);
/// @p n random bytes from the system's generator. @throws Error if it fails
std::string random_bytes(std::size_t n);

}  // namespace kimflow::identity_detail
