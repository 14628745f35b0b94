// `kimctl --server URL`: the commands that go through kimflowd. Each asks the service what a
// local run asks the engine, and prints it through the same renderer (views.hpp) or, with
// --json, prints the service's JSON, which kimflowd builds as kimctl does.
#include "remote_commands.hpp"

#include <iostream>

#include <kimflow/core/error.hpp>
#include <kimflow/io/json.hpp>
#include <kimflow/io/kim_report.hpp>
#include <kimflow/kim/events.hpp>
#include <kimflow/paper/lifecycle.hpp>
#include <kimflow/resolution/lifecycle.hpp>

#include "lifecycle_commands.hpp"
#include "remote_client.hpp"
#include "remote_views.hpp"

namespace kimctl {

using namespace kimflow;
using nlohmann::json;

namespace {

struct KindNames {
    const char* plural;
    const char* lifecycle;
    const char* title;
};

KindNames names(Kind kind)
{
    switch (kind) {
    case Kind::paper: return {"papers", "paper", "Drucksache"};
    case Kind::kim_case: return {"cases", "case", "Fall"};
    case Kind::resolution: break;
    }
    return {"resolutions", "resolution", "Beschlusskontrolle"};
}

std::string instance_path(Kind kind, const std::string& id)
{
    return std::string("/api/v1/") + names(kind).plural + "/" + kimflow::percent_encode(id);
}

/// Runs @p f; an answer that does not have the shape kimctl reads is the server's fault, not
/// the caller's (exit code 1, not the 2 of the library's InvalidData).
template <class F>
void reading(const Options& options, F&& f)
{
    const auto odd = [&](const std::string& what) {
        return RemoteError(Exit::failure, "the answer of " + options.server + " is not what kimctl expects (" + what +
                                              "); are kimctl and kimflowd of the same version?");
    };
    try {
        f();
    } catch (const json::exception& e) {
        throw odd(e.what());
    } catch (const InvalidData& e) {
        throw odd(e.what());
    } catch (const std::invalid_argument& e) {
        throw odd(e.what());
    }
}

}  // namespace

void check_remote(const CLI::App& app, const Options& options)
{
    std::string command;
    const CLI::App* at = &app;
    for (auto subcommands = at->get_subcommands(); !subcommands.empty(); subcommands = at->get_subcommands()) {
        at = subcommands.front();
        command += (command.empty() ? "" : " ") + at->get_name();
    }
    const std::string first = command.substr(0, command.find(' '));
    const std::string where = "(the server is from " + options.server_from + ")";
    if (first == "events" || first == "diagram")
        throw UsageError("`kimctl " + command + "` needs neither a server nor a database: run it without --server\n" +
                         where);
    if (first != "show" && first != "list" && first != "history" && first != "fire" && first != "report")
        throw UsageError("`kimctl " + command + "` is not available through kimflowd (with a server kimctl runs show, "
                         "list, history, fire and report)\n(run it on the server, on the database file with --db; " +
                         where.substr(1));
    if (!options.local_only.empty()) {
        std::string given;
        for (const auto& name : options.local_only) given += (given.empty() ? "" : ", ") + name;
        throw UsageError(given + ": not with a server: who you are comes from your token, and the time and the data "
                                 "from kimflowd\n(leave " + (options.local_only.size() > 1 ? "them" : "it") + " out; " +
                         where.substr(1));
    }
}

void remote_show(Context& ctx, Kind kind, const std::string& id)
{
    Remote remote(ctx.options());
    const json j = remote.get(instance_path(kind, id));
    if (ctx.json()) return ctx.print(j);
    reading(ctx.options(), [&] {
        const std::string title = names(kind).title;
        switch (kind) {
        case Kind::paper: return print_show(title, paper_shown(j));
        case Kind::kim_case: return print_show(title, case_shown(j));
        case Kind::resolution: return print_show(title, resolution_shown(j));
        }
    });
}

void remote_history(Context& ctx, Kind kind, const std::string& id)
{
    Remote remote(ctx.options());
    const json j = remote.get(instance_path(kind, id) + "/history");
    if (ctx.json()) return ctx.print(j);
    reading(ctx.options(), [&] { print_history(lifecycle_id(kind), history_from_json(j)); });
}

void remote_list(Context& ctx, Kind kind, const ListArgs& args, const ResolutionListArgs& resolution_args)
{
    Remote::Query query;
    const auto add = [&](const char* name, const std::string& value) {
        if (!value.empty()) query.emplace_back(name, value);
    };
    const auto flag = [&](const char* name, bool on) {
        if (on) query.emplace_back(name, "true");
    };
    switch (kind) {
    case Kind::paper:
        check_paper_list(args);
        add("state", args.state), add("originator", args.originator), add("body", args.body);
        flag("overdue", args.overdue);
        break;
    case Kind::kim_case:
        check_case_list(args);
        if (args.due_for_follow_up || args.overdue) (void)follow_up_query(args, date_of(ctx.now()));
        add("state", args.state), add("traeger", args.traeger), add("kommune", args.kommune);
        add("manager", args.manager);
        flag("due_for_follow_up", args.due_for_follow_up), flag("overdue", args.overdue);
        add("from", args.from), add("to", args.to);
        break;
    case Kind::resolution:
        add("state", resolution_args.state), add("office", resolution_args.office);
        add("committee", resolution_args.committee);
        flag("overdue", resolution_args.overdue);
        break;
    }
    Remote remote(ctx.options());
    const json j = remote.get(std::string("/api/v1/") + names(kind).plural, query);
    if (ctx.json()) return ctx.print(j);
    reading(ctx.options(), [&] {
        switch (kind) {
        case Kind::paper: return print_paper_list(paper_rows(j), args.overdue, args.csv);
        case Kind::kim_case:
            if (args.due_for_follow_up || args.overdue) return print_follow_ups(follow_up_rows(j), args.csv);
            return print_case_list(case_rows(j), args.csv);
        case Kind::resolution: return print_resolution_list(resolution_rows(j), resolution_args.csv);
        }
    });
}

void remote_fire(Context& ctx, Kind kind, const FireArgs& args)
{
    json body = json::object();
    for (const auto& [name, value] : parse_fields(args.fields)) body[name] = value;
    Remote remote(ctx.options());
    const std::string path = instance_path(kind, args.id);
    reading(ctx.options(), [&] {
        // A consent event says in words what it did: the consent before and after.
        std::optional<kim::Consent> before;
        if (kind == Kind::kim_case && !ctx.json() &&
            (args.event == kim::GrantConsent::id || args.event == kim::ExtendConsent::id ||
             args.event == kim::NarrowConsent::id)) {
            try {
                if (auto shown = remote.get_if_found(path)) before = kim::case_from_json(shown->at("data")).consent;
            } catch (const RemoteError&) {
                // Not readable: the fire says what is wrong; no note then.
            }
        }
        const json answer = remote.post(path + "/events/" + kimflow::percent_encode(args.event), body, args.expected_version);
        const json& t = answer.at("transition");
        const std::string from = t.at("from").get<std::string>(), to = t.at("to").get<std::string>();
        const std::uint64_t version = t.at("version").get<std::uint64_t>();
        const bool settled = kind == Kind::resolution && (to == resolution::state_id::done || to == resolution::state_id::dropped);
        // What the output shows beside the transition is read back; the event has fired, so a
        // read that fails leaves it out (as for someone who may fire but not read) and says so.
        std::optional<json> after;
        std::string paper;
        try {
            if (ctx.json() || settled || before) after = remote.get_if_found(path);
            // A resolution settled: was it its paper's last open one?
            if (settled && after) {
                const std::string reference = after->at("data").at("paper").get<std::string>();
                const auto p = remote.get_if_found("/api/v1/papers/" + kimflow::percent_encode(reference));
                if (p && p->at("state").get<std::string>() == paper::state_id::completed) paper = reference;
            }
        } catch (const RemoteError& e) {
            std::cerr << "kimctl: the event fired, but reading " << args.id << " back failed: " << e.what() << '\n';
        }
        if (ctx.json()) {
            json j = after ? *after : json{{"lifecycle", names(kind).lifecycle}, {"id", args.id}};
            j.erase("history");
            j["transition"] = {{"event", args.event}, {"from", from}, {"to", to}, {"version", version}};
            if (!paper.empty()) j["paper_completed"] = paper;
            return ctx.print(j);
        }
        print_fired(lifecycle_id(kind), args.id, args.event, from, to, version);
        if (before && after) std::cout << consent_note(args.event, *before, kim::case_from_json(after->at("data")).consent);
        if (!paper.empty()) print_paper_completed(paper);
    });
}

void remote_kim_report(Context& ctx, const std::string& from, const std::string& to, const std::string& format)
{
    const auto [first, last] = kim_report_period(from, to);
    Remote remote(ctx.options());
    const json j = remote.get("/api/v1/reports/kim", {{"from", format_date(first)}, {"to", format_date(last)}});
    if (ctx.json() || format == "json") return ctx.print(j);
    reading(ctx.options(), [&] {
        std::cout << kim_report_text(kim_report_from_json(j), format);
    });
}

void remote_resolution_report(Context& ctx, const ResolutionReportArgs& args)
{
    const resolution::ReportQuery q = resolution_report_query(args, date_of(ctx.now()));
    Remote::Query query{{"from", format_date(q.from)}, {"to", format_date(q.to)}};
    if (!q.committee.empty()) query.emplace_back("committee", q.committee);
    Remote remote(ctx.options());
    const json j = remote.get("/api/v1/reports/resolutions", query);
    if (ctx.json() || args.format == "json") return ctx.print(j);
    reading(ctx.options(), [&] {
        std::cout << resolution_report_text(resolution_report_from_json(j), args.format);
    });
}

}  // namespace kimctl
