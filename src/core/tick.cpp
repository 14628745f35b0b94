// EngineCore::tick: the time-triggered rows of a lifecycle, fired when they fall due, each once.
#include <algorithm>

#include "engine_impl.hpp"

namespace kimflow {

namespace {

/// What a tick reads of one instance, under its lock.
struct Pending {
    std::uint64_t version = 0;
    Timestamp last_at{};
    std::optional<Timer> due;             // the first timer due by the tick's time, not refused yet
    std::optional<Timestamp> next_timer;  // the earliest timer of all
};

/// An instance fires at most this many timers in one tick: far more than a lifecycle has (an
/// open case with every Wiedervorlage past), few enough to stop a lifecycle whose action does
/// not take its timer off the list.
constexpr int max_firings_per_instance = 1000;

bool same(const Timer& a, const Timer& b) { return a.event == b.event && a.due == b.due && a.payload == b.payload; }

}  // namespace

TickReport EngineCore::tick(Timestamp until, const Actor& actor)
{
    check_actor(actor);
    Impl& e = *impl_;
    TickReport report;
    InstanceQuery due;
    due.lifecycle = e.lifecycle;
    due.timer_until = until;
    for (const std::string& id : find(due)) {
        std::optional<Timer> previous;
        std::vector<Timer> refused;  // this tick's refusals of this instance: its other timers go on
        for (int round = 0; round < max_firings_per_instance; ++round) {
            Pending p;
            try {
                visit(id, [&](const InstanceState& s) {
                    p.version = s.version;
                    p.last_at = s.last_at;
                    for (Timer& t : e.model.timers(s.machine->data(), s.machine->state(), e.config.get())) {
                        if (!p.next_timer || t.due < *p.next_timer) p.next_timer = t.due;
                        const bool tried = std::any_of(refused.begin(), refused.end(), [&](const Timer& r) { return same(r, t); });
                        if (t.due <= until && !p.due && !tried) p.due = std::move(t);
                    }
                    // Nothing due, though the index said so: a file from before timers were
                    // indexed, or rules that changed. Put the key right, at the version read.
                    if (!p.due && refused.empty()) e.store->set_timer(e.lifecycle, id, s.version, p.next_timer);
                });
            } catch (const InstanceNotFound&) {
                break;  // erased meanwhile
            } catch (const Error& error) {
                // One instance that cannot be read (a damaged row, a busy store) stops only itself.
                report.refused.push_back({id, "", until, error.what()});
                break;
            }
            if (!p.due) break;
            const Timer& t = *p.due;
            if (previous && same(*previous, t)) {
                report.refused.push_back({id, std::string(t.event), t.due,
                                          "its firing left the timer due; the lifecycle's action must record it"});
                break;
            }
            try {
                const Fired fired = fire(id, t.event, t.payload, actor,
                                         FireOptions{p.version, std::max(until, p.last_at)});
                report.fired.push_back({id, std::string(t.event), t.due, fired.version});
                previous = t;
            } catch (const ObserverError& error) {
                // Applied and committed; only an observer failed.
                report.fired.push_back({id, std::string(t.event), t.due, p.version + 1});
                report.observer_errors.push_back(error.what());
                previous = t;
            } catch (const VersionConflict&) {
                ++report.taken_by_others;  // read again: another writer moved it on
                previous.reset();
            } catch (const Error& error) {
                report.refused.push_back({id, std::string(t.event), t.due, error.what()});
                refused.push_back(t);
            }
        }
    }
    return report;
}

}  // namespace kimflow
