#include "admin_log.hpp"

#include <openssl/rand.h>
#include <openssl/sha.h>

#include "kimflow/core/error.hpp"
#include "kimflow/identity/accounts.hpp"

namespace kimflow::identity_detail {

void log_admin(Store& store, const std::string& subject, const std::string& event, const std::string& state,
               const std::string& summary, const Actor& by, Timestamp at)
{
    in_transaction(store, [&] {
        std::optional<StoredInstance> row = store.load(admin_lifecycle, subject);
        if (!row) {
            StoredInstance fresh;
            fresh.lifecycle = std::string(admin_lifecycle);
            fresh.id = subject;
            fresh.states = {"new"};
            fresh.state = "new";
            fresh.created_at = at;
            fresh.created_by = by;
            store.insert(fresh);
            row = std::move(fresh);
        }
        StoredTransition t;
        t.version = row->version + 1;
        t.event = event;
        t.from = row->state;
        t.to = state;
        t.actor = by;
        t.at = at;
        t.payload = summary;
        t.summary = summary;
        StoredInstance after = *row;
        after.version = t.version;
        after.state = state;
        after.states = {state};
        store.append(after, t);
    });
}

std::string hex(std::string_view bytes)
{
    static const char digits[] = "0123456789abcdef";
    std::string out;
    out.reserve(bytes.size() * 2);
    for (unsigned char c : bytes) {
        out += digits[c >> 4];
        out += digits[c & 15];
    }
    return out;
}

std::string sha256_hex(std::string_view text)
{
    unsigned char digest[SHA256_DIGEST_LENGTH];
    SHA256(reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest);
    return hex(std::string_view(reinterpret_cast<const char*>(digest), sizeof digest));
}

std::string random_bytes(std::size_t n)
{
    std::string out(n, '\0');
    if (RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(n)) != 1)
        throw Error("the system's random generator failed; nothing was made, try again");
    return out;
}

}  // namespace kimflow::identity_detail
