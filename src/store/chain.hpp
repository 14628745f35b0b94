/// @file
/// The audit trail's hash chains: what each entry's hash covers, the same for every store.
///
/// One chain per database runs through the transition log in commit order, another through
/// the denial log. Each entry's hash covers the previous entry's hash and the entry's content;
/// changing, inserting, removing or reordering an entry breaks every hash after it. Personal
/// data is chained through two digests, of the payload as written and of its erased form, so
/// an erased entry (whose payload is its erased form) is still checked byte for byte.
///
/// Why per database and not per instance: a per-instance chain cannot tell that a whole
/// instance, with every entry it had, was deleted; one chain over the log can. It costs no
/// concurrency, since SQLite (like any single-file store) writes one transaction at a time.
/// What no chain inside the file can show is that its last entries were cut off: keep the
/// heads that Store::verify_chain reports somewhere else (a report, the Kreis's archive).
/// Nor can it show a change to what the chains leave out: the timer key (a tick writes it, and it
/// follows from the data) and the settings (accounts, tokens, the stored policy's text; changes
/// of accounts and the policy are logged as transitions of their own).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "sha256.hpp"
#include "kimflow/store/store.hpp"

namespace kimflow::chain {

/// The previous hash of a log's first entry.
inline const Sha256::Digest genesis{};

namespace detail {
inline void put(Sha256& h, std::uint64_t v)
{
    char bytes[8];
    for (int i = 0; i < 8; ++i) bytes[i] = static_cast<char>(v >> (56 - 8 * i));
    h.update(std::string_view(bytes, 8));
}
/// Length first, so that no two field lists give the same bytes.
inline void put(Sha256& h, std::string_view text)
{
    put(h, static_cast<std::uint64_t>(text.size()));
    h.update(text);
}
inline void put(Sha256& h, const Sha256::Digest& d)
{
    h.update(std::string_view(reinterpret_cast<const char*>(d.data()), d.size()));
}
}  // namespace detail

/// The digest of a payload with its summary: what the chain holds of personal data.
inline Sha256::Digest payload_digest(std::string_view payload, std::string_view summary)
{
    Sha256 h;
    detail::put(h, payload);
    detail::put(h, summary);
    return h.digest();
}

/// The columns of an instance row a row digest covers, in its order. The timer key is not
/// among them: a tick writes it without a transition, and it follows from the data.
inline constexpr const char* row_columns[] = {"state", "states",  "version", "data",  "created_at",
                                              "created_by", "created_role", "created_org", "due",
                                              "owner", "area", "overseer", "erased_at"};
inline constexpr std::size_t row_column_count = sizeof(row_columns) / sizeof(row_columns[0]);
/// Bytes of each column's digest in a row digest: 128 bits, so that no edit of a column finds
/// another value with the same digest, and verify can name the column that was changed.
inline constexpr std::size_t row_column_bytes = 16;

/// The digest of an instance row as written: for each of row_columns, the first
/// row_column_bytes of the SHA-256 of its value. The entry that wrote the row (its transition,
/// or its creation) chains it, so that an edit of the row shows in verify.
inline std::string row_digest(const StoredInstance& in)
{
    std::string out;
    out.reserve(row_column_count * row_column_bytes);
    const auto add = [&](auto&& write) {
        Sha256 h;
        write(h);
        const auto d = h.digest();
        out.append(reinterpret_cast<const char*>(d.data()), row_column_bytes);
    };
    const auto text = [&](std::string_view value) { add([&](Sha256& h) { detail::put(h, value); }); };
    const auto number = [&](std::uint64_t value) { add([&](Sha256& h) { detail::put(h, value); }); };
    const auto optional_number = [&](bool present, std::uint64_t value) {
        add([&](Sha256& h) {
            detail::put(h, static_cast<std::uint64_t>(present));
            detail::put(h, present ? value : 0);
        });
    };
    std::string states;
    for (const auto& s : in.states) states += (states.empty() ? "" : ",") + s;
    text(in.state);
    text(states);
    number(in.version);
    text(in.data);
    number(static_cast<std::uint64_t>(in.created_at.time_since_epoch().count()));
    text(in.created_by.id);
    text(in.created_by.role);
    text(in.created_by.organization);
    optional_number(in.due.has_value(), in.due ? static_cast<std::uint64_t>(in.due->time_since_epoch().count()) : 0);
    text(in.owner);
    text(in.area);
    text(in.overseer);
    optional_number(in.erased_at.has_value(),
                    in.erased_at ? static_cast<std::uint64_t>(in.erased_at->time_since_epoch().count()) : 0);
    return out;
}

/// The hash of a creation entry after @p previous: one per instance created, so that an
/// instance with no transition yet is chained too, and a deleted instance is missed.
inline Sha256::Digest creation_hash(const Sha256::Digest& previous, std::string_view lifecycle,
                                    std::string_view instance, std::string_view row)
{
    Sha256 h;
    h.update("kimflow creation 1");
    detail::put(h, previous);
    for (std::string_view s : {lifecycle, instance, row}) detail::put(h, s);
    return h.digest();
}

/// The hash of a transition entry after @p previous. @p row is the row digest of the instance
/// the transition wrote (format 2); entries written before rows were chained have none
/// (format 1, the same bytes as then).
inline Sha256::Digest transition_hash(const Sha256::Digest& previous, std::string_view lifecycle,
                                      std::string_view instance, const StoredTransition& t,
                                      const Sha256::Digest& payload, const Sha256::Digest& erased,
                                      const std::string* row = nullptr)
{
    Sha256 h;
    h.update(row ? "kimflow transition 2" : "kimflow transition 1");
    if (row) detail::put(h, *row);
    detail::put(h, previous);
    for (std::string_view s : {lifecycle, instance}) detail::put(h, s);
    detail::put(h, t.version);
    for (std::string_view s : {std::string_view(t.event), std::string_view(t.from), std::string_view(t.to),
                               std::string_view(t.actor.id), std::string_view(t.actor.role),
                               std::string_view(t.actor.organization)})
        detail::put(h, s);
    detail::put(h, static_cast<std::uint64_t>(t.at.time_since_epoch().count()));
    detail::put(h, payload);
    detail::put(h, erased);
    return h.digest();
}

/// The hash of a denial entry after @p previous.
inline Sha256::Digest denial_hash(const Sha256::Digest& previous, const StoredDenial& d)
{
    Sha256 h;
    h.update("kimflow denial 1");
    detail::put(h, previous);
    for (std::string_view s : {std::string_view(d.lifecycle), std::string_view(d.instance), std::string_view(d.action),
                               std::string_view(d.actor.id), std::string_view(d.actor.role),
                               std::string_view(d.actor.organization)})
        detail::put(h, s);
    detail::put(h, static_cast<std::uint64_t>(d.at.time_since_epoch().count()));
    detail::put(h, d.reason);
    return h.digest();
}

}  // namespace kimflow::chain
