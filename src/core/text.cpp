// kimflow/core/text.hpp over utf8proc: its decoder checks UTF-8 as RFC 3629 has it, and its
// case folding is Unicode's, so kimflow keeps no tables of its own.
#include "kimflow/core/text.hpp"

#include "kimflow/core/input.hpp"

#include <array>

#include <algorithm>
#include <cstdlib>
#include <memory>

#include <utf8proc.h>

namespace kimflow {

namespace {

/// The length of the well-formed character at the start of @p text, or 0 if it is not one.
std::size_t character_at(std::string_view text) noexcept
{
    utf8proc_int32_t code = 0;
    const auto used = utf8proc_iterate(reinterpret_cast<const utf8proc_uint8_t*>(text.data()),
                                       static_cast<utf8proc_ssize_t>(text.size()), &code);
    return used > 0 ? static_cast<std::size_t>(used) : 0;
}

std::string fold_ascii(std::string_view text)
{
    std::string out(text);
    for (char& c : out)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return out;
}

}  // namespace

std::size_t invalid_utf8_at(std::string_view text) noexcept
{
    std::size_t at = 0;
    while (at < text.size()) {
        if (static_cast<unsigned char>(text[at]) < 0x80) {
            ++at;
            continue;
        }
        const std::size_t length = character_at(text.substr(at));
        if (length == 0) return at;
        at += length;
    }
    return std::string_view::npos;
}

std::string printable(std::string_view text, std::size_t max)
{
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string out;
    std::size_t i = 0;
    while (i < text.size() && out.size() < max) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c >= 0x80) {
            if (const std::size_t length = character_at(text.substr(i)); length > 0) {
                // C1 controls, bidi and zero-width characters escaped as terminal output is.
                out += terminal_safe(text.substr(i, length));
                i += length;
                continue;
            }
        } else if (c >= 0x20 && c != 0x7F) {
            out += static_cast<char>(c);
            ++i;
            continue;
        }
        if (c == '\n') {
            out += "\\n";
        } else if (c == '\t') {
            out += "\\t";
        } else if (c == '\r') {
            out += "\\r";
        } else {
            out += "\\x";
            out += hex[c >> 4];
            out += hex[c & 0xF];
        }
        ++i;
    }
    if (i < text.size()) out += "… (" + std::to_string(text.size()) + " bytes)";
    return out;
}

std::string fold_case(std::string_view text)
{
    bool ascii = true;
    for (char c : text) ascii = ascii && static_cast<unsigned char>(c) < 0x80;
    if (ascii) return fold_ascii(text);  // most names and codes: no allocation by utf8proc
    utf8proc_uint8_t* folded = nullptr;
    const auto length = utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(text.data()),
                                     static_cast<utf8proc_ssize_t>(text.size()), &folded,
                                     static_cast<utf8proc_option_t>(UTF8PROC_CASEFOLD | UTF8PROC_COMPOSE |
                                                                    UTF8PROC_STABLE));
    const std::unique_ptr<utf8proc_uint8_t, decltype(&std::free)> owner(folded, &std::free);
    if (length < 0) return fold_ascii(text);  // not UTF-8: callers refuse it where it matters
    return std::string(reinterpret_cast<const char*>(folded), static_cast<std::size_t>(length));
}

bool equal_folded(std::string_view a, std::string_view b) { return fold_case(a) == fold_case(b); }

std::size_t find_folded(std::string_view text, std::string_view word)
{
    const std::string wanted = fold_case(word);
    if (wanted.empty()) return 0;
    for (std::size_t start = 0; start < text.size();) {
        std::string folded;
        for (std::size_t end = start; end < text.size() && folded.size() < wanted.size();) {
            const std::size_t length = std::max<std::size_t>(1, character_at(text.substr(end)));
            end += length;
            folded = fold_case(text.substr(start, end - start));
        }
        if (folded.compare(0, wanted.size(), wanted) == 0 && folded.size() == wanted.size()) return start;
        start += std::max<std::size_t>(1, character_at(text.substr(start)));
    }
    return std::string_view::npos;
}

std::string percent_encode(std::string_view text)
{
    static const char hex[] = "0123456789ABCDEF";
    std::string out;
    for (char c : text) {
        const bool unreserved = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                                c == '-' || c == '.' || c == '_' || c == '~';
        if (unreserved) {
            out += c;
        } else {
            const auto byte = static_cast<unsigned char>(c);
            out += '%';
            out += hex[byte >> 4];
            out += hex[byte & 15];
        }
    }
    return out;
}

std::string_view trim(std::string_view text) noexcept
{
    constexpr std::string_view no_break_space = "\xC2\xA0";
    const auto blank_front = [&] {
        if (text.empty()) return std::size_t{0};
        const char c = text.front();
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f') return std::size_t{1};
        return text.substr(0, 2) == no_break_space ? std::size_t{2} : std::size_t{0};
    };
    const auto blank_back = [&] {
        if (text.empty()) return std::size_t{0};
        const char c = text.back();
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f') return std::size_t{1};
        return text.size() >= 2 && text.substr(text.size() - 2) == no_break_space ? std::size_t{2} : std::size_t{0};
    };
    for (std::size_t n; (n = blank_front()) > 0;) text.remove_prefix(n);
    for (std::size_t n; (n = blank_back()) > 0;) text.remove_suffix(n);
    return text;
}

std::string organization_key(std::string_view name)
{
    // Every fire on a checked engine asks for the keys of its instance's owner and overseer and
    // of its actor's organisation: a few names, asked again and again. The last ones are kept
    // per thread (no lock), so that each is folded once.
    struct Known {
        std::string name;
        std::string key;
    };
    constexpr std::size_t kept = 8;
    thread_local std::array<Known, kept> known;
    thread_local std::size_t next = 0;
    for (const Known& k : known)
        if (!k.key.empty() && k.name == name) return k.key;
    std::string out = fold_case(trim(name));
    for (char& c : out)
        if (c == ' ' || c == '_' || c == '\t') c = '-';
    if (!out.empty() && name.size() <= 200) {
        known[next] = {std::string(name), out};
        next = (next + 1) % kept;
    }
    return out;
}

}  // namespace kimflow
