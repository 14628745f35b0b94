// The KIM case engine's members, compiled once here: the case machine's 46-row table is the
// heaviest MSM instantiation of the library.
#include "kimflow/kim/lifecycle.hpp"

template class kimflow::Engine<kimflow::kim::CaseLifecycle>;
