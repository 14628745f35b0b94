/// @file
/// Payload fields: how an event's typed members are named, read from strings and shown.
///
/// An event (or any payload struct) lists its members once, in cereal's style:
/// @code
/// struct Answer {
///     static constexpr std::string_view id = "answer";
///     std::string answer_reference;
///     template <class Archive> void serialize(Archive& ar) { ar(kimflow::field("answer_reference", answer_reference)); }
/// };
/// @endcode
/// That one list serves cereal's archives (storage) and the field archives of
/// field_archive.hpp (fire by name from `name=value` pairs, payload summaries, field
/// descriptions), so names never drift apart.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include <cereal/cereal.hpp>

#include "kimflow/core/text.hpp"
#include "kimflow/core/time.hpp"

namespace kimflow {

/// A payload as strings: field name to value, as a command line or a form gives it.
/// Lists are comma-separated (`recipients=Jobcenter,Jugendamt`).
using Fields = std::map<std::string, std::string, std::less<>>;

/// Whether a payload must name a field.
enum class Presence { required, optional };

/// A named member of a payload struct; see field().
template <class T>
struct Field {
    /// The field's name in payloads (`name=value`) and in cereal's archives.
    const char* name;
    /// The member it names.
    T& value;
    /// Whether a payload must give it.
    Presence presence;
    /// Whether the field holds personal data (free text about a person): erased by
    /// Engine::purge() and Engine::erase(). Mark it with personal().
    bool personal_data = false;

    /// The same field, marked as personal data: `field("goal", goal).personal()`.
    Field personal() const { return {name, value, presence, true}; }
};

/// Names a required member: the payload must give it.
template <class T>
Field<T> field(const char* name, T& value)
{
    return {name, value, Presence::required};
}

/// Names an optional member: left at its default value when the payload omits it.
template <class T>
Field<T> optional_field(const char* name, T& value)
{
    return {name, value, Presence::optional};
}

/// cereal sees a Field as an ordinary name-value pair.
template <class Archive, class T>
void CEREAL_SERIALIZE_FUNCTION_NAME(Archive& ar, Field<T>& f)
{
    ar(cereal::make_nvp(f.name, f.value));
}

/// Enumerations are read and shown by name. Declare, in the enum's namespace,
/// `constexpr auto enum_names(MyEnum) { return std::array{std::pair{MyEnum::a, std::string_view{"a"}}, …}; }`.
template <class E, class = void>
struct has_enum_names : std::false_type {};
template <class E>
struct has_enum_names<E, std::void_t<decltype(enum_names(E{}))>> : std::true_type {};

/// The name of an enumerator (empty if it has none).
template <class E, std::enable_if_t<has_enum_names<E>::value, int> = 0>
std::string_view to_string(E value)
{
    for (const auto& [v, name] : enum_names(E{}))
        if (v == value) return name;
    return {};
}


/// "A, B, C": the names of an enumeration, one per value (its first name; spellings such as
/// `Anhoerung` for `Anhörung` are accepted too but not listed).
template <class E>
std::string enum_choices()
{
    std::string out;
    const auto names = enum_names(E{});
    for (auto it = names.begin(); it != names.end(); ++it) {
        const bool alias = std::any_of(names.begin(), it, [&](const auto& earlier) { return earlier.first == it->first; });
        if (alias) continue;
        if (!out.empty()) out += ", ";
        out += it->second;
    }
    return out;
}

/// Reads an enumerator by name (letters in any case, compared as fold_case() folds them).
/// @throws std::invalid_argument listing the accepted names.
template <class E, std::enable_if_t<has_enum_names<E>::value, int> = 0>
E parse_enum(std::string_view text)
{
    for (const auto& [v, name] : enum_names(E{}))
        if (equal_folded(name, text)) return v;
    throw std::invalid_argument("'" + std::string(text) + "' is not one of: " + enum_choices<E>());
}

/// How one value type is written as text and read back. Specialise it for a type of your own,
/// with four static members: `std::string kind()` (what the value is, for people and error
/// messages), `std::string format(const T&)`, `T parse(std::string_view)` (throws
/// std::invalid_argument saying what is expected) and `bool is_default(const T&)` (an optional
/// field at its default is left out of `name=value` pairs and summaries).
template <class T, class = void>
struct FieldCodec;

/// Text, as given.
template <>
struct FieldCodec<std::string> {
    /// What the value is, for people and error messages.
    static std::string kind() { return "text"; }
    /// The value as text.
    static std::string format(const std::string& v) { return v; }
    /// Reads a value from @p s.
    static std::string parse(std::string_view s) { return std::string(s); }
    /// Whether an optional field with this value is left out of pairs and summaries.
    static bool is_default(const std::string& v) { return v.empty(); }
};

/// Yes/no: reads true/yes/ja/1 and false/no/nein/0 in any case, writes true or false.
template <>
struct FieldCodec<bool> {
    /// What the value is, for people and error messages.
    static std::string kind() { return "yes/no"; }
    /// The value as text.
    static std::string format(bool v) { return v ? "true" : "false"; }
    /// Reads a value from @p s.
    static bool parse(std::string_view s)
    {
        for (const char* t : {"true", "yes", "ja", "1"})
            if (equal_folded(s, t)) return true;
        for (const char* f : {"false", "no", "nein", "0"})
            if (equal_folded(s, f)) return false;
        throw std::invalid_argument("'" + std::string(s) + "' is not yes/no; write true or false");
    }
    /// Whether an optional field with this value is left out of pairs and summaries.
    static bool is_default(bool v) { return !v; }
};

/// Whole numbers, in decimal, checked against the type's range.
template <class T>
struct FieldCodec<T, std::enable_if_t<std::is_integral_v<T> && !std::is_same_v<T, bool>>> {
    /// What the value is, for people and error messages.
    static std::string kind() { return "number"; }
    /// The value as text.
    static std::string format(T v) { return std::to_string(v); }
    /// Reads a value from @p s.
    static T parse(std::string_view s)
    {
        std::string text(s);
        std::size_t used = 0;
        long long v = 0;
        try {
            v = std::stoll(text, &used);
        } catch (const std::exception&) {
            used = 0;
        }
        bool in_range;
        if constexpr (std::is_signed_v<T>)
            in_range = v >= static_cast<long long>(std::numeric_limits<T>::min()) &&
                       v <= static_cast<long long>(std::numeric_limits<T>::max());
        else
            in_range = v >= 0 && static_cast<unsigned long long>(v) <= std::numeric_limits<T>::max();
        if (used == 0 || used != text.size() || !in_range)
            throw std::invalid_argument("'" + text + "' is not a whole number in range");
        return static_cast<T>(v);
    }
    /// Whether an optional field with this value is left out of pairs and summaries.
    static bool is_default(T v) { return v == T{}; }
};

/// Calendar days: written `YYYY-MM-DD`, read in the forms parse_date() takes.
template <>
struct FieldCodec<Date> {
    /// What the value is, for people and error messages.
    static std::string kind() { return "date"; }
    /// The value as text.
    static std::string format(Date v) { return format_date(v); }
    /// Reads a value from @p s.
    static Date parse(std::string_view s) { return parse_date(s); }
    /// Whether an optional field with this value is left out of pairs and summaries.
    static bool is_default(Date v) { return v == Date{}; }
};

/// Instants, in the shapes parse_timestamp() reads; written in UTC.
template <>
struct FieldCodec<Timestamp> {
    /// What the value is, for people and error messages.
    static std::string kind() { return "time"; }
    /// The value as text.
    static std::string format(Timestamp v) { return format_timestamp(v); }
    /// Reads a value from @p s.
    static Timestamp parse(std::string_view s) { return parse_timestamp(s); }
    /// Whether an optional field with this value is left out of pairs and summaries.
    static bool is_default(Timestamp v) { return v == Timestamp{}; }
};

/// Enumerations with enum_names(), by name (letters in any case); never left out as default.
template <class E>
struct FieldCodec<E, std::enable_if_t<has_enum_names<E>::value>> {
    /// What the value is, for people and error messages.
    static std::string kind() { return "one of: " + enum_choices<E>(); }
    /// The value as text.
    static std::string format(E v) { return std::string(to_string(v)); }
    /// Reads a value from @p s.
    static E parse(std::string_view s) { return parse_enum<E>(s); }
    /// Whether an optional field with this value is left out of pairs and summaries.
    static bool is_default(E) { return false; }
};

/// An optional value: written as empty text when there is none.
template <class T>
struct FieldCodec<std::optional<T>> {
    /// What the value is, for people and error messages.
    static std::string kind() { return FieldCodec<T>::kind(); }
    /// The value as text.
    static std::string format(const std::optional<T>& v) { return v ? FieldCodec<T>::format(*v) : std::string(); }
    /// Reads a value from @p s.
    static std::optional<T> parse(std::string_view s) { return FieldCodec<T>::parse(s); }
    /// Whether an optional field with this value is left out of pairs and summaries.
    static bool is_default(const std::optional<T>& v) { return !v.has_value(); }
};

/// Lists are comma-separated; items are trimmed of surrounding blanks; empty items are dropped.
template <class T>
struct FieldCodec<std::vector<T>> {
    /// What the value is, for people and error messages.
    static std::string kind() { return "list of " + FieldCodec<T>::kind() + ", comma-separated"; }
    /// The value as text.
    static std::string format(const std::vector<T>& v)
    {
        std::string out;
        for (const auto& item : v) {
            if (!out.empty()) out += ',';
            out += FieldCodec<T>::format(item);
        }
        return out;
    }
    /// Reads a value from @p s.
    static std::vector<T> parse(std::string_view s)
    {
        std::vector<T> out;
        while (!s.empty()) {
            auto comma = s.find(',');
            const std::string_view item = trim(s.substr(0, comma));
            if (!item.empty()) out.push_back(FieldCodec<T>::parse(item));
            if (comma == std::string_view::npos) break;
            s.remove_prefix(comma + 1);
        }
        return out;
    }
    /// Whether an optional field with this value is left out of pairs and summaries.
    static bool is_default(const std::vector<T>& v) { return v.empty(); }
};

/// One field of a payload as a tool shows it (`kimctl events`).
struct FieldInfo {
    /// The field's name.
    std::string name;
    std::string kind;  ///< What a value is: "text", "date", "one of: Kenntnisnahme, Vorberatung, …"
    /// Whether a payload must give it.
    bool required;
};

}  // namespace kimflow
