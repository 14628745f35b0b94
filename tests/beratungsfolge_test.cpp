// The Beratungsfolge in order: a consultation is not scheduled while an earlier one is still
// planned, unless the schedule says why the order is skipped, which the history keeps.
#include "paper_fixture.hpp"

namespace {

using namespace paper_test;

class BeratungsfolgeTest : public PaperTest {
protected:
    Schedule in(const std::string& committee, const std::string& skip_reason = {}) const
    {
        Schedule s;
        s.organization = committee;
        s.meeting_date = date_of(clock->now()) + date::days{30};
        s.skip_reason = skip_reason;
        return s;
    }
    void submitted_antrag()
    {
        engine.create("14/2001", antrag(), fraktion);
        engine.fire("14/2001", Submit{}, fraktion);
    }
};

TEST_F(BeratungsfolgeTest, TheDecisionWaitsForThePlannedVorberatungAndTheRefusalNamesIt)
{
    submitted_antrag();
    try {
        engine.fire("14/2001", in(kRat), sitzungsdienst);
        FAIL() << "the Verbandsversammlung was scheduled before the Ausschuss's Vorberatung";
    } catch (const GuardRejected& e) {
        const std::string why = e.reason();
        EXPECT_NE(why.find("the Vorberatung in '" + kAusschuss + "' (consultation 1) still planned before '" + kRat + "'"),
                  std::string::npos)
            << why;
        EXPECT_NE(why.find("skip_reason="), std::string::npos) << why;
    }
    const Paper p = engine.data("14/2001");
    EXPECT_EQ(engine.state("14/2001"), "submitted");
    EXPECT_EQ(engine.version("14/2001"), 1u);
    EXPECT_EQ(p.consultations[0].status, ConsultationStatus::planned);
    EXPECT_EQ(p.consultations[1].status, ConsultationStatus::planned);
}

TEST_F(BeratungsfolgeTest, InOrderItIsTakenAsBefore)
{
    submitted_antrag();
    engine.fire("14/2001", in(kAusschuss), sitzungsdienst);
    engine.fire("14/2001", Recommend{}, sitzungsdienst);
    engine.fire("14/2001", in(kRat), sitzungsdienst);
    EXPECT_EQ(engine.data("14/2001").current_consultation, 1u);
    // Without a committee the next planned one is bound: never out of order.
    engine.create("14/2002", antrag("14/2002"), fraktion);
    engine.fire("14/2002", Submit{}, fraktion);
    engine.fire("14/2002", in(""), sitzungsdienst);
    EXPECT_EQ(engine.data("14/2002").current_consultation, 0u);
}

TEST_F(BeratungsfolgeTest, ASkipReasonLetsItGoFirstAndTheHistoryKeepsIt)
{
    submitted_antrag();
    engine.fire("14/2001", in(kRat, "Dringlichkeit: Förderfrist des Landes"), sitzungsdienst);
    const Paper p = engine.data("14/2001");
    EXPECT_EQ(p.current_consultation, 1u);
    EXPECT_EQ(p.consultations[0].status, ConsultationStatus::planned) << "what was passed over stays planned";
    EXPECT_NE(engine.history("14/2001").back().payload.find("skip_reason=Dringlichkeit: Förderfrist des Landes"),
              std::string::npos);
}

TEST_F(BeratungsfolgeTest, ACommitteeAddedAheadOfPlannedOnesNeedsASkipReasonToo)
{
    // A committee the Beratungsfolge does not list (or a misspelt one) goes in ahead of the
    // planned Vorberatung only with a reason.
    submitted_antrag();
    Schedule s = in("Integrationsrat");
    s.role = ConsultationRole::anhoerung;
    try {
        engine.fire("14/2001", s, sitzungsdienst);
        FAIL() << "added ahead of the planned consultations without a reason";
    } catch (const GuardRejected& e) {
        EXPECT_NE(e.reason().find("(which it does not list)"), std::string::npos) << e.reason();
    }
    EXPECT_EQ(engine.data("14/2001").consultations.size(), 2u);
    s.skip_reason = "Anhörung vor der Vorberatung erbeten";
    engine.fire("14/2001", s, sitzungsdienst);
    EXPECT_EQ(engine.data("14/2001").consultations.size(), 3u);
    // With none planned, adding one is in order.
    engine.create("14/2009", antrag("14/2009"), fraktion);
    engine.fire("14/2009", Submit{}, fraktion);
    engine.fire("14/2009", in(kAusschuss), sitzungsdienst);
    engine.fire("14/2009", Recommend{}, sitzungsdienst);
    engine.fire("14/2009", in(kRat), sitzungsdienst);
    engine.fire("14/2009", Refer{"Integrationsrat", std::nullopt}, sitzungsdienst);
    engine.fire("14/2009", in("Integrationsrat"), sitzungsdienst);  // referred: planned next
    EXPECT_EQ(engine.state("14/2009"), "on_agenda");
}

TEST_F(BeratungsfolgeTest, APostponedConsultationComesFirstAgain)
{
    submitted_antrag();
    engine.fire("14/2001", in(kAusschuss), sitzungsdienst);
    engine.fire("14/2001", Postpone{}, sitzungsdienst);
    EXPECT_THROW(engine.fire("14/2001", in(kRat), sitzungsdienst), GuardRejected)
        << "the Ausschuss deals with it again before the Verbandsversammlung";
    engine.fire("14/2001", in(kAusschuss), sitzungsdienst);
    EXPECT_EQ(engine.state("14/2001"), "on_agenda");
}

}  // namespace
