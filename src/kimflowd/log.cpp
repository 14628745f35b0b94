#include "log.hpp"

#include <chrono>
#include <iostream>

#include <kimflow/core/time.hpp>

namespace kimflowd {

void Log::write(const std::string& level, const std::string& event, nlohmann::json fields)
{
    nlohmann::json line{{"time", kimflow::format_timestamp(std::chrono::time_point_cast<std::chrono::microseconds>(
                                     std::chrono::system_clock::now()))},
                        {"level", level},
                        {"event", event}};
    line.update(fields);
    const std::string text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    std::lock_guard<std::mutex> lock(mutex_);
    std::cerr << text << std::endl;
}

}  // namespace kimflowd
