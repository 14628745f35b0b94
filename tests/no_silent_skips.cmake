# Fails if a test skips other than through KIMFLOW_SKIP_WITHOUT (tests/test_data.hpp), the one
# way to skip that KIMFLOW_REQUIRE_TEST_DATA turns into a failure: a bare GTEST_SKIP would let a
# CI run stay green without running the test.  cmake -DTESTS_DIR=… -P no_silent_skips.cmake
file(GLOB_RECURSE sources "${TESTS_DIR}/*.cpp" "${TESTS_DIR}/*.hpp" "${TESTS_DIR}/*.c")
set(found "")
foreach(source IN LISTS sources)
    if(source MATCHES "/test_data\\.hpp$" OR source MATCHES "/node_modules/")
        continue()
    endif()
    file(STRINGS "${source}" lines REGEX "GTEST_SKIP")
    foreach(line IN LISTS lines)
        string(APPEND found "\n${source}: ${line}")
    endforeach()
endforeach()
if(found)
    message(FATAL_ERROR "skip through KIMFLOW_SKIP_WITHOUT(why) (tests/test_data.hpp), not GTEST_SKIP:${found}")
endif()
