"""Conan 2 recipe for kimflow.

From the repository root:  conan create conan --build=missing
The recipe sits in conan/ and takes its sources from the folder above (export_sources).
"""
import os
import re

from conan import ConanFile
from conan.tools.build import check_min_cppstd
from conan.tools.cmake import CMake, CMakeDeps, CMakeToolchain, cmake_layout
from conan.tools.files import copy, load, rmdir


class KimflowConan(ConanFile):
    name = "kimflow"
    description = ("Workflow and case-management engine for KIM casework and council papers "
                   "(Drucksachen), on Boost.MSM with a SQLite store")
    topics = ("workflow", "state-machine", "boost-msm", "oparl", "sqlite", "case-management")
    # The project has not chosen a licence yet; set `license` here when it does.
    package_type = "library"
    settings = "os", "arch", "compiler", "build_type"
    options = {
        "shared": [True, False],
        "fPIC": [True, False],
        "c_api": [True, False],   # libkimflow_c, the C ABI (always a shared library)
        "kimctl": [True, False],  # the command-line tool
    }
    default_options = {
        "shared": False,
        "fPIC": True,
        "c_api": True,
        "kimctl": False,
        # MSM, MPL and the rest kimflow uses of Boost are header-only.
        "boost/*:header_only": True,
        "date/*:header_only": True,
    }

    def set_version(self):
        # One place for the version: include/kimflow/version.hpp.
        text = load(self, os.path.join(self.recipe_folder, "..", "include", "kimflow", "version.hpp"))
        self.version = ".".join(
            re.search(rf"#define KIMFLOW_VERSION_{part} (\d+)", text).group(1) for part in ("MAJOR", "MINOR", "PATCH"))

    def export_sources(self):
        root = os.path.join(self.recipe_folder, "..")
        for pattern in ("CMakeLists.txt", "cmake/*", "include/*", "src/*", "tests/*", "bench/*", "examples/*"):
            copy(self, pattern, src=root, dst=self.export_sources_folder)

    def config_options(self):
        if self.settings.os == "Windows":
            del self.options.fPIC

    def configure(self):
        if self.options.shared:
            self.options.rm_safe("fPIC")

    def layout(self):
        cmake_layout(self)

    def requirements(self):
        # kimflow's public headers include these, so consumers see their headers too.
        self.requires("boost/1.83.0", transitive_headers=True)
        self.requires("cereal/1.3.2", transitive_headers=True)
        self.requires("date/3.0.1", transitive_headers=True)
        self.requires("nlohmann_json/3.11.3", transitive_headers=True)
        # Behind the store's interface: linked, not included.
        self.requires("sqlitecpp/3.3.1")
        self.requires("openssl/3.2.2")   # libcrypto: SHA-256 of the audit chain (private)
        self.requires("utf8proc/2.9.0")  # UTF-8 checks and case folding (private)
        self.requires("libcurl/8.6.0")   # HTTP(S) of the OParl sync, kimflow::oparl_sync (private)
        if self.options.kimctl:
            # Header-only and used by the kimctl program alone: not passed on to consumers.
            self.requires("cli11/2.3.2", visible=False)

    def build_requirements(self):
        self.test_requires("gtest/1.14.0")
        self.test_requires("benchmark/1.8.3")

    def validate(self):
        check_min_cppstd(self, 17)

    def _build_tests(self):
        return not self.conf.get("tools.build:skip_test", default=False, check_type=bool)

    def generate(self):
        tc = CMakeToolchain(self)
        tc.cache_variables["KIMFLOW_BUILD_TESTS"] = self._build_tests()
        tc.cache_variables["KIMFLOW_BUILD_BENCHMARKS"] = self._build_tests()
        tc.cache_variables["KIMFLOW_BUILD_EXAMPLES"] = False
        tc.cache_variables["KIMFLOW_BUILD_KIMCTL"] = bool(self.options.kimctl)
        tc.cache_variables["KIMFLOW_BUILD_C_API"] = bool(self.options.c_api)
        tc.cache_variables["KIMFLOW_INSTALL"] = True
        # The install-and-consume test builds consumers against the system's packages; Conan
        # tests the package with test_package instead.
        tc.cache_variables["KIMFLOW_TEST_PACKAGE"] = False
        tc.generate()
        # CMakeDeps names the packages as kimflow's CMakeLists.txt finds them (Boost, cereal,
        # date, nlohmann_json, SQLiteCpp, CURL, GTest, benchmark, CLI11).
        CMakeDeps(self).generate()

    def build(self):
        cmake = CMake(self)
        cmake.configure()
        cmake.build()
        if self._build_tests():
            cmake.test()

    def package(self):
        CMake(self).install()
        # Conan's generators describe the package; kimflow's own CMake and pkg-config files
        # would point consumers past Conan's dependencies.
        rmdir(self, os.path.join(self.package_folder, "lib", "cmake"))
        rmdir(self, os.path.join(self.package_folder, "lib", "pkgconfig"))

    def package_info(self):
        self.cpp_info.set_property("cmake_file_name", "kimflow")

        core = self.cpp_info.components["kimflow"]
        core.set_property("cmake_target_name", "kimflow::kimflow")
        core.set_property("pkg_config_name", "kimflow")
        core.libs = ["kimflow"]
        # kimflow's headers include no Boost; a static kimflow still links what it uses inside.
        core.requires = ["cereal::cereal", "date::date", "nlohmann_json::nlohmann_json",
                         "sqlitecpp::sqlitecpp", "openssl::crypto", "utf8proc::utf8proc", "boost::headers"]
        if self.settings.os in ("Linux", "FreeBSD"):
            core.system_libs = ["pthread"]

        # The unit that builds a lifecycle of the host's own links kimflow::msm: Boost.MSM's
        # headers with the settings kimflow's own machines are compiled with.
        msm = self.cpp_info.components["msm"]
        msm.set_property("cmake_target_name", "kimflow::msm")
        msm.requires = ["kimflow", "boost::headers"]
        msm.defines = ["BOOST_BIND_GLOBAL_PLACEHOLDERS", "BOOST_ALLOW_DEPRECATED_HEADERS"]

        # The OParl sync over HTTP(S): a library of its own, so that only its users link libcurl.
        oparl_sync = self.cpp_info.components["oparl_sync"]
        oparl_sync.set_property("cmake_target_name", "kimflow::oparl_sync")
        oparl_sync.libs = ["kimflow_oparl_sync"]
        oparl_sync.requires = ["kimflow", "libcurl::curl"]

        if self.options.c_api:
            c_api = self.cpp_info.components["c"]
            c_api.set_property("cmake_target_name", "kimflow::c")
            c_api.set_property("pkg_config_name", "kimflow-c")
            c_api.libs = ["kimflow_c"]
            # A static kimflow is inside libkimflow_c; a shared one is loaded beside it.
            if self.options.shared:
                c_api.requires = ["kimflow"]
            # libkimflow_c is shared even in a static package: let `conanrun` find it.
            self.runenv_info.prepend_path("LD_LIBRARY_PATH", os.path.join(self.package_folder, "lib"))
