// Ed25519 keys for the audit trail's checkpoints, over libsodium; the check of a store's
// checkpoints against public keys; the witness file's lines.
#include "kimflow/audit/signing.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>

#include <nlohmann/json.hpp>
#include <sodium.h>

namespace kimflow::audit {

namespace {

constexpr std::string_view signing_header = "kimflow-ed25519-signing-key";
constexpr std::string_view public_header = "kimflow-ed25519-public-key";

void start_sodium()
{
    if (sodium_init() < 0) throw KeyError("libsodium cannot start; no key can be made or used");
}

std::string hex(const unsigned char* bytes, std::size_t size)
{
    std::string out(size * 2 + 1, '\0');
    sodium_bin2hex(out.data(), out.size(), bytes, size);
    out.pop_back();
    return out;
}

std::string hex(std::string_view bytes) { return hex(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size()); }

/// The bytes of @p text, which must be exactly @p size bytes in hex; none otherwise.
bool unhex(std::string_view text, unsigned char* out, std::size_t size)
{
    std::size_t written = 0;
    const char* end = nullptr;
    return text.size() == size * 2 &&
           sodium_hex2bin(out, size, text.data(), text.size(), nullptr, &written, &end) == 0 && written == size &&
           end == text.data() + text.size();
}

std::string key_id_of(const unsigned char* public_key)
{
    unsigned char id[8];
    crypto_generichash(id, sizeof id, public_key, crypto_sign_PUBLICKEYBYTES, nullptr, 0);
    return hex(id, sizeof id);
}

std::string read_file(const std::string& path, const char* what)
{
    std::ifstream in(path, std::ios::binary);
    if (!in) throw KeyError(std::string("cannot read the ") + what + " '" + path + "': " + std::strerror(errno));
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

}  // namespace

std::string PublicKey::line() const { return std::string(public_header) + " " + key_id + " " + hex(bytes); }

SigningKey SigningKey::generate()
{
    start_sodium();
    SigningKey key;
    unsigned char public_key[crypto_sign_PUBLICKEYBYTES];
    crypto_sign_keypair(public_key, key.secret_);
    return key;
}

SigningKey SigningKey::load(const std::string& path)
{
    start_sodium();
    struct stat info {};
    if (::stat(path.c_str(), &info) != 0)
        throw KeyError("cannot read the signing key '" + path + "': " + std::strerror(errno) +
                       "; make one with kimctl admin key init");
    if (info.st_mode & (S_IRWXG | S_IRWXO))
        throw KeyError("the signing key '" + path +
                       "' may be read or written by others than its owner, so it proves nothing; chmod 600 it, or "
                       "make a new one with kimctl admin key init if others may have read it");
    std::string text = read_file(path, "signing key");
    std::istringstream in(text);
    std::string header, id, seed_hex;
    in >> header >> id >> seed_hex;
    SigningKey key;
    unsigned char seed[crypto_sign_SEEDBYTES];
    unsigned char public_key[crypto_sign_PUBLICKEYBYTES];
    const bool read = header == signing_header && unhex(seed_hex, seed, sizeof seed);
    if (read) crypto_sign_seed_keypair(public_key, key.secret_, seed);
    sodium_memzero(seed, sizeof seed);
    sodium_memzero(text.data(), text.size());
    sodium_memzero(seed_hex.data(), seed_hex.size());
    if (!read || key_id_of(public_key) != id)
        throw KeyError("'" + path + "' is not a kimflow signing key (or it was changed); make one with kimctl admin key init");
    return key;
}

void SigningKey::save(const std::string& path) const
{
    // O_EXCL: a key is never overwritten, so that no checkpoint signed with it loses its key.
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0)
        throw KeyError("cannot write the signing key '" + path + "': " + std::strerror(errno) +
                       (errno == EEXIST ? " (a key is never overwritten; choose another file name)" : ""));
    std::string text = std::string(signing_header) + " " + key_id() + " " + hex(secret_, crypto_sign_SEEDBYTES) + "\n";
    const bool written = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) && ::fsync(fd) == 0;
    sodium_memzero(text.data(), text.size());
    ::close(fd);
    if (!written) {
        ::unlink(path.c_str());
        throw KeyError("cannot write the signing key '" + path + "': " + std::strerror(errno));
    }
}

SigningKey::SigningKey(const SigningKey& other) { std::memcpy(secret_, other.secret_, sizeof secret_); }

SigningKey& SigningKey::operator=(const SigningKey& other)
{
    if (this != &other) std::memcpy(secret_, other.secret_, sizeof secret_);
    return *this;
}

SigningKey::~SigningKey() { sodium_memzero(secret_, sizeof secret_); }

PublicKey SigningKey::public_key() const
{
    const unsigned char* public_key = secret_ + crypto_sign_SEEDBYTES;
    return {key_id_of(public_key), std::string(reinterpret_cast<const char*>(public_key), crypto_sign_PUBLICKEYBYTES)};
}

std::string SigningKey::key_id() const { return key_id_of(secret_ + crypto_sign_SEEDBYTES); }

std::string SigningKey::sign(std::string_view message) const
{
    unsigned char signature[crypto_sign_BYTES];
    crypto_sign_detached(signature, nullptr, reinterpret_cast<const unsigned char*>(message.data()), message.size(),
                         secret_);
    return std::string(reinterpret_cast<const char*>(signature), sizeof signature);
}

std::vector<PublicKey> read_public_keys(const std::string& path)
{
    start_sodium();
    std::istringstream lines(read_file(path, "public key file"));
    std::vector<PublicKey> keys;
    std::string line;
    for (int number = 1; std::getline(lines, line); ++number) {
        std::istringstream in(line);
        std::string header, id, key_hex, rest;
        if (!(in >> header) || header[0] == '#') continue;
        in >> id >> key_hex >> rest;
        unsigned char bytes[crypto_sign_PUBLICKEYBYTES];
        if (header != public_header || !rest.empty() || !unhex(key_hex, bytes, sizeof bytes) || key_id_of(bytes) != id)
            throw KeyError("'" + path + "' line " + std::to_string(number) +
                           " is not a kimflow public key; it should read as kimctl admin key init wrote it");
        keys.push_back({id, std::string(reinterpret_cast<const char*>(bytes), sizeof bytes)});
    }
    if (keys.empty()) throw KeyError("'" + path + "' holds no public key");
    return keys;
}

void check_signatures(const std::vector<Checkpoint>& checkpoints, const std::vector<Checkpoint>& witnessed,
                      const ChainCheck& chain, const std::vector<PublicKey>& keys, std::vector<std::string>& problems)
{
    start_sodium();
    std::map<std::string, const PublicKey*> by_id;
    for (const auto& k : keys) by_id[k.key_id] = &k;
    const auto check = [&](const Checkpoint& c, const std::string& what) {
        const auto key = by_id.find(c.key_id);
        if (key == by_id.end()) {
            problems.push_back(what + " is signed with key " + c.key_id +
                               ", which is not among the public keys given: give that key's public file too, or the "
                               "checkpoint was forged");
            return;
        }
        unsigned char signature[crypto_sign_BYTES];
        const std::string message = checkpoint_message(c);
        if (!unhex(c.signature, signature, sizeof signature) ||
            crypto_sign_verify_detached(signature, reinterpret_cast<const unsigned char*>(message.data()),
                                        message.size(),
                                        reinterpret_cast<const unsigned char*>(key->second->bytes.data())) != 0)
            problems.push_back(what + " has no valid signature of key " + c.key_id +
                               ": it was written or changed without the signing key");
    };
    for (const auto& c : checkpoints) check(c, "checkpoint " + std::to_string(c.seq));
    for (const auto& c : witnessed) check(c, "the witnessed checkpoint of " + format_timestamp(c.at));
    if (checkpoints.empty()) {
        // Even with empty logs: a file whose every entry and checkpoint was deleted is no signed file.
        problems.push_back("there is no signed checkpoint: the logs were written without a signing key, or the "
                           "checkpoints were deleted");
        return;
    }
    const Checkpoint& last = checkpoints.back();
    const auto unsigned_tail = [&](const char* log, std::uint64_t signed_to, std::uint64_t last_seq) {
        if (signed_to < last_seq)
            problems.push_back(std::string("the ") + log + " log's entries after seq " + std::to_string(signed_to) +
                               " (up to " + std::to_string(last_seq) +
                               ") are covered by no signed checkpoint: they were added or rewritten without the key");
    };
    unsigned_tail("transition", last.transitions, chain.last_transition_seq);
    unsigned_tail("denial", last.denials, chain.last_denial_seq);
    unsigned_tail("creation", last.creations, chain.last_creation_seq);
}

std::string checkpoint_to_json(const Checkpoint& c)
{
    return nlohmann::json{{"format", "kimflow-checkpoint-1"},
                          {"transitions", c.transitions},
                          {"transition_head", c.transition_head},
                          {"denials", c.denials},
                          {"denial_head", c.denial_head},
                          {"creations", c.creations},
                          {"creation_head", c.creation_head},
                          {"at", format_timestamp(c.at)},
                          {"at_us", c.at.time_since_epoch().count()},
                          {"key_id", c.key_id},
                          {"signature", c.signature}}
        .dump();
}

std::vector<Checkpoint> read_witness(const std::string& path)
{
    std::istringstream lines(read_file(path, "witness file"));
    std::vector<Checkpoint> out;
    std::string line;
    for (int number = 1; std::getline(lines, line); ++number) {
        if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
        try {
            const auto j = nlohmann::json::parse(line);
            if (j.at("format") != "kimflow-checkpoint-1") throw std::runtime_error("format");
            Checkpoint c;
            c.seq = static_cast<std::uint64_t>(number);
            c.transitions = j.at("transitions").get<std::uint64_t>();
            c.transition_head = j.at("transition_head").get<std::string>();
            c.denials = j.at("denials").get<std::uint64_t>();
            c.denial_head = j.at("denial_head").get<std::string>();
            c.creations = j.at("creations").get<std::uint64_t>();
            c.creation_head = j.at("creation_head").get<std::string>();
            c.at = Timestamp{std::chrono::microseconds{j.at("at_us").get<std::int64_t>()}};
            c.key_id = j.at("key_id").get<std::string>();
            c.signature = j.at("signature").get<std::string>();
            out.push_back(std::move(c));
        } catch (const std::exception&) {
            throw KeyError("'" + path + "' line " + std::to_string(number) +
                           " is not a checkpoint as kimctl audit heads writes it");
        }
    }
    if (out.empty()) throw KeyError("'" + path + "' holds no checkpoint");
    return out;
}

}  // namespace kimflow::audit
