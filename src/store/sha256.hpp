// SHA-256 for the audit trail's hash chains, over OpenSSL's libcrypto (EVP). Private to the
// store: no public header names it, so hosts never see OpenSSL.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace kimflow {

/// An incremental SHA-256: update() any number of times, then digest() once.
class Sha256 {
public:
    /// The 32 bytes of a digest.
    using Digest = std::array<std::uint8_t, 32>;

    /// @throws std::runtime_error if libcrypto cannot set up a digest (out of memory)
    Sha256();
    ~Sha256();
    Sha256(const Sha256&) = delete;
    Sha256& operator=(const Sha256&) = delete;

    /// Adds @p bytes to the message; returns *this, so that calls chain.
    Sha256& update(std::string_view bytes);
    /// The digest of everything given; the object is spent afterwards.
    Digest digest();
    /// The digest of @p bytes.
    static Digest of(std::string_view bytes);

private:
    struct Context;
    std::unique_ptr<Context> context_;
};

/// @p digest as 64 lower-case hex digits.
std::string to_hex(const Sha256::Digest& digest);

}  // namespace kimflow
