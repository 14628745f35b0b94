/// @file
/// One rule for text from outside, whichever door it comes through (the library's engines,
/// kimctl, the C ABI, kimflowd, the OParl importer): the size limits, what an id, an actor's
/// fields and a text may hold, and how text is shown on a terminal. The engine applies the
/// rules where every host passes (create, fire, the actor of every call, the denial log), so a
/// host need not, and cannot, be more lenient; a host may check early with the same functions
/// to give a better message. docs/input-rules.md describes the rules for users.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include <cereal/access.hpp>
#include <cereal/cereal.hpp>

#include "kimflow/core/actor.hpp"

namespace kimflow {

/// @name The size limits, in bytes of UTF-8 (not characters: `ü` counts 2).
/// Every door uses these; EngineOptions::max_payload_bytes may lower the payload limit, not raise it.
/// @{

/// An instance id (a Drucksachennummer, a case number): it is a store key, a URL path segment
/// and a table column, and the longest real reference is far below 100 bytes.
inline constexpr std::size_t max_id_bytes = 200;
/// An actor's id, role or organisation: recorded with every transition and every denial, so a
/// long one would be copied into the log many times; the longest real committee name is ~100.
inline constexpr std::size_t max_actor_bytes = 200;
/// One text: a payload field's name or value, or a text of an instance's data (a title, a
/// note). Longer texts belong in a document the instance refers to; the log keeps every
/// payload for good, so each fire would cost its size again and again.
inline constexpr std::size_t max_text_bytes = 64 * 1024;
/// All the texts of one payload, or of the data an instance is created with, together.
inline constexpr std::size_t max_payload_bytes = 1024 * 1024;
/// One JSON document handed in whole (a paper or a payload through the C ABI): room for a
/// payload at its limit with every character escaped (`\uXXXX`, 6 bytes), and no more, so
/// that parsing is bounded before any rule is checked.
inline constexpr std::size_t max_json_bytes = 6 * max_payload_bytes + 4096;
/// @}

/// One row of the limit table, for documentation, `--help` texts and tests.
struct InputLimit {
    /// What is limited, e.g. "instance id".
    std::string_view what;
    /// At most this many bytes.
    std::size_t bytes;
    /// Why this limit, in a sentence.
    std::string_view reason;
};

/// The limit table: every limit above with its reason, in the order of this header.
inline constexpr std::array<InputLimit, 5> input_limits{{
    {"instance id", max_id_bytes, "a store key, URL path segment and table column; real references are far shorter"},
    {"actor id, role, organisation", max_actor_bytes, "copied into every transition and denial record"},
    {"one text (payload field name or value, data text)", max_text_bytes,
     "longer texts belong in a document the instance refers to; the log keeps every payload for good"},
    {"one payload or new data, all texts together", max_payload_bytes, "bounds what one write adds to the log"},
    {"one JSON document handed in (C ABI)", max_json_bytes, "bounds parsing before the other rules run"},
}};

/// What a piece of input is; decides which rule applies.
enum class InputKind {
    /// An instance id or a payload field's name: not empty, not only blanks, at most
    /// max_id_bytes, no control characters, no bidi controls or zero-width characters (they
    /// make two different ids look alike, or one id read backwards).
    id,
    /// An actor's id: as `id`, but at most max_actor_bytes.
    actor_id,
    /// An actor's role or organisation: may be empty; else as `actor_id`.
    actor_field,
    /// One line of text (a title, a reference, a name): at most max_text_bytes, no control
    /// characters. Bidi controls are allowed: Arabic or Hebrew text needs them.
    line,
    /// Text documented as multi-line (a reason, a note, a Sachstand): as `line`, but line
    /// feeds (LF) are allowed; CR, tabs and other control characters are not.
    multiline,
};

/// What is wrong with @p text as input of @p kind, as a sentence that says what to do
/// (quoting the text only in printable form); none if it is acceptable. Every rule of this
/// file is this function: UTF-8 (RFC 3629), the size limit of @p kind, the characters.
std::optional<std::string> input_problem(std::string_view text, InputKind kind);

/// Whether a text field called @p name (a payload field or a data member) is documented as
/// multi-line: a reason, a note, a report's text, a goal, a purpose. Titles, references and
/// names are one line.
bool is_multiline_field(std::string_view name);

/// The kind of text field @p name: InputKind::multiline or InputKind::line.
inline InputKind text_kind(std::string_view name)
{
    return is_multiline_field(name) ? InputKind::multiline : InputKind::line;
}

/// Throws InvalidData if @p id is not acceptable as an instance id (InputKind::id); @p what
/// names it in the message, e.g. "an instance id".
void check_id(std::string_view id, std::string_view what = "an instance id");

/// Throws InvalidData if an actor's id, role or organisation breaks its rule
/// (InputKind::actor_id, InputKind::actor_field). The engine calls it for the actor of every
/// call that names one, before anything is read, changed or logged.
void check_actor(const Actor& actor);

/// @p text as a terminal may show it: control characters (also LF), bidi controls, zero-width
/// characters, line and paragraph separators and bytes that are not UTF-8 written as `\x1b`,
/// `\n`, `\u202e`, `\xff`; everything else as it is. kimctl's tables and texts go through it,
/// so no stored text can move the cursor, recolour the screen or reverse what follows it.
std::string terminal_safe(std::string_view text);

namespace detail {

/// Calls a visitor for every text of a cereal-serialisable value, with the name of the
/// member it is in (the innermost name-value pair; cereal's own helper names, such as an
/// optional's "data", count as one-line texts, which is the stricter rule).
template <class Visit>
class TextWalker : private cereal::access {
public:
    /// Marks an output archive for cereal's traits.
    using is_saving = std::true_type;
    /// Marks an output archive for cereal's traits.
    using is_loading = std::false_type;

    /// Will call @p visit(name, text) for each text.
    explicit TextWalker(Visit& visit) : visit_(visit) {}

    /// Walks each of @p values.
    template <class... Ts>
    TextWalker& operator()(Ts&&... values)
    {
        (walk(values), ...);
        return *this;
    }

private:
    template <class T, template <class...> class Template>
    struct is_a : std::false_type {};
    template <template <class...> class Template, class... Args>
    struct is_a<Template<Args...>, Template> : std::true_type {};

    template <class T>
    void walk(const T& value)
    {
        using A = TextWalker;
        namespace traits = cereal::traits;
        auto& v = const_cast<T&>(value);  // serialize() takes a non-const object, as in cereal
        if constexpr (std::is_same_v<T, std::string>) {
            visit_(name_, value);
        } else if constexpr (std::is_arithmetic_v<T> || std::is_enum_v<T>) {
        } else if constexpr (is_a<T, cereal::NameValuePair>::value) {
            const char* outer = name_;
            name_ = value.name;
            walk(value.value);
            name_ = outer;
        } else if constexpr (is_a<T, cereal::SizeTag>::value) {
        } else if constexpr (is_a<T, std::optional>::value) {
            if (value) walk(*value);
        } else if constexpr (is_a<T, std::vector>::value) {
            for (const auto& item : value) walk(item);
        } else if constexpr (traits::has_member_versioned_serialize<T, A>::value) {
            cereal::access::member_serialize(*this, v, cereal::detail::Version<T>::version);
        } else if constexpr (traits::has_non_member_versioned_serialize<T, A>::value) {
            CEREAL_SERIALIZE_FUNCTION_NAME(*this, v, cereal::detail::Version<T>::version);
        } else if constexpr (traits::has_member_serialize<T, A>::value) {
            cereal::access::member_serialize(*this, v);
        } else if constexpr (traits::has_non_member_serialize<T, A>::value) {
            CEREAL_SERIALIZE_FUNCTION_NAME(*this, v);
        } else if constexpr (traits::has_non_member_save<T, A>::value) {
            CEREAL_SAVE_FUNCTION_NAME(*this, value);
        } else if constexpr (traits::has_member_save<T, A>::value) {
            cereal::access::member_save(*this, value);
        }
        // Anything else (a save_minimal, a type only its own archive knows) holds no text
        // kimflow reads from outside.
    }

    Visit& visit_;
    const char* name_ = "";
};

/// Throws @p Error(message) via @p fail for the first text of @p value that breaks its rule
/// (text_kind() of its member's name), or when all texts together exceed max_payload_bytes.
template <class T, class Fail>
void check_texts(const T& value, Fail&& fail)
{
    std::size_t total = 0;
    auto visit = [&](const char* name, const std::string& text) {
        total += text.size();
        if (auto problem = input_problem(text, text_kind(name))) fail(std::string(name), *problem);
        if (total > max_payload_bytes)
            fail(std::string(name), "the texts together have more than " + std::to_string(max_payload_bytes) +
                                        " bytes; keep long texts in documents and refer to them");
    };
    TextWalker<decltype(visit)> walker(visit);
    walker(value);
}

}  // namespace detail

}  // namespace kimflow
