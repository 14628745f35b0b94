/// @file
/// Ed25519 signing keys for the audit trail's checkpoints (Store::checkpoints), and the check of
/// a store's checkpoints against the public keys: what `kimctl admin key init`, `kimctl verify
/// --public-key` and kimflowd use. Built on libsodium, which no other header names.
///
/// Key files are text. A signing key file (written with mode 0600, refused when others may read
/// it) holds `kimflow-ed25519-signing-key`, the key id and the 32-byte seed in hex; a public key
/// file holds one line per key, `kimflow-ed25519-public-key KEYID HEX`, so that the keys of
/// earlier years can stay beside the current one after a rotation.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "kimflow/core/error.hpp"
#include "kimflow/store/store.hpp"

namespace kimflow::audit {

/// A key file that cannot be read, written or used: missing, readable by others, malformed.
/// Nothing was signed or written.
class KeyError : public Error {
public:
    using Error::Error;
};

/// A public key with the id that checkpoints name it by.
struct PublicKey {
    /// The first 8 bytes of the BLAKE2b hash of the key, in hex (16 digits).
    std::string key_id;
    /// The 32 bytes of the Ed25519 public key.
    std::string bytes;
    /// The line a public key file holds for it.
    std::string line() const;
};

/// An Ed25519 signing key; signs a store's checkpoints at each commit when given as
/// SqliteOptions::signer. The secret stays in memory and is wiped when the object goes.
class SigningKey final : public CheckpointSigner {
public:
    /// A new random key. @throws KeyError if libsodium cannot start
    static SigningKey generate();
    /// The key in file @p path. @throws KeyError if it is missing, malformed, or readable or
    /// writable by anyone but its owner (a key others can read signs nothing worth trusting)
    static SigningKey load(const std::string& path);
    /// Writes the key to a new file @p path, readable only by its owner.
    /// @throws KeyError if the file exists (keys are never overwritten) or cannot be written
    void save(const std::string& path) const;

    /// A copy of the secret; each copy is wiped from memory when destroyed.
    SigningKey(const SigningKey& other);
    /// Replaces this key with a copy of @p other.
    SigningKey& operator=(const SigningKey& other);
    /// Wipes the secret from memory.
    ~SigningKey() override;

    /// The public half, for `verify --public-key`.
    PublicKey public_key() const;
    std::string key_id() const override;
    std::string sign(std::string_view message) const override;

private:
    SigningKey() = default;
    unsigned char secret_[64]{};  // libsodium's secret key: the seed, then the public key
};

/// The keys in public key file @p path (one per line; `#` starts a comment).
/// @throws KeyError if it cannot be read or a line is malformed
std::vector<PublicKey> read_public_keys(const std::string& path);

/// Checks the checkpoints of a store against @p keys after Store::verify_chain gave @p chain:
/// each checkpoint's signature is valid for the key it names; every entry of the logs is
/// covered by a signed checkpoint (the last one reaches each log's last entry); and, when
/// @p witnessed is given, each witnessed checkpoint is signed too. Appends a sentence per
/// problem to @p problems; nothing appended means every entry up to the end is signed.
void check_signatures(const std::vector<Checkpoint>& checkpoints, const std::vector<Checkpoint>& witnessed,
                      const ChainCheck& chain, const std::vector<PublicKey>& keys, std::vector<std::string>& problems);

/// @p checkpoint as the one-line JSON object `kimctl audit heads` writes and `verify --witness`
/// reads.
std::string checkpoint_to_json(const Checkpoint& checkpoint);

/// The checkpoints in witness file @p path (one JSON object per line, as checkpoint_to_json()
/// writes them; blank lines skipped). @throws KeyError if it cannot be read or a line is malformed
std::vector<Checkpoint> read_witness(const std::string& path);

}  // namespace kimflow::audit
