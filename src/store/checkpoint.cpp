// The bytes a signed checkpoint covers (Store's checkpoint_message), the same for every store and
// every signer.
#include <cstdint>
#include <string>

#include "kimflow/store/store.hpp"

namespace kimflow {

namespace {

void put(std::string& out, std::uint64_t v)
{
    for (int i = 0; i < 8; ++i) out += static_cast<char>(v >> (56 - 8 * i));
}

void put(std::string& out, std::string_view text)
{
    put(out, static_cast<std::uint64_t>(text.size()));
    out += text;
}

}  // namespace

std::string checkpoint_message(const Checkpoint& c)
{
    std::string out = "kimflow checkpoint 1";
    put(out, c.transitions);
    put(out, c.transition_head);
    put(out, c.denials);
    put(out, c.denial_head);
    put(out, c.creations);
    put(out, c.creation_head);
    put(out, static_cast<std::uint64_t>(c.at.time_since_epoch().count()));
    put(out, c.key_id);
    return out;
}

}  // namespace kimflow
