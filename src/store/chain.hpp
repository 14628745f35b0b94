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
#pragma once

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

/// The hash of a transition entry after @p previous.
inline Sha256::Digest transition_hash(const Sha256::Digest& previous, std::string_view lifecycle,
                                      std::string_view instance, const StoredTransition& t,
                                      const Sha256::Digest& payload, const Sha256::Digest& erased)
{
    Sha256 h;
    h.update("kimflow transition 1");
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
