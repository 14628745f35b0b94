# Install rules: headers, libkimflow (and libkimflow_oparl_sync, libkimflow_c), kimctl, a CMake
# package (find_package(kimflow 0.2) → kimflow::kimflow, kimflow::msm, kimflow::oparl_sync,
# kimflow::postgresql, kimflow::c, kimflow::kimctl) and pkg-config files (kimflow, kimflow-c). Included from the
# top-level CMakeLists.txt when KIMFLOW_INSTALL.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(KIMFLOW_INSTALL_CMAKEDIR "${CMAKE_INSTALL_LIBDIR}/cmake/kimflow"
    CACHE STRING "Where kimflow's CMake package files are installed, relative to the prefix")
set(KIMFLOW_INSTALL_PKGCONFIGDIR "${CMAKE_INSTALL_LIBDIR}/pkgconfig"
    CACHE STRING "Where kimflow's pkg-config files are installed, relative to the prefix")

set(kimflow_installed_targets kimflow kimflow_msm)
# A static kimflow_oparl_sync links libcurl at the consumer's link time: the package config then
# finds CURL (cmake/kimflowConfig.cmake.in); a shared one carries it inside.
set(KIMFLOW_CONFIG_FIND_CURL OFF)
if(TARGET kimflow_oparl_sync)
    list(APPEND kimflow_installed_targets kimflow_oparl_sync)
    get_target_property(kimflow_oparl_sync_type kimflow_oparl_sync TYPE)
    if(kimflow_oparl_sync_type STREQUAL "STATIC_LIBRARY")
        set(KIMFLOW_CONFIG_FIND_CURL ON)
    endif()
endif()
# Likewise libpq for a static kimflow_postgresql.
set(KIMFLOW_CONFIG_FIND_LIBPQ OFF)
if(TARGET kimflow_postgresql)
    list(APPEND kimflow_installed_targets kimflow_postgresql)
    get_target_property(kimflow_postgresql_type kimflow_postgresql TYPE)
    if(kimflow_postgresql_type STREQUAL "STATIC_LIBRARY")
        set(KIMFLOW_CONFIG_FIND_LIBPQ ON)
    endif()
endif()
if(TARGET kimflow_c)
    list(APPEND kimflow_installed_targets kimflow_c)
endif()
if(TARGET kimctl)
    set_target_properties(kimctl PROPERTIES EXPORT_NAME kimctl)
    list(APPEND kimflow_installed_targets kimctl)
endif()

install(TARGETS ${kimflow_installed_targets}
    EXPORT kimflowTargets
    ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT kimflow_development
    LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT kimflow_runtime NAMELINK_COMPONENT kimflow_development
    RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT kimflow_runtime
    INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/kimflow
    DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
    COMPONENT kimflow_development
    # kimflow::identity is not installed yet (kimctl and kimflowd link it in-tree).
    PATTERN identity EXCLUDE)
# kimflowd, the service, beside kimctl (its library, kimflow::identity, is linked in).
if(TARGET kimflowd)
    install(TARGETS kimflowd RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT kimflow_runtime)
endif()

install(EXPORT kimflowTargets
    NAMESPACE kimflow::
    DESTINATION ${KIMFLOW_INSTALL_CMAKEDIR}
    COMPONENT kimflow_development)
configure_package_config_file(
    ${CMAKE_CURRENT_LIST_DIR}/kimflowConfig.cmake.in
    ${PROJECT_BINARY_DIR}/kimflowConfig.cmake
    INSTALL_DESTINATION ${KIMFLOW_INSTALL_CMAKEDIR})
# 0.x: a minor release may change the API, so 0.1 accepts 0.1.y only.
write_basic_package_version_file(
    ${PROJECT_BINARY_DIR}/kimflowConfigVersion.cmake
    COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/kimflowConfig.cmake ${PROJECT_BINARY_DIR}/kimflowConfigVersion.cmake
    DESTINATION ${KIMFLOW_INSTALL_CMAKEDIR}
    COMPONENT kimflow_development)

# pkg-config. kimflow's compile definitions must reach every translation unit that includes its
# headers, so they are the Cflags; a static kimflow also needs SQLiteCpp, which Debian installs
# without a .pc file: name its archive's folder. (The MSM settings of kimflow::msm are for the
# one unit that builds a host's own lifecycle model; README says which they are.)
# The definitions of the targets kimflow's headers use travel too (date's HAS_STRING_VIEW and
# ONLY_C_LOCALE): a consumer compiled without them would see other inline functions than the
# library was built with.
set(kimflow_definitions "")
foreach(target kimflow cereal::cereal date::date nlohmann_json::nlohmann_json)
    if(NOT TARGET ${target})
        continue()
    endif()
    get_target_property(target_definitions ${target} INTERFACE_COMPILE_DEFINITIONS)
    foreach(definition IN LISTS target_definitions)
        # A generator expression cannot be evaluated here (nlohmann_json's options are off by
        # default); what is left are the plain definitions, such as date's.
        if(definition AND NOT definition MATCHES "\\$<|NOTFOUND")
            list(APPEND kimflow_definitions ${definition})
        endif()
    endforeach()
endforeach()
list(REMOVE_DUPLICATES kimflow_definitions)
list(TRANSFORM kimflow_definitions PREPEND "-D")
list(JOIN kimflow_definitions " " KIMFLOW_PC_DEFINITIONS)
set(KIMFLOW_PC_SQLITECPP "-lSQLiteCpp")
get_target_property(kimflow_sqlitecpp_location SQLiteCpp LOCATION)
if(kimflow_sqlitecpp_location)
    get_filename_component(kimflow_sqlitecpp_dir "${kimflow_sqlitecpp_location}" DIRECTORY)
    if(NOT kimflow_sqlitecpp_dir IN_LIST CMAKE_CXX_IMPLICIT_LINK_DIRECTORIES)
        set(KIMFLOW_PC_SQLITECPP "-L${kimflow_sqlitecpp_dir} -lSQLiteCpp")
    endif()
endif()
get_target_property(kimflow_type kimflow TYPE)
if(kimflow_type STREQUAL "STATIC_LIBRARY")
    set(KIMFLOW_PC_LIBS "${KIMFLOW_PC_SQLITECPP}")
    set(KIMFLOW_PC_REQUIRES "nlohmann_json sqlite3 libcrypto libutf8proc")
else()
    set(KIMFLOW_PC_LIBS "")
    set(KIMFLOW_PC_REQUIRES "nlohmann_json")
endif()
# pkg-config paths are relative to the .pc file's folder, so the files work wherever the prefix
# is moved; folders given as absolute paths stay absolute.
set(kimflow_pc_dir "${KIMFLOW_INSTALL_PKGCONFIGDIR}")
if(NOT IS_ABSOLUTE "${kimflow_pc_dir}")
    set(kimflow_pc_dir "${CMAKE_INSTALL_PREFIX}/${kimflow_pc_dir}")
endif()
file(RELATIVE_PATH KIMFLOW_PC_PREFIX_FROM_PCDIR "${kimflow_pc_dir}" "${CMAKE_INSTALL_PREFIX}")
foreach(dir INCLUDEDIR LIBDIR)
    if(IS_ABSOLUTE "${CMAKE_INSTALL_${dir}}")
        set(KIMFLOW_PC_${dir} "${CMAKE_INSTALL_${dir}}")
    else()
        set(KIMFLOW_PC_${dir} "\${prefix}/${CMAKE_INSTALL_${dir}}")
    endif()
endforeach()
configure_file(${CMAKE_CURRENT_LIST_DIR}/kimflow.pc.in ${PROJECT_BINARY_DIR}/kimflow.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/kimflow.pc
    DESTINATION ${KIMFLOW_INSTALL_PKGCONFIGDIR}
    COMPONENT kimflow_development)
if(TARGET kimflow_c)
    configure_file(${CMAKE_CURRENT_LIST_DIR}/kimflow-c.pc.in ${PROJECT_BINARY_DIR}/kimflow-c.pc @ONLY)
    install(FILES ${PROJECT_BINARY_DIR}/kimflow-c.pc
        DESTINATION ${KIMFLOW_INSTALL_PKGCONFIGDIR}
        COMPONENT kimflow_development)
endif()
