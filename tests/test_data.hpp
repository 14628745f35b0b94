// Tests that need data or tools from outside the project (the OParl schemas and examples in
// ../shared, Debian's python3-jsonschema, Graphviz's dot) skip where one is missing, visibly, as
// "Skipped" with the reason. With KIMFLOW_REQUIRE_TEST_DATA on (tests/CMakeLists.txt) such a
// test fails instead: a green run there has run every test.
#pragma once

#include <gtest/gtest.h>

#if KIMFLOW_REQUIRE_TEST_DATA
/// Ends the test: failed, for CI requires what is missing.
#define KIMFLOW_SKIP_WITHOUT(why) \
    GTEST_FAIL() << "missing, and KIMFLOW_REQUIRE_TEST_DATA requires it: " << why
#else
/// Ends the test: skipped, saying what is missing.
#define KIMFLOW_SKIP_WITHOUT(why) GTEST_SKIP() << why
#endif
