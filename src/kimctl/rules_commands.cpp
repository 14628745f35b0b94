// kimctl's rules of procedure: keep them in the database, show them.
#include "rules_commands.hpp"

#include <fstream>
#include <iostream>
#include <sstream>

#include <kimflow/core/fields.hpp>
#include <kimflow/core/text.hpp>
#include <kimflow/io/rules.hpp>
#include <kimflow/io/table.hpp>

namespace kimctl {

using namespace kimflow;

namespace {

/// "28 Kalendertage", "1 Arbeitstag".
std::string period(int days, DayCount counting)
{
    const bool one = days == 1;
    switch (counting) {
    case DayCount::working_days: return std::to_string(days) + (one ? " Arbeitstag" : " Arbeitstage");
    case DayCount::werktage: return std::to_string(days) + (one ? " Werktag" : " Werktage");
    case DayCount::calendar_days: break;
    }
    return std::to_string(days) + (one ? " Kalendertag" : " Kalendertage");
}

std::string dates(const std::vector<Date>& list)
{
    std::string out;
    for (const Date d : list) out += (out.empty() ? "" : ", ") + format_date(d);
    return out.empty() ? "-" : out;
}

void add_row(Table& table, const std::string& body, const paper::RulesOfProcedure& r)
{
    table.add({body, period(r.answer_period_days, r.counting), period(r.agenda_deadline_days, r.counting),
               period(r.invitation_period_days, r.counting), std::string(to_string(r.calendar.land)),
               r.shift_to_working_day ? "ja" : "nein", dates(r.calendar.extra_holidays),
               dates(r.calendar.not_holidays)});
}

}  // namespace

paper::PaperConfig paper_rules(Store& store)
{
    const auto stored = store.setting(kPaperRulesKey);
    if (!stored) return {};
    try {
        return paper_config_from_json(*stored);
    } catch (const InvalidData& e) {
        throw InvalidData(std::string("the database's ") + e.what() +
                          " (store good rules with `kimctl rules paper FILE`, or `kimctl rules paper --reset`)");
    }
}

void rules_paper(Context& ctx, const std::string& file, bool reset)
{
    if (!file.empty() || reset) {
        const Actor actor = ctx.actor();
        const std::string lifecycle(paper::PaperLifecycle::id);
        if (auto refusal = ctx.policy()->refusal(actor, "configure", AccessTarget{lifecycle})) {
            // Logged as the engines log theirs: main.cpp's message says `kimctl denials` shows it.
            ctx.store().log_denial({lifecycle, "", "configure", actor, ctx.now(), *refusal});
            throw NotPermitted(lifecycle, "", "configure", actor.id, *refusal);
        }
        std::string text = "{}";  // the store keeps no "none": empty rules are the defaults
        if (!file.empty()) {
            text = read_file(file);
            try {
                paper_config_from_json(text);  // refused whole before anything is stored
            } catch (const InvalidData& e) {
                throw InvalidData(file + ": " + e.what());
            }
        }
        // The papers' timers depend on the rules: a shorter period makes one earlier than its
        // stored key, so the next tick looks at every paper once. Both or neither.
        kimflow::Store& store = ctx.store();
        store.begin();
        try {
            store.put_setting(kPaperRulesKey, text);
            store.reset_timers(lifecycle);
            store.commit();
        } catch (...) {
            store.rollback();
            throw;
        }
    }
    const paper::PaperConfig in_force = paper_rules(ctx.store());
    if (ctx.json()) {
        std::cout << to_json(in_force) << '\n';  // as the format's documentation orders the keys
        return;
    }
    Table table({"Gremium", "Antwortfrist", "Tagesordnungsfrist", "Ladungsfrist", "Land", "§ 193 BGB",
                 "zusätzliche Feiertage", "keine Feiertage"});
    add_row(table, "(alle anderen)", in_force.defaults);
    for (const auto& [body, rules] : in_force.bodies) add_row(table, printable(body, 60), rules);
    std::cout << table.render();
}

}  // namespace kimctl
