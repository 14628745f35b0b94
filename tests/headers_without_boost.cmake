# The public headers include no Boost (README, "Taking kimflow in"), except the machine headers
# (machine*.hpp, core/lifecycle.hpp, core/msm_model.hpp) that only a unit building a lifecycle's
# machine includes, with kimflow::msm. Boost sits on the system
# include path, so a build would never notice a header that pulled it in: this lists every header
# each public header reaches (the compiler's -M) and fails naming the header and the Boost file.
#   cmake -DCXX=… -DINCLUDE_DIR=… -P headers_without_boost.cmake
cmake_minimum_required(VERSION 3.16)  # IN_LIST
file(GLOB_RECURSE headers RELATIVE "${INCLUDE_DIR}/kimflow" "${INCLUDE_DIR}/kimflow/*.hpp")
set(machine_headers core/lifecycle.hpp core/msm_model.hpp)
foreach(header IN LISTS headers)
    if(header MATCHES "(^|/)machine[a-z_]*\\.hpp$")
        list(APPEND machine_headers ${header})
    endif()
endforeach()
list(LENGTH headers count)
if(count LESS 20)
    message(FATAL_ERROR "found only ${count} headers under ${INCLUDE_DIR}/kimflow: wrong folder?")
endif()
set(problems "")
set(checked 0)
foreach(header IN LISTS headers)
    if(header IN_LIST machine_headers)
        continue()
    endif()
    execute_process(COMMAND ${CXX} -std=c++17 -M -x c++ -I${INCLUDE_DIR} -DHAS_STRING_VIEW=1 -DONLY_C_LOCALE=1
                            "${INCLUDE_DIR}/kimflow/${header}"
                    RESULT_VARIABLE rc OUTPUT_VARIABLE deps ERROR_VARIABLE err)
    if(NOT rc EQUAL 0)
        string(APPEND problems "\n- ${header} does not preprocess on its own:\n${err}")
        continue()
    endif()
    math(EXPR checked "${checked} + 1")
    string(REGEX MATCH "[^ \\\n]*/boost/[^ \\\n]*" boost_file "${deps}")
    if(boost_file)
        string(APPEND problems "\n- ${header} reaches ${boost_file}")
    endif()
    foreach(machine IN LISTS machine_headers)
        if(deps MATCHES "kimflow/${machine}")
            string(APPEND problems "\n- ${header} includes the machine header ${machine}")
        endif()
    endforeach()
endforeach()
if(problems)
    message(FATAL_ERROR "public headers that pull in Boost.MSM's world:${problems}")
endif()
message(STATUS "${checked} public headers, none reaches Boost")
