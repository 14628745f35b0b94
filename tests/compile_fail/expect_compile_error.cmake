# Builds TARGET in BUILD_DIR and passes only if the build fails with EXPECT in its output: a
# compile-fail test that cannot pass by failing for another reason.
#   cmake -D BUILD_DIR=… -D TARGET=… -D EXPECT=… -P expect_compile_error.cmake
execute_process(COMMAND ${CMAKE_COMMAND} --build ${BUILD_DIR} --target ${TARGET}
    RESULT_VARIABLE result OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(result EQUAL 0)
    message(FATAL_ERROR "${TARGET} compiled, but it must not: the check it tests is gone")
endif()
string(FIND "${out}${err}" "${EXPECT}" at)
if(at EQUAL -1)
    message(FATAL_ERROR "${TARGET} failed to compile, but not with \"${EXPECT}\":\n${out}\n${err}")
endif()
message(STATUS "${TARGET} is refused as it should be: ${EXPECT}")
