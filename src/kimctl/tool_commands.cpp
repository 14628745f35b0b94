// kimctl's commands about the database and the outside world: init, diagram (verify is in
// audit_commands.cpp).
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>

#include <kimflow/io/diagram.hpp>

#include "commands.hpp"

extern char** environ;

namespace kimctl {

using namespace kimflow;

namespace {

std::string counts_text(const std::vector<std::pair<std::string, std::uint64_t>>& lifecycles)
{
    std::string out;
    for (const auto& [name, n] : lifecycles) out += (out.empty() ? "" : ", ") + std::to_string(n) + " " + name;
    return out.empty() ? "empty" : out;
}

/// Runs Graphviz's `dot -T<format>` on @p dot_text; its output goes to @p path, or to stdout.
void render_with_graphviz(const std::string& dot_text, const std::string& format, const std::string& path)
{
    int pipe_fds[2];
    if (pipe(pipe_fds) != 0) throw ToolError(std::string("cannot start Graphviz: ") + std::strerror(errno));
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, pipe_fds[0], STDIN_FILENO);
    posix_spawn_file_actions_addclose(&actions, pipe_fds[1]);
    std::vector<std::string> args{"dot", "-T" + format};
    if (!path.empty() && path != "-") args.insert(args.end(), {"-o", path});
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    std::cout.flush();
    pid_t child = 0;
    const int spawned = posix_spawnp(&child, "dot", &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    close(pipe_fds[0]);
    if (spawned != 0) {
        close(pipe_fds[1]);
        throw ToolError("Graphviz's `dot` cannot be started (" + std::string(std::strerror(spawned)) +
                        "); install graphviz, or use --format dot or mermaid");
    }
    for (std::size_t done = 0; done < dot_text.size();) {
        const ssize_t n = write(pipe_fds[1], dot_text.data() + done, dot_text.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;  // dot stopped reading; its exit status says why
        done += static_cast<std::size_t>(n);
    }
    close(pipe_fds[1]);
    int status = 0;
    while (waitpid(child, &status, 0) < 0 && errno == EINTR) {
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        throw ToolError("Graphviz's `dot` failed to render " + format + (path.empty() ? "" : " into '" + path + "'") +
                        "; its message is above");
}

template <class Lifecycle>
void draw(Context& ctx, const std::string& format, const std::string& path)
{
    if (format == "mermaid") return ctx.emit(to_mermaid<Lifecycle>(), path);
    const std::string dot = to_dot<Lifecycle>();
    if (format == "dot") return ctx.emit(dot, path);
    render_with_graphviz(dot, format, path);
}

}  // namespace

void init(Context& ctx)
{
    SqliteStore& store = ctx.store(true);
    const auto lifecycles = store.lifecycles();
    if (ctx.json()) {
        nlohmann::json counts = nlohmann::json::object();
        for (const auto& [name, n] : lifecycles) counts[name] = n;
        return ctx.print({{"database", store.path()}, {"schema_version", SqliteStore::schema_version}, {"instances", counts}});
    }
    std::cout << "kimflow database " << store.path() << " ready (schema " << SqliteStore::schema_version << "; "
              << counts_text(lifecycles) << ")\n";
}

void diagram(Context& ctx, Kind kind, const std::string& format, const std::string& output)
{
    if (kind == Kind::paper)
        draw<paper::PaperLifecycle>(ctx, format, output);
    else if (kind == Kind::resolution)
        draw<resolution::ResolutionLifecycle>(ctx, format, output);
    else
        draw<kim::CaseLifecycle>(ctx, format, output);
}

}  // namespace kimctl
