// The case events whose machine code (MSM's dispatch of each event over the 46-row table) is
// compiled in case_events.cpp instead of case_model.cpp: the table is heavy enough that one unit
// for all 24 events would take more memory than a unit should. Those with the most rows are here,
// and the events of the case data (one or two rows each), so that case_model.cpp, which also
// builds the model, keeps the 10 events it had.
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
    X(GrantConsent)                           \
    X(NarrowConsent)                          \
    X(ExtendConsent)                          \
    X(CompleteReferral)                       \
    X(FollowUpDone)                           \
    X(FollowUpDue)
