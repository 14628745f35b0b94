# Checks the host's own transition log after both runs (cmake -DLOG=FILE -P check_log.cmake):
# one line per transition the first run applied (13), in order, nothing of the rolled-back unit,
# nothing added by the second run.
if(NOT EXISTS "${LOG}")
    message(FATAL_ERROR "no log file at ${LOG}: the observer wrote nothing")
endif()
file(READ "${LOG}" text)

string(REGEX MATCHALL "\n" newlines "${text}")
list(LENGTH newlines count)
if(NOT count EQUAL 13)
    message(FATAL_ERROR "the log has ${count} lines, not 13 (one per transition of the first run):\n${text}")
endif()

# Every line has the host's format: time, lifecycle, instance, version, from --event--> to, actor.
# (Removing the well-formed lines must leave nothing; a list would split at the payloads' ';'.)
string(REGEX REPLACE "[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]Z (grant|paper) [^ \n]+ v[0-9]+ [a-z_]+ --[a-z_]+--> [a-z_]+ by [^\n]+\n"
       "" malformed "${text}")
if(NOT malformed STREQUAL "")
    message(FATAL_ERROR "these log lines do not have the expected format:\n${malformed}")
endif()

# These, in this order (the rolled-back unit left no version behind: FA-2025-015 starts at v1).
set(position -1)
foreach(expected
        "grant FA-2025-014 v1 received --start_review--> in_review by a.yilmaz"
        "grant FA-2025-014 v3 in_review --add_document--> in_review by a.yilmaz (sachbearbeitung) {document=Projektbeschreibung}"
        "grant FA-2025-015 v1 received --start_review--> in_review"
        "paper 0731/2025 v5 on_agenda --decide--> decided"
        "grant FA-2025-014 v4 in_review --record_resolution--> in_review"
        "grant FA-2025-014 v5 in_review --approve--> approved by fb50-leitung (verwaltung) {amount_eur=18500"
        "grant FA-2025-015 v2 in_review --reject--> rejected"
        "2026-01-15T09:00:00Z paper 0731/2025 v6 decided --complete--> completed")
    string(FIND "${text}" "${expected}" at)
    if(at EQUAL -1)
        message(FATAL_ERROR "the log lacks '${expected}':\n${text}")
    endif()
    if(NOT at GREATER position)
        message(FATAL_ERROR "'${expected}' is out of order in the log:\n${text}")
    endif()
    set(position ${at})
endforeach()

# The refused unit of work must not have reached the observer.
if(text MATCHES "FA-2025-015 v[0-9]+ [a-z_]+ --(add_document|approve)-->")
    message(FATAL_ERROR "the log has a transition of the rolled-back unit of work:\n${text}")
endif()
message(STATUS "log ${LOG}: 13 well-formed lines, in order, nothing of the rolled-back unit")
