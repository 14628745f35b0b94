#include "sha256.hpp"

#include <stdexcept>

#include <openssl/evp.h>

namespace kimflow {

struct Sha256::Context {
    EVP_MD_CTX* md = EVP_MD_CTX_new();
    ~Context() { EVP_MD_CTX_free(md); }
};

Sha256::Sha256() : context_(std::make_unique<Context>())
{
    if (!context_->md || EVP_DigestInit_ex(context_->md, EVP_sha256(), nullptr) != 1)
        throw std::runtime_error("libcrypto could not start a SHA-256 digest (out of memory?)");
}

Sha256::~Sha256() = default;

Sha256& Sha256::update(std::string_view bytes)
{
    if (EVP_DigestUpdate(context_->md, bytes.data(), bytes.size()) != 1)
        throw std::runtime_error("libcrypto could not hash (SHA-256 update failed)");
    return *this;
}

Sha256::Digest Sha256::digest()
{
    Digest out{};
    unsigned int length = 0;
    if (EVP_DigestFinal_ex(context_->md, out.data(), &length) != 1 || length != out.size())
        throw std::runtime_error("libcrypto could not finish a SHA-256 digest");
    return out;
}

Sha256::Digest Sha256::of(std::string_view bytes) { return Sha256().update(bytes).digest(); }

std::string to_hex(const Sha256::Digest& digest)
{
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    out.reserve(64);
    for (const std::uint8_t b : digest) {
        out += digits[b >> 4];
        out += digits[b & 15];
    }
    return out;
}

}  // namespace kimflow
