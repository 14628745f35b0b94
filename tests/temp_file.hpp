// Scratch files for tests: a database path of its own (removed afterwards with SQLite's -wal
// and -shm), a folder of its own, and reading a file whole.
#pragma once

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <unistd.h>

#include <gtest/gtest.h>

class TempFile {
public:
    explicit TempFile(const std::string& name = "kimflow")
    {
        static std::atomic<int> counter{0};
        path_ = testing::TempDir() + name + "-" + std::to_string(::getpid()) + "-" + std::to_string(++counter) + ".db";
        remove();
    }
    ~TempFile() { remove(); }
    TempFile(const TempFile&) = delete;
    TempFile& operator=(const TempFile&) = delete;

    const std::string& path() const { return path_; }

private:
    void remove() const
    {
        for (const char* suffix : {"", "-wal", "-shm", "-journal"}) std::remove((path_ + suffix).c_str());
    }
    std::string path_;
};

/// A folder of its own for a test, removed afterwards with everything in it.
class TempDir {
public:
    explicit TempDir(const std::string& name = "kimflow")
    {
        static std::atomic<int> counter{0};
        path_ = testing::TempDir() + name + "-" + std::to_string(::getpid()) + "-" + std::to_string(++counter);
        std::filesystem::remove_all(path_);
        std::filesystem::create_directories(path_);
    }
    ~TempDir() { std::filesystem::remove_all(path_); }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    const std::string& path() const { return path_; }
    /// The path of @p name inside the folder.
    std::string operator/(const std::string& name) const { return path_ + "/" + name; }

private:
    std::string path_;
};

/// The whole content of file @p path (empty if it cannot be read).
inline std::string read_text(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}
