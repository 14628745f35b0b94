// Long random event sequences on the KIM case engine, checked step by step against a plain
// reference model of the same lifecycle written without MSM (kim_reference.hpp): both regions,
// every field of the case, the events allowed, the timers and the whole history. The clock is
// driven onto the reopen window's boundaries (its last day, the first day after it) and
// closures onto the days where adding months must clamp (a month's end, 29 February), with
// windows of several lengths, so that a wrong month count shows.
#include <chrono>
#include <map>
#include <random>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "kim_reference.hpp"

using namespace kim_reference;

namespace {

const std::vector<std::string> kEvents = {
    "grant_consent",    "accept",   "decline", "complete_assessment", "add_goal", "agree_plan", "refer",
    "start_monitoring", "evaluate", "replan",  "close",  "pause",     "resume",   "abort",      "withdraw_consent",
    "reopen",           "assign",   "follow_up", "extend_consent", "narrow_consent", "complete_referral",
    "follow_up_done",   "follow_up_due"};
const std::vector<std::string> kRecipients = {kJobcenter, kAbh, "Jugendamt Castrop-Rauxel", "Agentur für Arbeit"};
// Few Rechtskreise, so that referrals meet open ones of the same recipient and Rechtskreis; SGB2
// is another spelling of SGB II.
const std::vector<std::pair<std::string, Rechtskreis>> kRechtskreise = {
    {"SGB II", Rechtskreis::sgb2}, {"SGB III", Rechtskreis::sgb3}, {"AufenthG", Rechtskreis::aufenthg},
    {"SGB2", Rechtskreis::sgb2}};
const std::vector<std::string> kSubjects = {"", "Jobcenter", "Sprachkurs"};
/// Who fires: the history must name each one as it was.
const std::vector<Actor> kActors = {caritas, Actor{"cm-agora-2", "case_manager", "agora"},
                                    Actor{"koordination", "kreis_coordinator", "Kreis Recklinghausen"}};
/// Reopen windows in months: the default, and lengths whose month arithmetic clamps more often.
const std::vector<int> kWindows = {12, 12, 1, 13, 6};

/// Every field of case @p got is as the model's @p want.
inline void expect_case(const KimCase& got, const KimCase& want)
{
    ASSERT_EQ(got.kommune, want.kommune);
    ASSERT_EQ(got.kreis, want.kreis);
    ASSERT_EQ(got.traeger, want.traeger);
    ASSERT_EQ(got.manager, want.manager);
    ASSERT_EQ(got.goals, want.goals);
    ASSERT_EQ(got.referrals.size(), want.referrals.size());
    for (std::size_t i = 0; i < want.referrals.size(); ++i) {
        SCOPED_TRACE("referral " + std::to_string(i + 1));
        ASSERT_EQ(got.referrals[i].recipient, want.referrals[i].recipient);
        ASSERT_EQ(shown(got.referrals[i].rechtskreis), shown(want.referrals[i].rechtskreis));
        ASSERT_SAME_TIME(got.referrals[i].at, want.referrals[i].at);
        ASSERT_SAME_TIME(got.referrals[i].completed_at, want.referrals[i].completed_at);
    }
    ASSERT_EQ(got.consent.recipients, want.consent.recipients);
    ASSERT_EQ(got.consent.purpose, want.consent.purpose);
    ASSERT_SAME_TIME(got.consent.granted_at, want.consent.granted_at);
    ASSERT_SAME_TIME(got.consent.withdrawn_at, want.consent.withdrawn_at);
    ASSERT_SAME_TIME(got.consent.changed_at, want.consent.changed_at);
    ASSERT_EQ(got.follow_ups.size(), want.follow_ups.size());
    for (std::size_t i = 0; i < want.follow_ups.size(); ++i) {
        SCOPED_TRACE("Wiedervorlage " + std::to_string(i + 1));
        const FollowUp& g = got.follow_ups[i];
        const FollowUp& w = want.follow_ups[i];
        ASSERT_SAME_TIME(g.date, w.date);
        ASSERT_SAME_TIME(g.set_at, w.set_at);
        ASSERT_EQ(g.subject, w.subject);
        ASSERT_SAME_TIME(g.done_at, w.done_at);
        ASSERT_EQ(g.closed_with_case, w.closed_with_case);
        ASSERT_SAME_TIME(g.fell_due_at, w.fell_due_at);
    }
    ASSERT_EQ(got.closure_reason, want.closure_reason);
    ASSERT_EQ(got.note, want.note);
    ASSERT_EQ(got.paused_from, want.paused_from);
    ASSERT_EQ(got.phases.size(), want.phases.size());
    for (std::size_t i = 0; i < want.phases.size(); ++i) {
        SCOPED_TRACE("phase entry " + std::to_string(i + 1));
        ASSERT_EQ(got.phases[i].phase, want.phases[i].phase);
        ASSERT_SAME_TIME(got.phases[i].at, want.phases[i].at);
        ASSERT_EQ(got.phases[i].reason, want.phases[i].reason);
    }
}

// The walk's calendar is checked against date.h's civil calendar day by day (date.h, not the
// library's add_months), and its month arithmetic against cases worked out by hand.
TEST(RandomWalkCalendar, AgreesWithTheGregorianCalendar)
{
    namespace cal = calendar_reference;
    // Every day of the years around 2100 (no leap year) and 2400 (a leap year), and every 11th day
    // of the centuries the walk goes through.
    for (const auto& [from, to, every] : {std::tuple{cal::Ymd{1968, 1, 1}, cal::Ymd{2130, 12, 31}, 1},
                                          std::tuple{cal::Ymd{2395, 1, 1}, cal::Ymd{2405, 12, 31}, 1},
                                          std::tuple{cal::Ymd{2130, 1, 1}, cal::Ymd{3400, 12, 31}, 11}})
        for (long n = cal::day_number(from); n <= cal::day_number(to); n += every) {
            const date::year_month_day ymd{date::sys_days{date::days{n}}};
            const cal::Ymd d = cal::ymd_of(n);
            ASSERT_EQ(d.year, static_cast<long>(int(ymd.year()))) << n;
            ASSERT_EQ(d.month, static_cast<int>(unsigned(ymd.month()))) << n;
            ASSERT_EQ(d.day, static_cast<int>(unsigned(ymd.day()))) << n;
            ASSERT_EQ(cal::day_number(d), n);
        }
    auto plus = [](cal::Ymd d, int months) { return cal::iso_date(cal::plus_months(cal::day_number(d), months)); };
    EXPECT_EQ(plus({2025, 1, 31}, 1), "2025-02-28");
    EXPECT_EQ(plus({2024, 1, 31}, 1), "2024-02-29");
    EXPECT_EQ(plus({2024, 2, 29}, 12), "2025-02-28");
    EXPECT_EQ(plus({2024, 2, 29}, 48), "2028-02-29");
    EXPECT_EQ(plus({2099, 2, 28}, 12), "2100-02-28");
    EXPECT_EQ(plus({2025, 3, 31}, 1), "2025-04-30");
    EXPECT_EQ(plus({2025, 12, 31}, 1), "2026-01-31");
    EXPECT_EQ(plus({2025, 1, 30}, 13), "2026-02-28");
    EXPECT_EQ(plus({2025, 8, 31}, 6), "2026-02-28");
    EXPECT_EQ(cal::iso_midnight(0), "1970-01-01T00:00:00Z");
    EXPECT_EQ(cal::german_date(cal::day_number({2025, 2, 6})), "06.02.2025");
    EXPECT_EQ(cal::iso_date(cal::next_leap_day(cal::day_number({2096, 2, 29}))), "2104-02-29");
}

TEST_F(CaseTest, RandomSequencesAgreeWithTheReferenceModel)
{
    std::mt19937 rng(20210330);
    auto pick = [&](const auto& v) { return v[std::uniform_int_distribution<std::size_t>(0, v.size() - 1)(rng)]; };
    auto chance = [&](double p) { return std::bernoulli_distribution(p)(rng); };
    auto between = [&](int low, int high) { return std::uniform_int_distribution<int>(low, high)(rng); };
    // Sets the clock into day @p day: at its first microsecond, its last, or some time
    // between. False if that is not ahead of the clock (which never goes back).
    auto land_on = [&](long day) {
        const int at = between(0, 2);
        const Timestamp t = at == 0   ? midnight(day)
                            : at == 1 ? midnight(day + 1) - std::chrono::microseconds{1}
                                      : midnight(day) + std::chrono::seconds{between(1, 86398)};
        if (t <= clock->now()) return false;
        clock->set(t);
        return true;
    };

    // The next day after @p from whose day of the month does not exist @p months on: a month's
    // end before a shorter month, or 29 February.
    auto clamping_day = [&](long from, int months) {
        if (months % 12 == 0 || chance(0.2)) return cal::next_leap_day(from);
        long day = cal::month_end(from + 1);
        for (int i = 0; i < 24 && cal::ymd_of(cal::plus_months(day, months)).day >= cal::ymd_of(day).day; ++i)
            day = cal::month_end(day + 1);
        return day;
    };

    int applied = 0, not_allowed = 0, guarded = 0, resumed = 0, reopened = 0;
    int reopened_on_last_day = 0, refused_on_first_day_after = 0, boundary_checks_clamped = 0, leap_day_closures = 0;
    std::map<std::string, int> applied_by_event, refused_by_event;
    for (int run = 0; run < 600; ++run) {
        const std::string id = "K-" + std::to_string(run);
        const int months = pick(kWindows);
        CaseEngine walk{CaseConfig{months}, clock};
        open_case(walk, id, castrop_rauxel(), caritas);
        CaseModel model(months, castrop_rauxel(), clock->now(), caritas);
        int steps_in_final = 0;
        for (int step = 0; step < 80 && steps_in_final < 3; ++step) {
            // Time moves on: a closed case often right onto its window's last day or the first
            // after it; an evaluated case often onto a day where months clamp; else days apart,
            // or, for a closed case, around a year.
            const long before = day_of(clock->now());
            std::string focus;  // what the step is about, if anything
            if (model.phase == "closed" && chance(0.5)) {
                if (chance(0.5) ? land_on(model.last_reopen_day()) : land_on(model.last_reopen_day() + 1))
                    focus = "window";
            } else if ((model.phase == "evaluation" && chance(0.2)) || (model.phase == "intake" && chance(0.03))) {
                if (land_on(clamping_day(before, months))) focus = "closure";
            }
            if (focus.empty()) {
                const bool around_a_year = model.phase == "closed" && chance(0.4);
                clock->advance(date::days{around_a_year ? between(330, 400) : between(0, 20)});
                if (chance(0.3)) clock->advance(std::chrono::minutes{between(1, 600)});
            }
            const Timestamp now = clock->now();
            const long today = day_of(now);
            const auto allowed_now = model.allowed(today);
            // Mostly events allowed now (those that end the case rarely), often one that moves the
            // phase on, or the walk would stay in its first phases.
            static const std::set<std::string> moving = {"accept", "complete_assessment", "add_goal", "agree_plan", "refer",
                                                         "start_monitoring", "evaluate", "replan", "close", "resume"};
            const bool move_on = chance(0.3);
            std::vector<std::string> candidates;
            for (const auto& e : allowed_now)
                if (((e != "abort" && e != "withdraw_consent" && e != "decline") || chance(0.05)) &&
                    (!move_on || moving.count(e)))
                    candidates.push_back(e);
            CaseEv e;
            e.name = !candidates.empty() && chance(0.75) ? pick(candidates) : pick(kEvents);
            if (focus == "window" && chance(0.6)) e.name = "reopen";
            if (focus == "closure" && chance(0.8)) e.name = model.phase == "intake" ? "decline" : "close";
            steps_in_final += !model.open() && allowed_now.empty();

            auto some_recipients = [&] {
                std::vector<std::string> list;
                for (const auto& r : kRecipients)
                    if (chance(0.5)) list.push_back(r);
                return list.empty() ? std::vector<std::string>{pick(kRecipients)} : list;
            };
            if (e.name == "grant_consent") e.recipients = some_recipients(), e.purpose = "Teilhabe";
            if (e.name == "extend_consent") {
                e.recipients = some_recipients();
                if (chance(0.3)) e.purpose = "Teilhabe und Arbeit";
            }
            if (e.name == "narrow_consent") e.recipient = pick(kRecipients);
            if (e.name == "add_goal") e.text = "Ziel " + std::to_string(step);
            if (e.name == "refer" || e.name == "complete_referral") {
                e.recipient = pick(kRecipients);
                std::tie(e.rechtskreis_text, e.rechtskreis) = pick(kRechtskreise);
                if (e.name == "complete_referral" && !model.data.referrals.empty() && chance(0.7)) {
                    const Referral& r = pick(model.data.referrals);
                    e.recipient = r.recipient;
                    e.rechtskreis = r.rechtskreis;
                    e.rechtskreis_text = shown(r.rechtskreis);
                }
            }
            if (e.name == "close" || e.name == "abort") e.reason = pick(kReasons).first;
            if ((e.name == "close" || e.name == "abort" || e.name == "decline") && chance(0.4))
                e.text = "Vermerk " + std::to_string(step);
            if (e.name == "pause") e.text = pick(std::vector<std::string>{"Urlaub", "Krankheit"});
            if (e.name == "assign") {
                if (chance(0.6)) e.traeger = pick(std::vector<std::string>{"AGORA", "Caritas"});
                if (chance(0.6)) e.manager = pick(std::vector<std::string>{"cm-2", "cm-caritas-1"});
            }
            if (e.name == "follow_up") {
                e.date = today + between(-3, 30);
                e.subject = pick(kSubjects);
            }
            const std::size_t follow_ups = model.data.follow_ups.size();
            const auto any_number = [&] { return std::uniform_int_distribution<std::size_t>(1, follow_ups + 1)(rng); };
            if (e.name == "follow_up_done") {
                e.number = any_number();
                if (follow_ups && chance(0.3)) {
                    // By its date (and sometimes subject) instead: two may share a date.
                    const FollowUp& f = pick(model.data.follow_ups);
                    e.by_date = true;
                    e.date = number_of(f.date);
                    if (chance(0.5)) e.subject = f.subject;
                }
            }
            const Actor* actor = &kActors[std::uniform_int_distribution<std::size_t>(0, kActors.size() - 1)(rng)];
            if (e.name == "follow_up_due") {
                // Mostly as the tick fires it: the first of the lifecycle's timers, by `system`.
                const auto timers = CaseLifecycle::timers(walk.data(id), model.phase, walk.config());
                if (!timers.empty() && chance(0.8)) {
                    e.number = std::stoul(timers.front().payload.at("number"));
                    e.due = timers.front().payload.at("due");
                    static const Actor system = system_actor();
                    actor = &system;
                } else {
                    e.number = any_number();
                    const long day = e.number <= follow_ups ? number_of(model.data.follow_ups[e.number - 1].date) : today;
                    e.due = cal::iso_midnight(day + (chance(0.8) ? 0 : 1));
                }
            }
            SCOPED_TRACE("run " + std::to_string(run) + " (window " + std::to_string(months) + " months) step " +
                         std::to_string(step) + " at " + history_reference::show(now) + " by " + actor->id + ": " +
                         e.name + " in " + model.phase + "/" + model.consent + " (" + e.payload(e.due) + ")" +
                         (model.phase == "closed" ? ", closed on " + cal::iso_date(model.closed_day) : ""));

            const std::string phase_before = model.phase;
            const long closed_day = model.closed_day, last_day = model.last_reopen_day();
            const Outcome got = fire_outcome(walk, id, e.name, e.fields(), *actor);
            const Outcome want = model.apply(e, now, *actor);
            ASSERT_EQ(static_cast<int>(got), static_cast<int>(want));
            applied += got == Outcome::applied;
            not_allowed += got == Outcome::not_allowed;
            guarded += got == Outcome::guard;
            resumed += got == Outcome::applied && e.name == "resume";
            reopened += got == Outcome::applied && e.name == "reopen";
            if (got == Outcome::applied) ++applied_by_event[e.name];
            if (got == Outcome::guard) ++refused_by_event[e.name];
            if (phase_before == "closed" && e.name == "reopen") {
                reopened_on_last_day += got == Outcome::applied && today == last_day;
                refused_on_first_day_after += got == Outcome::guard && today == last_day + 1;
                // The closure's day does not exist that many months on: add_months must clamp.
                const cal::Ymd closed = cal::ymd_of(closed_day);
                boundary_checks_clamped +=
                    (today == last_day || today == last_day + 1) && cal::ymd_of(last_day).day < closed.day;
            }
            if (got == Outcome::applied && model.phase == "closed" && phase_before != "closed") {
                const cal::Ymd d = cal::ymd_of(today);
                leap_day_closures += d.month == 2 && d.day == 29;
            }

            const auto view = walk.view(id);
            ASSERT_EQ(view.states, (std::vector<std::string_view>{model.consent, model.phase}));
            ASSERT_EQ(view.version, model.log.size());
            ASSERT_NO_FATAL_FAILURE(expect_case(view.data, model.data));
            const std::set<std::string> allowed(view.allowed_events.begin(), view.allowed_events.end());
            ASSERT_EQ(allowed, model.allowed(today));
            ASSERT_NO_FATAL_FAILURE(
                history_reference::expect_timers(CaseLifecycle::timers(view.data, view.state(), walk.config()),
                                                 model.timers()));
            ASSERT_NO_FATAL_FAILURE(history_reference::expect_history(walk.history(id), model.log));
        }
    }
    EXPECT_GT(applied, 5000);
    EXPECT_GT(not_allowed, 500);
    EXPECT_GT(guarded, 500);
    EXPECT_GT(resumed, 50);
    EXPECT_GT(reopened, 10);
    // The reopen window met on both sides of its end, also where months clamp.
    EXPECT_GT(reopened_on_last_day, 30);
    EXPECT_GT(refused_on_first_day_after, 30);
    EXPECT_GT(boundary_checks_clamped, 30);
    EXPECT_GT(leap_day_closures, 20);
    // The rules of the case data met both ways.
    for (const char* event : {"extend_consent", "narrow_consent", "complete_referral", "follow_up", "follow_up_done",
                              "follow_up_due", "refer", "grant_consent"}) {
        EXPECT_GT(applied_by_event[event], 30) << event;
        EXPECT_GT(refused_by_event[event], 30) << event;
    }
}

}  // namespace
