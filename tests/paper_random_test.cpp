// Long random event sequences on the paper engine, checked step by step against a plain
// reference model of the same lifecycle written without MSM (paper_reference.hpp): the state,
// every field of the paper, the events allowed, the timers and the whole history.
#include <chrono>
#include <random>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "paper_reference.hpp"

using namespace paper_reference;

namespace {

const std::vector<std::string> kEvents = {"submit",   "answer",    "schedule",       "acknowledge",
                                          "recommend", "decide",   "reject",         "postpone",
                                          "refer",    "withdraw",  "complete",       "answer_overdue",
                                          "attach_resolution", "settle_resolution"};
const std::vector<std::string> kCommittees = {"Ausschuss A", "Ausschuss B", "Verbandsversammlung"};
/// Roles as payloads spell them: the names shown, an alias without umlaut, other cases.
const std::vector<std::pair<std::string, ConsultationRole>> kRoles = {
    {"Kenntnisnahme", ConsultationRole::kenntnisnahme}, {"Vorberatung", ConsultationRole::vorberatung},
    {"Empfehlung", ConsultationRole::empfehlung},       {"Entscheidung", ConsultationRole::entscheidung},
    {"Anhörung", ConsultationRole::anhoerung},          {"Anhoerung", ConsultationRole::anhoerung},
    {"vorberatung", ConsultationRole::vorberatung},     {"ENTSCHEIDUNG", ConsultationRole::entscheidung}};
/// Who fires: the history must name each one as it was.
const std::vector<Actor> kActors = {fraktion, verwaltung, sitzungsdienst, system_actor()};

TEST_F(PaperTest, RandomSequencesAgreeWithTheReferenceModel)
{
    std::mt19937 rng(20250206);
    auto pick = [&](const auto& v) { return v[std::uniform_int_distribution<std::size_t>(0, v.size() - 1)(rng)]; };
    auto chance = [&](double p) { return std::bernoulli_distribution(p)(rng); };
    auto between = [&](int low, int high) { return std::uniform_int_distribution<int>(low, high)(rng); };

    int applied = 0, not_allowed = 0, guarded = 0;
    int results_given = 0, agenda_items = 0, german_dates = 0, at_the_deadline = 0, a_day_short = 0;
    for (int run = 0; run < 1000; ++run) {
        const std::string ref = "R/" + std::to_string(run);
        Paper paper = chance(0.5) ? anfrage(ref) : antrag(ref);
        if (chance(0.3)) paper.type = PaperType::beschlussvorlage;
        paper.consultations.clear();
        const int planned = between(0, 3);
        for (int i = 0; i < planned; ++i)
            paper.consultations.push_back({pick(kCommittees), pick(kRoles).second, chance(0.3)});
        engine.create(ref, paper, fraktion);
        PaperModel model(paper);

        // Walk until the paper has been in a final state for a few events, or 80 events.
        int steps_in_final = 0;
        for (int step = 0; step < 80 && steps_in_final < 3; ++step) {
            clock->advance(date::days{between(0, 6)});
            if (chance(0.3)) clock->advance(std::chrono::minutes{between(1, 600)});
            const Timestamp now = clock->now();
            const long today = day_of(now);
            // Mostly events with a row in the current state (withdraw rarely, or every walk would
            // end early), sometimes any event at all.
            std::vector<std::string> candidates;
            for (const auto& e : model.allowed(today))
                if (e != "withdraw" || chance(0.1)) candidates.push_back(e);
            PaperEv e;
            e.name = !candidates.empty() && chance(0.75) ? pick(candidates) : pick(kEvents);
            steps_in_final += model.allowed(today).empty();
            if (e.name == "answer") e.answer_reference = ref + "-1";
            if (e.name == "schedule") {
                if (chance(0.6)) e.organization = chance(0.8) ? pick(kCommittees) : "Integrationsrat";
                if (chance(0.5)) std::tie(e.role_text, e.role) = pick(kRoles);
                // Sometimes right at the agenda deadline, or a day short of it.
                e.meeting_day = chance(0.2) ? model.submitted_day + model.deadline - between(0, 1) : today + between(-3, 30);
                e.german_date = chance(0.2);
                if (chance(0.7))
                    e.agenda_item = "TOP " + std::to_string(between(1, 12)) + "." + std::to_string(between(1, 4));
                e.urgent_text = chance(0.2) ? pick(std::vector<std::string>{"true", "ja"}) : chance(0.1) ? "false" : "";
                if (chance(0.3)) e.skip_reason = "Dringlichkeit";
            }
            if (e.name == "acknowledge" || e.name == "recommend" || e.name == "decide" || e.name == "reject")
                if (chance(0.5)) e.result = pick(std::vector<std::string>{"einstimmig", "mit Änderungen", "12:3:1"});
            if (e.name == "answer_overdue") {
                // Mostly the end of the answer period, as a tick gives it; sometimes another day.
                e.due_day = model.answer_overdue_day() + (chance(0.8) ? 0 : pick(std::vector<long>{-1, 1}));
            }
            if (e.name == "attach_resolution" || e.name == "settle_resolution")
                e.resolution = "B-" + std::to_string(between(1, 3));
            if (e.name == "settle_resolution")
                e.outcome = chance(0.9) ? pick(std::vector<std::string>{"done", "dropped"}) : "fertig";
            if (e.name == "refer") {
                e.organization = pick(kCommittees);
                if (chance(0.5)) std::tie(e.role_text, e.role) = pick(kRoles);
            }
            if (e.name == "withdraw") e.reason = pick(std::vector<std::string>{"r", "durch Verwaltungshandeln erledigt"});
            if (e.name == "complete" && chance(0.5)) e.note = "Bericht erstattet";
            const Actor& actor = pick(kActors);
            SCOPED_TRACE("run " + std::to_string(run) + " step " + std::to_string(step) + " at " +
                         history_reference::show(now) + " by " + actor.id + ": " + e.name + " in " + model.state +
                         " (" + e.payload() + ")");

            const Outcome got = fire_outcome(engine, ref, e.name, e.fields(), actor);
            const Outcome want = model.apply(e, now, actor);
            ASSERT_EQ(static_cast<int>(got), static_cast<int>(want));
            applied += got == Outcome::applied;
            not_allowed += got == Outcome::not_allowed;
            guarded += got == Outcome::guard;
            if (got == Outcome::applied) {
                results_given += !e.result.empty();
                agenda_items += !e.agenda_item.empty();
                german_dates += e.name == "schedule" && e.german_date;
                at_the_deadline +=
                    e.name == "schedule" && !e.urgent() && e.meeting_day - model.submitted_day == model.deadline;
            }
            a_day_short += got == Outcome::guard && e.name == "schedule" && !e.urgent() &&
                           e.meeting_day - model.submitted_day == model.deadline - 1;

            const auto view = engine.view(ref);
            ASSERT_EQ(view.states.front(), model.state);
            ASSERT_EQ(view.version, model.log.size());
            ASSERT_NO_FATAL_FAILURE(expect_paper(view.data, model.data));
            const std::set<std::string> allowed(view.allowed_events.begin(), view.allowed_events.end());
            ASSERT_EQ(allowed, model.allowed(today));
            ASSERT_NO_FATAL_FAILURE(
                history_reference::expect_timers(PaperLifecycle::timers(view.data, view.state(), engine.config()),
                                                 model.timers()));
            ASSERT_NO_FATAL_FAILURE(history_reference::expect_history(engine.history(ref), model.log));
        }
    }
    // The walk must have covered every outcome, and the payloads' variants, many times.
    EXPECT_GT(applied, 3000);
    EXPECT_GT(not_allowed, 500);
    EXPECT_GT(guarded, 100);
    EXPECT_GT(results_given, 300);
    EXPECT_GT(agenda_items, 300);
    EXPECT_GT(german_dates, 100);
    EXPECT_GT(at_the_deadline, 50);
    EXPECT_GT(a_day_short, 50);
}

}  // namespace
