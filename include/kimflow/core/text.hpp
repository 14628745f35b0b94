/// @file
/// Checks on text from outside (ids, payload fields): kimflow stores text as UTF-8 and
/// refuses bytes that are not, so that every report, JSON export and terminal can show it.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace kimflow {

/// The offset of the first byte of @p text that is not part of well-formed UTF-8 (RFC 3629:
/// no overlong forms, no surrogates, nothing above U+10FFFF), or npos if there is none.
/// A sequence cut short at the end counts as ill-formed at its first byte.
inline std::size_t invalid_utf8_at(std::string_view text) noexcept
{
    const auto* const begin = reinterpret_cast<const unsigned char*>(text.data());
    const auto* p = begin;
    const auto* const end = p + text.size();
    while (p < end) {
        const unsigned char c = *p;
        if (c < 0x80) {
            ++p;
            continue;
        }
        std::size_t length = 0;
        unsigned char low = 0x80, high = 0xBF;  // allowed range of the second byte
        if (c >= 0xC2 && c <= 0xDF) {
            length = 2;
        } else if (c >= 0xE0 && c <= 0xEF) {
            length = 3;
            if (c == 0xE0) low = 0xA0;   // overlong
            if (c == 0xED) high = 0x9F;  // UTF-16 surrogates
        } else if (c >= 0xF0 && c <= 0xF4) {
            length = 4;
            if (c == 0xF0) low = 0x90;   // overlong
            if (c == 0xF4) high = 0x8F;  // above U+10FFFF
        } else {
            return static_cast<std::size_t>(p - begin);
        }
        if (static_cast<std::size_t>(end - p) < length) return static_cast<std::size_t>(p - begin);
        if (p[1] < low || p[1] > high) return static_cast<std::size_t>(p - begin);
        for (std::size_t i = 2; i < length; ++i)
            if (p[i] < 0x80 || p[i] > 0xBF) return static_cast<std::size_t>(p - begin);
        p += length;
    }
    return std::string_view::npos;
}

/// Whether @p text is well-formed UTF-8 (RFC 3629: no overlong forms, no surrogates, nothing
/// above U+10FFFF).
inline bool valid_utf8(std::string_view text) noexcept { return invalid_utf8_at(text) == std::string_view::npos; }

/// @p text as an error message may quote it: bytes that are not UTF-8 and control characters
/// written as `\xFF`, `\n`, and, beyond @p max bytes, cut off with its length noted. Messages
/// quote what the user gave; this keeps them short and printable (and valid JSON text) even
/// when the input was neither.
inline std::string printable(std::string_view text, std::size_t max = 80)
{
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string out;
    std::size_t i = 0;
    while (i < text.size() && out.size() < max) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c >= 0x80) {
            const std::size_t bad = invalid_utf8_at(text.substr(i, 4));
            // The character at i is well-formed when the first problem (if any) lies after it.
            const std::size_t length = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
            if (bad != 0 && (bad == std::string_view::npos || bad >= length) && i + length <= text.size()) {
                out.append(text.substr(i, length));
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

}  // namespace kimflow
