// The processes the service benchmark starts: kimflowd on a free port of 127.0.0.1 (it logs the
// port it took), and kimctl once per fire.
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <iterator>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <httplib.h>
#include <nlohmann/json.hpp>

extern char** environ;

namespace service_bench {

/// Runs @p args (args[0] the program) with stdout to /dev/null and stderr to @p err_path; returns
/// its pid. @throws std::runtime_error if it cannot be started
inline pid_t spawn(std::vector<std::string> args, const std::string& err_path)
{
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    pid_t pid = -1;
    const int rc = ::posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) throw std::runtime_error("cannot start " + args[0]);
    return pid;
}

/// The exit code of @p pid (-1 if a signal ended it).
inline int wait_for(pid_t pid)
{
    int status = 0;
    ::waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

inline std::string read_file(const std::string& path)
{
    std::ifstream in(path);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

/// kimflowd on @p db with @p config_lines; SIGTERM and wait when it goes out of scope.
class Kimflowd {
public:
    /// @param base  where its log (BASE.log) and configuration file (BASE.conf) go
    Kimflowd(const std::string& program, const std::string& db, const std::string& base,
             const std::vector<std::string>& config_lines)
        : log_path_(base + ".log")
    {
        const std::string config_path = base + ".conf";
        {
            std::ofstream conf(config_path);
            for (const auto& line : config_lines) conf << line << '\n';
        }
        pid_ = spawn({program, "--db", db, "--listen", "127.0.0.1:0", "--config", config_path}, log_path_);
        // It logs {"event":"listening","address":"127.0.0.1:PORT",…} once it has bound the port.
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
        while (port_ == 0 && std::chrono::steady_clock::now() < deadline) {
            std::istringstream lines(read_file(log_path_));
            for (std::string line; std::getline(lines, line);) {
                const auto j = nlohmann::json::parse(line, nullptr, false);
                if (j.is_object() && j.value("event", "") == "listening") {
                    const std::string address = j.at("address");
                    port_ = std::stoi(address.substr(address.rfind(':') + 1));
                }
            }
            int status = 0;
            if (::waitpid(pid_, &status, WNOHANG) == pid_) {
                pid_ = -1;
                throw std::runtime_error("kimflowd ended at start: " + read_file(log_path_));
            }
            if (port_ == 0) std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        if (port_ == 0) throw std::runtime_error("kimflowd did not say where it listens: " + read_file(log_path_));
        httplib::Client c("127.0.0.1", port_);
        for (int i = 0; i < 500; ++i) {
            if (auto r = c.Get("/readyz"); r && r->status == 200) return;
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        throw std::runtime_error("kimflowd did not become ready: " + read_file(log_path_));
    }
    ~Kimflowd()
    {
        if (pid_ > 0) stop();
    }
    Kimflowd(const Kimflowd&) = delete;
    Kimflowd& operator=(const Kimflowd&) = delete;

    int port() const { return port_; }
    pid_t pid() const { return pid_; }
    std::string log() const { return read_file(log_path_); }

    /// Whether it still runs; if not, its exit code (-1 if a signal ended it) goes to @p code.
    bool running(int& code)
    {
        int status = 0;
        if (pid_ <= 0) return false;
        if (::waitpid(pid_, &status, WNOHANG) != pid_) return true;
        pid_ = -1;
        code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
        return false;
    }

    /// SIGTERM, and its exit code.
    int stop()
    {
        ::kill(pid_, SIGTERM);
        const int rc = wait_for(pid_);
        pid_ = -1;
        return rc;
    }

private:
    std::string log_path_;
    pid_t pid_ = -1;
    int port_ = 0;
};

/// The value of the counter or gauge @p name in a Prometheus text exposition (0 if absent).
inline double metric(const std::string& text, const std::string& name)
{
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);)
        if (line.rfind(name + ' ', 0) == 0) return std::stod(line.substr(name.size() + 1));
    return 0;
}

}  // namespace service_bench
