/// @file
/// Instance data and event payloads as bytes for storage: cereal's portable binary archive
/// (the same bytes on every platform), with the class versions the types declare.
#pragma once

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <set>
#include <sstream>
#include <string>
#include <string_view>

#include <cereal/archives/portable_binary.hpp>
#include <cereal/cereal.hpp>

#include "kimflow/store/store.hpp"

namespace kimflow::detail {
/// While decode() runs on this thread: how many bytes it reads. No length stored in them can be
/// larger (each element takes at least one byte), so a damaged length fails before anything is
/// allocated for it.
inline thread_local std::size_t decode_limit = static_cast<std::size_t>(-1);
}  // namespace kimflow::detail

namespace cereal {
/// Lengths read back (strings, lists) are checked against decode()'s bytes: a damaged length
/// would otherwise have cereal allocate whatever it says, gigabytes for a 13-byte row (found
/// by fuzz_stored_row).
inline void CEREAL_SERIALIZE_FUNCTION_NAME(PortableBinaryInputArchive& ar, SizeTag<size_type&>& tag)
{
    ar(tag.size);
    if (tag.size > kimflow::detail::decode_limit)
        throw Exception("a stored length of " + std::to_string(tag.size) + " exceeds the " +
                        std::to_string(kimflow::detail::decode_limit) + " bytes stored");
}

/// A flag is one byte, 0 or 1: any other value is damage, and loading it into a bool would be
/// undefined behaviour (found by fuzz_stored_row).
inline void CEREAL_LOAD_FUNCTION_NAME(PortableBinaryInputArchive& ar, bool& value)
{
    std::uint8_t byte = 0;
    ar(byte);
    if (byte > 1) throw Exception("a stored flag holds " + std::to_string(byte) + ", not 0 or 1");
    value = byte == 1;
}
}  // namespace cereal

namespace kimflow {

/// @p value as cereal portable binary bytes.
template <class T>
std::string encode(const T& value)
{
    std::ostringstream out(std::ios::binary);
    {
        cereal::PortableBinaryOutputArchive archive(out);
        archive(value);
    }
    return std::move(out).str();
}

/// A @p T read from bytes written by encode() (by this or an earlier version of the type).
/// @param bytes the stored bytes
/// @param what  names the bytes in the error, e.g. "paper 14/1923"
/// @throws StoreCorrupt if the bytes do not hold a @p T
template <class T>
T decode(const std::string& bytes, const std::string& what)
{
    std::istringstream in(bytes, std::ios::binary);
    T value{};
    struct Limit {
        std::size_t before = detail::decode_limit;
        ~Limit() { detail::decode_limit = before; }
    } limit;
    detail::decode_limit = bytes.size();
    try {
        cereal::PortableBinaryInputArchive archive(in);
        archive(value);
    } catch (const std::exception& e) {
        throw StoreCorrupt("the stored data of " + what + " cannot be read (" + e.what() +
                           "): the database was changed by hand or by another program; restore it from a backup, "
                           "and run `kimctl verify` to find other damage");
    }
    return value;
}

/// A view of @p text that stays valid for the program's life (one copy per distinct text):
/// for ids read back from a store.
inline std::string_view intern(std::string_view text)
{
    static std::mutex mutex;
    static std::set<std::string, std::less<>> pool;
    std::lock_guard<std::mutex> lock(mutex);
    auto it = pool.find(text);
    if (it == pool.end()) it = pool.emplace(text).first;
    return *it;
}

}  // namespace kimflow
