# Runs embed_host on a file that is not a kimflow database (cmake -DPROGRAM=… -DFOREIGN=…
# -DWORK=… -P check_refusal.cmake): it must exit with 3, say what to do, write no log and leave
# the file as it was.
set(file "${WORK}/foreign_file.txt")
set(log "${WORK}/foreign_file.log")
file(REMOVE "${file}" "${file}-wal" "${file}-shm" "${log}")
configure_file("${FOREIGN}" "${file}" COPYONLY)

execute_process(COMMAND "${PROGRAM}" "${file}" "${log}"
                RESULT_VARIABLE code OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT code EQUAL 3)
    message(FATAL_ERROR "exit code ${code}, not 3 (database refused)\nstdout: ${out}\nstderr: ${err}")
endif()
if(NOT err MATCHES "^embed_host: [^\n]*not a database[^\n]*\n  what to do: [^\n]*another program")
    message(FATAL_ERROR "stderr does not say what is wrong and what to do:\n${err}")
endif()
if(NOT out STREQUAL "")
    message(FATAL_ERROR "a refused database must print nothing on stdout:\n${out}")
endif()
execute_process(COMMAND "${CMAKE_COMMAND}" -E compare_files "${FOREIGN}" "${file}" RESULT_VARIABLE changed)
if(NOT changed EQUAL 0)
    message(FATAL_ERROR "${file} was changed")
endif()
if(EXISTS "${log}")
    message(FATAL_ERROR "a log file was written for a refused database: ${log}")
endif()
message(STATUS "refused with exit code 3: ${err}")
