# kimflow as its consumers take it in (ctest: kimflow_package_consumer). Run with cmake -P:
#   1. `cmake --install` the build tree into a temporary prefix and check what landed there;
#   2. configure, build and run conan/test_package against it with find_package(kimflow 0.2),
#      a C++ and a C program (what Conan's test_package does after `conan create`);
#   3. build and run a C and a C++ program with only pkg-config's flags;
#   4. configure a project that takes kimflow in with FetchContent (add_subdirectory underneath)
#      and check that kimflow::kimflow and kimflow::c are there and that nothing else is built.
# Variables: KIMFLOW_SOURCE_DIR, KIMFLOW_BINARY_DIR, WORK_DIR, GENERATOR, CXX_COMPILER,
# C_COMPILER, COMPILER_LAUNCHER (may be empty).
cmake_minimum_required(VERSION 3.25)

foreach(var KIMFLOW_SOURCE_DIR KIMFLOW_BINARY_DIR WORK_DIR GENERATOR CXX_COMPILER C_COMPILER)
    if(NOT DEFINED ${var} OR "${${var}}" STREQUAL "")
        message(FATAL_ERROR "consumer_test.cmake needs -D ${var}=...")
    endif()
endforeach()

function(run)
    cmake_parse_arguments(RUN "" "WORKING_DIRECTORY;OUTPUT" "COMMAND;ENV" ${ARGN})
    if(NOT RUN_WORKING_DIRECTORY)
        set(RUN_WORKING_DIRECTORY ${WORK_DIR})
    endif()
    string(REPLACE ";" " " shown "${RUN_COMMAND}")
    message(STATUS "+ ${shown}")
    if(RUN_ENV)
        set(RUN_COMMAND ${CMAKE_COMMAND} -E env ${RUN_ENV} ${RUN_COMMAND})
    endif()
    execute_process(COMMAND ${RUN_COMMAND} WORKING_DIRECTORY ${RUN_WORKING_DIRECTORY}
        RESULT_VARIABLE result OUTPUT_VARIABLE out ERROR_VARIABLE err)
    if(NOT result EQUAL 0)
        message(FATAL_ERROR "failed (${result}): ${shown}\n${out}\n${err}")
    endif()
    if(RUN_OUTPUT)
        set(${RUN_OUTPUT} "${out}" PARENT_SCOPE)
    endif()
endfunction()

function(expect text pattern what)
    if(NOT text MATCHES "${pattern}")
        message(FATAL_ERROR "${what}: expected output matching '${pattern}', got:\n${text}")
    endif()
    message(STATUS "  ok: ${what}")
endfunction()

set(launcher_args "")
if(COMPILER_LAUNCHER)
    set(launcher_args -D CMAKE_CXX_COMPILER_LAUNCHER=${COMPILER_LAUNCHER} -D CMAKE_C_COMPILER_LAUNCHER=${COMPILER_LAUNCHER})
endif()
set(toolchain_args -G ${GENERATOR} -D CMAKE_CXX_COMPILER=${CXX_COMPILER} -D CMAKE_C_COMPILER=${C_COMPILER}
    -D CMAKE_BUILD_TYPE=Release ${launcher_args})

file(REMOVE_RECURSE ${WORK_DIR})
file(MAKE_DIRECTORY ${WORK_DIR})
set(prefix ${WORK_DIR}/prefix)

# 1. Install, and check that what a consumer needs is there.
run(COMMAND ${CMAKE_COMMAND} --install ${KIMFLOW_BINARY_DIR} --prefix ${prefix})
foreach(file include/kimflow/kimflow.hpp include/kimflow/c/kimflow.h include/kimflow/paper/lifecycle.hpp
             bin/kimctl)
    if(NOT EXISTS ${prefix}/${file})
        message(FATAL_ERROR "not installed: ${file}")
    endif()
endforeach()
file(GLOB_RECURSE config_files ${prefix}/*/kimflowConfig.cmake)
file(GLOB_RECURSE pc_files ${prefix}/*/kimflow.pc)
file(GLOB_RECURSE c_libraries ${prefix}/*/libkimflow_c.so)
if(NOT config_files OR NOT pc_files OR NOT c_libraries)
    message(FATAL_ERROR "the install lacks kimflowConfig.cmake, kimflow.pc or libkimflow_c.so")
endif()
list(GET pc_files 0 pc_file)
get_filename_component(pc_dir ${pc_file} DIRECTORY)
list(GET c_libraries 0 c_library)
get_filename_component(lib_dir ${c_library} DIRECTORY)
run(COMMAND ${prefix}/bin/kimctl --version OUTPUT out)
expect("${out}" "0\\.2\\.[0-9]+" "installed kimctl runs")

# The installed libkimflow_c exports the C ABI and nothing else (src/c/kimflow_c.map): a host
# binds only kimflow_* names, and any other symbol could clash with the host's own (another
# copy of the C++ standard library's templates, of SQLite, of nlohmann). Every function the
# header declares must be there, so that an empty listing does not pass.
find_program(NM NAMES nm REQUIRED)
run(COMMAND ${NM} -D --defined-only ${c_library} OUTPUT symbols)
string(REPLACE "\n" ";" symbol_lines "${symbols}")
set(exported "")
set(strangers "")
foreach(line IN LISTS symbol_lines)
    if(line STREQUAL "")
        continue()
    endif()
    if(NOT line MATCHES "^[0-9a-fA-F]* *([A-Za-z]) ([^@]+)")
        message(FATAL_ERROR "nm -D: cannot read the line '${line}'")
    endif()
    set(type ${CMAKE_MATCH_1})
    set(name ${CMAKE_MATCH_2})
    if(name MATCHES "^kimflow_")
        list(APPEND exported ${name})
    elseif(type STREQUAL "A" AND name MATCHES "^KIMFLOW_C_[0-9.]+$")
        # The version node of kimflow_c.map itself (binutils >= 2.35 lists it as an absolute
        # symbol): it names the ABI's version, it is no code or data a host could bind.
    else()
        # The linker's own _init, _fini, _edata, _end and __bss_start do not appear with the
        # version script (checked with GNU ld 2.40), so they are not excused either.
        list(APPEND strangers "${type} ${name}")
    endif()
endforeach()
if(strangers)
    list(JOIN strangers "\n  " shown)
    message(FATAL_ERROR "libkimflow_c exports symbols beside kimflow_* (see src/c/kimflow_c.map):\n  ${shown}")
endif()
file(READ ${prefix}/include/kimflow/c/kimflow.h c_header)
string(REGEX MATCHALL "KIMFLOW_C_API [^(;]* (kimflow_[a-z_]+)\\(" declared "${c_header}")
list(LENGTH declared declared_count)
if(declared_count LESS 10)
    message(FATAL_ERROR "found ${declared_count} functions in kimflow.h; expected all of them")
endif()
foreach(declaration IN LISTS declared)
    string(REGEX REPLACE ".* (kimflow_[a-z_]+)\\($" "\\1" function "${declaration}")
    if(NOT function IN_LIST exported)
        message(FATAL_ERROR "libkimflow_c does not export ${function}, which kimflow.h declares")
    endif()
endforeach()
message(STATUS "  ok: libkimflow_c exports the ${declared_count} functions of kimflow.h and nothing else")

# 2. find_package: conan/test_package, built against the prefix.
run(COMMAND ${CMAKE_COMMAND} -S ${KIMFLOW_SOURCE_DIR}/conan/test_package -B ${WORK_DIR}/test_package
    ${toolchain_args} -D CMAKE_PREFIX_PATH=${prefix})
run(COMMAND ${CMAKE_COMMAND} --build ${WORK_DIR}/test_package)
run(COMMAND ${WORK_DIR}/test_package/example ${WORK_DIR}/example.db OUTPUT out)
expect("${out}" "^kimflow 0\\.2\\.[0-9]+: 14/1923 submitted \\(version 1\\)" "find_package: C++ example")
run(COMMAND ${WORK_DIR}/test_package/example_c ${WORK_DIR}/example_c.db OUTPUT out)
expect("${out}" "^kimflow 0\\.2\\.[0-9]+ \\(C\\): submitted" "find_package: C example")
# kimflow::oparl_sync with libcurl found through the package (a static library needs it).
run(COMMAND ${WORK_DIR}/test_package/example_sync OUTPUT out)
expect("${out}" "^sync refused: status 0, 0 papers" "find_package: kimflow::oparl_sync")
# A version the package does not promise is refused: a newer one, and an older minor one.
foreach(request 0.3 0.1)
    execute_process(COMMAND ${CMAKE_COMMAND} -S ${KIMFLOW_SOURCE_DIR}/tests/package/version_check
        -B ${WORK_DIR}/version_check_${request} -D CMAKE_PREFIX_PATH=${prefix} -D REQUEST=${request} -G ${GENERATOR}
        -D CMAKE_CXX_COMPILER=${CXX_COMPILER}
        RESULT_VARIABLE result OUTPUT_VARIABLE out ERROR_VARIABLE err)
    string(REPLACE "." "\\." request_pattern "${request}")
    if(result EQUAL 0 OR NOT err MATCHES "compatible with requested version \"${request_pattern}\""
       OR NOT err MATCHES "0\\.2\\.[0-9]+")
        message(FATAL_ERROR "find_package(kimflow ${request}) should refuse the 0.2 package for its version; got:\n${out}\n${err}")
    endif()
    message(STATUS "  ok: find_package(kimflow ${request}) refuses the 0.2 package")
endforeach()

# A host with a lifecycle of its own: tests/host/own_lifecycle.cpp against the package, its
# model built with kimflow::msm (Boost.MSM's headers and kimflow's settings for machines).
run(COMMAND ${CMAKE_COMMAND} -S ${KIMFLOW_SOURCE_DIR}/tests/package/own_lifecycle -B ${WORK_DIR}/own_lifecycle
    ${toolchain_args} -D CMAKE_PREFIX_PATH=${prefix} -D KIMFLOW_SOURCE_DIR=${KIMFLOW_SOURCE_DIR})
run(COMMAND ${CMAKE_COMMAND} --build ${WORK_DIR}/own_lifecycle)
run(COMMAND ${WORK_DIR}/own_lifecycle/own_lifecycle OUTPUT out)
expect("${out}" "state: answered, version 2" "find_package: a host lifecycle on kimflow::msm")

# 3. pkg-config: the flags alone build a C++ program against libkimflow and a C program
# against libkimflow_c. The definitions the library was built with for the headers it includes
# (date's) are among the C++ flags; Boost.MSM's are not, as nothing a host includes needs them.
find_program(PKG_CONFIG NAMES pkg-config pkgconf REQUIRED)
set(pc_env PKG_CONFIG_PATH=${pc_dir})
run(COMMAND ${PKG_CONFIG} --cflags kimflow ENV ${pc_env} OUTPUT cflags)
expect("${cflags}" "-DONLY_C_LOCALE=1" "pkg-config: kimflow's Cflags carry date's definitions")
if(cflags MATCHES "BOOST_|NOTFOUND|\\$<")
    message(FATAL_ERROR "pkg-config: kimflow's Cflags carry what a host does not need: ${cflags}")
endif()
run(COMMAND ${PKG_CONFIG} --libs kimflow ENV ${pc_env} OUTPUT libs)
run(COMMAND ${PKG_CONFIG} --cflags --libs kimflow-c ENV ${pc_env} OUTPUT c_flags)
separate_arguments(cflags UNIX_COMMAND "${cflags}")
separate_arguments(libs UNIX_COMMAND "${libs}")
separate_arguments(c_flags UNIX_COMMAND "${c_flags}")
run(COMMAND ${CXX_COMPILER} -std=c++17 ${cflags} ${KIMFLOW_SOURCE_DIR}/tests/package/pkg_config_store.cpp
    -o ${WORK_DIR}/pkg_config_store ${libs})
run(COMMAND ${WORK_DIR}/pkg_config_store ${WORK_DIR}/example.db OUTPUT out)
expect("${out}" "1 transition\\(s\\), chain sound" "pkg-config: C++ program reads the example's database")
run(COMMAND ${C_COMPILER} -std=c99 ${KIMFLOW_SOURCE_DIR}/conan/test_package/src/example.c -o ${WORK_DIR}/pkg_config_c
    ${c_flags})
run(COMMAND ${WORK_DIR}/pkg_config_c ${WORK_DIR}/pkg_config_c.db ENV LD_LIBRARY_PATH=${lib_dir} OUTPUT out)
expect("${out}" "^kimflow 0\\.2\\.[0-9]+ \\(C\\): submitted" "pkg-config: C example")

# 4. FetchContent / add_subdirectory: configured from the source tree, kimflow not top level.
run(COMMAND ${CMAKE_COMMAND} -S ${KIMFLOW_SOURCE_DIR}/tests/package/fetchcontent -B ${WORK_DIR}/fetchcontent
    ${toolchain_args} -D KIMFLOW_SOURCE_DIR=${KIMFLOW_SOURCE_DIR} OUTPUT out)
expect("${out}" "kimflow through FetchContent: kimflow::kimflow -> kimflow, kimflow::c -> kimflow_c; nothing else"
    "FetchContent: the alias targets, and no tests, examples, benchmarks, kimctl or install rules")
