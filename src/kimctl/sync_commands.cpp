// kimctl sync oparl URL: the council's papers from its RIS, over HTTP(S), with what changed
// since the last run (kimflow/io/oparl_sync.hpp).
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <iostream>

#include <kimflow/io/oparl_sync.hpp>

#include "oparl_commands.hpp"

namespace kimctl {

using namespace kimflow;

namespace {

std::chrono::milliseconds milliseconds_of(double seconds)
{
    return std::chrono::milliseconds(static_cast<long long>(std::llround(seconds * 1000)));
}

nlohmann::json sync_json(const std::string& url, const oparl::SyncReport& report)
{
    return {{"url", url},
            {"bodies", report.bodies},
            {"requests", report.requests},
            {"pages", report.pages},
            {"retries", report.retries},
            {"incremental", report.incremental}};
}

}  // namespace

int sync_oparl(Context& ctx, const SyncArgs& args)
{
    if (args.url.rfind("https://", 0) != 0 && args.url.rfind("http://", 0) != 0)
        throw UsageError("'" + args.url + "' is no http:// or https:// URL; give the URL of the RIS's OParl System " +
                         "or of one Body");
    if (!(args.timeout > 0) || args.timeout > 3600)
        throw UsageError("--timeout is in seconds, more than 0 and at most 3600");
    if (!(args.interval >= 0) || args.interval > 60) throw UsageError("--interval is in seconds, from 0 to 60");
    if (args.retries < 0 || args.retries > 20) throw UsageError("--retries is from 0 to 20");

    oparl::SyncOptions options;
    options.import = import_options(ctx, args.read);
    options.timeout = milliseconds_of(args.timeout);
    options.interval = milliseconds_of(args.interval);
    options.retries = args.retries;
    options.full = args.full;
    // Where a person watches: what is being fetched, and why it waits.
    if (isatty(STDERR_FILENO)) options.progress = [](const std::string& line) { std::cerr << line << '\n'; };

    // A SyncError goes on to main (exit code 1); its message says that a run again resumes.
    const oparl::SyncReport report = oparl::sync_oparl(ctx.papers(), args.url, ctx.actor(), options);

    if (ctx.json()) {
        ctx.print({{"sync", sync_json(args.url, report)}, {"import", import_report_json(report.imported)}});
    } else {
        print_import_report(ctx, report.imported);
        // "Abruf", not "Anfrage": an Anfrage is a kind of paper here.
        std::cout << "Abgleich: " << report.bodies.size()
                  << (report.bodies.size() == 1 ? " Körperschaft, " : " Körperschaften, ") << report.requests
                  << " HTTP-Abrufe (davon " << report.retries << " Wiederholungen), " << report.pages
                  << " Listenseiten, inkrementell: " << (report.incremental ? "ja" : "nein") << '\n';
    }
    return import_exit_code(report.imported);
}

}  // namespace kimctl
