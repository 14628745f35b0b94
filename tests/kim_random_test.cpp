// Long random event sequences on the KIM case engine, checked step by step against a plain
// reference model of the same lifecycle written without MSM.
#include <algorithm>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "kim_fixture.hpp"
#include "outcome.hpp"

using namespace kim_test;

namespace {

const std::vector<std::string> kWorkingPhases = {"intake",  "assessment", "planning",
                                                 "linking", "monitoring", "evaluation"};

// The case lifecycle as plain code.
struct Reference {
    struct Referral {
        std::string recipient, rechtskreis;
        bool open = true;
    };
    struct FollowUp {
        Date date;
        std::string subject;
        bool open = true, fell_due = false;
    };

    std::string phase = "intake";
    std::string consent = "none";
    std::set<std::string> recipients;
    std::size_t goals = 0;
    std::vector<Referral> referrals;
    std::vector<FollowUp> follow_ups;
    std::string paused_from;
    Date closed_on{};

    bool open() const { return phase != "closed" && phase != "aborted"; }
    bool working() const { return std::count(kWorkingPhases.begin(), kWorkingPhases.end(), phase) > 0; }
    bool referral_open(const std::string& recipient, const std::string& rechtskreis = {}) const
    {
        return std::any_of(referrals.begin(), referrals.end(), [&](const Referral& r) {
            return r.open && r.recipient == recipient && (rechtskreis.empty() || r.rechtskreis == rechtskreis);
        });
    }
    bool any_referral_open() const
    {
        return std::any_of(referrals.begin(), referrals.end(), [](const Referral& r) { return r.open; });
    }
    bool any_follow_up_open() const
    {
        return std::any_of(follow_ups.begin(), follow_ups.end(), [](const FollowUp& f) { return f.open; });
    }
    bool any_follow_up_due(Date today) const
    {
        return std::any_of(follow_ups.begin(), follow_ups.end(),
                           [&](const FollowUp& f) { return f.open && !f.fell_due && f.date <= today; });
    }
    void end(const char* to, Date today)
    {
        phase = to;
        if (phase == "closed") closed_on = today;
        for (auto& r : referrals) r.open = false;
        for (auto& f : follow_ups) f.open = false;
    }

    std::set<std::string> allowed(Date today) const
    {
        std::set<std::string> out;
        if (open() && consent != "withdrawn") {
            out.insert({"grant_consent", "assign", "follow_up"});
            if (any_follow_up_open()) out.insert("follow_up_done");
            if (any_follow_up_due(today)) out.insert("follow_up_due");
        }
        if (open() && consent == "granted") {
            out.insert({"withdraw_consent", "extend_consent"});
            if (recipients.size() > 1) out.insert("narrow_consent");
            if (any_referral_open()) out.insert("complete_referral");
        }
        if (working()) out.insert({"pause", "abort"});
        if (phase == "intake") {
            out.insert("decline");
            if (consent == "granted") out.insert("accept");
        }
        if (phase == "assessment") out.insert("complete_assessment");
        if (phase == "planning") {
            out.insert("add_goal");
            if (goals) out.insert("agree_plan");
        }
        if (phase == "linking") {
            out.insert("refer");
            if (!referrals.empty()) out.insert("start_monitoring");
        }
        if (phase == "monitoring") out.insert({"refer", "evaluate"});
        if (phase == "evaluation") out.insert({"replan", "close"});
        if (phase == "paused") out.insert({"resume", "abort"});
        if (phase == "closed" && today <= add_months(closed_on, 12)) out.insert("reopen");
        return out;
    }

    // The events of the case data: the consent's recipients, referrals, Wiedervorlagen.
    Outcome apply_case_data(const std::string& event, const Fields& f, Date today)
    {
        const bool needs_consent = event == "extend_consent" || event == "narrow_consent" || event == "complete_referral";
        if (consent == "withdrawn" || (needs_consent && consent != "granted")) return Outcome::not_allowed;
        if (!open()) return Outcome::guard;
        if (event == "assign") return f.count("traeger") || f.count("manager") ? Outcome::applied : Outcome::guard;
        if (event == "grant_consent") {
            const auto list = FieldCodec<std::vector<std::string>>::parse(f.at("recipients"));
            const std::set<std::string> now(list.begin(), list.end());
            for (const auto& r : referrals)
                if (r.open && !now.count(r.recipient)) return Outcome::guard;  // would drop a referred one
            consent = "granted";
            recipients = now;
            return Outcome::applied;
        }
        if (event == "extend_consent") {
            const auto list = FieldCodec<std::vector<std::string>>::parse(f.at("recipients"));
            if (std::all_of(list.begin(), list.end(), [&](const std::string& r) { return recipients.count(r) > 0; }))
                return Outcome::guard;
            recipients.insert(list.begin(), list.end());
            return Outcome::applied;
        }
        if (event == "narrow_consent") {
            const std::string& r = f.at("recipient");
            if (recipients.size() < 2 || !recipients.count(r) || referral_open(r)) return Outcome::guard;
            recipients.erase(r);
            return Outcome::applied;
        }
        if (event == "complete_referral") {
            if (!referral_open(f.at("recipient"), f.at("rechtskreis"))) return Outcome::guard;
            for (auto& r : referrals)
                if (r.recipient == f.at("recipient") && r.rechtskreis == f.at("rechtskreis")) r.open = false;
            return Outcome::applied;
        }
        if (event == "follow_up") {
            const Date date = parse_date(f.at("date"));
            const std::string subject = f.count("subject") ? f.at("subject") : "";
            if (date < today) return Outcome::guard;
            for (const auto& fu : follow_ups)
                if (fu.open && fu.date == date && fu.subject == subject) return Outcome::guard;
            follow_ups.push_back({date, subject});
            return Outcome::applied;
        }
        const std::size_t n = std::stoul(f.at("number"));
        if (event == "follow_up_done") {
            if (!any_follow_up_open() || n == 0 || n > follow_ups.size() || !follow_ups[n - 1].open) return Outcome::guard;
            follow_ups[n - 1].open = false;
            return Outcome::applied;
        }
        // follow_up_due
        if (!any_follow_up_due(today) || n == 0 || n > follow_ups.size()) return Outcome::guard;
        FollowUp& due = follow_ups[n - 1];
        if (!due.open || due.fell_due || f.at("due") != format_timestamp(start_of(due.date)) || today < due.date)
            return Outcome::guard;
        due.fell_due = true;
        return Outcome::applied;
    }

    Outcome apply(const std::string& event, const Fields& f, Date today)
    {
        static const std::set<std::string> case_data{"grant_consent",  "extend_consent", "narrow_consent",
                                                     "complete_referral", "assign",       "follow_up",
                                                     "follow_up_done", "follow_up_due"};
        if (case_data.count(event)) return apply_case_data(event, f, today);
        if (event == "withdraw_consent") {
            if (consent == "granted" && open()) {
                consent = "withdrawn";
                end("aborted", today);
                return Outcome::applied;
            }
            if (consent == "granted" || (consent == "none" && open())) return Outcome::guard;
            return Outcome::not_allowed;
        }
        if (event == "pause") {
            if (!working()) return Outcome::not_allowed;
            paused_from = phase;
            phase = "paused";
            return Outcome::applied;
        }
        if (event == "abort") {
            if (!open()) return Outcome::not_allowed;
            end("aborted", today);
            return Outcome::applied;
        }
        auto step = [&](const char* from, const char* to, bool guard_ok = true) {
            if (phase != from) return Outcome::not_allowed;
            if (!guard_ok) return Outcome::guard;
            phase = to;
            return Outcome::applied;
        };
        if (event == "accept") return step("intake", "assessment", consent == "granted");
        if (event == "decline") {
            auto o = step("intake", "intake");
            if (o == Outcome::applied) end("closed", today);
            return o;
        }
        if (event == "complete_assessment") return step("assessment", "planning");
        if (event == "add_goal") {
            auto o = step("planning", "planning");
            goals += o == Outcome::applied;
            return o;
        }
        if (event == "agree_plan") return step("planning", "linking", goals > 0);
        if (event == "refer") {
            if (phase != "linking" && phase != "monitoring") return Outcome::not_allowed;
            if (consent != "granted" || !recipients.count(f.at("recipient"))) return Outcome::guard;
            if (referral_open(f.at("recipient"), f.at("rechtskreis"))) return Outcome::guard;  // the same, still open
            referrals.push_back({f.at("recipient"), f.at("rechtskreis")});
            return Outcome::applied;
        }
        if (event == "start_monitoring") return step("linking", "monitoring", !referrals.empty());
        if (event == "evaluate") return step("monitoring", "evaluation");
        if (event == "replan") return step("evaluation", "planning");
        if (event == "close") {
            auto o = step("evaluation", "evaluation");
            if (o == Outcome::applied) end("closed", today);
            return o;
        }
        if (event == "resume") {
            if (phase != "paused") return Outcome::not_allowed;
            phase = paused_from;
            return Outcome::applied;
        }
        if (event == "reopen") return step("closed", "intake", today <= add_months(closed_on, 12));
        ADD_FAILURE() << "unknown event " << event;
        return Outcome::not_allowed;
    }
};

const std::vector<std::string> kEvents = {
    "grant_consent",    "accept",   "decline", "complete_assessment", "add_goal", "agree_plan", "refer",
    "start_monitoring", "evaluate", "replan",  "close",  "pause",     "resume",   "abort",      "withdraw_consent",
    "reopen",           "assign",   "follow_up", "extend_consent", "narrow_consent", "complete_referral",
    "follow_up_done",   "follow_up_due"};
const std::vector<std::string> kRecipients = {kJobcenter, kAbh, "Jugendamt Castrop-Rauxel", "Agentur für Arbeit"};
// Few Rechtskreise, so that referrals meet open ones of the same recipient and Rechtskreis.
const std::vector<std::string> kRechtskreise = {"SGB II", "SGB III", "AufenthG"};
const std::vector<std::string> kSubjects = {"", "Jobcenter", "Sprachkurs"};
const std::vector<std::string> kReasons = {"goals_achieved", "transferred_to_regular_services", "moved_away",
                                           "no_contact",     "not_suitable",                    "other"};

TEST_F(CaseTest, RandomSequencesAgreeWithTheReferenceModel)
{
    std::mt19937 rng(20210330);
    auto pick = [&](const auto& v) { return v[std::uniform_int_distribution<std::size_t>(0, v.size() - 1)(rng)]; };
    auto chance = [&](double p) { return std::bernoulli_distribution(p)(rng); };

    int applied = 0, not_allowed = 0, guarded = 0, resumed = 0, reopened = 0;
    std::map<std::string, int> applied_by_event, refused_by_event;
    for (int run = 0; run < 600; ++run) {
        const std::string id = "K-" + std::to_string(run);
        open_case(engine, id, castrop_rauxel(), caritas);
        Reference model;
        int steps_in_final = 0;
        for (int step = 0; step < 80 && steps_in_final < 3; ++step) {
            // Mostly days apart; a closed case often waits around a year, so that reopening
            // meets both sides of its window.
            const bool around_a_year = model.phase == "closed" && chance(0.4);
            clock->advance(date::days{around_a_year ? std::uniform_int_distribution<int>(330, 400)(rng)
                                                    : std::uniform_int_distribution<int>(0, 20)(rng)});
            const Date today = date_of(clock->now());
            const auto allowed_now = model.allowed(today);
            std::vector<std::string> candidates;
            for (const auto& e : allowed_now)
                if ((e != "abort" && e != "withdraw_consent" && e != "decline") || chance(0.05)) candidates.push_back(e);
            const std::string event = !candidates.empty() && chance(0.75) ? pick(candidates) : pick(kEvents);
            steps_in_final += !model.open() && allowed_now.empty();

            Fields f;
            auto some_recipients = [&] {
                std::string list;
                for (const auto& r : kRecipients)
                    if (chance(0.5)) list += (list.empty() ? "" : ",") + r;
                return list.empty() ? pick(kRecipients) : list;
            };
            if (event == "grant_consent") f = {{"recipients", some_recipients()}, {"purpose", "Teilhabe"}};
            if (event == "extend_consent") f = {{"recipients", some_recipients()}};
            if (event == "narrow_consent") f = {{"recipient", pick(kRecipients)}};
            if (event == "add_goal") f = {{"goal", "Ziel " + std::to_string(step)}};
            if (event == "refer" || event == "complete_referral") {
                f = {{"recipient", pick(kRecipients)}, {"rechtskreis", pick(kRechtskreise)}};
                if (event == "complete_referral" && !model.referrals.empty() && chance(0.7)) {
                    const auto& r = pick(model.referrals);
                    f = {{"recipient", r.recipient}, {"rechtskreis", r.rechtskreis}};
                }
            }
            if (event == "close" || event == "abort") f = {{"reason", pick(kReasons)}};
            if (event == "pause") f = {{"reason", "Urlaub"}};
            if (event == "assign") {
                if (chance(0.6)) f["traeger"] = "AGORA";
                if (chance(0.6)) f["manager"] = "cm-2";
            }
            if (event == "follow_up") {
                f = {{"date", format_date(today + date::days{std::uniform_int_distribution<int>(-3, 30)(rng)})}};
                if (const std::string subject = pick(kSubjects); !subject.empty()) f["subject"] = subject;
            }
            const std::size_t follow_ups = model.follow_ups.size();
            const auto any_number = [&] { return std::uniform_int_distribution<std::size_t>(1, follow_ups + 1)(rng); };
            if (event == "follow_up_done") f = {{"number", std::to_string(any_number())}};
            if (event == "follow_up_due") {
                // Mostly as the tick fires it: the first of the lifecycle's timers.
                const auto timers = CaseLifecycle::timers(engine.data(id), model.phase, CaseConfig{});
                if (!timers.empty() && chance(0.8)) {
                    f = timers.front().payload;
                } else {
                    const std::size_t n = any_number();
                    const Date day = n <= follow_ups ? model.follow_ups[n - 1].date : today;
                    f = {{"number", std::to_string(n)},
                         {"due", format_timestamp(start_of(day + date::days{chance(0.8) ? 0 : 1}))}};
                }
            }
            SCOPED_TRACE("run " + std::to_string(run) + " step " + std::to_string(step) + ": " + event + " in " +
                         model.phase + "/" + model.consent);

            const std::string before = model.phase;
            const Outcome got = fire_outcome(engine, id, event, f, caritas);
            const Outcome want = model.apply(event, f, today);
            ASSERT_EQ(static_cast<int>(got), static_cast<int>(want));
            applied += got == Outcome::applied;
            not_allowed += got == Outcome::not_allowed;
            guarded += got == Outcome::guard;
            resumed += got == Outcome::applied && event == "resume";
            reopened += got == Outcome::applied && event == "reopen";
            if (got == Outcome::applied) ++applied_by_event[event];
            if (got == Outcome::guard) ++refused_by_event[event];

            const auto view = engine.view(id);
            ASSERT_EQ(view.states, (std::vector<std::string_view>{model.consent, model.phase}));
            ASSERT_EQ(view.data.goals.size(), model.goals);
            ASSERT_EQ(view.data.referrals.size(), model.referrals.size());
            for (std::size_t i = 0; i < model.referrals.size(); ++i)
                ASSERT_EQ(view.data.referrals[i].open(), model.referrals[i].open) << "referral " << i;
            ASSERT_EQ(view.data.follow_ups.size(), model.follow_ups.size());
            std::size_t timers_expected = 0;
            for (std::size_t i = 0; i < model.follow_ups.size(); ++i) {
                ASSERT_EQ(view.data.follow_ups[i].open(), model.follow_ups[i].open) << "Wiedervorlage " << i + 1;
                ASSERT_EQ(bool(view.data.follow_ups[i].fell_due_at), model.follow_ups[i].fell_due) << i + 1;
                timers_expected += model.follow_ups[i].open && !model.follow_ups[i].fell_due;
            }
            ASSERT_EQ(CaseLifecycle::timers(view.data, model.phase, CaseConfig{}).size(), timers_expected);
            if (model.consent == "granted") {
                const auto& named = view.data.consent.recipients;
                ASSERT_EQ(std::set<std::string>(named.begin(), named.end()), model.recipients);
            }
            const std::set<std::string> allowed(view.allowed_events.begin(), view.allowed_events.end());
            ASSERT_EQ(allowed, model.allowed(today));
            if (got == Outcome::applied && before != model.phase) {
                ASSERT_EQ(view.data.phases.back().phase, model.phase);
            }
        }
        ASSERT_EQ(engine.version(id), engine.history(id).size());
    }
    EXPECT_GT(applied, 5000);
    EXPECT_GT(not_allowed, 500);
    EXPECT_GT(guarded, 500);
    EXPECT_GT(resumed, 50);
    EXPECT_GT(reopened, 10);
    // The rules of the case data met both ways.
    for (const char* event : {"extend_consent", "narrow_consent", "complete_referral", "follow_up", "follow_up_done",
                              "follow_up_due", "refer", "grant_consent"}) {
        EXPECT_GT(applied_by_event[event], 30) << event;
        EXPECT_GT(refused_by_event[event], 30) << event;
    }
}

}  // namespace
