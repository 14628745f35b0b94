/// @file
/// Instance data and event payloads as bytes for storage, through kimflow's own archives.
///
/// The bytes are those of cereal's portable binary archive (one byte for the byte order, then
/// every number little-endian, lengths as 64-bit numbers, a class's version before its first
/// object), so every database written so far reads back. The archives are kimflow's own types,
/// not cereal archives: they take the same serialize(), save() and load() functions (cereal's
/// calling convention, and cereal's functions for the standard types), but keep a class's
/// version per archive instead of in cereal's process-wide table, check what they read (no
/// length longer than the bytes it came in, no flag but 0 or 1), and add nothing to cereal's
/// own archives.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <type_traits>
#include <typeindex>
#include <utility>
#include <vector>

#include <cereal/access.hpp>
#include <cereal/cereal.hpp>

#include "kimflow/store/store.hpp"

namespace kimflow {

namespace detail {
/// Whether this machine stores numbers little-endian.
inline bool host_is_little_endian() noexcept
{
    const std::uint16_t probe = 1;
    unsigned char first = 0;
    std::memcpy(&first, &probe, 1);
    return first == 1;
}

template <class T, template <class...> class Template>
struct is_instance_of : std::false_type {};
template <template <class...> class Template, class... Args>
struct is_instance_of<Template<Args...>, Template> : std::true_type {};

/// The class version a type declares (CEREAL_CLASS_VERSION), 0 if none.
template <class T>
std::uint32_t class_version()
{
    return cereal::detail::Version<T>::version;
}

/// The types whose version an archive has written or read, with the version.
class SeenVersions {
public:
    /// The version recorded for @p type, or null.
    const std::uint32_t* find(std::type_index type) const
    {
        for (const auto& [t, v] : seen_)
            if (t == type) return &v;
        return nullptr;
    }
    void add(std::type_index type, std::uint32_t version) { seen_.emplace_back(type, version); }

private:
    std::vector<std::pair<std::type_index, std::uint32_t>> seen_;
};
}  // namespace detail

/// Writes the bytes kimflow stores (see the file comment) into a string. (Its empty base puts
/// namespace cereal among the archive's associated namespaces, so that argument-dependent
/// lookup finds cereal's functions for the standard types, as it does for cereal's archives.)
class BinaryOutputArchive : private cereal::access {
public:
    /// Marks an output archive for cereal's traits.
    using is_saving = std::true_type;
    /// Marks an output archive for cereal's traits.
    using is_loading = std::false_type;

    /// Appends to @p out, starting with the byte-order mark.
    explicit BinaryOutputArchive(std::string& out) : out_(out)
    {
        const std::uint8_t little = 1;
        save_bytes<1>(&little, 1);
    }
    BinaryOutputArchive(const BinaryOutputArchive&) = delete;
    BinaryOutputArchive& operator=(const BinaryOutputArchive&) = delete;

    /// Writes each of @p values in turn.
    template <class... Ts>
    BinaryOutputArchive& operator()(Ts&&... values)
    {
        (write(values), ...);
        return *this;
    }

    /// Appends @p size bytes of elements @p ElementSize bytes long, little-endian.
    template <std::size_t ElementSize>
    void save_bytes(const void* data, std::size_t size)
    {
        const char* bytes = static_cast<const char*>(data);
        if (ElementSize == 1 || detail::host_is_little_endian()) {
            out_.append(bytes, size);
            return;
        }
        for (std::size_t i = 0; i < size; i += ElementSize)
            for (std::size_t j = 0; j < ElementSize; ++j) out_.push_back(bytes[i + ElementSize - 1 - j]);
    }

private:
    template <class T>
    void write(const T& value);
    /// The version of class @p T, written before its first object, as cereal writes it.
    template <class T>
    std::uint32_t version()
    {
        const std::type_index type(typeid(T));
        if (const std::uint32_t* known = versions_.find(type)) return *known;
        const std::uint32_t v = detail::class_version<T>();
        versions_.add(type, v);
        write(v);
        return v;
    }

    std::string& out_;
    detail::SeenVersions versions_;
};

/// Reads bytes written by BinaryOutputArchive (or by cereal's portable binary archive), and
/// refuses what no such writer produces. (Its empty base is BinaryOutputArchive's.)
class BinaryInputArchive : private cereal::access {
public:
    /// Marks an input archive for cereal's traits.
    using is_saving = std::false_type;
    /// Marks an input archive for cereal's traits.
    using is_loading = std::true_type;

    /// Reads from @p bytes, which must outlive the archive.
    /// @throws cereal::Exception if the byte-order mark is missing or not 0 or 1
    explicit BinaryInputArchive(std::string_view bytes) : bytes_(bytes)
    {
        std::uint8_t little = 0;
        load_bytes<1>(&little, 1);
        if (little > 1) throw cereal::Exception("the byte-order mark is " + std::to_string(little) + ", not 0 or 1");
        swap_ = (little == 1) != detail::host_is_little_endian();
    }
    BinaryInputArchive(const BinaryInputArchive&) = delete;
    BinaryInputArchive& operator=(const BinaryInputArchive&) = delete;

    /// Reads each of @p values in turn.
    template <class... Ts>
    BinaryInputArchive& operator()(Ts&&... values)
    {
        (read(values), ...);
        return *this;
    }

    /// Reads @p size bytes of elements @p ElementSize bytes long into @p data.
    /// @throws cereal::Exception if fewer bytes are left
    template <std::size_t ElementSize>
    void load_bytes(void* data, std::size_t size)
    {
        if (size > bytes_.size() - position_)
            throw cereal::Exception("the data ends after " + std::to_string(bytes_.size()) + " bytes, " +
                                    std::to_string(size) + " more were expected");
        std::memcpy(data, bytes_.data() + position_, size);
        position_ += size;
        if (!swap_ || ElementSize == 1) return;
        auto* out = static_cast<unsigned char*>(data);
        for (std::size_t i = 0; i < size; i += ElementSize)
            for (std::size_t j = 0; j < ElementSize / 2; ++j) std::swap(out[i + j], out[i + ElementSize - 1 - j]);
    }
    /// The number of bytes the archive reads from: no stored length can be larger (each element
    /// takes at least one byte), so a damaged length fails before anything is allocated for it.
    std::size_t size() const noexcept { return bytes_.size(); }

private:
    template <class T>
    void read(T& value);
    /// The version of class @p T, read before its first object, as cereal writes it.
    template <class T>
    std::uint32_t version()
    {
        const std::type_index type(typeid(T));
        if (const std::uint32_t* known = versions_.find(type)) return *known;
        std::uint32_t v = 0;
        read(v);
        versions_.add(type, v);
        return v;
    }

    std::string_view bytes_;
    std::size_t position_ = 0;
    bool swap_ = false;
    detail::SeenVersions versions_;
};

/// A block of numbers (a string's characters), little-endian. Declared as cereal declares it
/// for its binary archives: cereal's functions for strings and vectors look for it.
template <class T>
void CEREAL_SAVE_FUNCTION_NAME(BinaryOutputArchive& ar, const cereal::BinaryData<T>& block)
{
    ar.save_bytes<sizeof(std::remove_pointer_t<T>)>(block.data, static_cast<std::size_t>(block.size));
}

/// A block of numbers (a string's characters), little-endian.
template <class T>
void CEREAL_LOAD_FUNCTION_NAME(BinaryInputArchive& ar, cereal::BinaryData<T>& block)
{
    ar.load_bytes<sizeof(std::remove_pointer_t<T>)>(block.data, static_cast<std::size_t>(block.size));
}

template <class T>
void BinaryOutputArchive::write(const T& value)
{
    using A = BinaryOutputArchive;
    namespace traits = cereal::traits;
    auto& mutable_value = const_cast<T&>(value);  // serialize() takes a non-const object, as in cereal
    if constexpr (std::is_same_v<T, bool>) {
        const std::uint8_t byte = value ? 1 : 0;
        save_bytes<1>(&byte, 1);
    } else if constexpr (std::is_arithmetic_v<T>) {
        save_bytes<sizeof(T)>(&value, sizeof(T));
    } else if constexpr (detail::is_instance_of<T, cereal::NameValuePair>::value) {
        write(value.value);
    } else if constexpr (detail::is_instance_of<T, cereal::SizeTag>::value) {
        write(static_cast<std::uint64_t>(value.size));
    } else if constexpr (traits::has_member_versioned_serialize<T, A>::value) {
        cereal::access::member_serialize(*this, mutable_value, version<T>());
    } else if constexpr (traits::has_non_member_versioned_serialize<T, A>::value) {
        CEREAL_SERIALIZE_FUNCTION_NAME(*this, mutable_value, version<T>());
    } else if constexpr (traits::has_member_serialize<T, A>::value) {
        cereal::access::member_serialize(*this, mutable_value);
    } else if constexpr (traits::has_non_member_serialize<T, A>::value) {
        CEREAL_SERIALIZE_FUNCTION_NAME(*this, mutable_value);
    } else if constexpr (traits::has_member_versioned_save<T, A>::value) {
        cereal::access::member_save(*this, value, version<T>());
    } else if constexpr (traits::has_non_member_versioned_save<T, A>::value) {
        CEREAL_SAVE_FUNCTION_NAME(*this, value, version<T>());
    } else if constexpr (traits::has_member_save<T, A>::value) {
        cereal::access::member_save(*this, value);
    } else if constexpr (traits::has_non_member_save<T, A>::value) {
        CEREAL_SAVE_FUNCTION_NAME(*this, value);
    } else if constexpr (traits::has_member_save_minimal<T, A>::value) {
        write(cereal::access::member_save_minimal(*this, value));
    } else if constexpr (traits::has_non_member_save_minimal<T, A>::value) {
        write(CEREAL_SAVE_MINIMAL_FUNCTION_NAME(*this, value));
    } else {
        static_assert(traits::detail::delay_static_assert<T>::value,
                      "kimflow cannot store this type: give it a serialize() (or save() and load()) function, as "
                      "cereal takes them");
    }
}

template <class T>
void BinaryInputArchive::read(T& value)
{
    using A = BinaryInputArchive;
    namespace traits = cereal::traits;
    if constexpr (std::is_same_v<T, bool>) {
        // A flag is one byte, 0 or 1: any other value is damage, and loading it into a bool
        // would be undefined behaviour (found by fuzz_stored_row).
        std::uint8_t byte = 0;
        load_bytes<1>(&byte, 1);
        if (byte > 1) throw cereal::Exception("a stored flag holds " + std::to_string(byte) + ", not 0 or 1");
        value = byte == 1;
    } else if constexpr (std::is_arithmetic_v<T>) {
        load_bytes<sizeof(T)>(&value, sizeof(T));
    } else if constexpr (detail::is_instance_of<T, cereal::NameValuePair>::value) {
        read(value.value);
    } else if constexpr (detail::is_instance_of<T, cereal::SizeTag>::value) {
        // A length is checked against the bytes read: a damaged one would otherwise allocate
        // whatever it says, gigabytes for a 13-byte row (found by fuzz_stored_row).
        std::uint64_t size = 0;
        read(size);
        if (size > bytes_.size())
            throw cereal::Exception("a stored length of " + std::to_string(size) + " exceeds the " +
                                    std::to_string(bytes_.size()) + " bytes stored");
        value.size = static_cast<std::remove_reference_t<decltype(value.size)>>(size);
    } else if constexpr (traits::has_member_versioned_serialize<T, A>::value) {
        cereal::access::member_serialize(*this, value, version<T>());
    } else if constexpr (traits::has_non_member_versioned_serialize<T, A>::value) {
        CEREAL_SERIALIZE_FUNCTION_NAME(*this, value, version<T>());
    } else if constexpr (traits::has_member_serialize<T, A>::value) {
        cereal::access::member_serialize(*this, value);
    } else if constexpr (traits::has_non_member_serialize<T, A>::value) {
        CEREAL_SERIALIZE_FUNCTION_NAME(*this, value);
    } else if constexpr (traits::has_member_versioned_load<T, A>::value) {
        cereal::access::member_load(*this, value, version<T>());
    } else if constexpr (traits::has_non_member_versioned_load<T, A>::value) {
        CEREAL_LOAD_FUNCTION_NAME(*this, value, version<T>());
    } else if constexpr (traits::has_member_load<T, A>::value) {
        cereal::access::member_load(*this, value);
    } else if constexpr (traits::has_non_member_load<T, A>::value) {
        CEREAL_LOAD_FUNCTION_NAME(*this, value);
    } else if constexpr (traits::has_member_load_minimal<T, A>::value) {
        std::decay_t<decltype(cereal::access::member_save_minimal(std::declval<const BinaryOutputArchive&>(), value))> raw{};
        read(raw);
        cereal::access::member_load_minimal(*this, value, raw);
    } else if constexpr (traits::has_non_member_load_minimal<T, A>::value) {
        std::decay_t<decltype(CEREAL_SAVE_MINIMAL_FUNCTION_NAME(std::declval<const BinaryOutputArchive&>(), value))> raw{};
        read(raw);
        CEREAL_LOAD_MINIMAL_FUNCTION_NAME(*this, value, raw);
    } else {
        static_assert(traits::detail::delay_static_assert<T>::value,
                      "kimflow cannot read this type: give it a serialize() (or save() and load()) function, as "
                      "cereal takes them");
    }
}

/// @p value as the bytes kimflow stores.
template <class T>
std::string encode(const T& value)
{
    // Written into a buffer kept by the thread, which has grown to the size of what it holds:
    // the result is then one allocation of the right size.
    thread_local std::string buffer;
    buffer.clear();
    {
        BinaryOutputArchive archive(buffer);
        archive(value);
    }
    return buffer;
}

/// A @p T read from bytes written by encode() (by this or an earlier version of the type).
/// @param bytes the stored bytes
/// @param what  names the bytes in the error, e.g. "paper 14/1923"
/// @throws StoreCorrupt if the bytes do not hold a @p T
template <class T>
T decode(const std::string& bytes, const std::string& what)
{
    T value{};
    try {
        BinaryInputArchive archive(bytes);
        archive(value);
    } catch (const std::exception& e) {
        throw StoreCorrupt("the stored data of " + what + " cannot be read (" + e.what() +
                           "): the database was changed by hand or by another program; restore it from a backup, "
                           "and run `kimctl verify` to find other damage");
    }
    return value;
}

/// Whether @p T can be stored: it has a cereal serialize (or save and load) function.
template <class T>
inline constexpr bool storable = cereal::traits::is_output_serializable<T, BinaryOutputArchive>::value &&
                                 cereal::traits::is_input_serializable<T, BinaryInputArchive>::value;

}  // namespace kimflow

// cereal's traits pair kimflow's two archives, as they pair its own (for load_minimal).
CEREAL_SETUP_ARCHIVE_TRAITS(kimflow::BinaryInputArchive, kimflow::BinaryOutputArchive)
