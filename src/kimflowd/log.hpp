// Structured logs: one JSON object a line on stderr, with time, level and event.
#pragma once

#include <mutex>
#include <string>

#include <nlohmann/json.hpp>

namespace kimflowd {

class Log {
public:
    /// Writes @p fields with `time`, `level` and `event` added.
    void write(const std::string& level, const std::string& event, nlohmann::json fields = nlohmann::json::object());
    void info(const std::string& event, nlohmann::json fields = nlohmann::json::object())
    {
        write("info", event, std::move(fields));
    }
    void warn(const std::string& event, nlohmann::json fields = nlohmann::json::object())
    {
        write("warn", event, std::move(fields));
    }
    void error(const std::string& event, nlohmann::json fields = nlohmann::json::object())
    {
        write("error", event, std::move(fields));
    }

private:
    std::mutex mutex_;
};

}  // namespace kimflowd
