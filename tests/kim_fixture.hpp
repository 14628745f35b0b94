// Shared set-up for the KIM case tests: an engine on a manual clock, and a way to bring a
// case into any phase.
#pragma once

#include <memory>
#include <string>

#include <gtest/gtest.h>

#include <kimflow/kim/follow_up.hpp>
#include <kimflow/kim/lifecycle.hpp>

namespace kim_test {

using namespace kimflow;
using namespace kimflow::kim;

inline const Actor caritas{"cm-caritas-1", "case_manager", "caritas"};
inline const std::string kJobcenter = "Jobcenter Kreis Recklinghausen";
inline const std::string kAbh = "Ausländerbehörde Kreis Recklinghausen";

inline Open castrop_rauxel() { return Open{"Castrop-Rauxel", "Caritas", "cm-caritas-1", "Kreis Recklinghausen"}; }

class CaseTest : public ::testing::Test {
protected:
    std::shared_ptr<ManualClock> clock = std::make_shared<ManualClock>(parse_timestamp("2025-03-01T09:00:00Z"));
    CaseEngine engine{CaseConfig{}, clock};

    void at(const char* when) { clock->set(parse_timestamp(when)); }

    /// Opens @p id and walks it to @p phase (intake … evaluation, paused from monitoring,
    /// closed, aborted), with consent for the Jobcenter and the Ausländerbehörde.
    void bring(const std::string& id, const std::string& phase)
    {
        open_case(engine, id, castrop_rauxel(), caritas);
        engine.fire(id, GrantConsent{{kJobcenter, kAbh}, "Arbeitsmarkt und Aufenthalt"}, caritas);
        if (phase == "intake") return;
        if (phase == "closed" || phase == "aborted") {
            if (phase == "closed") engine.fire(id, Decline{}, caritas);
            if (phase == "aborted") engine.fire(id, Abort{ClosureReason::no_contact, ""}, caritas);
            return;
        }
        engine.fire(id, Accept{}, caritas);
        if (phase == "assessment") return;
        engine.fire(id, CompleteAssessment{}, caritas);
        if (phase == "planning") return;
        engine.fire(id, AddGoal{"Sprachkurs B1"}, caritas);
        engine.fire(id, AgreePlan{}, caritas);
        if (phase == "linking") return;
        engine.fire(id, Refer{kJobcenter, Rechtskreis::sgb2}, caritas);
        engine.fire(id, StartMonitoring{}, caritas);
        if (phase == "monitoring") return;
        if (phase == "paused") {
            engine.fire(id, Pause{"Auslandsaufenthalt"}, caritas);
            return;
        }
        engine.fire(id, Evaluate{}, caritas);
    }
};

}  // namespace kim_test
