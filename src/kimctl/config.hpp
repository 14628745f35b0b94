// kimctl's configuration file: defaults for who acts, the policy and the database, so that a
// person at their own terminal need not repeat them on every command line.
//
// Found at `--config FILE`, else `$KIMCTL_CONFIG`, else `$XDG_CONFIG_HOME/kimflow/kimctl.conf`
// (`~/.config/kimflow/kimctl.conf` without XDG_CONFIG_HOME) if that exists. One `key = value`
// a line; `#` starts a comment; blank lines are ignored. Keys: `as`, `role`, `org`, `policy`,
// `db`, and for working through kimflowd `server`, `token`, `ca_file`. Relative paths (`policy`,
// `db`, `ca_file`) are relative to the file's folder.
#pragma once

#include <optional>
#include <string>

namespace kimctl {

/// What a configuration file says; keys it leaves out stay empty.
struct ConfigFile {
    /// The file read (empty when there is none).
    std::string path;
    std::optional<std::string> actor;
    std::optional<std::string> role;
    std::optional<std::string> organization;
    /// Absolute, or relative to the working folder (resolved against the file's folder).
    std::optional<std::string> policy;
    std::optional<std::string> db;
    /// kimflowd's URL (`server`): kimctl works through it instead of on a file.
    std::optional<std::string> server;
    /// The API token for the server (`token`).
    std::optional<std::string> token;
    /// A PEM file of the CA that signed the server's certificate (`ca_file`), for a private CA.
    std::optional<std::string> ca_file;
};

/// The file to read: @p flag (from --config), else $KIMCTL_CONFIG, else the XDG default if it
/// exists; none when there is nothing to read.
/// @throws UsageError if --config or $KIMCTL_CONFIG names a file that does not exist
std::optional<std::string> config_path(const std::string& flag);

/// Reads the configuration file at @p path.
/// @throws UsageError naming the file and line of an unknown key or a line that is not
///         `key = value`, or if the file cannot be read
ConfigFile read_config(const std::string& path);

}  // namespace kimctl
