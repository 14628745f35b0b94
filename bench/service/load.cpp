// kimflow_service_bench: a bounded load test of kimflowd on loopback, with FULL durability. 1, 8
// and 32 clients (each its own keep-alive connection and its own case) fire `assign` for N
// seconds per level; beside them, in the same run, the same fire through kimctl (one process
// per fire) and through the library directly (CaseEngine on a SqliteStore, synchronous=FULL,
// one fire per transaction). The table gives fires per second, p50 and p99 latency and the
// ratio to one client; the service's own /metrics give the writes per commit of its group
// commit. See bench/README.md ("Service under load").
#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <future>
#include <iostream>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <kimflow/default_policy.hpp>
#include <kimflow/identity/accounts.hpp>
#include <kimflow/kim/lifecycle.hpp>
#include <kimflow/store/sqlite_store.hpp>

#ifdef KIMFLOW_BENCH_POSTGRESQL
#include <kimflow/store/pg_store.hpp>

#include "pg_test_server.hpp"
#endif

#include "common/files.hpp"
#include "service/processes.hpp"

namespace {

using namespace service_bench;
using Clock = std::chrono::steady_clock;
using nlohmann::json;

const kimflow::Actor kManager{"cm-bench", "case_manager", "caritas"};
const kimflow::Actor kSetup{"setup", "administrator", ""};

struct Args {
    double seconds = 3;
    std::vector<int> levels{1, 8, 32};
    std::vector<int> library_threads{1, 8, 32};
    std::string json_path;
    /// The kimflowd to start (another build of it, to compare).
    std::string kimflowd = KIMFLOWD_PATH;
    /// Clients of the PostgreSQL rows (1 node, 2 nodes).
    int postgresql_clients = 32;
};

/// One row of the table.
struct Row {
    std::string name;
    int clients = 0;
    std::uint64_t fires = 0;
    std::uint64_t errors = 0;
    double seconds = 0;
    double p50_ms = 0, p99_ms = 0;
    /// Writes per store commit, where known (the service's /metrics; 1 for a fire per transaction).
    double per_commit = 0;
    double rate() const { return seconds > 0 ? static_cast<double>(fires) / seconds : 0; }
};

/// Each thread's fires: latencies in microseconds, and when its last one ended.
struct Sample {
    std::vector<double> micros;
    std::uint64_t errors = 0;
    Clock::time_point last{};
    std::string first_error;
};

double percentile(std::vector<double>& v, double p)
{
    if (v.empty()) return 0;
    const auto k = static_cast<std::size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
    std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(k), v.end());
    return v[k];
}

/// Sums @p samples into @p row, timed from @p start.
void summarise(Row& row, std::vector<Sample>& samples, Clock::time_point start)
{
    std::vector<double> all;
    Clock::time_point end = start;
    for (auto& s : samples) {
        all.insert(all.end(), s.micros.begin(), s.micros.end());
        row.errors += s.errors;
        end = std::max(end, s.last);
        if (!s.first_error.empty()) std::cerr << row.name << ": " << s.first_error << '\n';
    }
    row.fires = all.size();
    row.seconds = std::chrono::duration<double>(end - start).count();
    row.p50_ms = percentile(all, 0.50) / 1000;
    row.p99_ms = percentile(all, 0.99) / 1000;
}

std::string case_id(const std::string& group, int i) { return group + "-" + std::to_string(i); }

/// Cases "GROUP-0" … for each (group, count) in @p store.
void make_cases(std::shared_ptr<kimflow::Store> store, const std::vector<std::pair<std::string, int>>& groups)
{
    kimflow::kim::CaseEngine engine(kimflow::kim::CaseConfig{}, std::make_shared<kimflow::SystemClock>(), store);
    auto unit = engine.unit_of_work();
    for (const auto& [group, count] : groups)
        for (int i = 0; i < count; ++i)
            kimflow::kim::open_case(engine, case_id(group, i),
                                    kimflow::kim::Open{"Marl", "caritas", "cm-bench", "Kreis Recklinghausen"}, kManager);
    unit.commit();
}

/// A fresh database at @p path with cases "GROUP-0" … for each (group, count).
void make_cases(const std::string& path, const std::vector<std::pair<std::string, int>>& groups)
{
    make_cases(std::make_shared<kimflow::SqliteStore>(path), groups);
}

/// An account for kManager in @p store, and an API token for it.
std::string make_token(std::shared_ptr<kimflow::Store> store)
{
    kimflow::Accounts accounts(std::move(store));
    const auto now = std::chrono::time_point_cast<std::chrono::microseconds>(std::chrono::system_clock::now());
    accounts.add(kManager.id, kManager.role, kManager.organization, std::nullopt, kSetup, now);
    return accounts.create_token(kManager.id, std::chrono::hours(1), "api", kSetup, now);
}

/// The reassignment every competitor fires: two managers in turn, so the data keeps its size.
std::string manager(std::uint64_t i) { return i % 2 ? "cm-bench-2" : "cm-bench-1"; }

/// @p clients clients on kimflowd at @p ports (client c on ports[c % n]: nodes behind a load
/// balancer), each firing on its own case of @p group for @p seconds.
Row http_level(const std::vector<int>& ports, const std::string& token, int clients, double seconds, std::string name,
               const std::string& group)
{
    Row row{std::move(name), clients};
    std::vector<Sample> samples(static_cast<std::size_t>(clients));
    std::promise<Clock::time_point> go;
    std::shared_future<Clock::time_point> start = go.get_future().share();
    std::atomic<int> ready{0};
    std::mutex connecting;
    std::vector<std::thread> threads;
    for (int c = 0; c < clients; ++c) {
        threads.emplace_back([&, c] {
            Sample& s = samples[static_cast<std::size_t>(c)];
            s.micros.reserve(65536);
            httplib::Client http("127.0.0.1", ports[static_cast<std::size_t>(c) % ports.size()]);
            http.set_keep_alive(true);
            // The request's body is not held back by Nagle's algorithm until the server's delayed
            // ACK (40 ms on Linux); curl and browsers set this too.
            http.set_tcp_nodelay(true);
            http.set_read_timeout(30, 0);
            const std::string path = "/api/v1/cases/" + case_id(group, c) + "/events/assign";
            const httplib::Headers headers{{"Authorization", "Bearer " + token}};
            std::uint64_t n = 0;
            const auto fire = [&] {
                auto r = http.Post(path.c_str(), headers, json{{"manager", manager(n++)}}.dump(), "application/json");
                if (r && r->status == 200) return true;
                if (s.first_error.empty())
                    s.first_error = (r ? std::to_string(r->status) + " " + r->body : httplib::to_string(r.error())) +
                                    " (fire " + std::to_string(n) + " of this client)";
                ++s.errors;
                return false;
            };
            {
                // Connect and fire once, untimed, one client after the other: cpp-httplib 0.11
                // listens with a backlog of 5, and a burst of 32 connects overflows it (some
                // are reset; see README.md).
                std::lock_guard<std::mutex> turn(connecting);
                fire();
            }
            ++ready;
            const Clock::time_point t0 = start.get();
            const Clock::time_point end = t0 + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
            int failed_in_a_row = 0;
            for (Clock::time_point t = Clock::now(); t < end && failed_in_a_row < 100; t = Clock::now()) {
                const bool ok = fire();
                s.last = Clock::now();
                failed_in_a_row = ok ? 0 : failed_in_a_row + 1;
                if (ok) s.micros.push_back(std::chrono::duration<double, std::micro>(s.last - t).count());
            }
        });
    }
    while (ready.load() < clients) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    // Every node's commits and writes, summed.
    const auto totals = [&ports]() -> std::optional<std::pair<double, double>> {
        std::pair<double, double> sum{0, 0};
        for (int port : ports) {
            httplib::Client probe("127.0.0.1", port);
            const auto r = probe.Get("/metrics");
            if (!r) return std::nullopt;
            sum.first += metric(r->body, "kimflowd_commits_total");
            sum.second += metric(r->body, "kimflowd_committed_writes_total");
        }
        return sum;
    };
    const auto before = totals();
    const Clock::time_point t0 = Clock::now();
    go.set_value(t0);
    for (auto& t : threads) t.join();
    const auto after = totals();
    summarise(row, samples, t0);
    if (before && after) {
        const double commits = after->first - before->first;
        const double writes = after->second - before->second;
        row.per_commit = commits > 0 ? writes / commits : 0;
        if (static_cast<std::uint64_t>(writes) != row.fires) {
            std::cerr << row.name << ": the service committed " << writes << " writes, the clients saw " << row.fires
                      << " fires acknowledged\n";
            ++row.errors;
        }
    } else {
        std::cerr << row.name << ": /metrics did not answer\n";
        ++row.errors;
    }
    return row;
}

/// kimctl, one process per fire, on its own case for @p seconds.
Row kimctl_row(const std::string& program, const std::string& db, const std::string& err, double seconds)
{
    Row row{"kimctl, a process per fire", 1, 0, 0, 0, 0, 0, 1};
    std::vector<Sample> samples(1);
    Sample& s = samples[0];
    const Clock::time_point t0 = Clock::now();
    const Clock::time_point end = t0 + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
    for (std::uint64_t n = 0; Clock::now() < end || n == 0; ++n) {
        const Clock::time_point t = Clock::now();
        const pid_t pid = spawn({program, "--db", db, "fire", "case", case_id("ctl", 0), "assign", "manager=" + manager(n),
                                 "--as", kManager.id, "--role", kManager.role, "--org", kManager.organization},
                                err);
        const int rc = wait_for(pid);
        s.last = Clock::now();
        if (rc == 0) {
            s.micros.push_back(std::chrono::duration<double, std::micro>(s.last - t).count());
        } else {
            if (s.first_error.empty()) s.first_error = "exit " + std::to_string(rc) + ": " + read_file(err);
            ++s.errors;
        }
    }
    summarise(row, samples, t0);
    return row;
}

/// The library: CaseEngine on a SqliteStore (FULL), @p threads threads each on its own case, one
/// fire per transaction.
Row library_row(const std::string& db, int threads, double seconds)
{
    Row row{"library, " + std::to_string(threads) + (threads == 1 ? " thread" : " threads"), threads, 0, 0, 0, 0, 0, 1};
    kimflow::SqliteOptions sqlite;
    sqlite.synchronous = kimflow::SqliteOptions::Synchronous::full;
    auto store = std::make_shared<kimflow::SqliteStore>(db, sqlite);
    kimflow::EngineOptions options;
    options.policy = std::make_shared<const kimflow::Policy>(kimflow::default_policy());  // as kimflowd checks it
    kimflow::kim::CaseEngine engine(kimflow::kim::CaseConfig{}, std::make_shared<kimflow::SystemClock>(), store, options);
    const std::string group = "lib" + std::to_string(threads);
    std::vector<Sample> samples(static_cast<std::size_t>(threads));
    const Clock::time_point t0 = Clock::now();
    const Clock::time_point end = t0 + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
    std::vector<std::thread> workers;
    for (int w = 0; w < threads; ++w) {
        workers.emplace_back([&, w] {
            Sample& s = samples[static_cast<std::size_t>(w)];
            const std::string id = case_id(group, w);
            for (std::uint64_t n = 0;; ++n) {
                const Clock::time_point t = Clock::now();
                if (t >= end) break;
                try {
                    engine.fire(id, "assign", kimflow::Fields{{"manager", manager(n)}}, kManager);
                    s.last = Clock::now();
                    s.micros.push_back(std::chrono::duration<double, std::micro>(s.last - t).count());
                } catch (const std::exception& e) {
                    s.last = Clock::now();
                    if (s.first_error.empty()) s.first_error = e.what();
                    ++s.errors;
                }
            }
        });
    }
    for (auto& t : workers) t.join();
    summarise(row, samples, t0);
    return row;
}

void print(const std::vector<Row>& rows, double one_client)
{
    std::printf("%-30s %8s %10s %9s %9s %12s %14s\n", "level", "fires", "fires/s", "p50 ms", "p99 ms",
                "vs 1 client", "writes/commit");
    for (const Row& r : rows) {
        std::printf("%-30s %8llu %10.0f %9.2f %9.2f %11.2fx", r.name.c_str(), static_cast<unsigned long long>(r.fires),
                    r.rate(), r.p50_ms, r.p99_ms, one_client > 0 ? r.rate() / one_client : 0.0);
        if (r.per_commit > 0)
            std::printf(" %14.1f\n", r.per_commit);
        else
            std::printf(" %14s\n", "-");
    }
    std::fflush(stdout);
}

Args parse(int argc, char** argv)
{
    Args a;
    const auto ints = [](const std::string& text) {
        std::vector<int> out;
        std::size_t at = 0;
        while (at <= text.size()) {
            const auto comma = text.find(',', at);
            out.push_back(std::stoi(text.substr(at, comma - at)));
            if (comma == std::string::npos) break;
            at = comma + 1;
        }
        return out;
    };
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        const auto value = [&]() -> std::string {
            if (i + 1 >= argc) throw std::invalid_argument(arg + " needs a value");
            return argv[++i];
        };
        if (arg == "--seconds")
            a.seconds = std::stod(value());
        else if (arg == "--levels")
            a.levels = ints(value());
        else if (arg == "--library-threads")
            a.library_threads = ints(value());
        else if (arg == "--json")
            a.json_path = value();
        else if (arg == "--kimflowd")
            a.kimflowd = value();
        else if (arg == "--postgresql-clients")
            a.postgresql_clients = std::stoi(value());
        else
            throw std::invalid_argument("unknown argument " + arg +
                                        "; takes --seconds S, --levels 1,8,32, --library-threads 1,8,32, --json FILE, --kimflowd PATH, "
                                        "--postgresql-clients N");
    }
    if (!(a.seconds > 0) || a.levels.empty()) throw std::invalid_argument("--seconds must be > 0, --levels not empty");
    for (int l : a.levels)
        if (l < 1 || l > 60) throw std::invalid_argument("a level is 1 to 60 clients (kimflowd serves 64 connections)");
    if (a.postgresql_clients < 1 || a.postgresql_clients > 60)
        throw std::invalid_argument("--postgresql-clients is 1 to 60");
    return a;
}

json to_json(const Row& r, double one_client)
{
    return {{"name", r.name},           {"clients", r.clients},  {"fires", r.fires},   {"errors", r.errors},
            {"seconds", r.seconds},     {"fires_per_second", r.rate()}, {"p50_ms", r.p50_ms}, {"p99_ms", r.p99_ms},
            {"ratio_to_one_client", one_client > 0 ? r.rate() / one_client : 0.0},
            {"writes_per_commit", r.per_commit}};
}

/// The first three fields of /proc/loadavg.
std::string loadavg()
{
    std::ifstream in("/proc/loadavg");
    std::string a, b, c;
    in >> a >> b >> c;
    return a + " " + b + " " + c;
}

#ifdef KIMFLOW_BENCH_POSTGRESQL
/// kimflowd on a PostgreSQL database (a server of the benchmark's own that syncs its commits):
/// one node, then two nodes on the same database with the clients split between them.
void postgresql_rows(const Args& args, const bench::ScratchDir& dir, std::vector<Row>& rows)
{
    kimflow_test::PgServer database(true);
    const int clients = args.postgresql_clients;
    {
        auto store = std::make_shared<kimflow::PgStore>(database.connection());
        make_cases(store, {{"pg1", clients}, {"pg2", clients}});
    }
    const std::string token = make_token(std::make_shared<kimflow::PgStore>(database.connection()));
    const std::vector<std::string> config{"rate_per_second = 0", "tick_seconds = 0", "threads = 64"};
    Kimflowd a(args.kimflowd, database.uri(), dir.file("node-a"), config);
    rows.push_back(http_level({a.port()}, token, clients, args.seconds,
                              "PostgreSQL, 1 node, " + std::to_string(clients) + " clients", "pg1"));
    Kimflowd b(args.kimflowd, database.uri(), dir.file("node-b"), config);
    rows.push_back(http_level({a.port(), b.port()}, token, clients, args.seconds,
                              "PostgreSQL, 2 nodes, " + std::to_string(clients) + " clients", "pg2"));
    for (Kimflowd* node : {&a, &b})
        if (const int rc = node->stop(); rc != 0) {
            std::cerr << "kimflowd on PostgreSQL exited " << rc << ": " << node->log() << '\n';
            rows.back().errors++;
        }
}
#endif

int run(const Args& args)
{
    const std::string load_before = loadavg();
    bench::ScratchDir dir;
    const std::string service_db = dir.file("service.db"), kimctl_db = dir.file("kimctl.db"),
                      library_db = dir.file("library.db");
    std::vector<std::pair<std::string, int>> service_cases;
    for (int l : args.levels) service_cases.emplace_back("svc" + std::to_string(l), l);
    make_cases(service_db, service_cases);
    const std::string token = make_token(std::make_shared<kimflow::SqliteStore>(service_db));
    std::vector<Row> rows;
    {
        Kimflowd server(args.kimflowd, service_db, dir.file("kimflowd"),
                        {"rate_per_second = 0", "durability = full", "tick_seconds = 0", "threads = 64"});
        for (int l : args.levels)
            rows.push_back(http_level({server.port()}, token, l, args.seconds,
                                      "kimflowd, " + std::to_string(l) + (l == 1 ? " client" : " clients"),
                                      "svc" + std::to_string(l)));
        int code = 0;
        if (!server.running(code)) {
            std::cerr << "kimflowd ended during the run (exit " << code << "); its log:\n" << server.log() << '\n';
            rows.front().errors++;
        } else if (const int rc = server.stop(); rc != 0) {
            std::cerr << "kimflowd exited " << rc << ": " << server.log() << '\n';
            rows.front().errors++;
        }
    }
#ifdef KIMFLOW_BENCH_POSTGRESQL
    postgresql_rows(args, dir, rows);
#endif
#ifdef KIMCTL_PATH
    make_cases(kimctl_db, {{"ctl", 1}});
    rows.push_back(kimctl_row(KIMCTL_PATH, kimctl_db, dir.file("kimctl.err"), args.seconds));
#endif
    std::vector<std::pair<std::string, int>> library_cases;
    for (int t : args.library_threads) library_cases.emplace_back("lib" + std::to_string(t), t);
    make_cases(library_db, library_cases);
    for (int t : args.library_threads) rows.push_back(library_row(library_db, t, args.seconds));

    const double one_client = rows.front().rate();
    std::printf("kimflowd under load: FULL durability, loopback, %.2g s per level, %u cores\n", args.seconds,
                std::thread::hardware_concurrency());
    print(rows, one_client);
    std::uint64_t errors = 0;
    bool empty = false;
    for (const Row& r : rows) {
        errors += r.errors;
        empty = empty || r.fires == 0;
    }
    const auto most = std::max_element(args.levels.begin(), args.levels.end());
    const Row& top = rows[static_cast<std::size_t>(most - args.levels.begin())];
    std::printf("ratio %d:%d clients: %.2fx (target >= 10x for 32:1)\n", *most, args.levels.front(),
                one_client > 0 ? top.rate() / one_client : 0.0);
#ifdef KIMFLOW_BENCH_POSTGRESQL
    const Row& one_node = rows[args.levels.size()];
    const Row& two_nodes = rows[args.levels.size() + 1];
    std::printf("PostgreSQL, %d clients: 2 nodes %.2fx of 1 node\n", args.postgresql_clients,
                one_node.rate() > 0 ? two_nodes.rate() / one_node.rate() : 0.0);
#endif
    std::printf("load average: %s before, %s after\n", load_before.c_str(), loadavg().c_str());
    if (!args.json_path.empty()) {
        json out{{"seconds_per_level", args.seconds},
                 {"durability", "full"},
                 {"cores", std::thread::hardware_concurrency()},
                 {"kimflowd", args.kimflowd},
                 {"load_average_before", load_before},
                 {"load_average_after", loadavg()},
                 {"rows", json::array()}};
        for (const Row& r : rows) out["rows"].push_back(to_json(r, one_client));
        std::ofstream(args.json_path) << out.dump(2) << '\n';
    }
    if (errors > 0 || empty) {
        std::fprintf(stderr, "kimflow_service_bench: %llu fires failed%s\n", static_cast<unsigned long long>(errors),
                     empty ? ", and a level fired nothing" : "");
        return 1;
    }
    return 0;
}

}  // namespace

int main(int argc, char** argv)
{
    try {
        return run(parse(argc, argv));
    } catch (const std::invalid_argument& e) {
        std::cerr << "kimflow_service_bench: " << e.what() << '\n';
        return 2;
    } catch (const std::exception& e) {
        std::cerr << "kimflow_service_bench: " << e.what() << '\n';
        return 1;
    }
}
