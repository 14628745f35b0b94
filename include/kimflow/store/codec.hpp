/// @file
/// Instance data and event payloads as bytes for storage, through kimflow's own archives: the
/// layout of cereal's portable binary archive (one byte for the byte order, then every number
/// little-endian, lengths as 64-bit numbers), so that every database written so far reads back,
/// with the class versions the types declare. Being kimflow's own types, the archives check
/// what they read (no length longer than the bytes it came in, no flag but 0 or 1) for
/// kimflow's data only, and add nothing to cereal's own archives.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

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
}  // namespace detail

/// Writes the bytes kimflow stores (see the file comment) straight into a string.
class BinaryOutputArchive : public cereal::OutputArchive<BinaryOutputArchive, cereal::AllowEmptyClassElision> {
public:
    /// Appends to @p out, starting with the byte-order mark.
    explicit BinaryOutputArchive(std::string& out)
        : cereal::OutputArchive<BinaryOutputArchive, cereal::AllowEmptyClassElision>(this), out_(out)
    {
        const std::uint8_t little = 1;
        save_bytes<1>(&little, 1);
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
    std::string& out_;
};

/// Reads bytes written by BinaryOutputArchive (or by cereal's portable binary archive), and
/// refuses what no such writer produces.
class BinaryInputArchive : public cereal::InputArchive<BinaryInputArchive, cereal::AllowEmptyClassElision> {
public:
    /// Reads from @p bytes, which must outlive the archive.
    /// @throws cereal::Exception if the byte-order mark is missing or not 0 or 1
    explicit BinaryInputArchive(std::string_view bytes)
        : cereal::InputArchive<BinaryInputArchive, cereal::AllowEmptyClassElision>(this), bytes_(bytes)
    {
        std::uint8_t little = 0;
        load_bytes<1>(&little, 1);
        if (little > 1) throw cereal::Exception("the byte-order mark is " + std::to_string(little) + ", not 0 or 1");
        swap_ = (little == 1) != detail::host_is_little_endian();
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
    std::string_view bytes_;
    std::size_t position_ = 0;
    bool swap_ = false;
};

/// Numbers as they are, little-endian.
template <class T>
std::enable_if_t<std::is_arithmetic_v<T>> CEREAL_SAVE_FUNCTION_NAME(BinaryOutputArchive& ar, const T& value)
{
    ar.save_bytes<sizeof(T)>(&value, sizeof(T));
}

/// Numbers as they are, little-endian.
template <class T>
std::enable_if_t<std::is_arithmetic_v<T> && !std::is_same_v<T, bool>> CEREAL_LOAD_FUNCTION_NAME(BinaryInputArchive& ar,
                                                                                                 T& value)
{
    ar.load_bytes<sizeof(T)>(&value, sizeof(T));
}

/// A flag is one byte, 0 or 1: any other value is damage, and loading it into a bool would be
/// undefined behaviour (found by fuzz_stored_row).
inline void CEREAL_LOAD_FUNCTION_NAME(BinaryInputArchive& ar, bool& value)
{
    std::uint8_t byte = 0;
    ar.load_bytes<1>(&byte, 1);
    if (byte > 1) throw cereal::Exception("a stored flag holds " + std::to_string(byte) + ", not 0 or 1");
    value = byte == 1;
}

/// Names are not stored: only the value.
template <class Archive, class T>
CEREAL_ARCHIVE_RESTRICT(BinaryInputArchive, BinaryOutputArchive)
CEREAL_SERIALIZE_FUNCTION_NAME(Archive& ar, cereal::NameValuePair<T>& pair)
{
    ar(pair.value);
}

/// A length, as a 64-bit number.
template <class T>
void CEREAL_SERIALIZE_FUNCTION_NAME(BinaryOutputArchive& ar, cereal::SizeTag<T>& tag)
{
    ar(tag.size);
}

/// A length, checked against the bytes read (a damaged length would otherwise have cereal
/// allocate whatever it says, gigabytes for a 13-byte row; found by fuzz_stored_row).
template <class T>
void CEREAL_SERIALIZE_FUNCTION_NAME(BinaryInputArchive& ar, cereal::SizeTag<T>& tag)
{
    ar(tag.size);
    if (tag.size > ar.size())
        throw cereal::Exception("a stored length of " + std::to_string(tag.size) + " exceeds the " +
                                std::to_string(ar.size()) + " bytes stored");
}

/// A block of numbers (a string's characters), little-endian.
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

/// @p value as the bytes kimflow stores.
template <class T>
std::string encode(const T& value)
{
    std::string out;
    {
        BinaryOutputArchive archive(out);
        archive(value);
    }
    return out;
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

// cereal's traits pair kimflow's two archives, as they pair its own.
CEREAL_SETUP_ARCHIVE_TRAITS(kimflow::BinaryInputArchive, kimflow::BinaryOutputArchive)
