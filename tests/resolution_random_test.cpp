// Long random event sequences on the resolution engine (Beschlusskontrolle) and the decided
// papers it keeps in step, checked step by step against a plain reference model of the same
// lifecycle written without MSM (resolution_reference.hpp), in memory and on SQLite: every
// field of resolutions and papers, their status and events allowed, and after every step the
// whole history (actor and payload too) of what the step touched; every history at the end.
#include <algorithm>
#include <array>
#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <vector>

#include <kimflow/resolution/resolution_engine.hpp>
#include <kimflow/resolution/status.hpp>
#include <kimflow/store/sqlite_store.hpp>

#include "outcome.hpp"
#include "paper_fixture.hpp"
#include "resolution_reference.hpp"
#include "temp_file.hpp"

using namespace paper_test;
using namespace resolution_reference;
namespace res = kimflow::resolution;

namespace {

constexpr std::uint32_t kSeed = 20250317;
/// Walks per store: fewer on SQLite, whose commits cost a millisecond each.
constexpr int kRunsInMemory = 60, kRunsOnSqlite = 30;
constexpr int kMaxSteps = 150;

/// No fsync per commit: the walk is about the rules, and commits many times.
SqliteOptions fast()
{
    SqliteOptions options;
    options.synchronous = SqliteOptions::Synchronous::normal;
    return options;
}

/// The engines of one walk, on one store.
struct World {
    explicit World(bool on_sqlite, Timestamp start)
        : clock(std::make_shared<ManualClock>(start)),
          store(on_sqlite ? std::shared_ptr<Store>(std::make_shared<SqliteStore>(file.path(), fast())) : make_memory_store())
    {
    }
    TempFile file{"resolution-walk"};
    std::shared_ptr<ManualClock> clock;
    std::shared_ptr<Store> store;
    PaperEngine papers{PaperConfig{}, clock, store};
    res::ResolutionEngine resolutions{papers, res::ResolutionConfig{kDueSoonDays}, clock};
};

/// How the engine took a fire; an error of any other kind fails the step (inside its trace).
template <class F>
Outcome attempt(F&& fire, Fired& fired)
{
    try {
        fired = fire();
        return Outcome::applied;
    } catch (const EventNotAllowed&) {
        return Outcome::not_allowed;
    } catch (const GuardRejected&) {
        return Outcome::guard;
    } catch (const std::exception& e) {
        ADD_FAILURE() << "unexpected error: " << e.what();
        throw;
    }
}

std::string outcome_name(Outcome o)
{
    return o == Outcome::applied ? "applied" : o == Outcome::not_allowed ? "EventNotAllowed" : "GuardRejected";
}

const std::vector<std::string> kEvents = {"start", "report_progress", "extend", "complete", "drop", "became_overdue"};
// Settling is rarer than the rest, so that resolutions live long enough to be extended,
// reported on and overdue.
const std::vector<double> kEventWeights = {12, 24, 20, 4, 3, 16};
const std::vector<std::string> kOffices = {"FB 5 Soziales", "FB 3 Umwelt", "Amt 61 Stadtplanung"};

enum class Keeping { in_memory, on_sqlite };

class ResolutionRandomWalk : public ::testing::TestWithParam<Keeping> {};

TEST_P(ResolutionRandomWalk, RandomSequencesAgreeWithTheReferenceModel)
{
    const bool on_sqlite = GetParam() == Keeping::on_sqlite;
    std::mt19937 rng(kSeed + (on_sqlite ? 1 : 0));
    auto pick = [&](const auto& v) { return v[std::uniform_int_distribution<std::size_t>(0, v.size() - 1)(rng)]; };
    auto chance = [&](double p) { return std::bernoulli_distribution(p)(rng); };
    auto between = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };

    std::map<std::string, std::array<int, 3>> by_event;  // applied, not allowed, guard
    std::array<int, 2> by_way{};                         // typed, by name
    int ticks_firing = 0, tick_firings = 0, refused_creations = 0, papers_completed_by_settling = 0;
    std::array<int, 3> paper_complete{};
    std::map<std::string, int> statuses, by_rule;

    const int runs = on_sqlite ? kRunsOnSqlite : kRunsInMemory;
    for (int run = 0; run < runs; ++run) {
        World world(on_sqlite, parse_timestamp("2025-01-06T09:00:00Z") + std::chrono::minutes{between(0, 600)});
        ManualClock& clock = *world.clock;
        std::vector<RefPaper> papers;
        std::vector<RefResolution> resolutions;

        // Decided papers: one deciding consultation, submitted, on the agenda, decided.
        const int paper_count = between(2, 4);
        for (int i = 0; i < paper_count; ++i) {
            RefPaper m;
            m.reference = "R" + std::to_string(run) + "/" + std::to_string(i + 1);
            m.planned = between(1, 3);
            Paper p = antrag(m.reference);
            p.consultations.erase(p.consultations.begin());
            world.papers.create(m.reference, p, fraktion);
            world.papers.fire(m.reference, Submit{}, fraktion);
            Schedule s;
            s.meeting_date = day_of(clock.now()) + date::days{30};
            s.agenda_item = "7";
            world.papers.fire(m.reference, s, sitzungsdienst);
            m.log.push_back({"submit", "draft", "submitted", fraktion, clock.now(), ""});
            m.log.push_back({"schedule", "submitted", "on_agenda", sitzungsdienst, clock.now(),
                             "meeting_date=" + iso(s.meeting_date) + ", agenda_item=7"});
            clock.advance(std::chrono::hours{between(0, 30)});
            ASSERT_EQ(world.papers.fire(m.reference, Decide{}, sitzungsdienst).to, "decided");
            m.decided_at = clock.now();
            m.log.push_back({"decide", "on_agenda", "decided", sitzungsdienst, clock.now(), ""});
            papers.push_back(m);
        }

        int steps_in_final = 0;
        for (int step = 0; step < kMaxSteps && steps_in_final < 5; ++step) {
            // Time moves on: hours, days, or right onto (or just before) the midnight where the
            // next due date ends (the next midnight if none is ahead).
            const int move = between(0, 9);
            Timestamp boundary = midnight(day_of(clock.now()) + date::days{1});
            // The resolution whose due date ends there: the step is mostly about it.
            // An index, not std::optional: GCC warns (falsely) of an unset optional read below.
            constexpr std::size_t kNoFocus = static_cast<std::size_t>(-1);
            std::size_t focus = kNoFocus;
            if (move >= 8) {
                for (std::size_t i = 0; i < resolutions.size(); ++i) {
                    const RefResolution& m = resolutions[i];
                    if (m.to_carry_out() && m.due_ends() > clock.now() &&
                        (focus == kNoFocus || m.due_ends() < resolutions[focus].due_ends()))
                        focus = i;
                }
                if (focus != kNoFocus && chance(0.7)) boundary = resolutions[focus].due_ends();
                else focus = kNoFocus;
            }
            if (move < 5) clock.advance(std::chrono::minutes{between(0, 8 * 60)});
            else if (move < 8) clock.advance(std::chrono::hours{24 * between(1, 4) + between(0, 23)});
            else if (move == 8) clock.set(boundary);
            else if (boundary - std::chrono::microseconds{1} > clock.now()) clock.set(boundary - std::chrono::microseconds{1});
            const Timestamp now = clock.now();
            const Date today = day_of(now);

            std::vector<std::size_t> to_create;
            for (std::size_t i = 0; i < papers.size(); ++i)
                if (papers[i].attempted < papers[i].planned) to_create.push_back(i);
            const bool all_final =
                to_create.empty() &&
                std::all_of(papers.begin(), papers.end(), [](const RefPaper& p) { return p.state == "completed"; });
            steps_in_final += all_final;

            const std::string trace_head =
                "seed " + std::to_string(kSeed + (on_sqlite ? 1 : 0)) + " run " + std::to_string(run) + " step " +
                std::to_string(step) + " at " + iso(now) + ": ";

            if (!to_create.empty() && (resolutions.empty() || chance(0.15))) {
                // A new resolution for a paper, which must still be decided.
                RefPaper& paper = papers[pick(to_create)];
                ++paper.attempted;
                RefResolution m;
                m.id = paper.reference + "-B" + std::to_string(paper.attempted);
                m.paper = static_cast<std::size_t>(&paper - papers.data());
                m.due = m.original_due = today + date::days{between(-3, 30)};
                res::Resolution r;
                r.paper = paper.reference;
                r.office = pick(kOffices);
                r.task = chance(0.8) ? "Aufgabe " + m.id : "";
                r.due = m.due;
                // What it takes from its paper: the deciding committee, the body, the day of the
                // decision, and the title as the task when it names none.
                m.paper_reference = paper.reference;
                m.office = r.office;
                m.task = r.task.empty() ? "Stand der Umsetzung des Kommunalen Integrationsmanagements" : r.task;
                m.committee = kRat;
                m.body = "Regionalverband Ruhr";
                m.decided_on = day_of(paper.decided_at);
                SCOPED_TRACE(trace_head + "create " + m.id + " due " + iso(m.due) + " for " + paper.reference +
                             " in " + paper.state);
                if (paper.state != "decided") {
                    ASSERT_THROW(world.resolutions.create(m.id, r, sitzungsdienst), InvalidData);
                    ASSERT_FALSE(world.resolutions.engine().contains(m.id));
                    ++refused_creations;
                } else {
                    world.resolutions.create(m.id, r, sitzungsdienst);
                    paper.links.push_back({m.id, ""});
                    paper.log.push_back(
                        {"attach_resolution", "decided", "decided", actor_for("attach_resolution"), now,
                         "resolution=" + m.id});
                    resolutions.push_back(m);
                    ASSERT_NO_FATAL_FAILURE(expect_histories_of(world.resolutions, world.papers, m, paper));
                }
                ASSERT_NO_FATAL_FAILURE(expect_agreement(world.resolutions, world.papers, resolutions, papers, now));
                continue;
            }

            const int what = focus != kNoFocus ? (chance(0.5) ? 0 : 99) : between(0, 99);  // with a focus: half ticks
            if (what < 5) {
                // A tick: became_overdue for every resolution whose due date has ended, once each.
                SCOPED_TRACE(trace_head + "tick");
                std::vector<std::string> want;
                for (RefResolution& m : resolutions)
                    if (m.overdue_timer_due(now)) want.push_back(m.id);
                std::sort(want.begin(), want.end());
                const TickReport report = world.resolutions.tick(now);
                std::vector<std::string> got;
                for (const TickFiring& f : report.fired) {
                    got.push_back(f.instance);
                    ASSERT_EQ(f.event, "became_overdue");
                }
                std::sort(got.begin(), got.end());
                ASSERT_EQ(got, want);
                ASSERT_TRUE(report.refused.empty()) << report.refused.front().reason;
                ASSERT_EQ(report.taken_by_others, 0u);
                for (const TickFiring& f : report.fired) {
                    RefResolution& m = *std::find_if(resolutions.begin(), resolutions.end(),
                                                     [&](const RefResolution& r) { return r.id == f.instance; });
                    ASSERT_EQ(f.due, m.due_ends()) << f.instance;
                    Ev e;
                    e.name = "became_overdue";
                    e.ends = m.due_ends();
                    ASSERT_EQ(static_cast<int>(m.apply(e, now, actor_for(e.name))), static_cast<int>(Outcome::applied));
                    ASSERT_NO_FATAL_FAILURE(expect_histories_of(world.resolutions, world.papers, m, papers[m.paper]));
                }
                ticks_firing += !want.empty();
                for (const RefResolution& m : resolutions)
                    if (m.log.size() && m.log.back().event == "became_overdue" && m.log.back().at == now &&
                        now == m.due_ends())
                        ++by_rule["tick at a due date's midnight"];
                tick_firings += static_cast<int>(want.size());
            } else if (what < 9) {
                // A manual complete of a paper: only with none of its resolutions open.
                RefPaper& target = papers[std::uniform_int_distribution<std::size_t>(0, papers.size() - 1)(rng)];
                const std::string note = chance(0.5) ? "Bericht erstattet" : "";
                const bool typed = chance(0.5);
                SCOPED_TRACE(trace_head + "paper complete " + (typed ? "(typed) " : "(by name) ") + target.reference +
                             " in " + target.state + " with " + std::to_string(target.open().size()) + " open");
                Fired fired;
                const Outcome got = attempt(
                    [&] {
                        if (typed) return world.papers.fire(target.reference, paper::Complete{note}, verwaltung);
                        Fields f;
                        if (!note.empty()) f["note"] = note;
                        return world.papers.fire(target.reference, "complete", f, verwaltung);
                    },
                    fired);
                const Outcome want = target.complete(note, now);
                ASSERT_EQ(outcome_name(got), outcome_name(want));
                ASSERT_NO_FATAL_FAILURE(
                    history_reference::expect_history(world.papers.history(target.reference), target.log));
                ++paper_complete[static_cast<int>(got)];
            } else {
                // An event on a resolution: any of the six, in any state, typed or by name.
                // Mostly one still to be carried out, sometimes any (settled ones refuse everything).
                std::vector<std::size_t> candidates;
                for (std::size_t i = 0; i < resolutions.size(); ++i)
                    if (resolutions[i].to_carry_out()) candidates.push_back(i);
                if (candidates.empty() || chance(0.25)) {
                    candidates.clear();
                    for (std::size_t i = 0; i < resolutions.size(); ++i) candidates.push_back(i);
                }
                if (focus != kNoFocus) candidates = {focus};
                RefResolution& target = resolutions[pick(candidates)];
                Ev e;
                e.name = kEvents[std::discrete_distribution<std::size_t>(kEventWeights.begin(), kEventWeights.end())(rng)];
                if (focus != kNoFocus && chance(0.5)) e.name = "became_overdue";  // right at (or before) its midnight
                auto some_due = [&] {
                    const int kind = between(0, 19);
                    if (kind < 5) return target.due;                                  // the current one
                    if (kind < 8) return today - date::days{between(1, 5)};           // in the past
                    if (kind < 10) return today;                                      // today
                    if (kind < 12) return target.due - date::days{between(1, 10)};    // before the current one
                    return today + date::days{between(1, 40)};                         // ahead
                };
                if (e.name == "start" && chance(0.5)) e.text = "Ortstermin vereinbart";
                if (e.name == "report_progress") {
                    e.text = "Sachstand " + std::to_string(step);
                    if (chance(0.6)) e.date = some_due();
                    if (chance(0.5)) e.delay_reason = "Personalmangel";
                }
                if (e.name == "extend") {
                    e.date = some_due();
                    e.text = "Abstimmung mit dem Kreis";
                }
                if (e.name == "complete") e.text = "Bericht in der Sitzung erstattet";
                if (e.name == "drop") e.text = "durch Ratsbeschluss erledigt";
                if (e.name == "became_overdue") {
                    const int kind = between(0, 19);
                    const Timestamp ends = target.due_ends();
                    if (kind < 12) e.ends = ends;                                   // as a tick names it
                    else if (kind < 15) e.ends = midnight(target.due);             // the due day's start
                    else if (kind < 17) e.ends = ends + date::days{1};             // a day late
                    else e.ends = ends + std::chrono::hours{between(1, 23)};       // not a midnight
                }
                e.german_date = chance(0.2);
                e.offset_time = chance(0.2);
                const bool typed = chance(0.5);
                ++by_way[typed ? 0 : 1];
                const Actor& actor = actor_for(e.name);

                const std::string before = target.state;
                const Date before_due = target.due;
                SCOPED_TRACE(trace_head + e.name + (typed ? " (typed)" : " (by name)") + " on " + target.id + " in " +
                             before + ", due " + iso(target.due) +
                             (e.date ? ", new date " + iso(*e.date) : std::string()) +
                             (e.ends ? ", ends " + iso(*e.ends) : std::string()) +
                             (e.delay_reason.empty() ? "" : ", with delay reason") +
                             (target.overdue_for ? ", overdue for " + iso(*target.overdue_for) : std::string()));
                Fired fired;
                const Outcome got = attempt(
                    [&]() -> Fired {
                        auto& engine = world.resolutions;
                        const std::string& id = target.id;
                        if (typed) {
                            if (e.name == "start") return engine.fire(id, res::Start{e.text}, actor);
                            if (e.name == "report_progress")
                                return engine.fire(id, res::ReportProgress{e.text, e.delay_reason, e.date}, actor);
                            if (e.name == "extend") return engine.fire(id, res::Extend{*e.date, e.text}, actor);
                            if (e.name == "complete") return engine.fire(id, res::Complete{e.text}, actor);
                            if (e.name == "drop") return engine.fire(id, res::Drop{e.text}, actor);
                            return engine.fire(id, res::BecameOverdue{*e.ends}, actor);
                        }
                        Fields f;
                        auto date_text = [&](Date d) { return e.german_date ? german(d) : iso(d); };
                        if (e.name == "start" && !e.text.empty()) f["note"] = e.text;
                        if (e.name == "report_progress") {
                            f["text"] = e.text;
                            if (!e.delay_reason.empty()) f["delay_reason"] = e.delay_reason;
                            if (e.date) f["new_due"] = date_text(*e.date);
                        }
                        if (e.name == "extend") f = {{"due", date_text(*e.date)}, {"reason", e.text}};
                        if (e.name == "complete") f = {{"note", e.text}};
                        if (e.name == "drop") f = {{"reason", e.text}};
                        if (e.name == "became_overdue") {
                            // The same instant, sometimes written with an offset of +01:00.
                            f["due"] = e.offset_time ? date::format("%FT%T+01:00", date::floor<std::chrono::seconds>(
                                                                                       *e.ends + std::chrono::hours{1}))
                                                     : iso(*e.ends);
                        }
                        return engine.fire(id, e.name, f, actor);
                    },
                    fired);
                const Outcome want = target.apply(e, now, actor);
                ASSERT_EQ(outcome_name(got), outcome_name(want));
                ++by_event[e.name][static_cast<int>(got)];
                if (got == Outcome::guard) ++by_rule[target.refused_by];
                // The boundaries: on the day itself, and right at the midnight a due date ends.
                if (got == Outcome::applied && e.date && *e.date == today) ++by_rule["a due date of today taken"];
                if (got == Outcome::applied && e.date && *e.date < before_due && e.delay_reason.empty())
                    ++by_rule["an earlier due date taken without reason"];
                if (got == Outcome::applied && e.ends && now == *e.ends) ++by_rule["became_overdue at its midnight"];
                if (got == Outcome::applied) {
                    ASSERT_EQ(fired.from, before);
                    ASSERT_EQ(fired.to, target.state);
                    ASSERT_EQ(fired.version, target.log.size());
                    if (before != target.state && !target.to_carry_out()) {
                        RefPaper& paper = papers[target.paper];
                        paper.settle(target.id, target.state, now);
                        papers_completed_by_settling += paper.state == "completed";
                    }
                }
                ASSERT_NO_FATAL_FAILURE(expect_histories_of(world.resolutions, world.papers, target, papers[target.paper]));
            }
            for (const RefResolution& m : resolutions) ++statuses[m.status(today)];
            ASSERT_NO_FATAL_FAILURE(expect_agreement(world.resolutions, world.papers, resolutions, papers, now));
        }

        SCOPED_TRACE("seed " + std::to_string(kSeed + (on_sqlite ? 1 : 0)) + " run " + std::to_string(run) +
                     ": the histories at the end");
        ASSERT_NO_FATAL_FAILURE(expect_histories(world.resolutions, world.papers, resolutions, papers));
        if (on_sqlite) {
            // What was committed reads back the same through engines of their own on the file.
            auto store = std::make_shared<SqliteStore>(world.file.path(), fast());
            PaperEngine papers_again{PaperConfig{}, world.clock, store};
            res::ResolutionEngine resolutions_again{papers_again, res::ResolutionConfig{kDueSoonDays}, world.clock};
            SCOPED_TRACE("read back from the file");
            ASSERT_NO_FATAL_FAILURE(
                expect_agreement(resolutions_again, papers_again, resolutions, papers, world.clock->now()));
            ASSERT_NO_FATAL_FAILURE(expect_histories(resolutions_again, papers_again, resolutions, papers));
        }
    }

    // The walk must have met every rule both ways, many times (the counts are for the
    // shorter walk on SQLite; in memory they are about twice as high).
    for (const std::string& event : kEvents) {
        EXPECT_GT(by_event[event][0], 25) << event << " applied";
        EXPECT_GT(by_event[event][1], 10) << event << " not allowed";
    }
    EXPECT_GT(by_event["start"][1], 100) << "start on a resolution in progress";
    for (const char* rule : {"report: the same due date", "report: a past due date", "report: later without delay_reason",
                             "extend: the same due date", "extend: a past due date",
                             "became_overdue: twice for a due date", "became_overdue: a wrong due",
                             "became_overdue: too early", "a due date of today taken",
                             "an earlier due date taken without reason"})
        EXPECT_GT(by_rule[rule], 20) << rule;
    EXPECT_GT(by_rule["became_overdue at its midnight"], 10);
    EXPECT_GT(by_rule["tick at a due date's midnight"], 10);
    EXPECT_GT(by_way[0], 500) << "typed";
    EXPECT_GT(by_way[1], 500) << "by name";
    EXPECT_GT(ticks_firing, 20);
    EXPECT_GT(tick_firings, 30);
    EXPECT_GT(refused_creations, 5);
    EXPECT_GT(papers_completed_by_settling, 40);
    EXPECT_GT(paper_complete[0], 3) << "paper complete applied";
    EXPECT_GT(paper_complete[1], 10) << "paper complete not allowed";
    EXPECT_GT(paper_complete[2], 10) << "paper complete refused while a resolution is open";
    for (const char* status : {"on_time", "due_soon", "overdue", "done", "dropped"})
        EXPECT_GT(statuses[status], 100) << status;
}

INSTANTIATE_TEST_SUITE_P(ResolutionRandom, ResolutionRandomWalk,
                         ::testing::Values(Keeping::in_memory, Keeping::on_sqlite),
                         [](const ::testing::TestParamInfo<Keeping>& info) {
                             return info.param == Keeping::on_sqlite ? "SqliteStore" : "InMemoryStore";
                         });

}  // namespace
