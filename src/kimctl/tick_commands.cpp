// kimctl tick: fires the time-triggered rows of every lifecycle that fell due by --at (now).
#include <iostream>

#include <kimflow/io/labels.hpp>
#include <kimflow/io/table.hpp>

#include "labelled.hpp"
#include "resolution_commands.hpp"
#include "tick_commands.hpp"

namespace kimctl {

using namespace kimflow;

namespace {

struct Ticked {
    std::string lifecycle;
    TickReport report;
};

}  // namespace

int tick(Context& ctx, const std::string& only)
{
    const Timestamp until = ctx.now();
    // A time ahead would fire deadlines early and record them ahead of the clock, where every
    // later fire would have to follow.
    if (until > kimflow::SystemClock{}.now() + std::chrono::minutes(1))
        throw UsageError("--at " + format_timestamp(until) +
                         " is in the future: a tick fires what is due by then; give a time up to now");
    // The ticks fire as the system, whatever --as says: the history shows that nobody did it by
    // hand. The command itself needs no actor.
    const Actor system = system_actor();
    std::vector<Ticked> ticked;
    if (only.empty() || only == "paper") ticked.push_back({"paper", ctx.papers().tick(until, system)});
    if (only.empty() || only == "case") ticked.push_back({"case", ctx.cases().tick(until, system)});
    if (only.empty() || only == "resolution") ticked.push_back({"resolution", ctx.resolutions().tick(until, system)});

    std::size_t refused = 0;
    for (const auto& t : ticked) refused += t.report.refused.size();
    if (ctx.json()) {
        nlohmann::json fired = nlohmann::json::array(), left = nlohmann::json::array();
        std::size_t others = 0;
        for (const auto& t : ticked) {
            for (const auto& f : t.report.fired)
                fired.push_back({{"lifecycle", t.lifecycle},
                                 {"id", f.instance},
                                 {"event", f.event},
                                 {"due", format_timestamp(f.due)},
                                 {"version", f.version}});
            for (const auto& r : t.report.refused)
                left.push_back({{"lifecycle", t.lifecycle},
                                {"id", r.instance},
                                {"event", r.event},
                                {"due", format_timestamp(r.due)},
                                {"reason", r.reason}});
            others += t.report.taken_by_others;
        }
        ctx.print({{"at", format_timestamp(until)}, {"fired", fired}, {"refused", left}, {"taken_by_others", others}});
    } else {
        Table t({"Art", "Nr.", "Ereignis", "fällig seit", "V."});
        std::size_t n = 0;
        for (const auto& k : ticked)
            for (const auto& f : k.report.fired) {
                t.add({std::string(kimflow::labels::lifecycle(k.lifecycle)), f.instance,
                       event_label(k.lifecycle, f.event), format_timestamp(f.due), std::to_string(f.version)});
                ++n;
            }
        std::cout << "Fristen bis " << format_timestamp(until) << ": " << n << " ausgelöst\n";
        if (n) std::cout << t.render();
        if (refused) {
            Table r({"Art", "Nr.", "Ereignis", "fällig seit", "Grund"});
            for (const auto& k : ticked)
                for (const auto& x : k.report.refused)
                    r.add({std::string(kimflow::labels::lifecycle(k.lifecycle)), x.instance,
                           event_label(k.lifecycle, x.event), format_timestamp(x.due), x.reason});
            std::cout << refused << " nicht ausgelöst (der nächste Lauf versucht es wieder):\n" << r.render();
        }
    }
    return refused ? Exit::partial : Exit::ok;
}

}  // namespace kimctl
