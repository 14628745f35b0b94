// kimctl admin: accounts, tokens and the stored policy (admin_commands.hpp). The checks and the
// audit trail are kimflow::Accounts' and set_stored_policy()'s; this file reads the command
// line and stdin, and prints.
#include "admin_commands.hpp"

#include <pwd.h>
#include <termios.h>
#include <unistd.h>

#include <chrono>
#include <iostream>
#include <memory>
#include <optional>
#include <string>

#include <kimflow/identity/accounts.hpp>
#include <kimflow/identity/stored_policy.hpp>
#include <kimflow/io/json.hpp>
#include <kimflow/io/table.hpp>

namespace kimctl {

using namespace kimflow;

Actor admin_actor(const Context& ctx)
{
    const Options& o = ctx.options();
    if (o.actor == "system")
        throw UsageError("'system' is kimflow's own actor (ticks act as it); give your own id with --as, or none");
    if (!o.actor.empty() && o.role == kAdministratorRole) return {o.actor, o.role, o.organization};
    // Whoever can write the database file on the server is its administrator de facto; the
    // trail names them by their login, so that it says who it was.
    const passwd* user = ::getpwuid(::geteuid());
    const std::string login = user && user->pw_name && *user->pw_name ? user->pw_name
                                                                       : "uid" + std::to_string(::geteuid());
    return {"local:" + login, kAdministratorRole, ""};
}

namespace {

/// The first line of stdin without its line end: a password piped in by a script, or typed at
/// a terminal (then without echo).
/// @throws UsageError if there is none
std::string password_from_stdin()
{
    const bool terminal = ::isatty(STDIN_FILENO) == 1;
    termios saved{};
    if (terminal && ::tcgetattr(STDIN_FILENO, &saved) == 0) {
        termios quiet = saved;
        quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
        ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
        std::cerr << "Passwort: " << std::flush;
    }
    std::string line;
    const bool read = static_cast<bool>(std::getline(std::cin, line));
    if (terminal) {
        ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
        std::cerr << '\n';
    }
    if (!line.empty() && line.back() == '\r') line.pop_back();  // a line from Windows
    if (!read || line.empty())
        throw UsageError("no password on stdin: give it as the first line, e.g. `printf '%s\\n' \"$PASS\" | kimctl "
                         "admin account ...`; nothing changed");
    return line;
}

Accounts accounts(Context& ctx) { return Accounts(ctx.store_ptr()); }

const char* yes_no(bool b) { return b ? "ja" : "nein"; }

nlohmann::json account_json(const Account& a)
{
    return {{"name", a.name},
            {"role", a.actor.role},
            {"organization", a.actor.organization},
            {"disabled", a.disabled},
            {"has_password", a.has_password},
            {"created_at", format_timestamp(a.created_at)}};
}

nlohmann::json token_json(const TokenRecord& t)
{
    return {{"id", t.id},
            {"account", t.account},
            {"kind", t.kind},
            {"created_at", format_timestamp(t.created_at)},
            {"expires_at", format_timestamp(t.expires_at)},
            {"revoked_at", t.revoked_at ? nlohmann::json(format_timestamp(*t.revoked_at)) : nlohmann::json(nullptr)}};
}

/// Prints what an account is now: its JSON with --json, else @p done and a line of it.
void print_account(Context& ctx, const std::string& name, const std::string& done)
{
    const auto a = accounts(ctx).find(name);
    if (!a) return;
    if (ctx.json()) return ctx.print(account_json(*a));
    std::cout << "Konto " << a->name << ' ' << done << " (Rolle " << a->actor.role
              << (a->actor.organization.empty() ? "" : ", Organisation " + a->actor.organization) << ", "
              << (a->disabled ? "gesperrt" : "aktiv") << ", "
              << (a->has_password ? "mit Passwort" : "ohne Passwort: nur Token") << ")\n";
}

void account_list(Context& ctx)
{
    const auto all = accounts(ctx).list();
    if (ctx.json()) {
        nlohmann::json j = nlohmann::json::array();
        for (const auto& a : all) j.push_back(account_json(a));
        return ctx.print(j);
    }
    if (all.empty()) {
        std::cout << "(keine Konten; `kimctl admin account add NAME --role ROLE --org ORG` legt eines an)\n";
        return;
    }
    Table t({"Konto", "Rolle", "Organisation", "Status", "Passwort", "angelegt"});
    for (const auto& a : all)
        t.add({a.name, a.actor.role, a.actor.organization.empty() ? "-" : a.actor.organization,
               a.disabled ? "gesperrt" : "aktiv", yes_no(a.has_password), format_timestamp(a.created_at)});
    std::cout << t.render();
}

void token_list(Context& ctx, const std::string& name)
{
    Accounts acc = accounts(ctx);
    if (!name.empty() && !acc.find(name))
        throw AccountError("there is no account '" + name + "'; 'kimctl admin account list' shows those there are");
    const auto all = acc.tokens(name);
    if (ctx.json()) {
        nlohmann::json j = nlohmann::json::array();
        for (const auto& t : all) j.push_back(token_json(t));
        return ctx.print(j);
    }
    if (all.empty()) {
        std::cout << "(keine Token)\n";
        return;
    }
    Table t({"Token-ID", "Konto", "Art", "angelegt", "gültig bis", "widerrufen"});
    for (const auto& r : all)
        t.add({r.id, r.account, r.kind, format_timestamp(r.created_at), format_timestamp(r.expires_at),
               r.revoked_at ? format_timestamp(*r.revoked_at) : "nein"});
    std::cout << t.render();
}

void policy_set(Context& ctx, const std::string& file)
{
    const std::string text = read_file(file);
    try {
        set_stored_policy(ctx.store(), text, admin_actor(ctx), ctx.now());
    } catch (const InvalidData& e) {
        throw InvalidData(file + ": " + e.what() + "; nothing changed");
    }
    const Policy stored = *stored_policy(ctx.store());
    const std::size_t rules = stored.rules().size();
    // The deadline tick, and a resolution keeping its paper in step, fire as role `system`: a
    // policy without those rules stops the deadlines and the Beschlusskontrolle.
    std::vector<std::string> missing;
    for (const auto& [lifecycle, event] :
         {std::pair{"paper", "answer_overdue"}, std::pair{"paper", "attach_resolution"},
          std::pair{"paper", "settle_resolution"}, std::pair{"case", "follow_up_due"},
          std::pair{"resolution", "became_overdue"}})
        if (stored.scopes(system_actor(), lifecycle, event).empty())
            missing.push_back(std::string("allow ") + lifecycle + " system " + event + " any");
    if (!missing.empty()) {
        std::cerr << "kimctl: Warnung: die Richtlinie lässt die Rolle system nicht alles tun, was kimflow selbst "
                     "auslöst (Fristen, Beschlusskontrolle); das wird verweigert. Fehlende Regeln:\n";
        for (const auto& line : missing) std::cerr << "  " << line << '\n';
    }
    if (ctx.json()) return ctx.print({{"stored", true}, {"file", file}, {"rules", rules}});
    std::cout << "Richtlinie aus " << file << " gespeichert (" << rules << (rules == 1 ? " Regel" : " Regeln")
              << "); kimctl und kimflowd prüfen auf dieser Datenbank nur noch gegen sie\n";
}

void policy_show(Context& ctx)
{
    const auto text = stored_policy_text(ctx.store());
    if (ctx.json()) {
        nlohmann::json j{{"stored", text.has_value()}, {"text", nullptr}};
        if (text) j["text"] = *text;
        return ctx.print(j);
    }
    if (!text) {
        std::cerr << "kimctl: this database keeps no policy of its own: kimflow's default policy applies (README: "
                     "the policy); `kimctl admin policy set FILE` stores one\n";
        return;
    }
    std::cout << *text;  // exactly as stored: shown, edited and set again, it is the same text
}

/// The arguments of every admin command; only the chosen command's are read.
struct AdminArgs {
    std::string name, role, organization, file, token_id;
    bool password_stdin = false;
    int days = 90;
};

}  // namespace

void add_admin_commands(CLI::App& app, const std::function<void(std::function<int(Context&)>)>& choose)
{
    // The parsed values, and choose, must outlive this function: the callbacks run when
    // app.parse() does. (choose is copied into each callback: it may be a temporary.)
    auto args = std::make_shared<AdminArgs>();
    auto* admin = app.add_subcommand("admin", "Accounts, tokens and the policy of a database kimflowd serves; for "
                                              "the administrator on the server, logged in the audit trail");
    admin->require_subcommand(1);

    auto* account = admin->add_subcommand("account", "The accounts people and systems log in to kimflowd with");
    account->require_subcommand(1);
    auto* add = account->add_subcommand("add", "Add an account: who it acts as (role, organisation) is set here, "
                                               "never by the caller");
    add->add_option("name", args->name, "The login name, also the actor's id, e.g. mkoch")->required();
    add->add_option("--role", args->role, "The role it acts in, e.g. case_manager, sitzungsdienst")->required();
    add->add_option("--org", args->organization, "The organisation it acts for, e.g. caritas");
    add->add_flag("--password-stdin", args->password_stdin,
                  "Read its password from the first line of stdin (without it: no password, tokens only)");
    add->callback([args, choose] {
        choose([args](Context& ctx) {
            std::optional<std::string> password;
            if (args->password_stdin) password = password_from_stdin();
            accounts(ctx).add(args->name, args->role, args->organization, password, admin_actor(ctx), ctx.now());
            return print_account(ctx, args->name, "angelegt"), 0;
        });
    });
    for (const bool disable : {true, false}) {
        auto* cmd = account->add_subcommand(disable ? "disable" : "enable",
                                            disable ? "Disable an account: it can no longer log in, its tokens stop working"
                                                    : "Enable a disabled account again");
        cmd->add_option("name", args->name, "The account")->required();
        cmd->callback([args, disable, choose] {
            choose([args, disable](Context& ctx) {
                accounts(ctx).set_disabled(args->name, disable, admin_actor(ctx), ctx.now());
                return print_account(ctx, args->name, disable ? "gesperrt" : "entsperrt"), 0;
            });
        });
    }
    auto* passwd = account->add_subcommand("passwd", "Set an account's password, read from the first line of stdin");
    passwd->add_option("name", args->name, "The account")->required();
    passwd->callback([args, choose] {
        choose([args](Context& ctx) {
            Accounts acc = accounts(ctx);
            // Asked before the password is read: a typo in the name should not cost a typed password.
            if (!acc.find(args->name))
                throw AccountError("there is no account '" + args->name +
                                   "'; 'kimctl admin account list' shows those there are");
            acc.set_password(args->name, password_from_stdin(), admin_actor(ctx), ctx.now());
            return print_account(ctx, args->name, "hat ein neues Passwort"), 0;
        });
    });
    account->add_subcommand("list", "Every account (--json: name, role, organization, disabled, has_password, "
                                    "created_at)")
        ->callback([choose] { choose([](Context& ctx) { return account_list(ctx), 0; }); });

    auto* token = admin->add_subcommand("token", "Tokens: what scripts and other systems log in to kimflowd with");
    token->require_subcommand(1);
    auto* create = token->add_subcommand("create", "Make a token for an account and print it, alone on stdout: it is "
                                                   "shown only now (only its hash is kept)");
    create->add_option("name", args->name, "The account")->required();
    create->add_option("--days", args->days, "How many days it works")->check(CLI::Range(1, 3650))->capture_default_str();
    create->callback([args, choose] {
        choose([args](Context& ctx) {
            const std::string t = accounts(ctx).create_token(args->name, std::chrono::hours(24) * args->days, "api",
                                                             admin_actor(ctx), ctx.now());
            std::cout << t << '\n';
            return 0;
        });
    });
    auto* list = token->add_subcommand("list", "The tokens of one account, or of all (--json: id, account, kind, "
                                               "created_at, expires_at, revoked_at)");
    list->add_option("name", args->name, "Only this account's");
    list->callback([args, choose] { choose([args](Context& ctx) { return token_list(ctx, args->name), 0; }); });
    auto* revoke = token->add_subcommand("revoke", "Revoke a token: it stops working at once");
    revoke->add_option("id", args->token_id, "Its Token-ID (kimctl admin token list), or the whole token")->required();
    revoke->callback([args, choose] {
        choose([args](Context& ctx) {
            accounts(ctx).revoke_token(args->token_id, admin_actor(ctx), ctx.now());
            if (ctx.json()) return ctx.print({{"revoked", args->token_id}}), 0;
            std::cout << "Token " << args->token_id << " widerrufen\n";
            return 0;
        });
    });

    auto* policy = admin->add_subcommand("policy", "The policy the database keeps: once stored, everyone on it is "
                                                   "checked against it, and no --policy FILE is taken");
    policy->require_subcommand(1);
    auto* set = policy->add_subcommand("set", "Store a policy file (checked first: a bad file changes nothing)");
    set->add_option("file", args->file, "The policy: `allow LIFECYCLE ROLE ACTION[,ACTION...] any|owner|overseer` "
                                        "a line")
        ->required();
    set->callback([args, choose] { choose([args](Context& ctx) { return policy_set(ctx, args->file), 0; }); });
    policy->add_subcommand("show", "Print the stored policy's text (none stored: the default applies, said on stderr)")
        ->callback([choose] { choose([](Context& ctx) { return policy_show(ctx), 0; }); });
}

}  // namespace kimctl
