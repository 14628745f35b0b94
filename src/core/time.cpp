// Dates and instants: parsing and formatting, over date.h, compiled once.
#include "kimflow/core/time.hpp"

#include <sstream>
#include <stdexcept>

namespace kimflow {

namespace {
// date.h's parser trips GCC's -Wmaybe-uninitialized inside its own code; nothing of ours.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
template <class TimePoint>
bool parse_whole(std::string_view text, const char* format, TimePoint& out)
{
    std::istringstream in{std::string(text)};
    TimePoint value{};
    in >> date::parse(format, value);
    if (in.fail() || in.peek() != std::char_traits<char>::eof()) return false;
    out = value;
    return true;
}
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

/// Whether @p text has the shape of @p pattern, where '9' stands for a digit and '?' for an
/// optional digit (so that two-digit years like 06.02.25 are refused, not read as year 25).
bool has_shape(std::string_view text, std::string_view pattern)
{
    std::size_t t = 0;
    for (char p : pattern) {
        const bool digit = t < text.size() && text[t] >= '0' && text[t] <= '9';
        if (p == '9') {
            if (!digit) return false;
            ++t;
        } else if (p == '?') {
            if (digit) ++t;
        } else {
            if (t >= text.size() || text[t] != p) return false;
            ++t;
        }
    }
    return t == text.size();
}

/// Whether @p text has the shape of an instant parse_timestamp reads: `YYYY-MM-DD`, then
/// optionally `Thh:mm`, `:ss`, `.f` (1 to 6 digits), and `Z` or an offset `±hh`, `±hhmm` or
/// `±hh:mm` of at most 23:59 (RFC 3339). date.h alone reads fewer digits (`25-02-06` as the
/// year 25), signed years and any offset such as `+99:99`; the day's and time's ranges it
/// checks itself.
bool has_instant_shape(std::string_view text)
{
    auto digits = [&text](std::size_t n, int* value = nullptr) {
        if (text.size() < n) return false;
        int v = 0;
        for (std::size_t i = 0; i < n; ++i) {
            if (text[i] < '0' || text[i] > '9') return false;
            v = v * 10 + (text[i] - '0');
        }
        text.remove_prefix(n);
        if (value) *value = v;
        return true;
    };
    auto literal = [&text](char c) {
        if (text.empty() || text.front() != c) return false;
        text.remove_prefix(1);
        return true;
    };
    if (!(digits(4) && literal('-') && digits(2) && literal('-') && digits(2))) return false;
    if (text.empty()) return true;
    if (!(literal('T') || literal(' ')) || !(digits(2) && literal(':') && digits(2))) return false;
    if (literal(':')) {
        if (!digits(2)) return false;
        if (literal('.')) {
            std::size_t n = 0;
            while (n < 6 && digits(1)) ++n;
            if (n == 0) return false;
        }
    }
    if (text.empty() || text == "Z") return true;
    if (!(literal('+') || literal('-'))) return false;
    int hours = 0, minutes = 0;
    if (!digits(2, &hours)) return false;
    if (!text.empty()) {
        literal(':');
        if (!digits(2, &minutes) || !text.empty()) return false;
    }
    return hours <= 23 && minutes <= 59;
}

/// Whether @p year is the year 0000, which the calendar does not have: it is how a missing
/// date is often written, and is refused rather than read as a day 2025 years ago.
bool is_year_zero(std::string_view year) { return year == "0000"; }

}  // namespace

Date parse_date(std::string_view text)
{
    Date d;
    if ((has_shape(text, "9999-99-99") && !is_year_zero(text.substr(0, 4)) &&
         parse_whole(text, "%F", d)) ||
        (has_shape(text, "9?.9?.9999") && !is_year_zero(text.substr(text.size() - 4)) &&
         parse_whole(text, "%d.%m.%Y", d)))
        return d;
    throw std::invalid_argument("'" + std::string(text) +
                                "' is not a date; write it as YYYY-MM-DD (e.g. 2025-02-06) or DD.MM.YYYY, a day "
                                "that exists");
}

Timestamp parse_timestamp(std::string_view text)
{
    if (has_instant_shape(text) && !is_year_zero(text.substr(0, 4))) {
        // Only formats of the text's own shape are tried: date.h 3.0.1 reads an uninitialised
        // value when %T meets a time without seconds (found by fuzz_oparl_import).
        Timestamp t;
        const bool has_time = text.size() > 10;
        const bool has_seconds = text.size() >= 19 && text[16] == ':';
        if (has_time && has_seconds) {
            for (const char* format : {"%FT%T%Ez", "%FT%T%z", "%FT%TZ", "%FT%T", "%F %T"})
                if (parse_whole(text, format, t)) return t;
        } else if (has_time) {
            for (const char* format : {"%FT%R%Ez", "%FT%RZ", "%FT%R"})
                if (parse_whole(text, format, t)) return t;
        } else if (Date d; parse_whole(text, "%F", d)) {
            return start_of(d);
        }
    }
    throw std::invalid_argument("'" + std::string(text) +
                                "' is not a time; write it as YYYY-MM-DD or YYYY-MM-DDThh:mm:ss with Z or an offset "
                                "(e.g. 2025-02-06T18:00:00+01:00), a day and time that exist");
}

std::string format_date(Date d)
{
    // Written by hand: this runs on every fire that carries a date (the history's payload
    // summary), and date::format goes through an ostringstream.
    const date::year_month_day ymd{d};
    const int y = static_cast<int>(ymd.year());
    if (y < 0 || y > 9999) return date::format("%F", d);
    const unsigned m = static_cast<unsigned>(ymd.month()), day = static_cast<unsigned>(ymd.day());
    char text[10] = {static_cast<char>('0' + y / 1000),      static_cast<char>('0' + y / 100 % 10),
                     static_cast<char>('0' + y / 10 % 10),   static_cast<char>('0' + y % 10),
                     '-',                                    static_cast<char>('0' + m / 10),
                     static_cast<char>('0' + m % 10),        '-',
                     static_cast<char>('0' + day / 10),      static_cast<char>('0' + day % 10)};
    return std::string(text, sizeof text);
}

std::string format_timestamp(Timestamp t)
{
    // The very ends of Timestamp's range (only damaged data reaches them) are shown two days
    // inside it: rounding to whole seconds and days there would overflow.
    constexpr std::chrono::hours margin{48};
    if (t < Timestamp::min() + margin) t = Timestamp::min() + margin;
    if (t > Timestamp::max() - margin) t = Timestamp::max() - margin;
    auto seconds = date::floor<std::chrono::seconds>(t);
    if (seconds == t) return date::format("%FT%TZ", seconds);
    return date::format("%FT%TZ", t);
}

}  // namespace kimflow
