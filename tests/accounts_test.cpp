// kimflow::Accounts and the stored policy on both stores: who may be added, how a password and
// a token are checked (and when they stop working), and that every change is logged in the
// hash chain without its secret, while a refused change leaves nothing behind.
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include <kimflow/identity/accounts.hpp>
#include <kimflow/identity/stored_policy.hpp>
#include <kimflow/store/memory_store.hpp>
#include <kimflow/store/sqlite_store.hpp>

#include "temp_file.hpp"

using namespace kimflow;
using namespace std::chrono_literals;

namespace {

struct Backend {
    std::string name;
    std::function<std::shared_ptr<Store>(const std::string& path)> open;
};

const Actor kAdmin{"local:root", "administrator", ""};
const std::string kPassword = "correct horse battery";

class AccountsTest : public ::testing::TestWithParam<Backend> {
protected:
    TempFile file{"accounts"};
    std::shared_ptr<Store> store = GetParam().open(file.path());
    Accounts accounts{store};
    const Timestamp at = parse_timestamp("2025-03-01T09:00:00Z");

    /// The events logged about admin subject @p subject, oldest first.
    std::vector<std::string> logged(const std::string& subject) const
    {
        std::vector<std::string> out;
        for (const auto& t : store->history(admin_lifecycle, subject)) out.push_back(t.event);
        return out;
    }
    /// Every summary of the admin log of @p subject, joined.
    std::string summaries(const std::string& subject) const
    {
        std::string out;
        for (const auto& t : store->history(admin_lifecycle, subject)) out += t.summary + "\n" + t.payload + "\n";
        return out;
    }
};

TEST_P(AccountsTest, AddsAnAccountAsTheAdministratorSetsIt)
{
    EXPECT_FALSE(accounts.any());
    accounts.add("mkoch", "case_manager", "caritas", kPassword, kAdmin, at);
    EXPECT_TRUE(accounts.any());
    const auto a = accounts.find("mkoch");
    ASSERT_TRUE(a);
    EXPECT_EQ(a->name, "mkoch");
    EXPECT_EQ(a->actor, (Actor{"mkoch", "case_manager", "caritas"}));
    EXPECT_FALSE(a->disabled);
    EXPECT_TRUE(a->has_password);
    EXPECT_EQ(a->created_at, at);
    EXPECT_FALSE(accounts.find("nobody"));
    EXPECT_EQ(logged("account/mkoch"), std::vector<std::string>{"add_account"});
    EXPECT_EQ(store->history(admin_lifecycle, "account/mkoch")[0].actor, kAdmin);
}

TEST_P(AccountsTest, RefusesWhatCannotBeAnAccountAndKeepsNothingOfIt)
{
    accounts.add("mkoch", "case_manager", "caritas", std::nullopt, kAdmin, at);
    EXPECT_THROW(accounts.add("mkoch", "verwaltung", "Stadt", std::nullopt, kAdmin, at), AccountError);
    const std::vector<std::string> bad_names{"", ".hidden", "-x", "two words", "m\xC3\xBCller", "a/b", std::string(65, 'a')};
    for (const std::string& bad : bad_names)
        EXPECT_THROW(accounts.add(bad, "case_manager", "caritas", std::nullopt, kAdmin, at), AccountError) << bad;
    EXPECT_THROW(accounts.add("sys", "system", "", std::nullopt, kAdmin, at), AccountError);
    EXPECT_THROW(accounts.add("norole", "", "caritas", std::nullopt, kAdmin, at), AccountError);
    const std::string short_password(Accounts::min_password_bytes - 1, 'x');
    EXPECT_THROW(accounts.add("shorty", "case_manager", "caritas", short_password, kAdmin, at), AccountError);
    try {
        accounts.add("shorty", "case_manager", "caritas", short_password, kAdmin, at);
        ADD_FAILURE() << "a password of 11 bytes was taken";
    } catch (const AccountError& e) {
        EXPECT_NE(std::string(e.what()).find("at least 12"), std::string::npos) << e.what();
    }
    // AccountError is bad input, as hosts map InvalidData.
    EXPECT_THROW(accounts.add("mkoch", "x", "", std::nullopt, kAdmin, at), InvalidData);

    ASSERT_EQ(accounts.list().size(), 1u);
    EXPECT_EQ(accounts.find("mkoch")->actor.role, "case_manager") << "the duplicate changed nothing";
    EXPECT_EQ(logged("account/mkoch").size(), 1u);
    for (const char* name : {"shorty", "sys", "norole"}) EXPECT_FALSE(store->load(admin_lifecycle, std::string("account/") + name));
    EXPECT_TRUE(valid_account_name("a.weber@agora-ev.de"));
    EXPECT_TRUE(valid_account_name(std::string(64, 'a')));

    // A password of exactly the shortest length is taken.
    accounts.add("exact", "case_manager", "caritas", std::string(Accounts::min_password_bytes, 'y'), kAdmin, at);
    EXPECT_TRUE(accounts.find("exact")->has_password);
}

TEST_P(AccountsTest, ChecksPasswords)
{
    accounts.add("mkoch", "case_manager", "caritas", kPassword, kAdmin, at);
    accounts.add("robot", "importer", "", std::nullopt, kAdmin, at);
    ASSERT_TRUE(accounts.check_password("mkoch", kPassword));
    EXPECT_EQ(accounts.check_password("mkoch", kPassword)->actor, (Actor{"mkoch", "case_manager", "caritas"}));
    EXPECT_FALSE(accounts.check_password("mkoch", kPassword + "!"));
    EXPECT_FALSE(accounts.check_password("mkoch", ""));
    EXPECT_FALSE(accounts.check_password("MKOCH", kPassword));
    EXPECT_FALSE(accounts.check_password("nobody", kPassword));
    EXPECT_FALSE(accounts.check_password("robot", "")) << "no password set: tokens only";
    EXPECT_FALSE(accounts.check_password("robot", kPassword));

    accounts.set_disabled("mkoch", true, kAdmin, at);
    EXPECT_FALSE(accounts.check_password("mkoch", kPassword)) << "disabled";
    accounts.set_disabled("mkoch", false, kAdmin, at);
    EXPECT_TRUE(accounts.check_password("mkoch", kPassword));

    EXPECT_THROW(accounts.set_password("mkoch", "short", kAdmin, at), AccountError);
    EXPECT_TRUE(accounts.check_password("mkoch", kPassword)) << "a refused new password leaves the old one";
    accounts.set_password("mkoch", "a new passphrase here", kAdmin, at);
    EXPECT_FALSE(accounts.check_password("mkoch", kPassword));
    EXPECT_TRUE(accounts.check_password("mkoch", "a new passphrase here"));
    EXPECT_THROW(accounts.set_password("nobody", kPassword, kAdmin, at), AccountError);
    EXPECT_THROW(accounts.set_disabled("nobody", true, kAdmin, at), AccountError);
    accounts.set_password("robot", kPassword, kAdmin, at);
    EXPECT_TRUE(accounts.find("robot")->has_password);
    EXPECT_TRUE(accounts.check_password("robot", kPassword));
}

TEST_P(AccountsTest, ChecksTokensUntilTheyExpireOrAreRevoked)
{
    accounts.add("robot", "importer", "Stadt", std::nullopt, kAdmin, at);
    const std::string token = accounts.create_token("robot", 24h * 90, "api", kAdmin, at);
    ASSERT_FALSE(token.empty());
    EXPECT_EQ(token.find('\n'), std::string::npos);
    const auto who = accounts.check_token(token, at + 1h);
    ASSERT_TRUE(who);
    EXPECT_EQ(who->actor, (Actor{"robot", "importer", "Stadt"}));
    EXPECT_TRUE(accounts.check_token(token, at + 24h * 90 - 1s));
    EXPECT_FALSE(accounts.check_token(token, at + 24h * 90)) << "expired";
    EXPECT_FALSE(accounts.check_token(token, at + 24h * 365));

    // One character changed, anywhere, and it is no token.
    for (std::size_t i : {token.size() - 1, token.size() / 2, std::size_t{5}}) {
        std::string tampered = token;
        tampered[i] = tampered[i] == 'a' ? 'b' : 'a';
        EXPECT_FALSE(accounts.check_token(tampered, at + 1h)) << tampered;
    }
    EXPECT_FALSE(accounts.check_token("", at));
    EXPECT_FALSE(accounts.check_token("kft_", at));
    EXPECT_FALSE(accounts.check_token(token.substr(0, token.size() - 1), at + 1h));

    // A disabled account's tokens stop working, and work again when it is enabled; no new ones.
    accounts.set_disabled("robot", true, kAdmin, at);
    EXPECT_FALSE(accounts.check_token(token, at + 1h));
    EXPECT_THROW(accounts.create_token("robot", 24h, "api", kAdmin, at), AccountError);
    accounts.set_disabled("robot", false, kAdmin, at);
    EXPECT_TRUE(accounts.check_token(token, at + 1h));

    // Revoked by its id, or by the whole token: at once, and for good.
    const auto records = accounts.tokens("robot");
    ASSERT_EQ(records.size(), 1u);
    EXPECT_NE(token.find(records[0].id), std::string::npos);
    accounts.revoke_token(records[0].id, kAdmin, at + 2h);
    EXPECT_FALSE(accounts.check_token(token, at + 3h));
    EXPECT_EQ(accounts.tokens("robot")[0].revoked_at, at + 2h);
    const std::string second = accounts.create_token("robot", 24h, "api", kAdmin, at);
    accounts.revoke_token(second, kAdmin, at + 1h);
    EXPECT_FALSE(accounts.check_token(second, at + 2h));
    EXPECT_THROW(accounts.revoke_token("0123456789abcdef", kAdmin, at), AccountError);
    EXPECT_THROW(accounts.create_token("nobody", 24h, "api", kAdmin, at), AccountError);
    EXPECT_THROW(accounts.create_token("robot", 0s, "api", kAdmin, at), AccountError);
}

TEST_P(AccountsTest, ListsAccountsAndTheirTokens)
{
    accounts.add("zander", "verwaltung", "Stadt Castrop-Rauxel", kPassword, kAdmin, at);
    accounts.add("aweber", "case_manager", "AGORA", std::nullopt, kAdmin, at);
    const auto all = accounts.list();
    ASSERT_EQ(all.size(), 2u);
    EXPECT_EQ(all[0].name, "aweber") << "by name";
    EXPECT_FALSE(all[0].has_password);
    EXPECT_EQ(all[1].name, "zander");
    EXPECT_TRUE(all[1].has_password);

    accounts.create_token("aweber", 24h, "api", kAdmin, at);
    accounts.create_token("zander", 24h * 30, "session", kAdmin, at);
    EXPECT_EQ(accounts.tokens().size(), 2u);
    const auto zander = accounts.tokens("zander");
    ASSERT_EQ(zander.size(), 1u);
    EXPECT_EQ(zander[0].account, "zander");
    EXPECT_EQ(zander[0].kind, "session");
    EXPECT_EQ(zander[0].created_at, at);
    EXPECT_EQ(zander[0].expires_at, at + 24h * 30);
    EXPECT_FALSE(zander[0].revoked_at);
    EXPECT_TRUE(accounts.tokens("nobody").empty());
    // Logins make session tokens all day: only an administrator's go into the chain.
    EXPECT_EQ(logged("account/zander"), std::vector<std::string>{"add_account"});
    EXPECT_EQ(logged("account/aweber"), (std::vector<std::string>{"add_account", "create_token"}));
}

TEST_P(AccountsTest, LogsEveryChangeInTheChainWithoutItsSecret)
{
    accounts.add("mkoch", "case_manager", "caritas", kPassword, kAdmin, at);
    const std::string token = accounts.create_token("mkoch", 24h, "api", kAdmin, at + 1min);
    accounts.set_disabled("mkoch", true, kAdmin, at + 2min);
    accounts.set_disabled("mkoch", false, kAdmin, at + 3min);
    accounts.set_password("mkoch", "another long passphrase", kAdmin, at + 4min);
    accounts.revoke_token(token, kAdmin, at + 5min);
    EXPECT_EQ(logged("account/mkoch"), (std::vector<std::string>{"add_account", "create_token", "disable_account",
                                                                  "enable_account", "set_password", "revoke_token"}));
    const auto h = store->history(admin_lifecycle, "account/mkoch");
    EXPECT_EQ(h[2].to, "disabled");
    EXPECT_EQ(h[3].to, "active");
    EXPECT_EQ(h[5].at, at + 5min);
    for (const auto& t : h) EXPECT_EQ(t.actor, kAdmin);
    const std::string logged_text = summaries("account/mkoch");
    for (const std::string& secret : {kPassword, std::string("another long passphrase"), token,
                                      token.substr(token.rfind('_') + 1)})
        EXPECT_EQ(logged_text.find(secret), std::string::npos) << secret;
    const ChainCheck check = store->verify_chain();
    EXPECT_TRUE(check.ok());
    EXPECT_EQ(check.transitions, 6u);
}

TEST_P(AccountsTest, StoresAPolicyOnlyIfItReadsAndLogsItsHash)
{
    EXPECT_FALSE(stored_policy_text(*store));
    EXPECT_FALSE(stored_policy(*store));
    const std::string bad = "allow case case_manager * owner\nallow * * * everyone\n";
    try {
        set_stored_policy(*store, bad, kAdmin, at);
        FAIL() << "a malformed policy was stored";
    } catch (const InvalidData& e) {
        EXPECT_NE(std::string(e.what()).find("line 2"), std::string::npos) << e.what();
    }
    EXPECT_THROW(set_stored_policy(*store, "# nothing but a comment\n", kAdmin, at), InvalidData);
    EXPECT_FALSE(stored_policy_text(*store)) << "nothing stored";
    EXPECT_FALSE(store->load(admin_lifecycle, "policy")) << "nothing logged";
    EXPECT_EQ(store->verify_chain().transitions, 0u);

    const std::string text = "# Caritas and AGORA work their own cases\nallow case case_manager * owner\n";
    set_stored_policy(*store, text, kAdmin, at);
    EXPECT_EQ(stored_policy_text(*store), text);
    const auto policy = stored_policy(*store);
    ASSERT_TRUE(policy);
    ASSERT_EQ(policy->rules().size(), 1u);
    EXPECT_EQ(policy->rules()[0].role, "case_manager");
    const auto h = store->history(admin_lifecycle, "policy");
    ASSERT_EQ(h.size(), 1u);
    EXPECT_EQ(h[0].event, "set_policy");
    EXPECT_EQ(h[0].actor, kAdmin);
    EXPECT_NE(h[0].summary.find("sha256=8d476dc83753b93dc097bcfeb346b2c4fd37ea495bab8fc550f374e99711450d"),
              std::string::npos)
        << h[0].summary;

    // A later bad one leaves the stored one.
    EXPECT_THROW(set_stored_policy(*store, bad, kAdmin, at), InvalidData);
    EXPECT_EQ(stored_policy_text(*store), text);
    EXPECT_EQ(store->history(admin_lifecycle, "policy").size(), 1u);
    EXPECT_TRUE(store->verify_chain().ok());
}

const Backend kBackends[] = {
    {"memory", [](const std::string&) { return std::make_shared<InMemoryStore>(); }},
    {"sqlite", [](const std::string& path) { return std::make_shared<SqliteStore>(path); }},
};

INSTANTIATE_TEST_SUITE_P(Stores, AccountsTest, ::testing::ValuesIn(kBackends),
                         [](const ::testing::TestParamInfo<Backend>& info) { return info.param.name; });

}  // namespace
