/// @file
/// Instance data and event payloads as bytes for storage: cereal's portable binary archive
/// (the same bytes on every platform), with the class versions the types declare.
#pragma once

#include <mutex>
#include <set>
#include <sstream>
#include <string>
#include <string_view>

#include <cereal/archives/portable_binary.hpp>
#include <cereal/cereal.hpp>

#include "kimflow/store/store.hpp"

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
/// @param what  names the bytes in the error, e.g. "paper 14/1923"
/// @throws StoreCorrupt if the bytes do not hold a @p T
template <class T>
T decode(const std::string& bytes, const std::string& what)
{
    std::istringstream in(bytes, std::ios::binary);
    T value{};
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
