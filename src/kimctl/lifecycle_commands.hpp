// The commands that work the same for papers and cases: show, history, fire, events, and the
// JSON and table output they share. Instantiated once per lifecycle (paper_commands.cpp,
// case_commands.cpp).
#pragma once

#include <iostream>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include <kimflow/core/engine.hpp>
#include <kimflow/io/json.hpp>
#include <kimflow/io/table.hpp>

#include "context.hpp"
#include "views.hpp"

namespace kimctl {

/// `name=value` words as a payload. @throws UsageError for a word without '=' or a field named twice
kimflow::Fields parse_fields(const std::vector<std::string>& words);

/// Instance @p id as the actor may see it, as one object (kimflow::to_json with the actor).
/// @throws kimflow::NotPermitted if the actor may not read it (logged)
template <class Lifecycle>
nlohmann::json instance_json(Context& ctx, const kimflow::Engine<Lifecycle>& engine, const std::string& id,
                             bool with_history = true)
{
    return kimflow::to_json(engine, id, ctx.actor(), with_history);
}

/// `kimctl show paper|case ID`.
template <class Lifecycle>
void show(Context& ctx, const kimflow::Engine<Lifecycle>& engine, const std::string& id, const std::string& title)
{
    if (ctx.json()) return ctx.print(instance_json(ctx, engine, id));
    const kimflow::Actor actor = ctx.actor();
    const auto view = engine.view(id, actor);
    print_show(title, shown(view, engine.history(id, actor)));
}

/// `kimctl history paper|case ID`.
template <class Lifecycle>
void history(Context& ctx, const kimflow::Engine<Lifecycle>& engine, const std::string& id)
{
    const auto records = engine.history(id, ctx.actor());
    if (ctx.json()) {
        nlohmann::json j = nlohmann::json::array();
        for (const auto& r : records) j.push_back(kimflow::to_json(r));
        return ctx.print(j);
    }
    std::vector<HistoryRow> rows;
    for (const auto& r : records) rows.push_back(history_row(r));
    print_history(Lifecycle::id, rows);
}

/// `kimctl fire paper|case ID EVENT [field=value]... [--expect-version N]`.
template <class Lifecycle>
void fire(Context& ctx, kimflow::Engine<Lifecycle>& engine, const std::string& id, const std::string& event,
          const std::vector<std::string>& words, std::optional<std::uint64_t> expected_version)
{
    const kimflow::Fields fields = parse_fields(words);
    const kimflow::Fired fired =
        engine.fire(id, event, fields, ctx.actor(), kimflow::FireOptions{expected_version, ctx.recorded_at()});
    if (ctx.json()) {
        nlohmann::json j;
        try {
            j = instance_json(ctx, engine, id, false);
        } catch (const kimflow::NotPermitted&) {
            // The policy lets them fire but not read: only what they did.
            j = {{"lifecycle", std::string(Lifecycle::id)}, {"id", id}};
        }
        j["transition"] = {{"event", event},
                           {"from", std::string(fired.from)},
                           {"to", std::string(fired.to)},
                           {"version", fired.version}};
        return ctx.print(j);
    }
    print_fired(Lifecycle::id, id, event, fired.from, fired.to, fired.version);
}

/// `kimctl events paper|case`: every event, its fields, and the states it may fire in; for people
/// by their German labels, with the codes beside the event and the fields (what one may type).
template <class Lifecycle>
void events(Context& ctx)
{
    const auto events = kimflow::Engine<Lifecycle>::events();
    if (ctx.json()) {
        nlohmann::json j = nlohmann::json::array();
        for (const auto& e : events) {
            nlohmann::json fields = nlohmann::json::array();
            for (const auto& f : e.fields) fields.push_back({{"name", f.name}, {"kind", f.kind}, {"required", f.required}});
            nlohmann::json from = nlohmann::json::array();
            for (auto s : e.from) from.push_back(std::string(s));
            j.push_back({{"event", std::string(e.id)}, {"fields", fields}, {"allowed_in", from}});
        }
        return ctx.print(j);
    }
    const std::string_view lifecycle = Lifecycle::id;
    kimflow::Table t({"Ereignis", "Felder ([…] optional)", "erlaubt in"});
    for (const auto& e : events) {
        std::string fields;
        for (const auto& f : e.fields) {
            if (!fields.empty()) fields += "; ";
            const std::string field = field_with_code(lifecycle, f.name) + ": " + kind_label(lifecycle, f.name, f.kind);
            fields += f.required ? field : "[" + field + "]";
        }
        std::string from;
        for (auto s : e.from) from += (from.empty() ? "" : ", ") + state_label(lifecycle, s);
        t.add({event_with_code(lifecycle, e.id), fields.empty() ? "-" : fields, from});
    }
    std::cout << t.render();
}

}  // namespace kimctl
