// The input rules of kimflow/core/input.hpp: one pass over the text's characters decides them
// all, so every door refuses the same input with the same sentence.
#include "kimflow/core/input.hpp"

#include <algorithm>

#include <utf8proc.h>

#include "kimflow/core/error.hpp"
#include "kimflow/core/text.hpp"

namespace kimflow {

namespace {

/// The code point at the start of @p text and its length in bytes; length 0 if the bytes there
/// are not UTF-8.
std::pair<char32_t, std::size_t> decode(std::string_view text) noexcept
{
    utf8proc_int32_t code = 0;
    const auto used = utf8proc_iterate(reinterpret_cast<const utf8proc_uint8_t*>(text.data()),
                                       static_cast<utf8proc_ssize_t>(text.size()), &code);
    if (used <= 0) return {0, 0};
    return {static_cast<char32_t>(code), static_cast<std::size_t>(used)};
}

bool is_control(char32_t c) noexcept { return c < 0x20 || (c >= 0x7F && c <= 0x9F); }

/// Line and paragraph separators: line breaks that are not LF.
bool is_separator(char32_t c) noexcept { return c == 0x2028 || c == 0x2029; }

/// Characters that change the direction of what follows (U+202A–U+202E, U+2066–U+2069, the
/// marks U+200E/F and U+061C).
bool is_bidi_control(char32_t c) noexcept
{
    return (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069) || c == 0x200E || c == 0x200F || c == 0x061C;
}

/// Characters that show as nothing (U+200B–U+200D, U+2060, U+FEFF).
bool is_zero_width(char32_t c) noexcept { return (c >= 0x200B && c <= 0x200D) || c == 0x2060 || c == 0xFEFF; }

std::string code_of(char32_t c)
{
    static constexpr char hex[] = "0123456789abcdef";
    std::string out = c < 0x80 ? "\\x" : "\\u";
    const int digits = c < 0x100 ? 2 : c < 0x10000 ? 4 : 6;
    if (c >= 0x80 && digits == 2) out += "00";
    for (int shift = (digits - 1) * 4; shift >= 0; shift -= 4) out += hex[(c >> shift) & 0xF];
    return out;
}

const char* name_of(InputKind kind) noexcept
{
    switch (kind) {
    case InputKind::id: return "an id";
    case InputKind::actor_id: return "an actor's id";
    case InputKind::actor_field: return "an actor's role or organisation";
    case InputKind::line: return "a one-line text";
    case InputKind::multiline: return "a text";
    }
    return "a text";
}

std::size_t limit_of(InputKind kind) noexcept
{
    switch (kind) {
    case InputKind::id: return max_id_bytes;
    case InputKind::actor_id:
    case InputKind::actor_field: return max_actor_bytes;
    case InputKind::line:
    case InputKind::multiline: return max_text_bytes;
    }
    return max_text_bytes;
}

}  // namespace

std::optional<std::string> input_problem(std::string_view text, InputKind kind)
{
    const std::string what = name_of(kind);
    const bool name_like = kind == InputKind::id || kind == InputKind::actor_id || kind == InputKind::actor_field;
    const std::size_t limit = limit_of(kind);
    if (text.size() > limit)
        return what + " may have at most " + std::to_string(limit) + " bytes; this one has " +
               std::to_string(text.size()) +
               (name_like ? ": use a shorter one" : ": shorten it, or keep the long text in a document and give its reference");
    if (const auto at = invalid_utf8_at(text); at != std::string_view::npos)
        return what + " must be UTF-8 text; byte " + std::to_string(at + 1) + " of " + std::to_string(text.size()) +
               " is not (" + printable(text, 40) + "): convert it to UTF-8";
    if (kind != InputKind::actor_field && kind != InputKind::line && kind != InputKind::multiline && trim(text).empty())
        return what + " must not be empty or only blanks; give one";
    for (std::size_t at = 0; at < text.size();) {
        const auto [c, length] = decode(text.substr(at));
        at += length;
        if (c == '\n' && kind == InputKind::multiline) continue;
        if (is_control(c) || is_separator(c))
            return what + " must not hold control characters or line breaks" +
                   (kind == InputKind::multiline ? std::string(" other than LF") : std::string()) + "; this one has " +
                   code_of(c) + " (" + printable(text, 40) + "): remove it";
        if (name_like && (is_bidi_control(c) || is_zero_width(c)))
            return what + " must not hold invisible or direction-changing characters; this one has " + code_of(c) +
                   ": type it again without them";
    }
    return std::nullopt;
}

bool is_multiline_field(std::string_view name)
{
    // The text members documented as free text (see the lifecycles' events and data).
    static constexpr std::array<std::string_view, 9> multiline{
        "completion_note", "delay_reason", "goal", "note", "purpose", "reason", "skip_reason", "text",
        "withdrawal_reason"};
    return std::find(multiline.begin(), multiline.end(), name) != multiline.end();
}

void check_id(std::string_view id, std::string_view what)
{
    if (auto problem = input_problem(id, InputKind::id))
        throw InvalidData(std::string(what) + ": " + *problem);
}

void check_actor(const Actor& actor)
{
    if (auto problem = input_problem(actor.id, InputKind::actor_id)) throw InvalidData("actor id: " + *problem);
    if (auto problem = input_problem(actor.role, InputKind::actor_field)) throw InvalidData("actor role: " + *problem);
    if (auto problem = input_problem(actor.organization, InputKind::actor_field))
        throw InvalidData("actor organisation: " + *problem);
}

std::string terminal_safe(std::string_view text)
{
    std::string out;
    out.reserve(text.size());
    for (std::size_t at = 0; at < text.size();) {
        const auto [c, length] = decode(text.substr(at));
        if (length == 0) {  // not UTF-8: the byte itself
            static constexpr char hex[] = "0123456789abcdef";
            const auto byte = static_cast<unsigned char>(text[at]);
            out += "\\x";
            out += hex[byte >> 4];
            out += hex[byte & 0xF];
            ++at;
            continue;
        }
        if (c == '\n') {
            out += "\\n";
        } else if (c == '\t') {
            out += "\\t";
        } else if (c == '\r') {
            out += "\\r";
        } else if (is_control(c) || is_separator(c) || is_bidi_control(c) || is_zero_width(c)) {
            out += code_of(c);
        } else {
            out.append(text.substr(at, length));
        }
        at += length;
    }
    return out;
}

}  // namespace kimflow
