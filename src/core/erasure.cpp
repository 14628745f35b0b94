// EngineCore: erasing personal data, on request (erase) or when the retention period ends
// (purge). The lifecycle says what its personal data is (LifecycleModel::erase_personal, and
// the payload fields marked personal); the store replaces each log entry by the erased form
// that was chained when it was written, so the hash chain stays verifiable.
#include <algorithm>
#include <optional>

#include "kimflow/core/personal_data.hpp"

#include "engine_impl.hpp"
#include "kimflow/core/input.hpp"

namespace kimflow {

namespace {

// The erasure entry's summary is `reason=CODE`, with `, note=TEXT` for a note.
constexpr std::string_view kReasonKey = "reason=", kNoteKey = ", note=";

// A note on one line (a summary is one line per entry), without control characters, trimmed.
std::string clean_note(std::string_view text)
{
    std::string out;
    for (const char c : text) out += (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) ? ' ' : c;
    const auto first = out.find_first_not_of(' ');
    if (first == std::string::npos) return {};
    return out.substr(first, out.find_last_not_of(' ') - first + 1);
}

struct Request {
    ErasureReason reason;
    std::string note;
};

// What detail::erasure_request() made: the code, then the note. Text that does not start with a
// code (a free-text reason of an older caller) is kept only as a note, which is erased later.
Request parse_request(std::string_view text)
{
    const auto line = text.find('\n');
    if (const auto code = parse_erasure_reason(text.substr(0, line)))
        return {*code, clean_note(line == std::string_view::npos ? std::string_view() : text.substr(line + 1))};
    return {ErasureReason::request_art17, clean_note(text)};
}

// The erased form of the summary of an erasure entry whose note is not erased yet (the note
// emptied, as chained when it was written); none for any other entry, such as an older one
// with a free-text reason, for which no erased form was chained.
std::optional<std::string> erased_note(const StoredTransition& t)
{
    if (t.event != erasure_event || t.erased_at) return std::nullopt;
    const std::string_view summary = t.summary;
    const auto at = summary.find(kNoteKey);
    if (summary.substr(0, kReasonKey.size()) != kReasonKey || at == std::string_view::npos ||
        at + kNoteKey.size() == summary.size() ||
        !parse_erasure_reason(summary.substr(kReasonKey.size(), at - kReasonKey.size())))
        return std::nullopt;
    return std::string(summary.substr(0, at + kNoteKey.size()));
}

bool note_pending(Store& store, const std::string& lifecycle, const std::string& id)
{
    const auto log = store.history(lifecycle, id);
    return std::any_of(log.begin(), log.end(), [](const StoredTransition& t) { return erased_note(t).has_value(); });
}

}  // namespace

// The caller (Engine::erase) scrubs afterwards, so that it can say whether a reader held that up.
void EngineCore::erase(const std::string& id, const Actor& actor, std::string_view reason)
{
    check_actor(actor);  // input.hpp: the actor is recorded with the erasure
    Impl& e = *impl_;
    try {
        core::Gate gate = e.gate(core::GateMode::shared);
        core::LockedInstance locked = e.acquire(id);
        InstanceState& in = locked.resident->instance;
        e.check(action::erase, in, actor);
        // Erased already, and nothing recorded since: a second entry would log nothing new (run
        // again to finish a scrub that a reader held up).
        if (in.erased_at) {
            const auto log = e.store->history(e.lifecycle, id);
            if (!log.empty() && log.back().event == erasure_event) return;
        }
        e.write_change(locked, id,
                       [&] { e.erase_stored(in, actor, std::max(e.clock->now(), in.last_at), reason); });
    } catch (const core::Refusal& r) {
        e.refuse(r);
    }
}

std::vector<std::string> EngineCore::purge(Timestamp now, const Actor& actor)
{
    check_actor(actor);
    Impl& e = *impl_;
    if (e.options.policy)
        if (auto why = e.options.policy->refusal(actor, action::purge, AccessTarget{e.lifecycle}))
            e.refuse(core::Refusal{e.denial(action::purge, "", actor, std::move(*why))});
    std::vector<std::string> erased;
    const std::optional<Retention> retention = e.options.retention ? e.options.retention : e.model.retention();
    if (!e.model.personal_data() || !retention) return erased;
    {
        // One transaction over many instances: exclusive, so that no fire holds an instance this
        // transaction waits for while it waits for the store.
        core::Gate gate = e.gate(core::GateMode::exclusive);
        core::StoreScope scope(*e.store);
        const std::optional<std::uint64_t> before = e.store->change_counter();
        try {
            for (const auto& id : e.purge_candidates()) {
                core::LockedInstance locked = e.acquire(id);
                InstanceState& in = locked.resident->instance;
                const std::optional<Timestamp> ended = e.model.ended_at(in.machine->data(), in.machine->state());
                if (!ended || now < retention_end(*ended, *retention)) continue;
                // Nothing recorded since, and no erasure note left to erase.
                if (in.erased_at && *in.erased_at >= *ended && !note_pending(*e.store, e.lifecycle, id)) continue;
                if (now < in.last_at) continue;                          // something was recorded after @p now
                erased.push_back(id);
                e.erase_stored(in, actor, now, to_string(ErasureReason::retention_expired));
            }
            e.cache.note_write(before, e.store->change_counter());
            scope.commit();
        } catch (...) {
            e.cache.forget();
            for (const auto& id : erased) e.cache.drop(id);
            throw;
        }
    }
    if (core::OpenUnit* unit = e.unit_here()) unit->touched.insert(unit->touched.end(), erased.begin(), erased.end());
    if (!e.unit_here() && !erased.empty()) {
        try {
            e.store->scrub();
        } catch (const StoreBusy&) {
            // The erasures have committed; a reader holds old copies in the WAL until the next
            // checkpoint (Engine::scrub says so and finishes it).
        }
    }
    return erased;
}

Timestamp EngineCore::retention_end(Timestamp ended, Retention retention)
{
    const date::year_month_day day{date::floor<date::days>(ended)};
    return Timestamp{date::sys_days{(day.year() + date::years{retention.calendar_years + 1}) / 1 / 1}};
}

void EngineCore::Impl::erase_stored(InstanceState& in, const Actor& actor, Timestamp at, std::string_view reason)
{
    refuse_earlier(in, erasure_event, at);
    std::vector<ErasedEntry> entries;
    for (const auto& t : store->history(lifecycle, in.id)) {
        if (auto summary = erased_note(t)) {  // an earlier erasure's note goes with the rest
            entries.push_back({t.version, t.payload, std::move(*summary)});
            continue;
        }
        if (t.erased_at || t.event == erasure_event) continue;
        const EventType* type = model.event(t.event);
        if (!type) continue;  // an event this build does not know: left as it is
        const std::string what = lifecycle + " " + in.id + " version " + std::to_string(t.version);
        if (auto payload = type->erase_stored(t.payload, what))
            entries.push_back({t.version, std::move(payload->bytes), std::move(payload->summary)});
    }
    StoredInstance after = row_of(in);
    // Erased on a copy: the instance in memory changes only once the store has the erasure.
    std::unique_ptr<LiveMachine> erased_machine = model.restore(after.data, after.states, lifecycle + " " + in.id);
    model.erase_personal(erased_machine->data());
    after.version = in.version + 1;
    after.data = model.encode_data(erased_machine->data());
    const std::string state(in.machine->state());
    const Request request = parse_request(reason);
    // The note goes into the chained log: the input rule of every text (kimflow/core/input.hpp).
    if (auto problem = input_problem(request.note, InputKind::line))
        throw InvalidData("the erasure's note: " + *problem);
    const std::string coded = std::string(kReasonKey) + std::string(to_string(request.reason));
    StoredTransition record{after.version, std::string(erasure_event), state, state, actor, at, {}, coded};
    if (!request.note.empty()) {  // personal: chained with its erased form, which a later erasure leaves
        record.summary += std::string(kNoteKey) + request.note;
        record.personal = true;
        record.erased_summary = coded + std::string(kNoteKey);
    }
    store->erase(after, entries, record);
    in.machine = std::move(erased_machine);
    in.version = after.version;
    in.erased_at = at;
    in.last_at = at;
}

std::vector<std::string> EngineCore::Impl::purge_candidates() const
{
    const std::vector<std::string_view> ended = model.ended_states();
    if (ended.empty()) return store->find(InstanceQuery{lifecycle});
    std::vector<std::string> out;
    for (std::string_view state : ended) {
        InstanceQuery q{lifecycle};
        q.state = std::string(state);
        auto found = store->find(q);
        out.insert(out.end(), found.begin(), found.end());
    }
    std::sort(out.begin(), out.end());
    return out;
}

}  // namespace kimflow
