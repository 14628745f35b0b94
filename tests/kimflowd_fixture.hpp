// The shared part of kimflowd's tests: a database of the test's own with accounts made through
// the library, the real kimflowd started on a free port of 127.0.0.1 (it logs the port it took),
// and an HTTP client with a time limit on every call.
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <httplib.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <nlohmann/json.hpp>

#include <kimflow/identity/accounts.hpp>
#include <kimflow/identity/stored_policy.hpp>
#include <kimflow/store/sqlite_store.hpp>

#include "temp_file.hpp"

extern char** environ;

namespace kimflowd_test {

using nlohmann::json;

inline kimflow::Timestamp wall_now()
{
    return std::chrono::time_point_cast<std::chrono::microseconds>(std::chrono::system_clock::now());
}

/// The day @p days from today, as YYYY-MM-DD (a due date a fire takes today and tomorrow).
inline std::string today_plus(int days)
{
    return kimflow::format_date(kimflow::date_of(wall_now()) + date::days{days});
}

/// The administrator who sets up a test's accounts.
inline const kimflow::Actor kSetup{"setup", "administrator", ""};

/// A database with accounts, for kimflowd to serve.
class Database {
public:
    Database() : store_(std::make_shared<kimflow::SqliteStore>(file_.path())), accounts_(store_) {}

    const std::string& path() const { return file_.path(); }
    kimflow::Accounts& accounts() { return accounts_; }
    kimflow::SqliteStore& store() { return *store_; }

    /// Adds an account with password "password-of-NAME" and returns an API token for it.
    std::string add(const std::string& name, const std::string& role, const std::string& org,
                    std::chrono::seconds lifetime = std::chrono::hours(24))
    {
        accounts_.add(name, role, org, "password-of-" + name, kSetup, wall_now());
        return accounts_.create_token(name, lifetime, "api", kSetup, wall_now());
    }

    /// Lets go of the file (kimflowd opens it on its own).
    void close() { store_.reset(); }

private:
    TempFile file_{"kimflowd"};
    std::shared_ptr<kimflow::SqliteStore> store_;
    kimflow::Accounts accounts_;
};

/// A running kimflowd; SIGTERM and wait when it goes out of scope.
class Server {
public:
    /// Starts kimflowd on @p db with @p config_lines as its configuration file (key = value).
    explicit Server(const std::string& db, const std::vector<std::string>& config_lines = {}) : db_(db) { start(config_lines); }
    ~Server()
    {
        if (pid_ > 0) {
            ::kill(pid_, SIGTERM);
            int status = 0;
            ::waitpid(pid_, &status, 0);
        }
    }
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    int port() const { return port_; }
    pid_t pid() const { return pid_; }
    /// What it logged so far.
    std::string log() const
    {
        std::ifstream in(log_path_);
        return std::string(std::istreambuf_iterator<char>(in), {});
    }

    /// SIGTERM, and its exit code (-1 if a signal ended it).
    int stop()
    {
        ::kill(pid_, SIGTERM);
        return wait();
    }
    /// SIGKILL: no chance to finish anything.
    void kill()
    {
        ::kill(pid_, SIGKILL);
        wait();
    }
    int wait()
    {
        int status = 0;
        ::waitpid(pid_, &status, 0);
        pid_ = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    }
    /// Starts it again on the same database and configuration (after stop() or kill()).
    void restart() { start(config_lines_); }

    /// A client of it, with a 10 s limit on every call.
    std::unique_ptr<httplib::Client> client() const
    {
        auto c = std::make_unique<httplib::Client>("127.0.0.1", port_);
        c->set_connection_timeout(10, 0);
        c->set_read_timeout(10, 0);
        c->set_write_timeout(10, 0);
        c->set_tcp_nodelay(true);
        return c;
    }

private:
    void start(const std::vector<std::string>& config_lines)
    {
        config_lines_ = config_lines;
        static int counter = 0;
        const std::string base =
            testing::TempDir() + "kimflowd-" + std::to_string(::getpid()) + "-" + std::to_string(++counter);
        log_path_ = base + ".log";
        const std::string config_path = base + ".conf";
        {
            std::ofstream conf(config_path);
            conf << "tick_seconds = 0\n";
            for (const auto& line : config_lines) conf << line << '\n';
        }
        std::vector<std::string> args{KIMFLOWD_PATH, "--db", db_, "--listen", "127.0.0.1:0", "--config", config_path};
        std::vector<char*> argv;
        for (auto& a : args) argv.push_back(a.data());
        argv.push_back(nullptr);
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_addopen(&actions, 2, log_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
        const int rc = ::posix_spawn(&pid_, KIMFLOWD_PATH, &actions, nullptr, argv.data(), environ);
        posix_spawn_file_actions_destroy(&actions);
        if (rc != 0) throw std::runtime_error("cannot start kimflowd");
        // It logs {"event":"listening","address":"127.0.0.1:PORT",…} once it has bound the port.
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
        port_ = 0;
        while (std::chrono::steady_clock::now() < deadline && port_ == 0) {
            std::istringstream lines(log());
            for (std::string line; std::getline(lines, line);) {
                const auto j = json::parse(line, nullptr, false);
                if (j.is_object() && j.value("event", "") == "listening") {
                    const std::string address = j.at("address");
                    port_ = std::stoi(address.substr(address.rfind(':') + 1));
                }
            }
            int status = 0;
            if (::waitpid(pid_, &status, WNOHANG) == pid_) {
                pid_ = -1;
                throw std::runtime_error("kimflowd ended at start: " + log());
            }
            if (port_ == 0) std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        if (port_ == 0) throw std::runtime_error("kimflowd did not say where it listens: " + log());
        // It answers /readyz once it serves (over TLS if it was given a certificate).
        const bool tls = std::any_of(config_lines.begin(), config_lines.end(),
                                     [](const std::string& line) { return line.rfind("tls_cert", 0) == 0; });
        std::unique_ptr<httplib::ClientImpl> c;
        if (tls) {
            auto secure = std::make_unique<httplib::SSLClient>("127.0.0.1", port_);
            secure->enable_server_certificate_verification(false);  // the probe only asks if it serves
            c = std::move(secure);
        } else {
            c = std::make_unique<httplib::ClientImpl>("127.0.0.1", port_);
        }
        c->set_read_timeout(10, 0);
        for (int i = 0; i < 500; ++i) {
            if (auto r = c->Get("/readyz"); r && r->status == 200) return;
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        throw std::runtime_error("kimflowd did not become ready: " + log());
    }

    std::string db_;
    std::vector<std::string> config_lines_;
    std::string log_path_;
    pid_t pid_ = -1;
    int port_ = 0;
};

/// A self-signed certificate for 127.0.0.1 and its key, written as PEM files (for kimflowd's
/// built-in TLS, and as the private CA a client is given).
inline void write_self_signed_certificate(const std::string& cert_path, const std::string& key_path)
{
    EVP_PKEY* key = EVP_EC_gen("P-256");
    ASSERT_NE(key, nullptr);
    X509* cert = X509_new();
    ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
    X509_gmtime_adj(X509_getm_notBefore(cert), -3600);
    X509_gmtime_adj(X509_getm_notAfter(cert), 3600);
    X509_set_pubkey(cert, key);
    X509_NAME* name = X509_get_subject_name(cert);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("127.0.0.1"), -1, -1, 0);
    X509_set_issuer_name(cert, name);
    ASSERT_GT(X509_sign(cert, key, EVP_sha256()), 0);
    FILE* c = std::fopen(cert_path.c_str(), "w");
    FILE* k = std::fopen(key_path.c_str(), "w");
    PEM_write_X509(c, cert);
    PEM_write_PrivateKey(k, key, nullptr, nullptr, 0, nullptr, nullptr);
    std::fclose(c);
    std::fclose(k);
    X509_free(cert);
    EVP_PKEY_free(key);
}

/// Headers with a bearer token (and more).
inline httplib::Headers bearer(const std::string& token, httplib::Headers more = {})
{
    more.emplace("Authorization", "Bearer " + token);
    return more;
}

/// The body as JSON (null if it is none).
inline json body_of(const httplib::Result& r)
{
    if (!r) return nullptr;
    return json::parse(r->body, nullptr, false);
}

/// A client of the service at @p port for many requests in a row: keep-alive, TCP_NODELAY (a
/// request's headers and body are not held back by Nagle's algorithm), and time limits, with
/// @p connect_seconds to connect (a node that is down shows that soon).
inline std::unique_ptr<httplib::Client> keep_alive_client(int port, int connect_seconds)
{
    auto c = std::make_unique<httplib::Client>("127.0.0.1", port);
    c->set_keep_alive(true);
    c->set_tcp_nodelay(true);
    c->set_connection_timeout(connect_seconds, 0);
    c->set_read_timeout(10, 0);
    c->set_write_timeout(5, 0);
    return c;
}

/// The manager an `assign` history entry names (its payload: `manager=KEY`).
inline std::string manager_of(const json& entry)
{
    const std::string payload = entry.value("payload", "");
    const auto at = payload.find("manager=");
    if (at == std::string::npos) return {};
    const auto start = at + std::string("manager=").size();
    return payload.substr(start, payload.find(", ", start) - start);
}

/// A case's `open` payload with id @p id, of Träger @p traeger.
inline json open_case(const std::string& id, const std::string& traeger)
{
    return {{"id", id},
            {"kommune", "Marl"},
            {"traeger", traeger},
            {"manager", "cm-" + traeger},
            {"kreis", "Kreis Recklinghausen"}};
}

}  // namespace kimflowd_test
