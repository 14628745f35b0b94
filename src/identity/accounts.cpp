// Accounts and tokens as settings of the store (`account/NAME`, `token/ID`, JSON), each change
// logged in the hash chain (admin_log.hpp). Passwords: Argon2id in its encoded form (salt and
// parameters inside). Tokens: `kft_ID_SECRET`; only SHA-256(token) is kept, under ID.
#include "kimflow/identity/accounts.hpp"

#include <argon2.h>
#include <openssl/crypto.h>

#include <nlohmann/json.hpp>

#include "admin_log.hpp"

namespace kimflow {

using namespace identity_detail;

namespace {

constexpr std::string_view account_prefix = "account/";
constexpr std::string_view token_prefix = "token/";
constexpr std::string_view token_marker = "kft_";

// OWASP's Argon2id setting for interactive logins: 19 MiB, two passes, one lane.
constexpr std::uint32_t argon_memory_kib = 19 * 1024;
constexpr std::uint32_t argon_passes = 2;
constexpr std::uint32_t argon_lanes = 1;
constexpr std::size_t argon_salt_bytes = 16;
constexpr std::size_t argon_hash_bytes = 32;

std::string hash_password(const std::string& password)
{
    const std::string salt = random_bytes(argon_salt_bytes);
    const std::size_t length = argon2_encodedlen(argon_passes, argon_memory_kib, argon_lanes, argon_salt_bytes,
                                                 argon_hash_bytes, Argon2_id);
    std::string encoded(length, '\0');
    const int rc = argon2id_hash_encoded(argon_passes, argon_memory_kib, argon_lanes, password.data(), password.size(),
                                         salt.data(), salt.size(), argon_hash_bytes, encoded.data(), encoded.size());
    if (rc != ARGON2_OK) throw Error(std::string("hashing the password failed: ") + argon2_error_message(rc));
    encoded.resize(encoded.find('\0'));
    return encoded;
}

bool password_matches(const std::string& encoded, const std::string& password)
{
    return argon2id_verify(encoded.c_str(), password.data(), password.size()) == ARGON2_OK;
}

// Spent on a login for an account that does not exist or has no password, so that its answer
// takes as long as a wrong password's.
const std::string& decoy_hash()
{
    static const std::string decoy = hash_password("kimflow decoy password");
    return decoy;
}

nlohmann::json account_json(const Account& a, const std::string& password_hash)
{
    return {{"id", a.actor.id},           {"role", a.actor.role},
            {"organization", a.actor.organization}, {"disabled", a.disabled},
            {"password", password_hash},   {"created_at", format_timestamp(a.created_at)}};
}

struct StoredAccount {
    Account account;
    std::string password_hash;
};

StoredAccount account_from(const std::string& name, const std::string& text)
{
    const auto j = nlohmann::json::parse(text);
    StoredAccount s;
    s.account.name = name;
    s.account.actor = Actor{j.at("id").get<std::string>(), j.at("role").get<std::string>(),
                            j.at("organization").get<std::string>()};
    s.account.disabled = j.at("disabled").get<bool>();
    s.password_hash = j.at("password").get<std::string>();
    s.account.has_password = !s.password_hash.empty();
    s.account.created_at = parse_timestamp(j.at("created_at").get<std::string>());
    return s;
}

std::optional<StoredAccount> load_account(Store& store, const std::string& name)
{
    const auto text = store.setting(std::string(account_prefix) + name);
    if (!text) return std::nullopt;
    return account_from(name, *text);
}

StoredAccount existing_account(Store& store, const std::string& name)
{
    auto a = load_account(store, name);
    if (!a)
        throw AccountError("there is no account '" + name + "'; 'kimctl admin account list' shows those there are");
    return *a;
}

void save_account(Store& store, const StoredAccount& s)
{
    store.put_setting(std::string(account_prefix) + s.account.name, account_json(s.account, s.password_hash).dump());
}

void check_password_length(const std::string& password)
{
    if (password.size() < Accounts::min_password_bytes)
        throw AccountError("the password is too short: give at least " + std::to_string(Accounts::min_password_bytes) +
                           " characters (a passphrase of several words is best)");
}

TokenRecord token_from(const std::string& id, const nlohmann::json& j)
{
    TokenRecord t;
    t.id = id;
    t.account = j.at("account").get<std::string>();
    t.kind = j.at("kind").get<std::string>();
    t.created_at = parse_timestamp(j.at("created_at").get<std::string>());
    t.expires_at = parse_timestamp(j.at("expires_at").get<std::string>());
    if (j.contains("revoked_at")) t.revoked_at = parse_timestamp(j.at("revoked_at").get<std::string>());
    return t;
}

/// The public id of token text @p token (`kft_ID_SECRET`), or empty if it is not shaped so.
std::string_view token_id(std::string_view token)
{
    if (token.substr(0, token_marker.size()) != token_marker) return {};
    token.remove_prefix(token_marker.size());
    const auto underscore = token.find('_');
    if (underscore == std::string_view::npos || underscore == 0 || underscore + 1 == token.size()) return {};
    return token.substr(0, underscore);
}

}  // namespace

bool valid_account_name(std::string_view name)
{
    if (name.empty() || name.size() > 64) return false;
    const auto ok = [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
               c == '@' || c == '-';
    };
    for (char c : name)
        if (!ok(c)) return false;
    return name[0] != '.' && name[0] != '_' && name[0] != '@' && name[0] != '-';
}

Accounts::Accounts(std::shared_ptr<Store> store) : store_(std::move(store))
{
    if (!store_) throw Error("Accounts needs a store");
}

void Accounts::add(const std::string& name, const std::string& role, const std::string& organization,
                   const std::optional<std::string>& password, const Actor& by, Timestamp at)
{
    if (!valid_account_name(name))
        throw AccountError("'" + name + "' cannot be an account name: use 1 to 64 letters, digits and . _ @ -, "
                           "starting with a letter or digit");
    if (role.empty() || role == "system")
        throw AccountError(role.empty() ? "an account needs a role (--role), e.g. case_manager or sitzungsdienst"
                                        : "role 'system' is kimflow's own (its deadline tick); give the account "
                                          "another role");
    if (password) check_password_length(*password);
    StoredAccount s;
    s.account = Account{name, Actor{name, role, organization}, false, password.has_value(), at};
    if (password) s.password_hash = hash_password(*password);
    in_transaction(*store_, [&] {
        if (load_account(*store_, name))
            throw AccountError("there is an account '" + name + "' already; choose another name, or change that one");
        save_account(*store_, s);
        log_admin(*store_, "account/" + name, "add_account", "active",
                  "role=" + role + ", organization=" + organization + (password ? ", password set" : ""), by, at);
    });
}

void Accounts::set_disabled(const std::string& name, bool disabled, const Actor& by, Timestamp at)
{
    in_transaction(*store_, [&] {
        StoredAccount s = existing_account(*store_, name);
        s.account.disabled = disabled;
        save_account(*store_, s);
        log_admin(*store_, "account/" + name, disabled ? "disable_account" : "enable_account",
                  disabled ? "disabled" : "active", "", by, at);
    });
}

void Accounts::set_password(const std::string& name, const std::string& password, const Actor& by, Timestamp at)
{
    check_password_length(password);
    const std::string hashed = hash_password(password);
    in_transaction(*store_, [&] {
        StoredAccount s = existing_account(*store_, name);
        s.password_hash = hashed;
        save_account(*store_, s);
        log_admin(*store_, "account/" + name, "set_password", s.account.disabled ? "disabled" : "active", "", by, at);
    });
}

std::string Accounts::create_token(const std::string& name, std::chrono::seconds lifetime, const std::string& kind,
                                   const Actor& by, Timestamp at)
{
    if (lifetime.count() <= 0) throw AccountError("a token's lifetime must be positive, e.g. --days 90");
    const std::string id = hex(random_bytes(8));
    const std::string token = std::string(token_marker) + id + "_" + hex(random_bytes(24));
    in_transaction(*store_, [&] {
        const StoredAccount s = existing_account(*store_, name);
        if (s.account.disabled)
            throw AccountError("account '" + name + "' is disabled; enable it before making it a token");
        const nlohmann::json record{{"account", name},
                                    {"kind", kind},
                                    {"sha256", sha256_hex(token)},
                                    {"created_at", format_timestamp(at)},
                                    {"expires_at", format_timestamp(at + lifetime)}};
        store_->put_setting(std::string(token_prefix) + id, record.dump());
        // Logins make session tokens all day: only an administrator's tokens go into the chain.
        if (kind != "session" && kind != "web")
            log_admin(*store_, "account/" + name, "create_token", s.account.disabled ? "disabled" : "active",
                      "token=" + id + ", expires_at=" + format_timestamp(at + lifetime), by, at);
    });
    return token;
}

void Accounts::revoke_token(const std::string& id_or_token, const Actor& by, Timestamp at)
{
    const std::string id = id_or_token.rfind(token_marker, 0) == 0 ? std::string(token_id(id_or_token)) : id_or_token;
    in_transaction(*store_, [&] {
        const auto text = id.empty() ? std::nullopt : store_->setting(std::string(token_prefix) + id);
        if (!text)
            throw AccountError("there is no token '" + id_or_token +
                               "'; 'kimctl admin token list' shows the ids of those there are");
        auto j = nlohmann::json::parse(*text);
        if (!j.contains("revoked_at")) j["revoked_at"] = format_timestamp(at);
        store_->put_setting(std::string(token_prefix) + id, j.dump());
        const std::string account = j.at("account").get<std::string>();
        const auto owner = load_account(*store_, account);
        log_admin(*store_, "account/" + account, "revoke_token", owner && owner->account.disabled ? "disabled" : "active",
                  "token=" + id, by, at);
    });
}

std::optional<Account> Accounts::find(const std::string& name) const
{
    auto s = load_account(*store_, name);
    if (!s) return std::nullopt;
    return s->account;
}

std::vector<Account> Accounts::list() const
{
    std::vector<Account> out;
    for (const auto& [key, value] : store_->settings(account_prefix))
        out.push_back(account_from(key.substr(account_prefix.size()), value).account);
    return out;
}

std::vector<TokenRecord> Accounts::tokens(const std::string& name) const
{
    std::vector<TokenRecord> out;
    for (const auto& [key, value] : store_->settings(token_prefix)) {
        TokenRecord t = token_from(key.substr(token_prefix.size()), nlohmann::json::parse(value));
        if (name.empty() || t.account == name) out.push_back(std::move(t));
    }
    return out;
}

bool Accounts::any() const
{
    return !store_->settings(account_prefix).empty();
}

std::optional<Account> Accounts::check_password(const std::string& name, const std::string& password) const
{
    const auto s = valid_account_name(name) ? load_account(*store_, name) : std::nullopt;
    if (!s || !s->account.has_password) {
        (void)password_matches(decoy_hash(), password);
        return std::nullopt;
    }
    if (!password_matches(s->password_hash, password) || s->account.disabled) return std::nullopt;
    return s->account;
}

std::optional<Account> Accounts::check_token(std::string_view token, Timestamp now) const
{
    auto checked = check_token_record(token, now);
    if (!checked) return std::nullopt;
    return std::move(checked->first);
}

std::optional<std::pair<Account, TokenRecord>> Accounts::check_token_record(std::string_view token, Timestamp now) const
{
    const std::string_view id = token_id(token);
    if (id.empty() || id.size() > 32) return std::nullopt;
    const auto text = store_->setting(std::string(token_prefix) + std::string(id));
    if (!text) return std::nullopt;
    const auto j = nlohmann::json::parse(*text);
    const std::string expected = j.at("sha256").get<std::string>();
    const std::string actual = sha256_hex(token);
    if (expected.size() != actual.size() || CRYPTO_memcmp(expected.data(), actual.data(), actual.size()) != 0)
        return std::nullopt;
    const TokenRecord t = token_from(std::string(id), j);
    if (t.revoked_at || now >= t.expires_at) return std::nullopt;
    const auto s = load_account(*store_, t.account);
    if (!s || s->account.disabled) return std::nullopt;
    return std::pair<Account, TokenRecord>{s->account, t};
}

}  // namespace kimflow
