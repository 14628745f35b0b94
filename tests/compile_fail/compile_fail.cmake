# Included from tests/CMakeLists.txt. Compile-fail tests: each target is built only by its test
# (EXCLUDE_FROM_ALL), which passes when the build fails with the expected message
# (expect_compile_error.cmake). The first error ends a compilation (-Wfatal-errors): the checks
# fire early, and the rest would cost a minute. They test the compiler, not the program, so the
# sanitizer presets leave them out (each costs a compilation of some 7 s); the controls, which
# run, stay.
set(kimflow_compile_fail_on ON)
if(CMAKE_CXX_FLAGS MATCHES "sanitize")
    set(kimflow_compile_fail_on OFF)
endif()

# kimflow_compile_fail_<name>: @p source built with @p definition (none: "") must fail, saying @p expect.
function(kimflow_compile_fail name source definition expect)
    if(NOT kimflow_compile_fail_on)
        return()
    endif()
    set(target kimflow_compile_fail_${name})
    add_executable(${target} EXCLUDE_FROM_ALL ${CMAKE_CURRENT_LIST_DIR}/${source})
    target_link_libraries(${target} PRIVATE kimflow::msm)
    if(definition)
        target_compile_definitions(${target} PRIVATE ${definition})
    endif()
    target_compile_options(${target} PRIVATE -Wfatal-errors)
    add_test(NAME ${target}
        COMMAND ${CMAKE_COMMAND} -D BUILD_DIR=${PROJECT_BINARY_DIR} -D TARGET=${target} "-DEXPECT=${expect}"
            -P ${CMAKE_CURRENT_LIST_DIR}/expect_compile_error.cmake)
endfunction()

# A lifecycle that declares personal data with a misspelt hook (core/hooks.hpp): before the
# check, purge() would have erased nothing of such data, silently.
kimflow_compile_fail(misspelt_hook misspelt_personal_hook.cpp ""
    "personal_data = true needs `static void erase_personal(Data&)`")

# lifecycle_checks.cpp: one lifecycle, a mistake per macro, and the control that builds it as
# it is and runs it (core/lifecycle.hpp, core/msm_model.hpp, core/engine.hpp).
set(kimflow_stops "kimflow lifecycles cannot use terminate or interrupt states: make the end a state no row leaves")
kimflow_compile_fail(defer_in_state lifecycle_checks.cpp KIMFLOW_DEFER_IN_STATE
    "kimflow lifecycles cannot defer events")
kimflow_compile_fail(defer_in_table lifecycle_checks.cpp KIMFLOW_DEFER_IN_TABLE
    "kimflow lifecycles cannot defer events")
kimflow_compile_fail(terminate_state lifecycle_checks.cpp KIMFLOW_TERMINATE_STATE "${kimflow_stops}")
kimflow_compile_fail(interrupt_state lifecycle_checks.cpp KIMFLOW_INTERRUPT_STATE "${kimflow_stops}")
kimflow_compile_fail(events_extra lifecycle_checks.cpp KIMFLOW_EVENTS_EXTRA
    "Lifecycle::Events must list exactly the events of the transition table")
kimflow_compile_fail(events_missing lifecycle_checks.cpp KIMFLOW_EVENTS_MISSING
    "an event of the transition table is missing from Lifecycle::Events")
kimflow_compile_fail(foreign_event lifecycle_checks.cpp KIMFLOW_FOREIGN_EVENT
    "this event type is not one of the lifecycle's events (Lifecycle::Events)")
add_executable(kimflow_compile_fail_control ${CMAKE_CURRENT_LIST_DIR}/lifecycle_checks.cpp)
target_link_libraries(kimflow_compile_fail_control PRIVATE kimflow::msm)
target_compile_options(kimflow_compile_fail_control PRIVATE -Wall -Wextra)
add_test(NAME kimflow_compile_fail_control COMMAND kimflow_compile_fail_control)
