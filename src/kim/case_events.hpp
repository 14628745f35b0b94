// The case events whose machine code (MSM's dispatch of each event over the 46-row table) is
// compiled in case_events.cpp instead of case_model.cpp: the table is heavy enough that one unit
// for all 19 events would take more memory than a unit should. Those with the most rows are here.
#pragma once

#include "kimflow/core/msm_model.hpp"
#include "kimflow/kim/machine.hpp"

#define KIMFLOW_CASE_EVENTS_COMPILED_APART(X) \
    X(Pause)                                  \
    X(Resume)                                 \
    X(Abort)                                  \
    X(WithdrawConsent)                        \
    X(Close)                                  \
    X(Decline)                                \
    X(Reopen)                                 \
    X(Refer)                                  \
    X(GrantConsent)
