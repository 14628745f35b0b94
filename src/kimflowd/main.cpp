// kimflowd: the kimflow service. Serves the API on the embedded SQLite store until SIGTERM or
// SIGINT, then finishes the requests in flight and exits 0. With --demo, on a database of demo
// stories and log-ins that it makes itself (demo.hpp).
#include <csignal>
#include <iostream>
#include <optional>
#include <thread>

#include <CLI/CLI.hpp>

#include <kimflow/audit/signing.hpp>
#include <kimflow/store/store.hpp>
#include <kimflow/version.hpp>

#include "config.hpp"
#include "demo.hpp"
#include "service.hpp"

namespace {

/// Waits for SIGTERM/SIGINT on a thread of its own (signals blocked everywhere else), then stops
/// the service.
std::thread signal_watcher(kimflowd::Service& service, sigset_t signals)
{
    return std::thread([&service, signals] {
        int received = 0;
        sigwait(&signals, &received);
        service.stop();
    });
}

/// The address to open in a browser: a wildcard address serves this machine too, but cannot be
/// opened itself.
std::string address_url(const kimflowd::Config& config, int port)
{
    std::string host = config.host;
    if (host.empty() || host == "0.0.0.0") host = "127.0.0.1";
    if (host == "::") host = "::1";
    if (host.find(':') != std::string::npos) host = "[" + host + "]";
    return (config.tls_cert.empty() ? "http://" : "https://") + host + ":" + std::to_string(port) + "/";
}

}  // namespace

int main(int argc, char** argv)
{
    CLI::App app{"kimflowd: the kimflow service (HTTP API over the embedded store)", "kimflowd"};
    std::string config_path, db, listen, demo_file;
    bool routes = false;
    app.add_option("--config", config_path, "configuration file (key = value lines; see docs/kimflowd.md)");
    app.add_option("--db", db, "the SQLite database (made with 'kimctl init'), or a PostgreSQL database as postgresql://…");
    app.add_option("--listen", listen, "HOST:PORT to listen on (port 0: any free port; the log names it)");
    app.add_flag("--routes", routes, "print every route (METHOD PATH) and exit");
    auto* demo = app.add_option("--demo", demo_file, "serve demo data: makes FILE (default kimflow-demo.db) with stories "
                                                      "and demo log-ins on the first start, reuses it later, and prints "
                                                      "the address and the log-ins")
                     ->expected(0, 1)
                     ->type_name("[FILE]");
    app.set_version_flag("--version", std::to_string(KIMFLOW_VERSION_MAJOR) + "." + std::to_string(KIMFLOW_VERSION_MINOR) + "." + std::to_string(KIMFLOW_VERSION_PATCH));
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        // --help and --version exit 0; a bad command line 2, as docs/kimflowd.md says (CLI11's
        // own codes, 105–115, would tell a script nothing it could rely on).
        return app.exit(e) == 0 ? 0 : 2;
    }

    kimflowd::Config config;
    try {
        if (!config_path.empty()) kimflowd::read_config_file(config_path, config);
        if (demo->count() > 0) {
            if (!db.empty())
                throw kimflowd::ConfigError("--demo makes and serves a database of its own; give --demo FILE or --db FILE, "
                                            "not both");
            if (demo_file.empty()) demo_file = "kimflow-demo.db";
            if (kimflowd::is_postgresql(demo_file))
                throw kimflowd::ConfigError("--demo makes a SQLite file, not a PostgreSQL database; give a file name, "
                                            "e.g. --demo kimflow-demo.db");
            config.db = demo_file;
        }
        if (!db.empty()) config.db = db;
        if (!listen.empty()) kimflowd::set_listen(config, listen);
        if (config.db.empty() && !routes)
            throw kimflowd::ConfigError("say which database to serve: --db FILE, or 'db = FILE' in --config");
    } catch (const kimflowd::ConfigError& e) {
        std::cerr << "kimflowd: " << e.what() << '\n';
        return 2;
    }

    // Signals go to the watcher thread only: block them before any other thread starts.
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGTERM);
    sigaddset(&signals, SIGINT);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);
    std::signal(SIGPIPE, SIG_IGN);

    try {
        if (routes) {
            config.db = ":memory:";
            kimflowd::Service service(config);
            for (const auto& r : service.routes()) std::cout << r.method << ' ' << r.pattern << '\n';
            return 0;
        }
        std::optional<kimflowd::DemoDatabase> demo_db;
        if (demo->count() > 0) demo_db = kimflowd::prepare_demo(config.db);
        kimflowd::Service service(config);
        std::thread watcher = signal_watcher(service, signals);
        // However run() ends (a signal stopped it, or binding or accepting failed), the watcher
        // is woken, if it still waits, and joined.
        const auto end_watcher = [&] {
            pthread_kill(watcher.native_handle(), SIGTERM);
            watcher.join();
        };
        try {
            service.run([&](int port) {
                if (demo_db) std::cout << kimflowd::demo_banner(*demo_db, address_url(config, port)) << std::flush;
            });
        } catch (...) {
            end_watcher();
            throw;
        }
        end_watcher();
        return 0;
    } catch (const kimflowd::ConfigError& e) {
        std::cerr << "kimflowd: " << e.what() << '\n';
        return 2;
    } catch (const kimflowd::DemoRefused& e) {
        std::cerr << "kimflowd: " << e.what() << '\n';
        return 2;
    } catch (const kimflow::audit::KeyError& e) {
        std::cerr << "kimflowd: " << e.what() << '\n';
        return 2;
    } catch (const kimflowd::ListenFailed& e) {
        std::cerr << "kimflowd: " << e.what() << '\n';
        return 1;
    } catch (const kimflow::StoreError& e) {
        std::cerr << "kimflowd: " << e.what() << '\n';
        return 6;
    } catch (const std::exception& e) {
        std::cerr << "kimflowd: " << e.what() << '\n';
        return 1;
    }
}
