// The KIM figures on a fixed set of cases, checked by hand, and their CSV, JSON and table forms.
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <kimflow/io/kim_report.hpp>

#include "kim_fixture.hpp"

using namespace kim_test;

namespace {

Timestamp t(const char* s) { return parse_timestamp(s); }

KimCase make(const char* kommune, const char* traeger, std::vector<PhaseChange> phases,
             std::vector<Referral> referrals = {}, std::vector<FollowUp> follow_ups = {})
{
    KimCase c;
    c.kommune = kommune;
    c.traeger = traeger;
    c.phases = std::move(phases);
    c.referrals = std::move(referrals);
    c.follow_ups = std::move(follow_ups);
    return c;
}

// The period is the first half of 2025. Days to closure: A 100, D 30, F 28.
std::vector<KimCase> fixed_cases()
{
    const auto goals = ClosureReason::goals_achieved;
    return {
        // A: opened and closed in the period, two referrals.
        make("Castrop-Rauxel", "Caritas",
             {{"intake", t("2025-01-10T09:00:00Z")}, {"assessment", t("2025-01-20T09:00:00Z")},
              {"planning", t("2025-02-01T09:00:00Z")}, {"linking", t("2025-02-10T09:00:00Z")},
              {"monitoring", t("2025-03-01T09:00:00Z")}, {"evaluation", t("2025-04-01T09:00:00Z")},
              {"closed", t("2025-04-20T15:00:00Z"), goals}},
             {{"Jobcenter", Rechtskreis::sgb2, t("2025-02-12T10:00:00Z")},
              {"Ausländerbehörde", Rechtskreis::aufenthg, t("2025-02-15T10:00:00Z")}}),
        // B: opened before the period, aborted in it; its referral was before the period.
        make("Castrop-Rauxel", "AGORA",
             {{"intake", t("2024-11-05T09:00:00Z")}, {"assessment", t("2024-12-01T09:00:00Z")},
              {"aborted", t("2025-02-15T09:00:00Z"), ClosureReason::no_contact}},
             {{"Jugendamt", Rechtskreis::sgb8, t("2024-12-10T10:00:00Z")}}),
        // C: open in planning at the end, its follow-up of 2025-06-15 overdue.
        make("Datteln", "Caritas",
             {{"intake", t("2025-05-02T09:00:00Z")}, {"assessment", t("2025-05-10T09:00:00Z")},
              {"planning", t("2025-05-20T09:00:00Z")}},
             {}, {{parse_date("2025-06-15"), t("2025-05-20T09:00:00Z")}}),
        // D: declined, reopened, paused at the end; its follow-up lies after the period.
        make("Datteln", "Datteln",
             {{"intake", t("2025-03-01T09:00:00Z")}, {"closed", t("2025-03-31T09:00:00Z"), ClosureReason::not_suitable},
              {"intake", t("2025-05-01T09:00:00Z")}, {"assessment", t("2025-05-05T09:00:00Z")},
              {"paused", t("2025-06-01T09:00:00Z")}},
             {}, {{parse_date("2025-07-10"), t("2025-06-01T09:00:00Z")}}),
        // E: opened after the period: counts nowhere.
        make("Castrop-Rauxel", "Caritas", {{"intake", t("2025-07-05T09:00:00Z")}},
             {{"Jobcenter", Rechtskreis::sgb2, t("2025-07-06T10:00:00Z")}}),
        // F: opened and closed (moved away) in the period.
        make("Castrop-Rauxel", "Caritas",
             {{"intake", t("2025-02-01T09:00:00Z")}, {"closed", t("2025-03-01T09:00:00Z"), ClosureReason::moved_away}},
             {{"Jobcenter", Rechtskreis::sgb2, t("2025-02-20T10:00:00Z")}}),
    };
}

const Report& first_half()
{
    static const Report r = make_report(fixed_cases(), parse_date("2025-01-01"), parse_date("2025-06-30"));
    return r;
}

TEST(KimReport, TotalsCheckedByHand)
{
    const Figures& f = first_half().total;
    EXPECT_EQ(f.opened, 4u);  // A, C, D, F
    EXPECT_EQ(f.closed(), 3u);
    EXPECT_EQ(f.closed_by_reason.at(ClosureReason::goals_achieved), 1u);
    EXPECT_EQ(f.closed_by_reason.at(ClosureReason::not_suitable), 1u);
    EXPECT_EQ(f.closed_by_reason.at(ClosureReason::moved_away), 1u);
    EXPECT_EQ(f.aborted(), 1u);
    EXPECT_EQ(f.aborted_by_reason.at(ClosureReason::no_contact), 1u);
    EXPECT_EQ(f.active(), 2u);
    EXPECT_EQ(f.active_by_phase.at("planning"), 1u);
    EXPECT_EQ(f.active_by_phase.at("paused"), 1u);
    EXPECT_EQ(f.referrals(), 3u);
    EXPECT_EQ(f.referrals_by_rechtskreis.at(Rechtskreis::sgb2), 2u);
    EXPECT_EQ(f.referrals_by_rechtskreis.at(Rechtskreis::aufenthg), 1u);
    EXPECT_EQ(f.median_days(), 30.0);
    EXPECT_NEAR(*f.mean_days(), 158.0 / 3.0, 1e-9);
    EXPECT_EQ(f.follow_ups_overdue, 1u);  // C
}

TEST(KimReport, GroupsByKommuneAndTraeger)
{
    const Report& r = first_half();
    ASSERT_EQ(r.by_kommune.size(), 2u);
    EXPECT_EQ(r.by_kommune[0].name, "Castrop-Rauxel");
    const Figures& cr = r.by_kommune[0].figures;
    EXPECT_EQ(cr.opened, 2u);
    EXPECT_EQ(cr.closed(), 2u);
    EXPECT_EQ(cr.aborted(), 1u);
    EXPECT_EQ(cr.active(), 0u);
    EXPECT_EQ(cr.referrals(), 3u);
    EXPECT_EQ(cr.median_days(), 64.0);  // (28 + 100) / 2
    EXPECT_EQ(cr.mean_days(), 64.0);
    const Figures& datteln = r.by_kommune[1].figures;
    EXPECT_EQ(datteln.opened, 2u);
    EXPECT_EQ(datteln.closed(), 1u);
    EXPECT_EQ(datteln.active(), 2u);
    EXPECT_EQ(datteln.median_days(), 30.0);
    EXPECT_EQ(datteln.follow_ups_overdue, 1u);

    ASSERT_EQ(r.by_traeger.size(), 3u);
    EXPECT_EQ(r.by_traeger[0].name, "AGORA");
    EXPECT_EQ(r.by_traeger[0].figures.aborted(), 1u);
    EXPECT_EQ(r.by_traeger[0].figures.opened, 0u);
    EXPECT_FALSE(r.by_traeger[0].figures.median_days());
    EXPECT_EQ(r.by_traeger[1].name, "Caritas");
    EXPECT_EQ(r.by_traeger[1].figures.opened, 3u);
    EXPECT_EQ(r.by_traeger[1].figures.active_by_phase.at("planning"), 1u);
    EXPECT_EQ(r.by_traeger[2].name, "Datteln");
    EXPECT_EQ(r.by_traeger[2].figures.active_by_phase.at("paused"), 1u);
}

TEST(KimReport, PeriodBoundsAreWholeDays)
{
    const KimCase late = make("X", "Y", {{"intake", t("2025-06-30T23:59:59Z")}});
    const KimCase early = make("X", "Y", {{"intake", t("2025-01-01T00:00:00Z")}, {"closed", t("2025-07-01T00:00:00Z"),
                                                                                  ClosureReason::other}});
    const Report r = make_report(std::vector<KimCase>{late, early}, parse_date("2025-01-01"), parse_date("2025-06-30"));
    EXPECT_EQ(r.total.opened, 2u);
    EXPECT_EQ(r.total.closed(), 0u) << "closed the day after the period";
    EXPECT_EQ(r.total.active_by_phase.at("intake"), 2u);
    EXPECT_THROW(make_report(std::vector<KimCase>{}, parse_date("2025-06-30"), parse_date("2025-01-01")), InvalidData);
}

TEST(KimReport, CsvHasHeaderGroupsAndTotal)
{
    const std::string csv = to_csv(first_half());
    std::vector<std::string> lines;
    for (std::size_t pos = 0, next; (next = csv.find('\n', pos)) != std::string::npos; pos = next + 1)
        lines.push_back(csv.substr(pos, next - pos));
    ASSERT_EQ(lines.size(), 1u + 2u + 3u + 1u);
    EXPECT_EQ(lines[0].rfind("grouping,group,opened,closed,closed_goals_achieved,closed_transferred_to_regular_services,",
                             0),
              0u)
        << lines[0];
    EXPECT_NE(lines[0].find(",referrals,referrals_sgb2,referrals_sgb3,"), std::string::npos);
    EXPECT_NE(lines[0].find(",median_days_to_closure,mean_days_to_closure,follow_ups_overdue"), std::string::npos);
    EXPECT_EQ(lines[1].rfind("kommune,Castrop-Rauxel,2,2,1,0,1,", 0), 0u) << lines[1];
    EXPECT_EQ(lines[3].rfind("traeger,AGORA,0,0,", 0), 0u) << lines[3];
    EXPECT_EQ(lines[6].rfind("total,,4,3,", 0), 0u) << lines[6];
    EXPECT_EQ(lines[6].substr(lines[6].size() - 12), ",30.0,52.7,1") << lines[6];
    // Every row has as many fields as the header.
    auto fields = [](const std::string& l) { return std::count(l.begin(), l.end(), ',') + 1; };
    for (const auto& l : lines) EXPECT_EQ(fields(l), fields(lines[0])) << l;
}

TEST(KimReport, CsvQuotesGroupNamesWithCommas)
{
    const KimCase c = make("Herten", "Caritas, Kreisverband", {{"intake", t("2025-02-01T09:00:00Z")}});
    const std::string csv = to_csv(make_report(std::vector<KimCase>{c}, parse_date("2025-01-01"), parse_date("2025-12-31")));
    EXPECT_NE(csv.find("\ntraeger,\"Caritas, Kreisverband\",1,"), std::string::npos) << csv;
}

TEST(KimReport, JsonCarriesTheSameFigures)
{
    const nlohmann::json j = nlohmann::json::parse(to_json(first_half()).dump());
    EXPECT_EQ(j["from"], "2025-01-01");
    EXPECT_EQ(j["to"], "2025-06-30");
    EXPECT_EQ(j["total"]["opened"], 4);
    EXPECT_EQ(j["total"]["closed_by_reason"]["moved_away"], 1);
    EXPECT_EQ(j["total"]["aborted_by_reason"]["no_contact"], 1);
    EXPECT_EQ(j["total"]["active_by_phase"]["paused"], 1);
    EXPECT_EQ(j["total"]["referrals_by_rechtskreis"]["SGB II"], 2);
    EXPECT_EQ(j["total"]["median_days_to_closure"], 30.0);
    EXPECT_EQ(j["total"]["follow_ups_overdue"], 1);
    ASSERT_EQ(j["by_traeger"].size(), 3u);
    EXPECT_EQ(j["by_traeger"][0]["group"], "AGORA");
    EXPECT_TRUE(j["by_traeger"][0]["median_days_to_closure"].is_null());
}

TEST(KimReport, TableForPeople)
{
    const std::string table = to_table(first_half());
    EXPECT_EQ(table.rfind("KIM-Fallzahlen 2025-01-01 bis 2025-06-30\n", 0), 0u) << table;
    EXPECT_NE(table.find("Kommune Castrop-Rauxel"), std::string::npos);
    EXPECT_NE(table.find("Träger AGORA"), std::string::npos);
    EXPECT_NE(table.find("Abschlussgrund  goals_achieved"), std::string::npos) << table;
    // The total row: opened 4, closed 3, aborted 1, active 2, referrals 3, median 30.0, mean 52.7, overdue 1.
    std::string total = table.substr(table.find("\ngesamt ") + 1);
    total = total.substr(0, total.find('\n'));
    std::vector<std::string> cells;
    for (std::size_t pos = 0; pos < total.size();) {
        const auto start = total.find_first_not_of(' ', pos);
        if (start == std::string::npos) break;
        const auto end = total.find(' ', start);
        cells.push_back(total.substr(start, end - start));
        pos = end == std::string::npos ? total.size() : end;
    }
    EXPECT_EQ(cells, (std::vector<std::string>{"gesamt", "4", "3", "1", "2", "3", "30.0", "52.7", "1"}));
}

TEST_F(CaseTest, AReferralTriedThreeTimesInAMinuteCountsOnce)
{
    bring("K-1", "linking");
    int refused = 0;
    for (const char* when : {"2025-03-01T09:00:00Z", "2025-03-01T09:00:20Z", "2025-03-01T09:00:40Z"}) {
        at(when);
        try {
            engine.fire("K-1", Refer{kJobcenter, Rechtskreis::sgb2}, caritas);
        } catch (const GuardRejected&) {
            ++refused;
        }
    }
    EXPECT_EQ(refused, 2);
    const Date day = parse_date("2025-03-01");
    EXPECT_EQ(make_report(engine, day, day).total.referrals_by_rechtskreis.at(Rechtskreis::sgb2), 1u);
}

TEST(KimReport, ReferralsRepeatedWhileOpenCountOnceAndAfterCompletionAgain)
{
    // Data stored before the engine refused a repeated referral: three to the Jobcenter in a
    // minute, the first completed a month later; then a fourth.
    KimCase c = make("Castrop-Rauxel", "Caritas", {{"intake", t("2025-01-10T09:00:00Z")}},
                     {{"Jobcenter", Rechtskreis::sgb2, t("2025-02-01T09:00:00Z")},
                      {" jobcenter", Rechtskreis::sgb2, t("2025-02-01T09:00:20Z")},
                      {"Jobcenter", Rechtskreis::sgb2, t("2025-02-01T09:00:40Z")},
                      {"Jobcenter", Rechtskreis::sgb3, t("2025-02-01T09:01:00Z")},
                      {"Jobcenter", Rechtskreis::sgb2, t("2025-04-01T09:00:00Z")}});
    c.referrals[0].completed_at = t("2025-03-01T09:00:00Z");
    c.referrals[1].completed_at = t("2025-03-01T09:00:00Z");
    c.referrals[2].completed_at = t("2025-03-01T09:00:00Z");
    const Figures f = case_figures(c, parse_date("2025-01-01"), parse_date("2025-06-30"));
    EXPECT_EQ(f.referrals_by_rechtskreis.at(Rechtskreis::sgb2), 2u) << "the three of February once, April's again";
    EXPECT_EQ(f.referrals_by_rechtskreis.at(Rechtskreis::sgb3), 1u) << "another Rechtskreis is another referral";
}

TEST(KimReport, OverdueWiedervorlagenAsTheyStoodAtTheEnd)
{
    const std::vector<PhaseChange> open{{"intake", t("2025-01-10T09:00:00Z")}};
    auto overdue = [&](std::vector<FollowUp> follow_ups) {
        const KimCase c = make("X", "Y", open, {}, std::move(follow_ups));
        return case_figures(c, parse_date("2025-01-01"), parse_date("2025-06-30")).follow_ups_overdue;
    };
    FollowUp may{parse_date("2025-05-01"), t("2025-04-01T09:00:00Z")};
    FollowUp july{parse_date("2025-07-10"), t("2025-04-01T09:00:00Z")};
    EXPECT_EQ(overdue({may, july}), 1u) << "one open and past: the case counts once";
    FollowUp may_done = may;
    may_done.done_at = t("2025-05-02T09:00:00Z");
    EXPECT_EQ(overdue({may_done, july}), 0u) << "done within the period";
    FollowUp may_done_late = may;
    may_done_late.done_at = t("2025-07-02T09:00:00Z");
    EXPECT_EQ(overdue({may_done_late}), 1u) << "done only after the period: overdue at its end";
    FollowUp may_again = may;
    EXPECT_EQ(overdue({may, may_again}), 1u) << "two overdue: the case counts once";
}

TEST_F(CaseTest, ReportOverTheEnginesCasesMatchesTheirData)
{
    bring("K-1", "monitoring");
    bring("K-2", "closed");
    bring("K-3", "aborted");
    const Date day = date_of(clock->now());
    const Report r = make_report(engine, day, day);
    EXPECT_EQ(r.total.opened, 3u);
    EXPECT_EQ(r.total.closed_by_reason.at(ClosureReason::not_suitable), 1u);
    EXPECT_EQ(r.total.aborted_by_reason.at(ClosureReason::no_contact), 1u);
    EXPECT_EQ(r.total.active_by_phase.at("monitoring"), 1u);
    EXPECT_EQ(r.total.referrals_by_rechtskreis.at(Rechtskreis::sgb2), 1u);
    EXPECT_EQ(r.total.days_to_closure, std::vector<long>{0});
    const Report only_agora = make_report(engine, day, day, [](const KimCase& c) { return c.traeger == "AGORA"; });
    EXPECT_EQ(only_agora.total.opened, 0u);
}

}  // namespace
