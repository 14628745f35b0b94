// The paper engine's members, compiled once here so that hosts do not instantiate the
// paper lifecycle's MSM dispatch tables in every translation unit.
#include "kimflow/paper/deadlines.hpp"
#include "kimflow/paper/lifecycle.hpp"

namespace kimflow::paper {

StoreKeys PaperLifecycle::store_keys(const Paper& p, std::string_view state, const PaperConfig& config)
{
    StoreKeys keys{std::nullopt, p.originator, p.body};
    const bool waiting = state == state::Submitted::id || state == state::OnAgenda::id;
    if (waiting && !p.answered_at) keys.due = answer_due(p, config);
    if (state == state::OnAgenda::id)
        if (const Consultation* c = p.current(); c && c->meeting_date && (!keys.due || *c->meeting_date < *keys.due))
            keys.due = c->meeting_date;
    return keys;
}

}  // namespace kimflow::paper

template class kimflow::Engine<kimflow::paper::PaperLifecycle>;
