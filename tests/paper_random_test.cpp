// Long random event sequences on the paper engine, checked step by step against a plain
// reference model of the same lifecycle written without MSM.
#include <algorithm>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "paper_fixture.hpp"
#include "outcome.hpp"

using namespace paper_test;

namespace {

struct RefConsultation {
    std::string organization;
    ConsultationRole role;
    bool authoritative;
    ConsultationStatus status = ConsultationStatus::planned;
};

// The paper lifecycle as a plain table in code.
struct Reference {
    std::string state = "draft";
    bool anfrage = true;
    /// Days a paper must arrive before the meeting: 14 for papers of members, 7 (Ladungsfrist)
    /// for the Verwaltung's, under the default rules.
    long deadline = 14;
    std::vector<RefConsultation> consultations;
    std::optional<std::size_t> current;
    std::string waited;
    long submitted_day = 0;
    /// Time-triggered: the answer period (28 days under the default rules) passed unanswered.
    bool answered = false, answer_overdue = false;
    /// Resolutions attached in `decided`: id → settled.
    std::vector<std::pair<std::string, bool>> resolutions;

    /// The first day on which the answer is overdue: the day after the 28th.
    long answer_overdue_day() const { return submitted_day + 29; }
    bool answer_overdue_allowed(long today) const
    {
        return (state == "submitted" || state == "on_agenda") && anfrage && !answered && !answer_overdue &&
               today >= answer_overdue_day();
    }
    std::size_t open_resolutions() const
    {
        std::size_t n = 0;
        for (const auto& r : resolutions) n += !r.second;
        return n;
    }

    std::optional<std::size_t> next_planned(const std::string& org = {}) const
    {
        for (std::size_t i = 0; i < consultations.size(); ++i)
            if (consultations[i].status == ConsultationStatus::planned &&
                (org.empty() || consultations[i].organization == org))
                return i;
        return std::nullopt;
    }
    bool current_decides() const
    {
        const auto& c = consultations[*current];
        return c.authoritative || c.role == ConsultationRole::entscheidung;
    }
    void close_current() { consultations[*current].status = ConsultationStatus::treated; }
    void plan_after(std::size_t index, RefConsultation c)
    {
        c.status = ConsultationStatus::planned;
        consultations.insert(consultations.begin() + static_cast<long>(index) + 1, c);
    }

    std::set<std::string> allowed(long today) const
    {
        std::set<std::string> out;
        if (state == "draft") out = {"submit", "withdraw"};
        if (state == "submitted") out = anfrage ? std::set<std::string>{"answer", "schedule", "withdraw"}
                                                : std::set<std::string>{"schedule", "withdraw"};
        if (state == "answered") out = {"schedule", "withdraw"};
        if (state == "on_agenda") {
            out = {"acknowledge", "recommend", "postpone", "refer", "withdraw"};
            if (current_decides()) out.insert({"decide", "reject"});
        }
        if (state == "decided") {
            out = {"attach_resolution"};
            if (open_resolutions() == 0) out.insert("complete");
            if (open_resolutions() > 0) out.insert("settle_resolution");
        }
        if (answer_overdue_allowed(today)) out.insert("answer_overdue");
        return out;
    }

    Outcome apply(const std::string& event, const Fields& f, long today)
    {
        if (event == "answer_overdue") {
            if (state != "submitted" && state != "on_agenda") return Outcome::not_allowed;
            if (!answer_overdue_allowed(today)) return Outcome::guard;
            if (parse_timestamp(f.at("due")) != Timestamp{date::days{answer_overdue_day()}}) return Outcome::guard;
            answer_overdue = true;
            return Outcome::applied;
        }
        if (event == "attach_resolution" || event == "settle_resolution") {
            if (state != "decided") return Outcome::not_allowed;
            const std::string& id = f.at("resolution");
            auto it = std::find_if(resolutions.begin(), resolutions.end(), [&](const auto& r) { return r.first == id; });
            if (event == "attach_resolution") {
                if (it != resolutions.end()) return Outcome::guard;
                resolutions.emplace_back(id, false);
                return Outcome::applied;
            }
            if (it == resolutions.end() || it->second) return Outcome::guard;
            if (f.at("outcome") != "done" && f.at("outcome") != "dropped") return Outcome::guard;
            it->second = true;
            if (open_resolutions() == 0) state = "completed";
            return Outcome::applied;
        }
        const bool open = state == "draft" || state == "submitted" || state == "answered" || state == "on_agenda";
        if (event == "withdraw") {
            if (!open) return Outcome::not_allowed;
            if (current) close_current();
            current.reset();
            state = "withdrawn";
            return Outcome::applied;
        }
        if (event == "submit") {
            if (state != "draft") return Outcome::not_allowed;
            submitted_day = today;
            state = "submitted";
            return Outcome::applied;
        }
        if (event == "answer") {
            if (state != "submitted") return Outcome::not_allowed;
            if (!anfrage) return Outcome::guard;
            state = "answered";
            answered = true;
            return Outcome::applied;
        }
        if (event == "schedule") {
            if (state != "submitted" && state != "answered") return Outcome::not_allowed;
            const std::string org = f.count("organization") ? f.at("organization") : "";
            std::optional<ConsultationRole> role;
            if (f.count("role")) role = parse_enum<ConsultationRole>(f.at("role"));
            auto index = next_planned(org);
            if (!index && (org.empty() || !role)) return Outcome::guard;
            // The Beratungsfolge in order, unless the event gives a reason to skip it.
            if (next_planned() && (!index || next_planned() < index) && !f.count("skip_reason")) return Outcome::guard;
            const long days = parse_date(f.at("meeting_date")).time_since_epoch().count() - submitted_day;
            const bool urgent = f.count("urgent") && f.at("urgent") == "true";
                if (days < 0 || (!urgent && days < deadline)) return Outcome::guard;
            if (!index) {
                index = consultations.size();
                consultations.push_back({org, *role, false});
            }
            if (role) consultations[*index].role = *role;
            consultations[*index].status = ConsultationStatus::scheduled;
            current = index;
            waited = state;
            state = "on_agenda";
            return Outcome::applied;
        }
        if (state == "decided" && event == "complete") {
            if (open_resolutions() > 0) return Outcome::guard;
            state = "completed";
            return Outcome::applied;
        }
        if (state != "on_agenda" || event == "complete") return Outcome::not_allowed;
        const std::size_t index = *current;
        if (event == "acknowledge") {
            const bool more = next_planned().has_value();
            close_current();
            state = more ? waited : "acknowledged";
        } else if (event == "recommend") {
            close_current();
            state = waited;
        } else if (event == "decide" || event == "reject") {
            if (!current_decides()) return Outcome::guard;
            close_current();
            state = event == "decide" ? "decided" : "rejected";
        } else if (event == "postpone") {
            close_current();
            plan_after(index, consultations[index]);
            state = waited;
        } else if (event == "refer") {
            RefConsultation referring = consultations[index];
            close_current();
            if (referring.authoritative || referring.role == ConsultationRole::entscheidung)
                plan_after(index, referring);
            ConsultationRole role = f.count("role") ? parse_enum<ConsultationRole>(f.at("role"))
                                                    : ConsultationRole::vorberatung;
            plan_after(index, {f.at("organization"), role, false});
            state = waited;
        } else {
            return Outcome::not_allowed;
        }
        current.reset();
        return Outcome::applied;
    }
};

const std::vector<std::string> kEvents = {"submit",   "answer",    "schedule",       "acknowledge",
                                          "recommend", "decide",   "reject",         "postpone",
                                          "refer",    "withdraw",  "complete",       "answer_overdue",
                                          "attach_resolution", "settle_resolution"};
const std::vector<std::string> kCommittees = {"Ausschuss A", "Ausschuss B", "Verbandsversammlung"};
const std::vector<std::string> kRoles = {"Kenntnisnahme", "Vorberatung", "Empfehlung", "Entscheidung", "Anhörung"};

TEST_F(PaperTest, RandomSequencesAgreeWithTheReferenceModel)
{
    std::mt19937 rng(20250206);
    auto pick = [&](const auto& v) { return v[std::uniform_int_distribution<std::size_t>(0, v.size() - 1)(rng)]; };
    auto chance = [&](double p) { return std::bernoulli_distribution(p)(rng); };

    int applied = 0, not_allowed = 0, guarded = 0;
    for (int run = 0; run < 1000; ++run) {
        const std::string ref = "R/" + std::to_string(run);
        Paper paper = chance(0.5) ? anfrage(ref) : antrag(ref);
        if (chance(0.3)) paper.type = PaperType::beschlussvorlage;
        paper.consultations.clear();
        Reference model;
        model.anfrage = paper.type == PaperType::anfrage;
        model.deadline = paper.type == PaperType::beschlussvorlage ? 7 : 14;
        const int planned = std::uniform_int_distribution<int>(0, 3)(rng);
        for (int i = 0; i < planned; ++i) {
            Consultation c{pick(kCommittees), parse_enum<ConsultationRole>(pick(kRoles)), chance(0.3)};
            paper.consultations.push_back(c);
            model.consultations.push_back({c.organization, c.role, c.authoritative});
        }
        engine.create(ref, paper, fraktion);

        // Walk until the paper has been in a final state for a few events, or 80 events.
        int steps_in_final = 0;
        for (int step = 0; step < 80 && steps_in_final < 3; ++step) {
            clock->advance(date::days{std::uniform_int_distribution<int>(0, 6)(rng)});
            const long today = date_of(clock->now()).time_since_epoch().count();
            // Mostly events with a row in the current state (withdraw rarely, or every walk would
            // end early), sometimes any event at all.
            std::vector<std::string> candidates;
            for (const auto& e : model.allowed(today))
                if (e != "withdraw" || chance(0.1)) candidates.push_back(e);
            const std::string event = !candidates.empty() && chance(0.75) ? pick(candidates) : pick(kEvents);
            steps_in_final += model.allowed(today).empty();
            Fields f;
            if (event == "answer") f["answer_reference"] = ref + "-1";
            if (event == "schedule") {
                if (chance(0.6)) f["organization"] = chance(0.8) ? pick(kCommittees) : "Integrationsrat";
                if (chance(0.5)) f["role"] = pick(kRoles);
                f["meeting_date"] = format_date(date_of(clock->now()) +
                                                date::days{std::uniform_int_distribution<int>(-3, 30)(rng)});
                if (chance(0.2)) f["urgent"] = "true";
                if (chance(0.3)) f["skip_reason"] = "Dringlichkeit";
            }
            if (event == "answer_overdue") {
                // Mostly the end of the answer period, as a tick gives it; sometimes another time.
                const long day = model.answer_overdue_day() + (chance(0.8) ? 0 : pick(std::vector<long>{-1, 1}));
                f["due"] = format_timestamp(Timestamp{date::days{day}});
            }
            if (event == "attach_resolution" || event == "settle_resolution")
                f["resolution"] = "B-" + std::to_string(std::uniform_int_distribution<int>(1, 3)(rng));
            if (event == "settle_resolution") f["outcome"] = chance(0.9) ? pick(std::vector<std::string>{"done", "dropped"}) : "fertig";
            if (event == "refer") {
                f["organization"] = pick(kCommittees);
                if (chance(0.5)) f["role"] = pick(kRoles);
            }
            if (event == "withdraw") f["reason"] = "r";
            SCOPED_TRACE("run " + std::to_string(run) + " step " + std::to_string(step) + ": " + event + " in " +
                         model.state);

            const Outcome got = fire_outcome(engine, ref, event, f, sitzungsdienst);
            const Outcome want = model.apply(event, f, today);
            ASSERT_EQ(static_cast<int>(got), static_cast<int>(want));
            applied += got == Outcome::applied;
            not_allowed += got == Outcome::not_allowed;
            guarded += got == Outcome::guard;

            const auto view = engine.view(ref);
            ASSERT_EQ(view.states.front(), model.state);
            ASSERT_EQ(view.data.consultations.size(), model.consultations.size());
            for (std::size_t i = 0; i < model.consultations.size(); ++i) {
                ASSERT_EQ(view.data.consultations[i].organization, model.consultations[i].organization);
                ASSERT_EQ(view.data.consultations[i].status, model.consultations[i].status);
                ASSERT_EQ(view.data.consultations[i].authoritative, model.consultations[i].authoritative);
            }
            ASSERT_EQ(view.data.current_consultation, model.current);
            ASSERT_EQ(view.data.answer_overdue_at.has_value(), model.answer_overdue);
            ASSERT_EQ(view.data.open_resolutions(), model.open_resolutions());
            const std::set<std::string> allowed(view.allowed_events.begin(), view.allowed_events.end());
            ASSERT_EQ(allowed, model.allowed(today));
        }
        ASSERT_EQ(engine.version(ref), engine.history(ref).size());
    }
    // The walk must have covered every outcome many times.
    EXPECT_GT(applied, 3000);
    EXPECT_GT(not_allowed, 500);
    EXPECT_GT(guarded, 100);
}

}  // namespace
