// kimflow_bench: Google Benchmark's main with two flags of the suite's own.
//   --smoke          the smallest sizes only (CI runs this with a short --benchmark_min_time)
//   --data-dir=DIR   where the recovery group keeps its fixture databases (built on first use)
#include <benchmark/benchmark.h>

#include <cstring>
#include <string>
#include <vector>

#include <kimflow/version.hpp>

#include "common/suite.hpp"

namespace bench {

Settings& settings()
{
    static Settings s;
    return s;
}

namespace {
std::vector<std::function<void()>>& queue()
{
    static std::vector<std::function<void()>> q;
    return q;
}
}  // namespace

int later(std::function<void()> registration)
{
    queue().push_back(std::move(registration));
    return 0;
}

void register_all()
{
    for (auto& r : queue()) r();
}

std::vector<std::int64_t> database_sizes()
{
    if (settings().smoke) return {1000};
    return {10000, 100000, 1000000};
}

std::vector<std::int64_t> resident_sizes()
{
    if (settings().smoke) return {1000, 10000};
    return {1000, 10000, 100000, 1000000};
}

}  // namespace bench

int main(int argc, char** argv)
{
    std::vector<char*> rest;
    for (int i = 0; i < argc; ++i) {
        if (i > 0 && std::strcmp(argv[i], "--smoke") == 0)
            bench::settings().smoke = true;
        else if (i > 0 && std::strncmp(argv[i], "--data-dir=", 11) == 0)
            bench::settings().data_dir = argv[i] + 11;
        else
            rest.push_back(argv[i]);
    }
    int count = static_cast<int>(rest.size());
    benchmark::Initialize(&count, rest.data());
    if (benchmark::ReportUnrecognizedArguments(count, rest.data())) return 1;
    benchmark::AddCustomContext("kimflow_version", std::to_string(KIMFLOW_VERSION_MAJOR) + "." +
                                                       std::to_string(KIMFLOW_VERSION_MINOR) + "." +
                                                       std::to_string(KIMFLOW_VERSION_PATCH));
    benchmark::AddCustomContext("kimflow_mode", bench::settings().smoke ? "smoke" : "full");
    bench::register_all();
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
