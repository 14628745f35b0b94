# The smoke run of kimflow_service_bench (cmake -DPROGRAM=… -DJSON=… -P smoke.cmake): fails
# unless the program exits 0 AND prints the header of its table and a row for each competitor.
# ctest's PASS_REGULAR_EXPRESSION alone would ignore the exit code.
execute_process(COMMAND ${PROGRAM} --seconds 0.3 --json ${JSON}
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
message("${out}")
if(NOT rc EQUAL 0)
    message(FATAL_ERROR "kimflow_service_bench exited ${rc}:\n${err}")
endif()
foreach(expected "level +fires +fires/s +p50 ms +p99 ms" "kimflowd, 1 client" "kimflowd, 32 clients"
                 "library, 1 thread" "ratio 32:1 clients")
    if(NOT out MATCHES "${expected}")
        message(FATAL_ERROR "kimflow_service_bench did not print '${expected}'")
    endif()
endforeach()
if(NOT EXISTS ${JSON})
    message(FATAL_ERROR "kimflow_service_bench did not write ${JSON}")
endif()
