// Child processes for tests: a fork that runs a function and talks to the test line by line
// over a socket pair, every wait bounded, killed and reaped when the test leaves early.
#pragma once

#include <cerrno>
#include <csignal>
#include <optional>
#include <stdexcept>
#include <string>

#include <poll.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

namespace process_fixture {

/// How long either side waits for the other's next line: far beyond any healthy run, only so
/// that a process that hangs (or never reaches a barrier) fails the test instead of hanging it.
constexpr int kPatienceMs = 60'000;

/// The lines arriving on @p fd, each awaited at most kPatienceMs.
class LineReader {
public:
    explicit LineReader(int fd) : fd_(fd) {}
    /// The next line without its '\n'; nullopt at the end of the stream.
    /// @throws std::runtime_error if nothing arrives in time
    std::optional<std::string> next()
    {
        for (;;) {
            const auto end = buffer_.find('\n');
            if (end != std::string::npos) {
                std::string line = buffer_.substr(0, end);
                buffer_.erase(0, end + 1);
                return line;
            }
            pollfd p{fd_, POLLIN, 0};
            const int ready = ::poll(&p, 1, kPatienceMs);
            if (ready < 0 && errno == EINTR) continue;
            if (ready < 0) throw std::runtime_error("poll failed");
            if (ready == 0) throw std::runtime_error("the other process said nothing for a minute: hung");
            char chunk[4096];
            const ssize_t n = ::read(fd_, chunk, sizeof chunk);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) return std::nullopt;  // lines are written whole (< PIPE_BUF), never halves
            buffer_.append(chunk, static_cast<std::size_t>(n));
        }
    }

private:
    int fd_;
    std::string buffer_;
};

/// Writes @p line and '\n' to @p fd whole; false if the other side is gone (no SIGPIPE).
inline bool say(int fd, const std::string& line)
{
    const std::string text = line + "\n";
    return ::send(fd, text.data(), text.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(text.size());
}

/// A child process running body(fd) on its end of a socket pair; the test talks to it line by
/// line. Killed and reaped when the test leaves early, so that no writer outlives it.
class Child {
public:
    template <class Body>
    explicit Child(Body body)
    {
        int fds[2];
        if (::socketpair(AF_UNIX, SOCK_STREAM, 0, fds) != 0) throw std::runtime_error("socketpair failed");
        pid_ = ::fork();
        if (pid_ < 0) throw std::runtime_error("fork failed");
        if (pid_ == 0) {  // never back into the test runner
            ::close(fds[0]);
            try {
                body(fds[1]);
            } catch (...) {
                ::_exit(2);
            }
            ::_exit(0);
        }
        ::close(fds[1]);
        fd_ = fds[0];
        lines_.emplace(fd_);
    }
    ~Child()
    {
        if (pid_ > 0) {
            ::kill(pid_, SIGKILL);
            ::waitpid(pid_, nullptr, 0);
        }
        ::close(fd_);
    }
    Child(const Child&) = delete;
    Child& operator=(const Child&) = delete;

    std::optional<std::string> line() { return lines_->next(); }
    bool tell(const std::string& word) { return say(fd_, word); }
    void kill()
    {
        if (pid_ > 0) ::kill(pid_, SIGKILL);  // never pid -1: that is every process
    }
    /// Waits for the process to end (it has been told to, or killed); its wait status.
    int wait()
    {
        if (pid_ > 0) ::waitpid(pid_, &status_, 0);
        pid_ = -1;
        return status_;
    }

private:
    pid_t pid_ = -1;
    int status_ = 0;
    int fd_ = -1;
    std::optional<LineReader> lines_;
};

/// What a wait status says, for messages.
inline std::string ended(int status)
{
    if (WIFSIGNALED(status)) return "killed by signal " + std::to_string(WTERMSIG(status));
    return "exit " + std::to_string(WEXITSTATUS(status));
}

}  // namespace process_fixture
