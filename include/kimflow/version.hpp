/// @file
/// kimflow's version.
#pragma once

/// Major version.
#define KIMFLOW_VERSION_MAJOR 0
/// Minor version.
#define KIMFLOW_VERSION_MINOR 2
/// Patch version.
#define KIMFLOW_VERSION_PATCH 0
/// The version as one number for `#if`, e.g. 100 for 0.1.0.
#define KIMFLOW_VERSION (KIMFLOW_VERSION_MAJOR * 10000 + KIMFLOW_VERSION_MINOR * 100 + KIMFLOW_VERSION_PATCH)
