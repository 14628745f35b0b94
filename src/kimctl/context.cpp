#include "context.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include <kimflow/audit/signing.hpp>
#include <kimflow/core/time.hpp>
#include <kimflow/identity/accounts.hpp>
#include <kimflow/identity/stored_policy.hpp>

#include "config.hpp"
#include "rules_commands.hpp"

namespace kimctl {

Options resolve(const Flags& flags, std::string at, bool json)
{
    ConfigFile file;
    if (const auto path = config_path(flags.config)) file = read_config(*path);
    const auto pick = [](const std::string& flag, const std::optional<std::string>& from_file) {
        return !flag.empty() ? flag : from_file.value_or("");
    };
    Options options;
    const char* env_db = std::getenv("KIMFLOW_DB");
    options.db = !flags.db.empty() ? flags.db : env_db && *env_db ? env_db : file.db.value_or("kimflow.db");
    options.actor = pick(flags.actor, file.actor);
    options.role = pick(flags.role, file.role);
    options.organization = pick(flags.organization, file.organization);
    options.policy = pick(flags.policy, file.policy);
    options.config = file.path;
    options.actor_from_config = flags.actor.empty() && file.actor.has_value();
    options.policy_from_config = flags.policy.empty() && file.policy.has_value();
    options.json = json;

    const auto env = [](const char* name) {
        const char* value = std::getenv(name);
        return std::string(value ? value : "");
    };
    if (flags.server_given) {
        options.server = flags.server;
        options.server_from = "--server";
    } else if (!env("KIMFLOW_SERVER").empty()) {
        options.server = env("KIMFLOW_SERVER");
        options.server_from = "$KIMFLOW_SERVER";
    } else if (file.server) {
        options.server = *file.server;
        options.server_from = "server in " + file.path;
    }
    if (!env("KIMFLOW_TOKEN").empty()) {
        options.token = env("KIMFLOW_TOKEN");
        options.token_from = "$KIMFLOW_TOKEN";
    } else if (file.token) {
        options.token = *file.token;
        options.token_from = "token in " + file.path;
    }
    options.signing_key = !flags.signing_key.empty() ? flags.signing_key : env("KIMFLOW_SIGNING_KEY");
    options.ca_file = !env("KIMFLOW_CA_FILE").empty() ? env("KIMFLOW_CA_FILE") : file.ca_file.value_or("");
    const std::pair<const std::string&, const char*> given[] = {{flags.actor, "--as"},   {flags.role, "--role"},
                                                                {flags.organization, "--org"},
                                                                {flags.policy, "--policy"}, {at, "--at"},
                                                                {flags.db, "--db"}};
    for (const auto& [value, name] : given)
        if (!value.empty()) options.local_only.push_back(name);
    const std::pair<const std::optional<std::string>&, const char*> kept[] = {
        {file.actor, "as"}, {file.role, "role"}, {file.organization, "org"}, {file.policy, "policy"}};
    for (const auto& [value, key] : kept)
        if (value) options.local_only.push_back(std::string(key) + " in " + file.path);
    options.at = std::move(at);
    return options;
}

Context::Context(Options options) : options_(std::move(options))
{
    if (options_.at.empty()) {
        now_ = kimflow::SystemClock{}.now();
    } else {
        try {
            now_ = kimflow::parse_timestamp(options_.at);
        } catch (const std::invalid_argument& e) {
            throw UsageError(std::string("--at: ") + e.what());
        }
    }
    clock_ = std::make_shared<kimflow::ManualClock>(now_);
}

kimflow::Timestamp Context::now() const { return now_; }

std::optional<kimflow::Timestamp> Context::recorded_at() const
{
    return options_.at.empty() ? std::nullopt : std::optional<kimflow::Timestamp>(now_);
}

kimflow::Actor Context::actor()
{
    const std::string file =
        options_.config.empty() ? "~/.config/kimflow/kimctl.conf (or --config FILE)" : options_.config;
    // On a database with accounts, nobody is who they say they are: they are who their token
    // says, and that is kimflowd's to check.
    const std::string through_server = "people work through kimflowd (kimctl --server URL, with their token in "
                                       "KIMFLOW_TOKEN); only an administrator on the server acts here (--role " +
                                       std::string(kAdministratorRole) + ")";
    if (options_.actor.empty()) {
        if (administered())
            throw UsageError("who acts? this database has accounts or a policy of its own: " + through_server);
        throw UsageError("who acts? give --as ID --role ROLE --org ORG (e.g. --as mkoch --role case_manager "
                         "--org caritas), or write `as = ID`, `role = ROLE`, `org = ORG` into " + file);
    }
    if (options_.role == "system" || options_.actor == "system")
        throw UsageError("'system' is kimflow's own actor and role (ticks and the Beschlusskontrolle act as it); act "
                         "as yourself in your own role");
    if (options_.role.empty())
        throw UsageError("in which role does '" + options_.actor + "' act? give --role ROLE (e.g. case_manager, " +
                         "verwaltung), or write `role = ROLE` into " + file);
    if (options_.role != kAdministratorRole && administered()) {
        const Administration a = administration();
        throw LocalRefusal(std::string(a.accounts ? "this database has accounts" : "this database keeps its own policy") +
                           ", so it does not take --as " + options_.actor + " --role " + options_.role +
                           (options_.actor_from_config ? " (from " + options_.config + ")" : "") + ": " +
                           through_server + "\n(nothing changed)");
    }
    return {options_.actor, options_.role, options_.organization};
}

std::shared_ptr<const kimflow::Policy> Context::policy()
{
    if (policy_) return policy_;
    if (administered()) {
        if (!options_.policy.empty())
            throw LocalRefusal("this database keeps its own policy, so it does not take --policy " + options_.policy +
                               (options_.policy_from_config ? " (from " + options_.config + "; remove that line)" : "") +
                               ": `kimctl admin policy show` shows it, `kimctl admin policy set FILE` changes it (an "
                               "administrator on the server)\n(nothing changed)");
        try {
            if (auto stored = kimflow::stored_policy(store()))
                return policy_ = std::make_shared<const kimflow::Policy>(std::move(*stored));
        } catch (const kimflow::InvalidData& e) {
            throw kimflow::InvalidData(std::string("the database's stored ") + e.what() +
                                       " (an administrator stores a good one with `kimctl admin policy set FILE`)");
        }
        return policy_ = std::make_shared<const kimflow::Policy>(kimflow::default_policy());
    }
    if (options_.policy.empty()) return policy_ = std::make_shared<const kimflow::Policy>(kimflow::default_policy());
    std::ifstream in(options_.policy, std::ios::binary);
    if (!in) throw UsageError("cannot read the policy file '" + options_.policy + "'; check the path");
    std::ostringstream text;
    text << in.rdbuf();
    try {
        return policy_ = std::make_shared<const kimflow::Policy>(kimflow::Policy::parse(text.str()));
    } catch (const kimflow::InvalidData& e) {
        throw UsageError(options_.policy + ": " + e.what());
    }
}

bool Context::administered()
{
    const Administration a = administration();
    return a.accounts || a.policy;
}

Context::Administration Context::administration()
{
    if (administration_) return *administration_;
    // No file yet: nothing is administered, and the command's own error (`kimctl init`) comes
    // when it opens the database. Not remembered, since init may create the file.
    if (!store_ && !std::filesystem::exists(options_.db)) return {};
    Administration a;
    a.accounts = kimflow::Accounts(store_ptr()).any();
    a.policy = kimflow::stored_policy_text(store()).has_value();
    return *(administration_ = a);
}

namespace {

// Whether this process may write @p path, and it is meant to be written (a file or folder made
// read-only is an archive, also for root, who could write it anyway).
bool writable(const std::filesystem::path& path)
{
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 && (st.st_mode & 0222) != 0 && ::access(path.c_str(), W_OK) == 0;
}

}  // namespace

std::shared_ptr<kimflow::SqliteStore> Context::store_ptr(bool create)
{
    if (!store_) {
        kimflow::SqliteOptions options;
        // Only `kimctl init` makes a database: a mistyped --db, or an empty file, is refused
        // rather than quietly turned into a new, empty one.
        options.create = create;
        if (!create) {
            std::error_code ec;
            if (!std::filesystem::exists(options_.db, ec))
                throw kimflow::StoreError("there is no database '" + options_.db +
                                          "'; create it with `kimctl init`, or name another with --db FILE");
            if (std::filesystem::is_regular_file(options_.db, ec) && std::filesystem::file_size(options_.db, ec) == 0)
                throw kimflow::StoreError("'" + options_.db + "' is empty: it holds no kimflow database; create one "
                                          "there with `kimctl init`, or name another with --db FILE (nothing changed)");
            // An archived copy (read-only file, folder or mount) is opened for reading, so that
            // show, list, history, export and verify work on it; a write is refused.
            std::filesystem::path folder = std::filesystem::path(options_.db).parent_path();
            if (folder.empty()) folder = ".";
            options.read_only = !writable(options_.db) || !writable(folder);
        }
        if (!options_.signing_key.empty())
            options.signer =
                std::make_shared<kimflow::audit::SigningKey>(kimflow::audit::SigningKey::load(options_.signing_key));
        store_ = std::make_shared<kimflow::SqliteStore>(options_.db, options);
    }
    return store_;
}

kimflow::SqliteStore& Context::store(bool create) { return *store_ptr(create); }

kimflow::paper::PaperEngine& Context::papers()
{
    if (!papers_)
        papers_ = std::make_unique<kimflow::paper::PaperEngine>(paper_rules(*store_ptr()), clock_, store_ptr(),
                                                                engine_options());
    return *papers_;
}

kimflow::kim::CaseEngine& Context::cases()
{
    if (!cases_)
        cases_ = std::make_unique<kimflow::kim::CaseEngine>(kimflow::kim::CaseConfig{}, clock_, store_ptr(),
                                                            engine_options());
    return *cases_;
}

kimflow::resolution::ResolutionEngine& Context::resolutions()
{
    if (!resolutions_)
        resolutions_ = std::make_unique<kimflow::resolution::ResolutionEngine>(
            papers(), kimflow::resolution::ResolutionConfig{}, clock_, engine_options());
    return *resolutions_;
}

kimflow::EngineOptions Context::engine_options()
{
    kimflow::EngineOptions options;
    options.policy = policy();
    return options;
}

void Context::print(const nlohmann::json& j) const
{
    // Text that is not UTF-8 (e.g. imported from a broken file) is shown with U+FFFD rather
    // than failing the whole output.
    std::cout << j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
}

void Context::emit(const std::string& text, const std::string& path) const
{
    if (path.empty() || path == "-") {
        std::cout << text;
        return;
    }
    std::ofstream out(path, std::ios::binary);
    out << text;
    out.close();
    if (!out) throw ToolError("cannot write '" + path + "'; check the folder exists and is writable");
}

std::string read_file(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in) throw UsageError("cannot read '" + path + "'; check the path");
    std::ostringstream text;
    text << in.rdbuf();
    return std::move(text).str();
}

Kind kind_of(const std::string& word)
{
    return word == "paper" ? Kind::paper : word == "resolution" ? Kind::resolution : Kind::kim_case;
}

}  // namespace kimctl
