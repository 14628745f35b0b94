# The API reference: `cmake --build <dir> --target docs` writes <dir>/docs/html with doxygen.
# Every doxygen warning (an undocumented public member, a parameter the comment misnames, a
# reference that does not resolve) fails the target. Included from the top-level CMakeLists.txt.

# On by default only when kimflow is the top-level project, so that a host's
# add_subdirectory(kimflow) gets no `docs` target that could clash with its own.
option(KIMFLOW_BUILD_DOCS "Add the docs target (API reference with doxygen)" ${PROJECT_IS_TOP_LEVEL})

if(KIMFLOW_BUILD_DOCS)
    find_package(Doxygen OPTIONAL_COMPONENTS dot)
    if(DOXYGEN_FOUND)
        # Graphviz's dot draws the class and include graphs; without it they are left out.
        if(TARGET Doxygen::dot)
            set(KIMFLOW_DOCS_HAVE_DOT YES)
            get_target_property(KIMFLOW_DOCS_DOT Doxygen::dot IMPORTED_LOCATION)
            get_filename_component(KIMFLOW_DOCS_DOT_PATH "${KIMFLOW_DOCS_DOT}" DIRECTORY)
        else()
            set(KIMFLOW_DOCS_HAVE_DOT NO)
            set(KIMFLOW_DOCS_DOT_PATH "")
        endif()
        configure_file(${PROJECT_SOURCE_DIR}/cmake/Doxyfile.in ${PROJECT_BINARY_DIR}/Doxyfile @ONLY)
        add_custom_target(docs
            COMMAND ${CMAKE_COMMAND} -E make_directory ${PROJECT_BINARY_DIR}/docs
            COMMAND Doxygen::doxygen ${PROJECT_BINARY_DIR}/Doxyfile
            WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}
            COMMENT "API reference in ${PROJECT_BINARY_DIR}/docs/html"
            VERBATIM)
    else()
        message(STATUS "doxygen not found: no docs target (apt-get install doxygen graphviz)")
    endif()
endif()
