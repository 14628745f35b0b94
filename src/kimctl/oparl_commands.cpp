// kimctl's OParl commands: export, import, and the report an import or a sync prints.
#include "oparl_commands.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include <kimflow/core/text.hpp>
#include <kimflow/io/table.hpp>

namespace kimctl {

using namespace kimflow;

namespace {

/// Progress on stderr, when it is a terminal and the import is long enough to need it.
std::function<void(std::size_t, std::size_t)> terminal_progress()
{
    if (!isatty(STDERR_FILENO)) return {};
    return [](std::size_t done, std::size_t total) {
        if (total < 200 || (done % 100 != 0 && done != total)) return;
        std::cerr << "\r" << done << " von " << total << " Drucksachen eingelesen" << (done == total ? "\n" : "")
                  << std::flush;
    };
}

nlohmann::json reports_json(const std::vector<oparl::ObjectReport>& reports)
{
    nlohmann::json out = nlohmann::json::array();
    for (const auto& r : reports) {
        nlohmann::json item = {{"outcome", std::string(to_string(r.outcome))}, {"file", r.file}, {"path", r.path}};
        if (!r.id.empty()) item["id"] = r.id;
        if (!r.reference.empty()) item["reference"] = r.reference;
        item["reason"] = r.reason;
        out.push_back(std::move(item));
    }
    return out;
}

/// Where the database keeps a body's vocabulary (Store::setting).
constexpr const char* kVocabularyKey = "oparl:vocabulary";

/// The defaults, with the vocabulary the database keeps added.
oparl::Vocabulary stored_vocabulary(Context& ctx)
{
    oparl::Vocabulary vocabulary;
    if (auto stored = ctx.store().setting(kVocabularyKey))
        vocabulary.extend(*stored, "the database's vocabulary (kimctl vocabulary oparl)");
    return vocabulary;
}

}  // namespace

oparl::ImportOptions import_options(Context& ctx, const OparlReadArgs& args)
{
    oparl::ImportOptions options;
    options.vocabulary = stored_vocabulary(ctx);
    if (!args.vocabulary.empty()) options.vocabulary.extend(read_file(args.vocabulary), args.vocabulary);
    options.strict = args.strict;
    if (!ctx.json()) options.progress = terminal_progress();
    return options;
}

nlohmann::json import_report_json(const oparl::ImportResult& result)
{
    return {{"created", result.created},
            {"advanced", result.advanced},
            {"unchanged", result.unchanged},
            {"skipped", reports_json(result.skipped)},
            {"quarantined", reports_json(result.quarantined)},
            {"warnings", reports_json(result.warnings)},
            {"context_objects", result.context_objects},
            {"versions", result.versions}};
}

void print_import_report(Context& ctx, const oparl::ImportResult& result)
{
    if (ctx.json()) return ctx.print(import_report_json(result));
    std::cout << result.created.size() << " Drucksachen neu, " << result.advanced.size() << " fortgeschrieben, "
              << result.unchanged.size() << " unverändert, " << result.skipped.size() << " übersprungen, "
              << result.quarantined.size() << " in Quarantäne; " << result.warnings.size() << " Hinweise\n";
    Table left_out({"Ergebnis", "Datei", "Stelle", "Drucksache", "Grund"});
    auto add = [&](const std::vector<oparl::ObjectReport>& list, const char* what) {
        for (const auto& r : list)
            left_out.add({what, r.file, r.path.empty() ? "-" : r.path, r.reference.empty() ? "-" : r.reference,
                          printable(r.reason, 160)});
    };
    add(result.quarantined, "Quarantäne");
    add(result.skipped, "übersprungen");
    add(result.warnings, "Hinweis");
    if (!left_out.empty()) std::cout << '\n' << left_out.render();
}

void vocabulary_oparl(Context& ctx, const std::string& file, bool reset)
{
    if (!file.empty() || reset) {
        const Actor actor = ctx.actor();
        if (auto refusal = ctx.policy()->refusal(actor, "configure", AccessTarget{paper::PaperLifecycle::id}))
            throw NotPermitted(std::string(paper::PaperLifecycle::id), "", "configure", actor.id, *refusal);
        std::string text = "{}";
        if (!file.empty()) {
            text = read_file(file);
            oparl::Vocabulary check;
            check.extend(text, file);  // refused whole before anything is stored
        }
        ctx.store().put_setting(kVocabularyKey, text);
    }
    const oparl::Vocabulary in_effect = stored_vocabulary(ctx);
    if (ctx.json()) return ctx.print(nlohmann::json::parse(in_effect.to_json()));
    std::cout << in_effect.to_json() << '\n';
}

int import_exit_code(const oparl::ImportResult& result)
{
    return result.quarantined.empty() ? Exit::ok : Exit::partial;
}

namespace {

// Writes @p exported into @p dir as files that were not there: first into a new folder inside
// @p dir (mkdtemp: ours alone, so nothing in it is a symlink someone placed), then each file is
// put in place atomically under its name: hard-linked, which fails for any name already taken
// (also by a symlink, which is never followed), or with @p force renamed over what is there
// (a symlink is replaced itself; its target stays as it is).
std::vector<std::string> publish_export(const oparl::Export& exported, const std::string& dir, bool force)
{
    namespace fs = std::filesystem;
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) throw ToolError("cannot create the folder '" + dir + "': " + ec.message());
    std::string staging = (fs::path(dir) / ".kimctl-export-XXXXXX").string();
    if (!::mkdtemp(staging.data()))
        throw ToolError("cannot write into '" + dir + "': " + std::strerror(errno) + "; check that it is writable");
    struct Cleanup {
        std::string dir;
        ~Cleanup()
        {
            std::error_code ignored;
            fs::remove_all(dir, ignored);
        }
    } cleanup{staging};
    std::vector<std::pair<std::string, std::string>> moves;
    std::vector<std::string> taken;
    for (const auto& from : oparl::write_export(exported, staging)) {
        const std::string to = (fs::path(dir) / fs::path(from).filename()).string();
        if (fs::symlink_status(to, ec).type() != fs::file_type::not_found) taken.push_back(to);
        moves.emplace_back(from, to);
    }
    // All names are checked before any is written, so that a refusal leaves the folder as it was.
    if (!taken.empty() && !force)
        throw ToolError("'" + dir + "' already holds " + std::to_string(taken.size()) +
                        (taken.size() == 1 ? " file" : " files") + " of this export (such as " + taken.front() +
                        "); nothing was written. Export into an empty folder, or give --force to replace them");
    std::vector<std::string> written;
    for (const auto& [from, to] : moves) {
        const bool placed = force ? ::rename(from.c_str(), to.c_str()) == 0 : ::link(from.c_str(), to.c_str()) == 0;
        if (!placed)
            throw ToolError("cannot write '" + to + "': " + std::strerror(errno) +
                            (errno == EEXIST ? " (it appeared while exporting; not replaced)" : "") +
                            (written.empty() ? "; nothing was written"
                                             : "; " + std::to_string(written.size()) + " files were written before it"));
        written.push_back(to);
    }
    return written;
}

}  // namespace

// With @p force, files of the same names are replaced (a symlink itself, never its target).
void export_oparl(Context& ctx, const std::string& dir, const std::string& base_url, bool force)
{
    oparl::ExportOptions options;
    if (!base_url.empty()) options.base_url = base_url;
    while (options.base_url.size() > 1 && options.base_url.back() == '/') options.base_url.pop_back();
    // The export holds every paper: the actor must be allowed to read each (public records
    // under the default policy); the first they may not is refused and logged.
    const paper::PaperEngine& engine = ctx.papers();
    const Actor actor = ctx.actor();
    for (const auto& id : engine.find(InstanceQuery{})) engine.view(id, actor);
    // With their Beschlusskontrolle, where the actor may read resolutions (the same policy).
    const auto& resolutions = ctx.resolutions();
    for (const auto& id : resolutions.engine().find(InstanceQuery{"resolution"})) resolutions.engine().view(id, actor);
    options.resolutions = &resolutions;
    const oparl::Export exported = oparl::export_papers(engine, options);
    if (dir.empty() || dir == "-") return ctx.print(oparl::as_list(exported));
    const auto written = publish_export(exported, dir, force);
    if (ctx.json()) return ctx.print({{"written", written}});
    std::cout << exported.papers.size() << " papers, " << exported.meetings.size() << " meetings and "
              << exported.organizations.size() << " organizations written to " << dir << " (" << written.size()
              << " files)\n";
}

int import_oparl(Context& ctx, const ImportArgs& args)
{
    std::vector<oparl::ImportSource> sources;
    for (const auto& f : args.files) sources.push_back({f, read_file(f)});
    const oparl::ImportOptions options = import_options(ctx, args.read);
    const oparl::ImportResult result = oparl::import_papers(ctx.papers(), sources, ctx.actor(), options);
    print_import_report(ctx, result);
    return import_exit_code(result);
}

}  // namespace kimctl
