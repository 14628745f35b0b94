// kimctl's rules of procedure: `rules paper [FILE] [--reset]`, and the rules the paper engine
// is built with.
#pragma once

#include <string>

#include <kimflow/paper/rules.hpp>
#include <kimflow/store/store.hpp>

#include "context.hpp"

namespace kimctl {

/// Where the database keeps the rules of procedure (Store::setting): the JSON of
/// kimflow/io/rules.hpp, as the file given to `rules paper` had it.
inline constexpr const char* kPaperRulesKey = "paper:rules";

/// `rules paper [FILE] [--reset]`: stores FILE (checked first; a bad file changes nothing) as the
/// database's rules of procedure, or goes back to the built-in defaults (--reset), then prints
/// the rules in force: a German table, or with --json the JSON of kimflow/io/rules.hpp with every
/// key written out. Changing them is the `configure` action on papers.
void rules_paper(Context& ctx, const std::string& file, bool reset);

/// The rules of procedure the database keeps (the defaults when it keeps none), for building
/// the paper engine.
/// @throws kimflow::InvalidData if the stored rules do not read (the message says how to fix it)
kimflow::paper::PaperConfig paper_rules(kimflow::Store& store);

}  // namespace kimctl
