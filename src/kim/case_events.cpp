// Part of the case lifecycle's model: the events case_events.hpp names, compiled apart.
#include "case_events.hpp"

#define KIMFLOW_INSTANTIATE(Event) \
    template class kimflow::msm_detail::TypedEvent<kimflow::kim::CaseLifecycle, kimflow::kim::Event>;
KIMFLOW_CASE_EVENTS_COMPILED_APART(KIMFLOW_INSTANTIATE)
