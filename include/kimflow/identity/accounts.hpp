/// @file
/// kimflow::Accounts: the people and systems a service such as kimflowd lets in, kept in the
/// store beside the instances. Each account is one Actor (id, role, organisation) that an
/// administrator sets; a caller proves to be it with a password (hashed with Argon2id) or a
/// token (random, stored only as its SHA-256 hash, with an expiry and revocable). Every change
/// of an account or token is a transition in the store's hash-chained log (lifecycle
/// admin_lifecycle, instance `account/NAME`), so the audit trail shows who let whom in.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "kimflow/core/actor.hpp"
#include "kimflow/core/error.hpp"
#include "kimflow/core/time.hpp"
#include "kimflow/store/store.hpp"

namespace kimflow {

/// The lifecycle under which account, token and policy changes are logged in the store; it is
/// no engine's, so no fire can reach it.
inline constexpr std::string_view admin_lifecycle = "admin";

/// An account as the administrator set it up.
struct Account {
    /// The login name (also the actor's id).
    std::string name;
    /// Who the account acts as: id, role and organisation, never chosen by the caller.
    Actor actor;
    /// A disabled account can neither log in nor use its tokens.
    bool disabled = false;
    /// Whether a password is set (accounts of other systems may have tokens only).
    bool has_password = false;
    /// When it was added.
    Timestamp created_at{};
};

/// What is kept of a token: never the token itself.
struct TokenRecord {
    /// The token's public part (its first segment after the prefix), by which it is listed and
    /// revoked.
    std::string id;
    /// The account it acts for.
    std::string account;
    /// `api` (made by an administrator) or `session` (made by a login).
    std::string kind;
    /// When it was made.
    Timestamp created_at{};
    /// When it stops working.
    Timestamp expires_at{};
    /// When it was revoked, if it was.
    std::optional<Timestamp> revoked_at{};
};

/// An account or token operation that cannot be done as asked (no such account, a name taken,
/// a password too short); nothing changed.
class AccountError : public InvalidData {
public:
    using InvalidData::InvalidData;
};

/// See the file comment. Safe to use from several threads (as the store is).
class Accounts {
public:
    /// Accounts kept in @p store.
    explicit Accounts(std::shared_ptr<Store> store);

    /// The shortest password taken, in bytes.
    static constexpr std::size_t min_password_bytes = 12;

    /// Adds account @p name acting as (@p name, @p role, @p organization), with @p password if
    /// given, logged as done by @p by at @p at.
    /// @throws AccountError for a taken or malformed name, an empty role, a short password
    void add(const std::string& name, const std::string& role, const std::string& organization,
             const std::optional<std::string>& password, const Actor& by, Timestamp at);
    /// Disables (or enables again) account @p name; a disabled account's tokens stop working.
    /// @throws AccountError if there is no such account
    void set_disabled(const std::string& name, bool disabled, const Actor& by, Timestamp at);
    /// Sets a new password. @throws AccountError if there is no such account or it is too short
    void set_password(const std::string& name, const std::string& password, const Actor& by, Timestamp at);

    /// Makes a token for @p name valid for @p lifetime, of @p kind (`api`: an administrator's;
    /// `session`: a login's; `web`: a web page's login, which a service takes only from its
    /// session cookie; tokens of logins are not logged in the chain); returns it
    /// (shown once: only its hash is kept). @throws AccountError if there is no such account
    /// or it is disabled
    std::string create_token(const std::string& name, std::chrono::seconds lifetime, const std::string& kind,
                             const Actor& by, Timestamp at);
    /// Revokes the token with public part @p id (TokenRecord::id), or the token given whole.
    /// @throws AccountError if there is no such token
    void revoke_token(const std::string& id_or_token, const Actor& by, Timestamp at);

    /// The account, if there is one.
    std::optional<Account> find(const std::string& name) const;
    /// Every account, by name.
    std::vector<Account> list() const;
    /// The tokens of @p name (every account's when empty), by id.
    std::vector<TokenRecord> tokens(const std::string& name = {}) const;
    /// Whether the store has any account: then kimctl no longer lets a caller say who they are.
    bool any() const;

    /// The enabled account @p name if @p password is its password; none otherwise (no account,
    /// disabled, no password set, wrong password: the caller cannot tell which, and the time
    /// taken does not tell either).
    std::optional<Account> check_password(const std::string& name, const std::string& password) const;
    /// The enabled account that token @p token acts for, if the token is known, not expired at
    /// @p now and not revoked.
    std::optional<Account> check_token(std::string_view token, Timestamp now) const;
    /// What check_token() accepts, with the token's record, so that a service can refuse a
    /// token where its kind does not belong (a web page's token sent as a bearer token).
    std::optional<std::pair<Account, TokenRecord>> check_token_record(std::string_view token, Timestamp now) const;

private:
    std::shared_ptr<Store> store_;
};

/// Whether @p name is a valid account name: 1 to 64 letters (a–z, A–Z), digits, dots, underscores,
/// at signs or hyphens, starting with a letter or digit.
bool valid_account_name(std::string_view name);

}  // namespace kimflow
