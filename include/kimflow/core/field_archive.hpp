/// @file
/// Archives over a payload's field list (see fields.hpp): read a typed payload from
/// `name=value` strings, write it back as strings, and describe its fields. They follow
/// cereal's calling convention (`ar(field(...), ...)`, member `serialize(Archive&)` with an
/// optional version argument), so one member list serves them and cereal's own archives.
#pragma once

#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "kimflow/core/error.hpp"
#include "kimflow/core/fields.hpp"
#include "kimflow/core/input.hpp"
#include "kimflow/core/text.hpp"

namespace kimflow {

/// The most bytes a payload field (its name or its value) may have as text: 64 KiB, the
/// table's max_text_bytes (input.hpp). A payload is a short fact (a reference, a date, a
/// reason); a longer text belongs in a document the payload names. Each fire keeps its payload
/// in the log for good, so a 10 MB field would cost 10 MB per fire, and every history read after.
inline constexpr std::size_t max_field_bytes = max_text_bytes;

namespace detail {

template <class T, class A, class = void>
struct has_versioned_serialize : std::false_type {};
template <class T, class A>
struct has_versioned_serialize<T, A, std::void_t<decltype(std::declval<T&>().serialize(std::declval<A&>(), 0u))>>
    : std::true_type {};

/// Calls the payload's member list with @p ar, whichever serialize signature it has.
template <class Archive, class T>
void walk(Archive& ar, T& payload)
{
    if constexpr (has_versioned_serialize<T, Archive>::value)
        payload.serialize(ar, cereal::detail::Version<T>::version);
    else
        payload.serialize(ar);
}

/// Base of the field archives: dispatches each argument to the derived archive's on_field,
/// and walks nested structs member by member.
template <class Derived>
class FieldArchiveBase {
public:
    template <class... Args>
    Derived& operator()(Args&&... args)
    {
        (visit(std::forward<Args>(args)), ...);
        return static_cast<Derived&>(*this);
    }

private:
    template <class T>
    void visit(Field<T> f)
    {
        static_cast<Derived&>(*this).on_field(f);
    }
    template <class T>
    void visit(cereal::NameValuePair<T> nvp)
    {
        using V = std::remove_reference_t<T>;
        static_cast<Derived&>(*this).on_field(
            Field<V>{nvp.name, const_cast<V&>(static_cast<const V&>(nvp.value)), Presence::required});
    }
};

}  // namespace detail

/// Reads a payload struct from Fields. Every given name and value must be UTF-8 of at most
/// max_field_bytes, every required field must be there, no unknown field may be, and each value
/// must parse; otherwise InvalidPayload names the field and the fix.
class FieldsReader : public detail::FieldArchiveBase<FieldsReader> {
public:
    /// @param event   the event's id, used in error messages
    /// @param fields  the payload as given; it must outlive the reader
    /// @throws InvalidPayload for a name or value that is too long or not UTF-8 (checked
    ///         first, so that no message quotes such text)
    FieldsReader(std::string_view event, const Fields& fields) : event_(event), fields_(fields)
    {
        for (const auto& [name, value] : fields_) {
            check_text(name, name, "its name");
            check_text(name, value, "it");
        }
        // Then the characters, as for every text (input.hpp): a name is an id, a value one
        // line unless the field is documented as multi-line.
        for (const auto& [name, value] : fields_) {
            if (auto problem = input_problem(name, InputKind::id))
                throw InvalidPayload(std::string(event_), printable(name), "its name: " + *problem);
            if (auto problem = input_problem(value, text_kind(name)))
                throw InvalidPayload(std::string(event_), name, *problem);
        }
    }

    /// Reads field @p f from the given pairs (called through the archive, once per field).
    /// @throws InvalidPayload if a required field is missing or the value does not parse
    template <class T>
    void on_field(Field<T> f)
    {
        auto it = fields_.find(std::string_view(f.name));
        if (it == fields_.end()) {
            if (f.presence == Presence::required)
                throw InvalidPayload(std::string(event_), f.name,
                                     "missing; give it as " + std::string(f.name) + "=<" + FieldCodec<T>::kind() + ">");
            return;
        }
        used_.insert(it->first);
        try {
            f.value = FieldCodec<T>::parse(it->second);
        } catch (const std::invalid_argument& e) {
            throw InvalidPayload(std::string(event_), f.name, e.what());
        }
    }

    /// After reading: throws for any field the payload gave that the event does not have.
    /// @param known  the event's field names, for the message
    void reject_unknown(const std::vector<FieldInfo>& known) const
    {
        for (const auto& [name, value] : fields_) {
            if (used_.count(name)) continue;
            std::string names;
            for (const auto& k : known) names += (names.empty() ? "" : ", ") + k.name;
            throw InvalidPayload(std::string(event_), name,
                                 "not a field of this event; " +
                                     (names.empty() ? std::string("it takes no fields") : "its fields are: " + names));
        }
    }

    /// How many of the given fields were read.
    std::size_t fields_used() const noexcept { return used_.size(); }

private:
    /// Refuses @p text (the name or value of field @p name) if too long or not UTF-8.
    void check_text(const std::string& name, const std::string& text, const char* what) const
    {
        if (text.size() > max_field_bytes)
            throw InvalidPayload(std::string(event_), printable(name),
                                 std::string(what) + " is " + std::to_string(text.size()) +
                                     " bytes long; a payload field takes at most " + std::to_string(max_field_bytes) +
                                     " bytes (64 KiB): shorten it, or keep the long text in a document and give its "
                                     "reference");
        if (const auto at = invalid_utf8_at(text); at != std::string_view::npos)
            throw InvalidPayload(std::string(event_), printable(name),
                                 std::string(what) + " is not valid UTF-8 text (byte " + std::to_string(at + 1) +
                                     " of " + std::to_string(text.size()) + " is not); send it as UTF-8 (" +
                                     printable(text, 40) + ")");
    }

    std::string_view event_;
    const Fields& fields_;
    std::set<std::string, std::less<>> used_;
};

/// Writes a payload struct as (name, text) pairs, leaving out optional fields that are empty
/// (empty text or list, unset optional, false, zero).
class FieldsWriter : public detail::FieldArchiveBase<FieldsWriter> {
public:
    /// Adds field @p f's pair (called through the archive, once per field).
    template <class T>
    void on_field(Field<T> f)
    {
        if (f.presence == Presence::optional && FieldCodec<T>::is_default(f.value)) return;
        pairs.emplace_back(f.name, FieldCodec<T>::format(f.value));
    }
    /// The pairs written, in the order of the field list.
    std::vector<std::pair<std::string, std::string>> pairs;
};

/// Writes a payload struct as one `name=value, …` text, as FieldsWriter would list it, straight
/// into one string (this runs on every fire).
class FieldsSummary : public detail::FieldArchiveBase<FieldsSummary> {
public:
    /// Appends field @p f as `name=value` (called through the archive, once per field).
    template <class T>
    void on_field(Field<T> f)
    {
        if (f.presence == Presence::optional && FieldCodec<T>::is_default(f.value)) return;
        if (!text.empty()) text += ", ";
        text += f.name;
        text += '=';
        if constexpr (std::is_same_v<T, std::string>)
            text += f.value;
        else
            text += FieldCodec<T>::format(f.value);
    }
    /// The summary written so far.
    std::string text;
};

/// Describes a payload struct's fields (name, kind, required).
class FieldDescriber : public detail::FieldArchiveBase<FieldDescriber> {
public:
    /// Adds field @p f's description (called through the archive, once per field).
    template <class T>
    void on_field(Field<T> f)
    {
        fields.push_back({f.name, FieldCodec<T>::kind(), f.presence == Presence::required});
    }
    /// The fields described, in the order of the field list.
    std::vector<FieldInfo> fields;
};

/// Checks that required text and list fields are not empty: an empty one counts as missing.
class RequiredChecker : public detail::FieldArchiveBase<RequiredChecker> {
public:
    /// @param event  the event's id, used in error messages
    explicit RequiredChecker(std::string_view event) : event_(event) {}

    /// Checks field @p f (called through the archive, once per field).
    /// @throws InvalidPayload if it is a required text or list and empty
    template <class T>
    void on_field(Field<T> f)
    {
        if constexpr (is_container<T>::value)
            if (f.presence == Presence::required && f.value.empty())
                throw InvalidPayload(std::string(event_), f.name,
                                     "is empty; give it as " + std::string(f.name) + "=<" + FieldCodec<T>::kind() +
                                         ">");
    }

private:
    template <class T>
    struct is_container : std::false_type {};
    template <class C, class Tr, class A>
    struct is_container<std::basic_string<C, Tr, A>> : std::true_type {};
    template <class V, class A>
    struct is_container<std::vector<V, A>> : std::true_type {};

    std::string_view event_;
};

/// Throws InvalidPayload for the first required text or list field of @p payload that is empty.
template <class T>
void check_required_fields(std::string_view event, const T& payload)
{
    RequiredChecker checker(event);
    detail::walk(checker, const_cast<T&>(payload));
}

/// Throws InvalidPayload for the first text of @p payload that breaks input.hpp's rule for its
/// field (one line, or multi-line for the fields is_multiline_field() names), or when its
/// texts together exceed max_payload_bytes. The engine calls it for every fire, typed or by name.
template <class T>
void check_payload_texts(std::string_view event, const T& payload)
{
    detail::check_texts(payload, [&](const std::string& name, const std::string& problem) {
        throw InvalidPayload(std::string(event), name, problem);
    });
}

/// The fields of payload type @p T.
template <class T>
std::vector<FieldInfo> describe_fields()
{
    T sample{};
    FieldDescriber d;
    detail::walk(d, sample);
    return std::move(d.fields);
}

/// Reads a @p T from @p fields; @p event names it in errors.
/// @throws InvalidPayload for a missing, empty, unknown or malformed field, or one whose name
///         or value is not UTF-8 or longer than max_field_bytes.
template <class T>
T read_fields(std::string_view event, const Fields& fields)
{
    T value{};
    FieldsReader reader(event, fields);
    detail::walk(reader, value);
    if (reader.fields_used() != fields.size()) reader.reject_unknown(describe_fields<T>());
    check_required_fields(event, value);
    return value;
}

/// The payload as Fields (empty optional fields left out).
template <class T>
Fields write_fields(const T& value)
{
    FieldsWriter w;
    detail::walk(w, const_cast<T&>(value));
    return Fields(std::make_move_iterator(w.pairs.begin()), std::make_move_iterator(w.pairs.end()));
}

/// One line for a history: `answer_reference=14/1923-1, urgent=true`; empty for no fields.
template <class T>
std::string summarize_fields(const T& value)
{
    FieldsSummary summary;
    detail::walk(summary, const_cast<T&>(value));
    return std::move(summary.text);
}

}  // namespace kimflow
