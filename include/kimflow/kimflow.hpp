/// @file
/// kimflow's umbrella header: the engine, the built-in lifecycles, and diagrams.
/// Include the single headers instead to compile less.
#pragma once

#include "kimflow/core/actor.hpp"
#include "kimflow/core/clock.hpp"
#include "kimflow/core/engine.hpp"
#include "kimflow/core/error.hpp"
#include "kimflow/core/field_archive.hpp"
#include "kimflow/core/fields.hpp"
#include "kimflow/core/lifecycle.hpp"
#include "kimflow/core/machine.hpp"
#include "kimflow/core/time.hpp"
#include "kimflow/core/transition.hpp"
#include "kimflow/io/diagram.hpp"
#include "kimflow/paper/deadlines.hpp"
#include "kimflow/paper/events.hpp"
#include "kimflow/paper/lifecycle.hpp"
#include "kimflow/paper/paper.hpp"
#include "kimflow/paper/rules.hpp"
#include "kimflow/version.hpp"
