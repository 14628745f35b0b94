// Long random event sequences on the KIM case engine, checked step by step against a plain
// reference model of the same lifecycle written without MSM.
#include <algorithm>
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
    std::string phase = "intake";
    std::string consent = "none";
    std::set<std::string> recipients;
    std::size_t goals = 0, referrals = 0;
    std::string paused_from;
    Date closed_on{};

    bool open() const { return phase != "closed" && phase != "aborted"; }
    bool working() const { return std::count(kWorkingPhases.begin(), kWorkingPhases.end(), phase) > 0; }

    std::set<std::string> allowed(Date today) const
    {
        std::set<std::string> out;
        if (open() && consent != "withdrawn") out.insert({"grant_consent", "assign", "follow_up"});
        if (open() && consent == "granted") out.insert("withdraw_consent");
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
            if (referrals) out.insert("start_monitoring");
        }
        if (phase == "monitoring") out.insert({"refer", "evaluate"});
        if (phase == "evaluation") out.insert({"replan", "close"});
        if (phase == "paused") out.insert({"resume", "abort"});
        if (phase == "closed" && today <= add_months(closed_on, 12)) out.insert("reopen");
        return out;
    }

    Outcome apply(const std::string& event, const Fields& f, Date today)
    {
        if (event == "grant_consent" || event == "assign" || event == "follow_up") {
            if (consent == "withdrawn") return Outcome::not_allowed;
            if (!open()) return Outcome::guard;
            if (event == "assign" && !f.count("traeger") && !f.count("manager")) return Outcome::guard;
            if (event == "grant_consent") {
                consent = "granted";
                const auto list = FieldCodec<std::vector<std::string>>::parse(f.at("recipients"));
                recipients = std::set<std::string>(list.begin(), list.end());
            }
            return Outcome::applied;
        }
        if (event == "withdraw_consent") {
            if (consent == "granted" && open()) {
                consent = "withdrawn";
                phase = "aborted";
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
            phase = "aborted";
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
            auto o = step("intake", "closed");
            if (o == Outcome::applied) closed_on = today;
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
            ++referrals;
            return Outcome::applied;
        }
        if (event == "start_monitoring") return step("linking", "monitoring", referrals > 0);
        if (event == "evaluate") return step("monitoring", "evaluation");
        if (event == "replan") return step("evaluation", "planning");
        if (event == "close") {
            auto o = step("evaluation", "closed");
            if (o == Outcome::applied) closed_on = today;
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
    "grant_consent", "accept",   "decline", "complete_assessment", "add_goal", "agree_plan", "refer",
    "start_monitoring", "evaluate", "replan", "close", "pause", "resume", "abort", "withdraw_consent", "reopen",
    "assign",        "follow_up"};
const std::vector<std::string> kRecipients = {kJobcenter, kAbh, "Jugendamt Castrop-Rauxel", "Agentur für Arbeit"};
const std::vector<std::string> kRechtskreise = {"SGB II", "SGB III", "SGB VIII", "SGB XII", "AsylbLG", "AufenthG", "other"};
const std::vector<std::string> kReasons = {"goals_achieved", "transferred_to_regular_services", "moved_away",
                                           "no_contact",     "not_suitable",                    "other"};

TEST_F(CaseTest, RandomSequencesAgreeWithTheReferenceModel)
{
    std::mt19937 rng(20210330);
    auto pick = [&](const auto& v) { return v[std::uniform_int_distribution<std::size_t>(0, v.size() - 1)(rng)]; };
    auto chance = [&](double p) { return std::bernoulli_distribution(p)(rng); };

    int applied = 0, not_allowed = 0, guarded = 0, resumed = 0, reopened = 0;
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
            if (event == "grant_consent") {
                std::string list;
                for (const auto& r : kRecipients)
                    if (chance(0.5)) list += (list.empty() ? "" : ",") + r;
                f = {{"recipients", list.empty() ? kJobcenter : list}, {"purpose", "Teilhabe"}};
            }
            if (event == "add_goal") f = {{"goal", "Ziel " + std::to_string(step)}};
            if (event == "refer") f = {{"recipient", pick(kRecipients)}, {"rechtskreis", pick(kRechtskreise)}};
            if (event == "close" || event == "abort") f = {{"reason", pick(kReasons)}};
            if (event == "pause") f = {{"reason", "Urlaub"}};
            if (event == "assign") {
                if (chance(0.6)) f["traeger"] = "AGORA";
                if (chance(0.6)) f["manager"] = "cm-2";
            }
            if (event == "follow_up") f = {{"date", format_date(today + date::days{14})}};
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

            const auto view = engine.view(id);
            ASSERT_EQ(view.states, (std::vector<std::string_view>{model.consent, model.phase}));
            ASSERT_EQ(view.data.goals.size(), model.goals);
            ASSERT_EQ(view.data.referrals.size(), model.referrals);
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
}

}  // namespace
