#include "config.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>

#include "context.hpp"

namespace kimctl {

namespace fs = std::filesystem;

namespace {

std::string trimmed(const std::string& text)
{
    const auto first = text.find_first_not_of(" \t\r");
    if (first == std::string::npos) return {};
    return text.substr(first, text.find_last_not_of(" \t\r") - first + 1);
}

std::string env(const char* name)
{
    const char* value = std::getenv(name);
    return value ? value : "";
}

}  // namespace

std::optional<std::string> config_path(const std::string& flag)
{
    const std::pair<std::string, const char*> named[] = {{flag, "--config"}, {env("KIMCTL_CONFIG"), "$KIMCTL_CONFIG"}};
    for (const auto& [given, where] : named) {
        if (given.empty()) continue;
        if (!fs::is_regular_file(given))
            throw UsageError(std::string(where) + ": there is no configuration file '" + given +
                             "'; check the path, or leave it out");
        return given;
    }
    fs::path folder = env("XDG_CONFIG_HOME");
    if (folder.empty()) {
        const std::string home = env("HOME");
        if (home.empty()) return std::nullopt;
        folder = fs::path(home) / ".config";
    }
    const fs::path path = folder / "kimflow" / "kimctl.conf";
    if (!fs::is_regular_file(path)) return std::nullopt;
    return path.string();
}

ConfigFile read_config(const std::string& path)
{
    std::ifstream in(path);
    if (!in) throw UsageError("cannot read the configuration file '" + path + "'; check its permissions");
    ConfigFile config;
    config.path = path;
    const fs::path folder = fs::path(path).parent_path();
    const auto beside = [&](const std::string& value) {
        const fs::path p(value);
        return (p.is_relative() ? folder / p : p).lexically_normal().string();
    };
    const std::map<std::string, std::optional<std::string> ConfigFile::*> keys{
        {"as", &ConfigFile::actor}, {"role", &ConfigFile::role}, {"org", &ConfigFile::organization},
        {"policy", &ConfigFile::policy}, {"db", &ConfigFile::db}, {"server", &ConfigFile::server},
        {"token", &ConfigFile::token}, {"ca_file", &ConfigFile::ca_file}};

    std::string line;
    for (int number = 1; std::getline(in, line); ++number) {
        const auto bad = [&](const std::string& why) {
            return UsageError(path + ", line " + std::to_string(number) + ": " + why);
        };
        if (const auto hash = line.find('#'); hash != std::string::npos) line.erase(hash);
        line = trimmed(line);
        if (line.empty()) continue;
        const auto eq = line.find('=');
        if (eq == std::string::npos)
            throw bad("'" + line + "' is not a setting; write key = value, e.g. role = case_manager");
        const std::string key = trimmed(line.substr(0, eq));
        std::string value = trimmed(line.substr(eq + 1));
        if (value.size() >= 2 && value.front() == '"' && value.back() == '"') value = value.substr(1, value.size() - 2);
        const auto known = keys.find(key);
        if (known == keys.end())
            throw bad("unknown key '" + key + "'; the keys are as, role, org, policy, db, server, token and ca_file");
        if (value.empty()) throw bad("'" + key + "' has no value; give one, or leave the line out");
        std::optional<std::string>& slot = config.*(known->second);
        if (slot) throw bad("'" + key + "' is set twice; keep one of the lines");
        slot = key == "policy" || key == "db" || key == "ca_file" ? beside(value) : value;
    }
    return config;
}

}  // namespace kimctl
