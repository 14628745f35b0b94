// Rules of procedure from and to JSON.
#include "kimflow/io/rules.hpp"

#include <algorithm>
#include <stdexcept>
#include <vector>

#include <nlohmann/json.hpp>

#include "kimflow/core/error.hpp"
#include "kimflow/core/fields.hpp"
#include "kimflow/core/text.hpp"

namespace kimflow {

namespace {

using Json = nlohmann::ordered_json;
using paper::PaperConfig;
using paper::RulesOfProcedure;

/// The longest period accepted: ten years, as the C API's options allow.
constexpr int kMaxDays = 3660;

const char* const kKeys = "answer_period_days, agenda_deadline_days, invitation_period_days, counting, land, "
                          "shift_to_working_day, extra_holidays, not_holidays";

[[noreturn]] void refuse(const std::string& where, const std::string& what)
{
    throw InvalidData("rules of procedure: " + where + ": " + what);
}

int read_days(const Json& value, const std::string& where)
{
    if (!value.is_number_integer() || value.get<long long>() < 0 || value.get<long long>() > kMaxDays)
        refuse(where, printable(value.dump(), 40) + " is not a number of days; write a whole number from 0 to " +
                          std::to_string(kMaxDays) + ", e.g. 14");
    return value.get<int>();
}

template <class E>
E read_name(const Json& value, const std::string& where, const char* example)
{
    if (!value.is_string())
        refuse(where, printable(value.dump(), 40) + " is not a name; write one of " + enum_choices<E>() +
                          ", e.g. \"" + example + "\"");
    try {
        return parse_enum<E>(value.get<std::string>());
    } catch (const std::invalid_argument& e) {
        refuse(where, std::string(e.what()) + "; e.g. \"" + example + "\"");
    }
}

std::vector<Date> read_dates(const Json& value, const std::string& where)
{
    if (!value.is_array())
        refuse(where, "must be a list of dates, e.g. [\"2027-02-08\"] (or [] for none)");
    std::vector<Date> out;
    for (std::size_t i = 0; i < value.size(); ++i) {
        const std::string at = where + "[" + std::to_string(i) + "]";
        if (!value[i].is_string()) refuse(at, printable(value[i].dump(), 40) + " is not a date; write \"YYYY-MM-DD\"");
        try {
            out.push_back(parse_date(value[i].get<std::string>()));
        } catch (const std::invalid_argument& e) {
            refuse(at, e.what());
        }
    }
    return out;
}

/// @p base with what @p j (the object at @p where) changes.
RulesOfProcedure read_rules(const Json& j, RulesOfProcedure base, const std::string& where)
{
    if (!j.is_object()) refuse(where, "must be an object with the keys " + std::string(kKeys));
    for (const auto& [key, value] : j.items()) {
        const std::string at = where + "." + printable(key, 60);
        if (key == "answer_period_days") base.answer_period_days = read_days(value, at);
        else if (key == "agenda_deadline_days") base.agenda_deadline_days = read_days(value, at);
        else if (key == "invitation_period_days") base.invitation_period_days = read_days(value, at);
        else if (key == "counting") base.counting = read_name<DayCount>(value, at, "working_days");
        else if (key == "land") base.calendar.land = read_name<Land>(value, at, "NW");
        else if (key == "extra_holidays") base.calendar.extra_holidays = read_dates(value, at);
        else if (key == "not_holidays") base.calendar.not_holidays = read_dates(value, at);
        else if (key == "shift_to_working_day") {
            if (!value.is_boolean()) refuse(at, printable(value.dump(), 40) + " is not true or false");
            base.shift_to_working_day = value.get<bool>();
        } else
            refuse(at, "unknown key; the rules of a body have " + std::string(kKeys));
    }
    for (const Date day : base.calendar.extra_holidays)
        if (std::find(base.calendar.not_holidays.begin(), base.calendar.not_holidays.end(), day) !=
            base.calendar.not_holidays.end())
            refuse(where, format_date(day) +
                              " is in both extra_holidays and not_holidays; keep it in the one that applies");
    return base;
}

Json dates_json(const std::vector<Date>& dates)
{
    Json out = Json::array();
    for (const Date d : dates) out.push_back(format_date(d));
    return out;
}

Json rules_json(const RulesOfProcedure& r)
{
    return Json{{"answer_period_days", r.answer_period_days},
                {"agenda_deadline_days", r.agenda_deadline_days},
                {"invitation_period_days", r.invitation_period_days},
                {"counting", std::string(to_string(r.counting))},
                {"land", std::string(to_string(r.calendar.land))},
                {"shift_to_working_day", r.shift_to_working_day},
                {"extra_holidays", dates_json(r.calendar.extra_holidays)},
                {"not_holidays", dates_json(r.calendar.not_holidays)}};
}

}  // namespace

PaperConfig paper_config_from_json(std::string_view text)
{
    Json j;
    try {
        j = Json::parse(text);
    } catch (const nlohmann::json::exception& e) {
        throw InvalidData("rules of procedure: not valid JSON (" + printable(e.what(), 160) +
                          "); write an object such as {\"defaults\": {\"answer_period_days\": 28}}");
    }
    if (!j.is_object())
        throw InvalidData("rules of procedure: must be a JSON object with \"defaults\" and \"bodies\", e.g. "
                          "{\"defaults\": {\"counting\": \"working_days\"}}");
    for (const auto& [key, value] : j.items())
        if (key != "defaults" && key != "bodies")
            refuse(printable(key, 60), "unknown key; the rules have \"defaults\" and \"bodies\"");
    PaperConfig config;
    if (auto it = j.find("defaults"); it != j.end()) config.defaults = read_rules(*it, RulesOfProcedure{}, "defaults");
    if (auto it = j.find("bodies"); it != j.end()) {
        if (!it->is_object())
            refuse("bodies", "must be an object of bodies, e.g. {\"Rat der Stadt Castrop-Rauxel\": "
                             "{\"agenda_deadline_days\": 21}}");
        for (const auto& [body, rules] : it->items()) {
            if (body.empty()) refuse("bodies", "a body's name is empty; write it as papers name their body");
            config.bodies[body] = read_rules(rules, config.defaults, "bodies." + printable(body, 80));
        }
    }
    return config;
}

std::string to_json(const PaperConfig& config)
{
    Json bodies = Json::object();
    for (const auto& [body, rules] : config.bodies) bodies[body] = rules_json(rules);
    return Json{{"defaults", rules_json(config.defaults)}, {"bodies", std::move(bodies)}}.dump(
        2, ' ', false, Json::error_handler_t::replace);  // a host's body name may not be UTF-8
}

}  // namespace kimflow
