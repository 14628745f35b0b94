// kimctl's OParl commands: export, import and sync, and the report an import or sync prints.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <kimflow/io/oparl.hpp>

#include "context.hpp"

namespace kimctl {

/// What `import oparl` and `sync oparl` share: how objects are read.
struct OparlReadArgs {
    /// A vocabulary file (JSON, kimflow/io/oparl_vocabulary.hpp) added to the defaults and to
    /// the one kept in the database; empty: none.
    std::string vocabulary;
    /// All or nothing: the first bad object stops the import.
    bool strict = false;
};

struct ImportArgs {
    std::vector<std::string> files;
    OparlReadArgs read;
};

struct SyncArgs {
    std::string url;
    OparlReadArgs read;
    /// Fetch everything, not only what changed since the last sync.
    bool full = false;
    /// Seconds: the timeout of one request; the least time between two.
    double timeout = 30, interval = 0.2;
    int retries = 4;
};

// oparl_commands.cpp
/// Exports every paper as OParl 1.1: one list on stdout, or (@p dir) one file per object, each
/// written as a new file (never through a symlink); a name that exists already stops the export
/// before anything is written, unless @p force.
void export_oparl(Context& ctx, const std::string& dir, const std::string& base_url, bool force);
/// @return Exit::ok, or Exit::partial when objects were left out
int import_oparl(Context& ctx, const ImportArgs& args);
/// The import options of @p args: the default vocabulary, the database's (setting
/// `oparl:vocabulary`, if any), then the file's; strictness; progress on a terminal.
kimflow::oparl::ImportOptions import_options(Context& ctx, const OparlReadArgs& args);
/// An import's report as `--json` writes it.
nlohmann::json import_report_json(const kimflow::oparl::ImportResult& result);
/// Prints an import's report: as JSON with --json, else counts, then a table of what was left
/// out and the warnings (German, for people).
void print_import_report(Context& ctx, const kimflow::oparl::ImportResult& result);
/// `vocabulary oparl [FILE] [--reset]`: stores FILE (checked first) as the database's vocabulary,
/// or forgets it (--reset), then prints the vocabulary imports use, the defaults included.
/// Changing it is the `configure` action on papers (the policy's importer may).
void vocabulary_oparl(Context& ctx, const std::string& file, bool reset);
/// Exit::partial when the report lists skipped-for-error or quarantined objects, else Exit::ok.
int import_exit_code(const kimflow::oparl::ImportResult& result);

// sync_commands.cpp
/// @return Exit::ok, or Exit::partial when objects were left out
int sync_oparl(Context& ctx, const SyncArgs& args);

}  // namespace kimctl
