// The KIM case data that keeps the figures honest: the consent replaced, extended and narrowed;
// one open referral per recipient and Rechtskreis; Wiedervorlagen as a list that falls due by
// itself (the lifecycle's timers); and case data stored before all this.
#include <algorithm>
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include <kimflow/default_policy.hpp>
#include <kimflow/kim/report.hpp>
#include <kimflow/store/codec.hpp>

#include "kim_fixture.hpp"

using namespace kim_test;

namespace {

const std::string kJugendamt = "Jugendamt Castrop-Rauxel";
const Actor kSystem{"system", "system"};

/// The reason of the GuardRejected that @p fire throws (fails the test if it throws none).
template <class F>
std::string refusal(F&& fire)
{
    try {
        fire();
    } catch (const GuardRejected& e) {
        return e.reason();
    }
    ADD_FAILURE() << "the event was taken";
    return {};
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

std::set<std::string> allowed(const CaseEngine& engine, const std::string& id)
{
    const auto v = engine.allowed_events(id);
    return {v.begin(), v.end()};
}

// --- the consent: replaced, extended, narrowed ---

TEST_F(CaseTest, GrantConsentReplacesButNeverDropsARecipientAnOpenReferralNeeds)
{
    bring("K-1", "linking");  // consent for the Jobcenter and the Ausländerbehörde
    engine.fire("K-1", GrantConsent{{kJobcenter, kJugendamt}, "Arbeit und Kita"}, caritas);
    EXPECT_EQ(engine.data("K-1").consent.recipients, (std::vector<std::string>{kJobcenter, kJugendamt}))
        << "replaced: the Ausländerbehörde is dropped";

    engine.fire("K-1", Refer{kJobcenter, Rechtskreis::sgb2}, caritas);
    const auto version = engine.version("K-1");
    const std::string why = refusal([&] { engine.fire("K-1", GrantConsent{{kAbh}, "Aufenthalt"}, caritas); });
    EXPECT_TRUE(contains(why, "grant_consent replaces the consent and would drop Jobcenter Kreis Recklinghausen"))
        << why;
    EXPECT_TRUE(contains(why, "the referral of 2025-03-01 to it (SGB II) is still open; complete it first "
                              "(complete_referral)"))
        << why;
    EXPECT_TRUE(contains(why, "to add recipients and keep the others, use extend_consent")) << why;
    EXPECT_EQ(engine.version("K-1"), version);
    EXPECT_EQ(engine.data("K-1").consent.recipients, (std::vector<std::string>{kJobcenter, kJugendamt}));
    // Naming it again is a replacement that keeps it.
    EXPECT_NO_THROW(engine.fire("K-1", GrantConsent{{kAbh, " jobcenter kreis recklinghausen"}, "Aufenthalt"}, caritas));
}

TEST_F(CaseTest, ExtendConsentAddsRecipientsAndKeepsTheRest)
{
    open_case(engine, "K-1", castrop_rauxel(), caritas);
    EXPECT_THROW(engine.fire("K-1", ExtendConsent{{kAbh}, ""}, caritas), EventNotAllowed) << "nothing to extend yet";
    engine.fire("K-1", GrantConsent{{kJobcenter}, "Arbeitsmarkt"}, caritas);
    at("2025-03-05T10:00:00Z");
    auto fired = engine.fire("K-1", "extend_consent", Fields{{"recipients", kAbh}}, caritas);
    EXPECT_EQ(fired.to, "intake");
    Consent c = engine.data("K-1").consent;
    EXPECT_EQ(c.recipients, (std::vector<std::string>{kJobcenter, kAbh}));
    EXPECT_EQ(c.purpose, "Arbeitsmarkt") << "no purpose given: it stays";
    EXPECT_EQ(c.granted_at, parse_timestamp("2025-03-01T09:00:00Z"));
    EXPECT_EQ(c.changed_at, parse_timestamp("2025-03-05T10:00:00Z"));

    const std::string why =
        refusal([&] { engine.fire("K-1", ExtendConsent{{" JOBCENTER Kreis Recklinghausen", kAbh}, ""}, caritas); });
    EXPECT_EQ(why, "the consent names all of these already (it names " + kJobcenter + ", " + kAbh +
                       "); nothing to extend");
    // Only the new ones are added; a purpose given is the whole consent's now.
    engine.fire("K-1", ExtendConsent{{kJobcenter, kJugendamt}, "Arbeit, Aufenthalt und Kita"}, caritas);
    c = engine.data("K-1").consent;
    EXPECT_EQ(c.recipients, (std::vector<std::string>{kJobcenter, kAbh, kJugendamt}));
    EXPECT_EQ(c.purpose, "Arbeit, Aufenthalt und Kita");
}

TEST_F(CaseTest, TheRefusalOfAReferralNamesTheEventThatExtendsTheConsent)
{
    bring("K-1", "linking");
    const std::string why = refusal([&] { engine.fire("K-1", Refer{kJugendamt, Rechtskreis::sgb8}, caritas); });
    EXPECT_TRUE(contains(why, "ask the client to extend it to Jugendamt Castrop-Rauxel (extend_consent)")) << why;
    EXPECT_FALSE(contains(why, "grant_consent")) << why;
    engine.fire("K-1", ExtendConsent{{kJugendamt}, ""}, caritas);
    EXPECT_NO_THROW(engine.fire("K-1", Refer{kJugendamt, Rechtskreis::sgb8}, caritas));
}

TEST_F(CaseTest, NarrowConsentWithdrawsItForOneRecipient)
{
    bring("K-1", "linking");  // Jobcenter and Ausländerbehörde
    engine.fire("K-1", ExtendConsent{{kJugendamt}, ""}, caritas);
    engine.fire("K-1", Refer{kJobcenter, Rechtskreis::sgb2}, caritas);

    EXPECT_EQ(refusal([&] { engine.fire("K-1", NarrowConsent{"Sozialamt Castrop-Rauxel"}, caritas); }),
              "the consent does not name Sozialamt Castrop-Rauxel; it names " + kJobcenter + ", " + kAbh + ", " +
                  kJugendamt);
    const std::string why = refusal([&] { engine.fire("K-1", NarrowConsent{kJobcenter}, caritas); });
    EXPECT_EQ(why, "narrow_consent would drop " + kJobcenter +
                       " from the consent, but the referral of 2025-03-01 to it (SGB II) is still open; complete it "
                       "first (complete_referral)");

    at("2025-03-04T09:00:00Z");
    engine.fire("K-1", NarrowConsent{" jugendamt castrop-rauxel"}, caritas);
    EXPECT_EQ(engine.data("K-1").consent.recipients, (std::vector<std::string>{kJobcenter, kAbh}));
    EXPECT_EQ(engine.data("K-1").consent.changed_at, parse_timestamp("2025-03-04T09:00:00Z"));
    engine.fire("K-1", CompleteReferral{kJobcenter, Rechtskreis::sgb2}, caritas);
    engine.fire("K-1", NarrowConsent{kJobcenter}, caritas);
    EXPECT_EQ(engine.data("K-1").consent.recipients, std::vector<std::string>{kAbh});
    EXPECT_EQ(engine.view("K-1").states[0], "granted");

    // Narrowing to nobody is withdrawing, which ends the case: that is withdraw_consent.
    EXPECT_EQ(allowed(engine, "K-1").count("narrow_consent"), 0u);
    EXPECT_EQ(refusal([&] { engine.fire("K-1", NarrowConsent{kAbh}, caritas); }),
              "the consent names only " + kAbh +
                  "; narrowing it would leave nobody: to withdraw it altogether use withdraw_consent (the case then "
                  "ends)");
    EXPECT_EQ(engine.state("K-1"), "linking");
}

// --- referrals: one open per recipient and Rechtskreis ---

TEST_F(CaseTest, AReferralAlreadyOpenIsRefusedUntilItIsCompleted)
{
    bring("K-1", "linking");
    engine.fire("K-1", Refer{kJobcenter, Rechtskreis::sgb2}, caritas);
    at("2025-03-01T09:00:40Z");  // the same referral, a minute later, however it is spelt
    const std::string why = refusal([&] {
        engine.fire("K-1", "refer", Fields{{"recipient", "jobcenter kreis recklinghausen "}, {"rechtskreis", "SGB2"}},
                    caritas);
    });
    EXPECT_EQ(why, "the referral of 2025-03-01 to " + kJobcenter +
                       " (SGB II) is still open; complete it first (complete_referral) before referring there again");
    // The same recipient in another Rechtskreis is another referral.
    engine.fire("K-1", Refer{kJobcenter, Rechtskreis::sgb3}, caritas);

    EXPECT_EQ(refusal([&] { engine.fire("K-1", CompleteReferral{kAbh, Rechtskreis::aufenthg}, caritas); }),
              "no referral to " + kAbh + " (AufenthG) is open; open are " + kJobcenter + " (SGB II), " + kJobcenter +
                  " (SGB III)");
    at("2025-04-01T09:00:00Z");
    engine.fire("K-1", "complete_referral", Fields{{"recipient", kJobcenter}, {"rechtskreis", "SGB II"}}, caritas);
    EXPECT_EQ(engine.data("K-1").referrals[0].completed_at, parse_timestamp("2025-04-01T09:00:00Z"));
    EXPECT_TRUE(engine.data("K-1").referrals[1].open());
    engine.fire("K-1", Refer{kJobcenter, Rechtskreis::sgb2}, caritas);  // a new referral now
    EXPECT_EQ(engine.data("K-1").referrals.size(), 3u);

    bring("K-2", "linking");
    EXPECT_EQ(allowed(engine, "K-2").count("complete_referral"), 0u) << "nothing open to complete";
}

TEST_F(CaseTest, AnEndedCaseEndsItsReferralsAndWiedervorlagen)
{
    bring("K-1", "evaluation");  // a referral to the Jobcenter, open
    engine.fire("K-1", FollowUpOn{parse_date("2025-04-01"), "Rückmeldung Jobcenter"}, caritas);
    engine.fire("K-1", FollowUpOn{parse_date("2025-05-01"), "Sprachkurs"}, caritas);
    engine.fire("K-1", FollowUpDone{1, {}, ""}, caritas);
    at("2025-03-10T12:00:00Z");
    engine.fire("K-1", Close{ClosureReason::goals_achieved, ""}, caritas);
    KimCase c = engine.data("K-1");
    EXPECT_EQ(c.referrals[0].completed_at, parse_timestamp("2025-03-10T12:00:00Z"));
    EXPECT_FALSE(c.follow_ups[0].closed_with_case) << "done before";
    EXPECT_EQ(c.follow_ups[1].done_at, parse_timestamp("2025-03-10T12:00:00Z"));
    EXPECT_TRUE(c.follow_ups[1].closed_with_case);
    EXPECT_TRUE(CaseLifecycle::timers(c, "closed", CaseConfig{}).empty());
    EXPECT_FALSE(CaseLifecycle::store_keys(c, "closed", CaseConfig{}).due);

    // Reopened, it starts without them: no Wiedervorlage is due, the Jobcenter may be referred to.
    engine.fire("K-1", Reopen{}, caritas);
    c = engine.data("K-1");
    EXPECT_FALSE(c.next_follow_up());
    EXPECT_TRUE(CaseLifecycle::timers(c, "intake", CaseConfig{}).empty());
    EXPECT_TRUE(due_for_follow_up(engine, parse_timestamp("2025-12-31T00:00:00Z")).empty());

    bring("K-2", "monitoring");
    engine.fire("K-2", FollowUpOn{parse_date("2025-03-20"), ""}, caritas);
    engine.fire("K-2", WithdrawConsent{}, caritas);
    EXPECT_TRUE(engine.data("K-2").follow_ups[0].closed_with_case);
    EXPECT_FALSE(engine.data("K-2").referrals[0].open());
}

// --- Wiedervorlagen: a list ---

TEST_F(CaseTest, WiedervorlagenAreAListAndNoneLiesInThePast)
{
    bring("K-1", "monitoring");
    at("2025-03-10T23:30:00Z");
    EXPECT_EQ(refusal([&] { engine.fire("K-1", FollowUpOn{parse_date("2025-03-09"), "zu spät"}, caritas); }),
              "the Wiedervorlage date 2025-03-09 lies before today (2025-03-10); give today or a later day");
    engine.fire("K-1", FollowUpOn{parse_date("2025-03-10"), "heute noch"}, caritas);
    engine.fire("K-1", "follow_up", Fields{{"date", "01.04.2025"}, {"subject", "Rückmeldung Jobcenter"}}, caritas);
    engine.fire("K-1", FollowUpOn{parse_date("2025-03-20"), "Sprachkurs"}, caritas);
    engine.fire("K-1", FollowUpOn{parse_date("2025-04-01"), "Ausländerbehörde"}, caritas);
    EXPECT_EQ(refusal([&] { engine.fire("K-1", FollowUpOn{parse_date("2025-04-01"), "Ausländerbehörde"}, caritas); }),
              "Wiedervorlage 4 of 2025-04-01 (Ausländerbehörde) is open already");

    KimCase c = engine.data("K-1");
    ASSERT_EQ(c.follow_ups.size(), 4u) << "a second Wiedervorlage does not replace the first";
    EXPECT_EQ(c.follow_ups[1].subject, "Rückmeldung Jobcenter");
    EXPECT_EQ(c.next_follow_up(), parse_date("2025-03-10"));

    // Done by number, or by date (and subject where the date is not enough).
    engine.fire("K-1", "follow_up_done", Fields{{"number", "1"}}, caritas);
    EXPECT_EQ(engine.data("K-1").next_follow_up(), parse_date("2025-03-20"));
    const std::string ambiguous = refusal([&] { engine.fire("K-1", FollowUpDone{0, parse_date("2025-04-01"), ""}, caritas); });
    EXPECT_TRUE(contains(ambiguous, "more than one open Wiedervorlage is on 2025-04-01; name it by number or subject"))
        << ambiguous;
    EXPECT_TRUE(contains(ambiguous, "open are 2: 2025-04-01 Rückmeldung Jobcenter, 3: 2025-03-20 Sprachkurs, "
                                    "4: 2025-04-01 Ausländerbehörde"))
        << ambiguous;
    engine.fire("K-1", FollowUpDone{0, parse_date("2025-04-01"), "Ausländerbehörde"}, caritas);
    EXPECT_TRUE(contains(refusal([&] { engine.fire("K-1", FollowUpDone{4, {}, ""}, caritas); }),
                         "Wiedervorlage 4 is not open"));
    EXPECT_TRUE(contains(refusal([&] { engine.fire("K-1", FollowUpDone{}, caritas); }), "name the Wiedervorlage"));
    c = engine.data("K-1");
    EXPECT_EQ(c.follow_ups[0].done_at, parse_timestamp("2025-03-10T23:30:00Z"));
    EXPECT_FALSE(c.follow_ups[0].closed_with_case);
    EXPECT_TRUE(c.follow_ups[1].open());
    EXPECT_FALSE(c.follow_ups[3].open());
    EXPECT_EQ(CaseLifecycle::store_keys(c, "monitoring", CaseConfig{}).due, parse_date("2025-03-20"))
        << "the store's due day is the earliest open Wiedervorlage";

    // follow_up_done is offered only while one is open.
    bring("K-2", "intake");
    EXPECT_EQ(allowed(engine, "K-2").count("follow_up_done"), 0u);
    engine.fire("K-2", FollowUpOn{parse_date("2025-03-12"), ""}, caritas);
    EXPECT_EQ(allowed(engine, "K-2").count("follow_up_done"), 1u);
}

TEST_F(CaseTest, DueForFollowUpInAPeriodForOneCaseManager)
{
    bring("K-1", "monitoring");
    bring("K-2", "intake");
    engine.fire("K-2", Assign{"", "cm-caritas-2"}, caritas);
    engine.fire("K-1", FollowUpOn{parse_date("2025-03-05"), "früh"}, caritas);
    engine.fire("K-1", FollowUpOn{parse_date("2025-03-15"), "Mitte"}, caritas);
    engine.fire("K-1", FollowUpOn{parse_date("2025-03-25"), "spät"}, caritas);
    engine.fire("K-2", FollowUpOn{parse_date("2025-03-15"), "anderer Case Manager"}, caritas);

    auto listed = [&](FollowUpQuery q) {
        std::vector<std::string> out;
        for (const auto& d : follow_ups_due(engine, q))
            out.push_back(d.case_id + "#" + std::to_string(d.number) + "@" + format_date(d.due) + ":" + d.subject);
        return out;
    };
    FollowUpQuery q;
    q.from = parse_date("2025-03-10");
    q.to = parse_date("2025-03-20");
    EXPECT_EQ(listed(q), (std::vector<std::string>{"K-1#2@2025-03-15:Mitte", "K-2#1@2025-03-15:anderer Case Manager"}))
        << "K-1's earliest (03-05) lies before the period, its next in it";
    q.manager = "cm-caritas-1";
    EXPECT_EQ(listed(q), std::vector<std::string>{"K-1#2@2025-03-15:Mitte"});
    q.from.reset();
    q.to = parse_date("2025-03-31");
    EXPECT_EQ(listed(q), (std::vector<std::string>{"K-1#1@2025-03-05:früh", "K-1#2@2025-03-15:Mitte",
                                                   "K-1#3@2025-03-25:spät"}));
    q.from = parse_date("2025-04-01");
    EXPECT_THROW(follow_ups_due(engine, q), InvalidData);
    EXPECT_EQ(due_for_follow_up(engine, parse_timestamp("2025-03-05T08:00:00Z")).size(), 1u);
}

// --- Wiedervorlagen fall due by themselves: the lifecycle's timers ---

TEST_F(CaseTest, TimersListTheWiedervorlagenDueAndFiringOneTakesItOff)
{
    bring("K-1", "monitoring");
    engine.fire("K-1", FollowUpOn{parse_date("2025-03-20"), "Sprachkurs"}, caritas);
    engine.fire("K-1", FollowUpOn{parse_date("2025-03-10"), "Jobcenter"}, caritas);
    KimCase c = engine.data("K-1");
    std::vector<Timer> timers = CaseLifecycle::timers(c, "monitoring", CaseConfig{});
    ASSERT_EQ(timers.size(), 2u);
    EXPECT_EQ(timers[0].event, "follow_up_due");
    EXPECT_EQ(timers[0].due, parse_timestamp("2025-03-10T00:00:00Z")) << "the start of its day, UTC";
    EXPECT_EQ(timers[0].payload, (Fields{{"number", "2"}, {"due", "2025-03-10T00:00:00Z"}}));
    EXPECT_EQ(timers[1].payload.at("number"), "1");
    EXPECT_TRUE(CaseLifecycle::timers(c, "aborted", CaseConfig{}).empty());

    // Before its day the event is neither offered nor taken.
    EXPECT_EQ(allowed(engine, "K-1").count("follow_up_due"), 0u);
    EXPECT_EQ(refusal([&] { engine.fire("K-1", "follow_up_due", timers[0].payload, kSystem); }),
              "no open Wiedervorlage has fallen due without that being recorded");

    // Fired as the tick fires it: by name, with the timer's payload, as the system.
    at("2025-03-10T00:05:00Z");
    EXPECT_EQ(allowed(engine, "K-1").count("follow_up_due"), 1u);
    EXPECT_EQ(refusal([&] { engine.fire("K-1", "follow_up_due", timers[1].payload, kSystem); }),
              "Wiedervorlage 1 falls due only 2025-03-20T00:00:00Z");
    EXPECT_EQ(refusal([&] {
                  engine.fire("K-1", "follow_up_due", Fields{{"number", "2"}, {"due", "2025-03-11T00:00:00Z"}},
                              kSystem);
              }),
              "Wiedervorlage 2 falls due 2025-03-10T00:00:00Z, not 2025-03-11T00:00:00Z");
    const auto fired = engine.fire("K-1", std::string(timers[0].event), timers[0].payload, kSystem);
    EXPECT_EQ(fired.from, "monitoring");
    EXPECT_EQ(fired.to, "monitoring");
    c = engine.data("K-1");
    EXPECT_EQ(c.follow_ups[1].fell_due_at, parse_timestamp("2025-03-10T00:05:00Z"));
    EXPECT_TRUE(c.follow_ups[1].open()) << "fallen due, it stays open until done";
    timers = CaseLifecycle::timers(c, "monitoring", CaseConfig{});
    ASSERT_EQ(timers.size(), 1u) << "what fell due is no longer a timer";
    EXPECT_EQ(timers[0].payload.at("number"), "1");
    EXPECT_EQ(engine.history("K-1").back().payload, "number=2, due=2025-03-10T00:00:00Z");
    // A second tick with the same timer changes nothing.
    EXPECT_TRUE(contains(refusal([&] {
                             engine.fire("K-1", "follow_up_due",
                                         Fields{{"number", "2"}, {"due", "2025-03-10T00:00:00Z"}}, kSystem);
                         }),
                         "no open Wiedervorlage has fallen due"));

    // Done before its day: never due.
    engine.fire("K-1", FollowUpDone{1, {}, ""}, caritas);
    EXPECT_TRUE(CaseLifecycle::timers(engine.data("K-1"), "monitoring", CaseConfig{}).empty());
    at("2025-03-21T00:00:00Z");
    EXPECT_TRUE(contains(refusal([&] {
                             engine.fire("K-1", FollowUpDue{1, parse_timestamp("2025-03-20T00:00:00Z")}, kSystem);
                         }),
                         "no open Wiedervorlage has fallen due"));
}

TEST(CaseTick, EachWiedervorlageFallsDueOnceHoweverOftenTheTickRuns)
{
    // With the default policy, as a host runs it: the tick acts as the system.
    auto clock = std::make_shared<ManualClock>(parse_timestamp("2025-03-01T09:00:00Z"));
    EngineOptions options;
    options.policy = std::make_shared<const Policy>(default_policy());
    CaseEngine engine(CaseConfig{}, clock, nullptr, options);
    open_case(engine, "K-1", castrop_rauxel(), caritas);
    engine.fire("K-1", FollowUpOn{parse_date("2025-03-05"), "Jobcenter"}, caritas);
    engine.fire("K-1", FollowUpOn{parse_date("2025-03-07"), "Sprachkurs"}, caritas);
    EXPECT_EQ(engine.tick(parse_timestamp("2025-03-06T00:00:00Z")).fired.size(), 1u);
    EXPECT_TRUE(engine.tick(parse_timestamp("2025-03-06T00:00:00Z")).fired.empty());
    const TickReport later = engine.tick(parse_timestamp("2025-03-08T00:00:00Z"));
    ASSERT_EQ(later.fired.size(), 1u);
    EXPECT_TRUE(later.refused.empty());
    const KimCase c = engine.data("K-1");
    EXPECT_EQ(c.follow_ups[0].fell_due_at, parse_timestamp("2025-03-06T00:00:00Z"));
    EXPECT_EQ(c.follow_ups[1].fell_due_at, parse_timestamp("2025-03-08T00:00:00Z"));
    EXPECT_EQ(engine.history("K-1").back().actor, system_actor());
}

TEST(CasePolicy, TheSystemMayFireFollowUpDueAndNothingElse)
{
    const Policy p = default_policy();
    const AccessTarget any_case{"case", "K-1", "caritas", "kreis-recklinghausen"};
    EXPECT_TRUE(p.permits(kSystem, "follow_up_due", any_case));
    for (const char* other : {"follow_up", "follow_up_done", "accept", "close", "assign", "read", "erase", "create"})
        EXPECT_FALSE(p.permits(kSystem, other, any_case)) << other;
    const auto rules = kim::default_policy_rules();
    const auto system = std::find_if(rules.begin(), rules.end(), [](const PolicyRule& r) { return r.role == "system"; });
    ASSERT_NE(system, rules.end());
    EXPECT_EQ(system->actions, std::vector<std::string>{"follow_up_due"});
}

// --- data of before: version 1 of KimCase, and follow_up payloads without a subject ---

namespace legacy {
// KimCase as version 1 stored it: Wiedervorlagen were dates of which the last counted,
// referrals had no end, the consent no change.
struct Referral {
    std::string recipient;
    Rechtskreis rechtskreis = Rechtskreis::other;
    Timestamp at{};
    template <class A>
    void serialize(A& ar, std::uint32_t)
    {
        ar(recipient, rechtskreis, at);
    }
};
struct Consent {
    std::vector<std::string> recipients;
    std::string purpose;
    std::optional<Timestamp> granted_at, withdrawn_at;
    template <class A>
    void serialize(A& ar, std::uint32_t)
    {
        ar(recipients, purpose, granted_at, withdrawn_at);
    }
};
struct FollowUp {
    Date date{};
    Timestamp set_at{};
    template <class A>
    void serialize(A& ar, std::uint32_t)
    {
        ar(date, set_at);
    }
};
struct KimCase {
    std::string kommune, kreis, traeger, manager;
    std::vector<std::string> goals;
    std::vector<Referral> referrals;
    Consent consent;
    std::vector<FollowUp> follow_ups;
    std::optional<ClosureReason> closure_reason;
    std::string note, paused_from;
    std::vector<PhaseChange> phases;
    template <class A>
    void serialize(A& ar, std::uint32_t)
    {
        ar(kommune, kreis, traeger, manager, goals, referrals, consent, follow_ups, closure_reason, note, paused_from,
           phases);
    }
};
// follow_up's payload before it had a subject.
struct FollowUpOn {
    Date date{};
    template <class A>
    void serialize(A& ar)
    {
        ar(field("date", date));
    }
};
}  // namespace legacy

}  // namespace

CEREAL_CLASS_VERSION(legacy::Referral, 1)
CEREAL_CLASS_VERSION(legacy::Consent, 1)
CEREAL_CLASS_VERSION(legacy::FollowUp, 1)
CEREAL_CLASS_VERSION(legacy::KimCase, 1)

namespace {

legacy::KimCase stored_before(const char* last_phase)
{
    const auto t = [](const char* s) { return parse_timestamp(s); };
    legacy::KimCase c;
    c.kommune = "Castrop-Rauxel";
    c.traeger = "Caritas";
    c.referrals = {{kJobcenter, Rechtskreis::sgb2, t("2024-05-02T10:00:00Z")},
                   {kJobcenter, Rechtskreis::sgb2, t("2024-05-02T10:00:30Z")}};
    c.consent = {{kJobcenter}, "Arbeit", t("2024-05-01T09:00:00Z"), std::nullopt};
    c.follow_ups = {{parse_date("2024-06-01"), t("2024-05-02T11:00:00Z")},
                    {parse_date("2024-07-01"), t("2024-05-20T11:00:00Z")}};
    c.phases = {{"intake", t("2024-05-01T09:00:00Z")}, {"linking", t("2024-05-02T09:00:00Z")}};
    if (std::string(last_phase) == "closed") {
        c.closure_reason = ClosureReason::other;
        c.phases.push_back({"closed", t("2024-08-01T09:00:00Z"), ClosureReason::other});
    }
    return c;
}

TEST(CaseDataVersion1, TheLastFollowUpDateIsTheOpenWiedervorlage)
{
    const kim::KimCase c = decode<kim::KimCase>(encode(stored_before("linking")), "case K-OLD");
    ASSERT_EQ(c.follow_ups.size(), 2u);
    EXPECT_EQ(c.follow_ups[0].done_at, parse_timestamp("2024-05-20T11:00:00Z")) << "replaced by the second";
    EXPECT_FALSE(c.follow_ups[0].closed_with_case);
    EXPECT_TRUE(c.follow_ups[1].open());
    EXPECT_EQ(c.follow_ups[1].subject, "");
    EXPECT_EQ(c.next_follow_up(), parse_date("2024-07-01"));
    EXPECT_EQ(CaseLifecycle::timers(c, "linking", CaseConfig{}).size(), 1u);
    EXPECT_TRUE(c.referrals[0].open());
    EXPECT_EQ(c.consent.recipients, std::vector<std::string>{kJobcenter});
    EXPECT_FALSE(c.consent.changed_at);
    // Written again, it reads back as it is now.
    const kim::KimCase again = decode<kim::KimCase>(encode(c), "case K-OLD");
    EXPECT_EQ(again.follow_ups[0].done_at, c.follow_ups[0].done_at);
    EXPECT_TRUE(again.follow_ups[1].open());
}

TEST(CaseDataVersion1, AnEndedCaseEndedItsWiedervorlageAndReferrals)
{
    const kim::KimCase c = decode<kim::KimCase>(encode(stored_before("closed")), "case K-OLD");
    EXPECT_EQ(c.follow_ups[1].done_at, parse_timestamp("2024-08-01T09:00:00Z"));
    EXPECT_TRUE(c.follow_ups[1].closed_with_case);
    for (const auto& r : c.referrals) EXPECT_EQ(r.completed_at, parse_timestamp("2024-08-01T09:00:00Z"));
    // The two referrals of half a minute apart are one in the figures.
    const Report r = make_report(std::vector<kim::KimCase>{c}, parse_date("2024-01-01"), parse_date("2024-12-31"));
    EXPECT_EQ(r.total.referrals(), 1u);
}

TEST(CaseDataVersion1, AFollowUpPayloadWithoutASubjectStillReads)
{
    // Erasure reads every stored payload of an event with personal fields, as follow_up now is.
    const FollowUpOn read = decode<FollowUpOn>(encode(legacy::FollowUpOn{parse_date("2024-06-01")}), "case K-OLD");
    EXPECT_EQ(read.date, parse_date("2024-06-01"));
    EXPECT_EQ(read.subject, "");
    const FollowUpOn now = decode<FollowUpOn>(encode(FollowUpOn{parse_date("2024-06-01"), "Jobcenter"}), "now");
    EXPECT_EQ(now.subject, "Jobcenter");
}

TEST_F(CaseTest, ErasureEmptiesTheSubjectsOfWiedervorlagen)
{
    bring("K-1", "intake");
    engine.fire("K-1", FollowUpOn{parse_date("2025-03-20"), "Termin wegen Schulden"}, caritas);
    engine.fire("K-1", FollowUpDone{0, parse_date("2025-03-20"), "Termin wegen Schulden"}, caritas);
    engine.erase("K-1", caritas);
    const KimCase c = engine.data("K-1");
    EXPECT_EQ(c.follow_ups[0].subject, "");
    EXPECT_EQ(c.follow_ups[0].date, parse_date("2025-03-20")) << "dates stay: they are figures";
    const auto log = engine.history("K-1");
    EXPECT_EQ(log[log.size() - 3].payload, "date=2025-03-20");
    EXPECT_EQ(log[log.size() - 2].payload, "date=2025-03-20");
}

}  // namespace
