// The paper engine's members, compiled once here so that hosts do not instantiate the
// paper lifecycle's MSM dispatch tables in every translation unit.
#include "kimflow/paper/lifecycle.hpp"

template class kimflow::Engine<kimflow::paper::PaperLifecycle>;
