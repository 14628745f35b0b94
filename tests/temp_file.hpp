// A database path of its own for each test, removed afterwards (with SQLite's -wal and -shm).
#pragma once

#include <atomic>
#include <cstdio>
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
