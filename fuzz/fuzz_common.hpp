// What the fuzz targets share: how a broken invariant is reported, and stack poisoning.
#pragma once

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace kimflow_fuzz {

/// Reports a broken invariant of target @p target and aborts: a finding for libFuzzer.
[[noreturn]] inline void broken(const char* target, const std::string& what)
{
    std::fprintf(stderr, "\n%s: invariant broken: %s\n", target, what.c_str());
    std::fflush(stderr);
    std::abort();
}

/// KIMFLOW_FUZZ_VERBOSE=1 makes a target say what became of an input (to check a seed by hand).
inline bool verbose()
{
    static const bool on = std::getenv("KIMFLOW_FUZZ_VERBOSE") != nullptr;
    return on;
}

/// Fills the next 64 KiB of stack below the caller with NaNs. MemorySanitizer would need an
/// instrumented standard library; with this, a floating-point variable read before it was
/// written (date.h's parser has one) holds a NaN, and UBSan reports its conversion to an
/// integer every time, not only when the stack happened to hold one.
[[gnu::noinline]] inline void poison_stack()
{
    volatile long double junk[4096];
    for (auto& j : junk) j = NAN;
}

}  // namespace kimflow_fuzz

#define FUZZ_CHECK(condition, what)                              \
    do {                                                         \
        if (!(condition)) kimflow_fuzz::broken(kTarget, (what)); \
    } while (false)
