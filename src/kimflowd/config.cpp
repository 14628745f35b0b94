#include "config.hpp"

#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <stdexcept>

namespace kimflowd {

namespace {

std::string trimmed(const std::string& text)
{
    const auto first = text.find_first_not_of(" \t\r");
    if (first == std::string::npos) return {};
    return text.substr(first, text.find_last_not_of(" \t\r") - first + 1);
}

long number(const std::string& key, const std::string& value, long min, long max)
{
    std::size_t used = 0;
    long n = 0;
    try {
        n = std::stol(value, &used);
    } catch (const std::exception&) {
        used = 0;
    }
    if (used != value.size() || value.empty() || n < min || n > max)
        throw ConfigError(key + " = " + value + ": give a whole number from " + std::to_string(min) + " to " +
                          std::to_string(max));
    return n;
}

}  // namespace

void set_listen(Config& config, const std::string& value)
{
    const auto colon = value.rfind(':');
    if (colon == std::string::npos || colon == 0)
        throw ConfigError("listen = " + value + ": give HOST:PORT, e.g. 127.0.0.1:8080 (port 0: any free port)");
    config.host = value.substr(0, colon);
    if (config.host.size() > 2 && config.host.front() == '[' && config.host.back() == ']')
        config.host = config.host.substr(1, config.host.size() - 2);
    config.port = static_cast<int>(number("listen port", value.substr(colon + 1), 0, 65535));
}

bool is_postgresql(const std::string& db)
{
    return db.rfind("postgresql://", 0) == 0 || db.rfind("postgres://", 0) == 0;
}

void read_config_file(const std::string& path, Config& config)
{
    std::ifstream in(path);
    if (!in) throw ConfigError("cannot read the configuration file '" + path + "'; check the path and permissions");
    config.path = path;
    const std::filesystem::path folder = std::filesystem::path(path).parent_path();
    const auto beside = [&](const std::string& value) {
        const std::filesystem::path p(value);
        return p.is_absolute() ? value : (folder / p).string();
    };
    const std::map<std::string, std::function<void(const std::string&, const std::string&)>> keys{
        {"db", [&](auto&, auto& v) { config.db = is_postgresql(v) ? v : beside(v); }},
        {"listen", [&](auto&, auto& v) { set_listen(config, v); }},
        {"durability",
         [&](auto& k, auto& v) {
             if (v != "full" && v != "normal") throw ConfigError(k + " = " + v + ": give full or normal");
             config.durability_full = v == "full";
         }},
        {"busy_timeout_ms", [&](auto& k, auto& v) { config.busy_timeout_ms = static_cast<int>(number(k, v, 0, 600000)); }},
        {"tls_cert", [&](auto&, auto& v) { config.tls_cert = beside(v); }},
        {"tls_key", [&](auto&, auto& v) { config.tls_key = beside(v); }},
        {"signing_key", [&](auto&, auto& v) { config.signing_key = beside(v); }},
        {"public_keys", [&](auto&, auto& v) { config.public_keys = beside(v); }},
        {"trusted_proxy",
         [&](auto&, auto& v) {
             std::size_t start = 0;
             while (start <= v.size()) {
                 const auto comma = v.find(',', start);
                 const std::string one = trimmed(v.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
                 if (!one.empty()) config.trusted_proxies.push_back(one);
                 if (comma == std::string::npos) break;
                 start = comma + 1;
             }
         }},
        {"proxy_user_header", [&](auto&, auto& v) { config.proxy_user_header = v; }},
        {"proxy_secret",
         [&](auto& k, auto& v) {
             if (v.size() < 16) throw ConfigError(k + ": give at least 16 characters (a random string)");
             config.proxy_secret = v;
         }},
        {"max_body_bytes", [&](auto& k, auto& v) { config.max_body_bytes = static_cast<std::size_t>(number(k, v, 1024, 1L << 30)); }},
        {"max_header_bytes", [&](auto& k, auto& v) { config.max_header_bytes = static_cast<std::size_t>(number(k, v, 1024, 1 << 20)); }},
        {"timeout_seconds", [&](auto& k, auto& v) { config.timeout_seconds = static_cast<int>(number(k, v, 1, 3600)); }},
        {"rate_per_second", [&](auto& k, auto& v) { config.rate_per_second = static_cast<double>(number(k, v, 0, 1000000)); }},
        {"rate_burst", [&](auto& k, auto& v) { config.rate_burst = static_cast<double>(number(k, v, 1, 1000000)); }},
        {"threads", [&](auto& k, auto& v) { config.threads = static_cast<int>(number(k, v, 2, 1024)); }},
        {"max_streams", [&](auto& k, auto& v) { config.max_streams = static_cast<int>(number(k, v, 0, 1024)); }},
        {"session_idle_seconds", [&](auto& k, auto& v) { config.session_idle_seconds = static_cast<int>(number(k, v, 1, 24 * 3600)); }},
        {"session_hours", [&](auto& k, auto& v) { config.session_hours = static_cast<int>(number(k, v, 1, 24 * 366)); }},
        {"tick_seconds", [&](auto& k, auto& v) { config.tick_seconds = static_cast<int>(number(k, v, 0, 86400)); }},
        {"max_batch", [&](auto& k, auto& v) { config.max_batch = static_cast<std::size_t>(number(k, v, 1, 100000)); }},
        {"login_failures_per_account",
         [&](auto& k, auto& v) { config.login_failures_per_account = static_cast<int>(number(k, v, 1, 1000)); }},
        {"login_failures_per_address",
         [&](auto& k, auto& v) { config.login_failures_per_address = static_cast<int>(number(k, v, 1, 100000)); }},
        {"login_lock_seconds", [&](auto& k, auto& v) { config.login_lock_seconds = static_cast<int>(number(k, v, 1, 86400)); }},
        {"idempotency_hours", [&](auto& k, auto& v) { config.idempotency_hours = static_cast<int>(number(k, v, 1, 24 * 31)); }},
    };
    std::string line;
    for (int n = 1; std::getline(in, line); ++n) {
        if (const auto hash = line.find('#'); hash != std::string::npos) line.erase(hash);
        line = trimmed(line);
        if (line.empty()) continue;
        const auto eq = line.find('=');
        const std::string where = path + ", line " + std::to_string(n) + ": ";
        if (eq == std::string::npos) throw ConfigError(where + "write 'key = value'");
        const std::string key = trimmed(line.substr(0, eq)), value = trimmed(line.substr(eq + 1));
        const auto it = keys.find(key);
        if (it == keys.end()) {
            std::string known;
            for (const auto& [name, set] : keys) known += (known.empty() ? "" : ", ") + name;
            throw ConfigError(where + "unknown key '" + key + "'; the keys are: " + known);
        }
        try {
            it->second(key, value);
        } catch (const ConfigError& e) {
            throw ConfigError(where + e.what());
        }
    }
}

}  // namespace kimflowd
