// Issue 19, "no leaks through the side doors": under the default policy with two Träger
// (Caritas, AWO) in one Kreis, nobody learns through the denial log, the words of a refusal, the
// kind of an error or a duplicate id what the policy would not let them read.
#include <cctype>
#include <functional>
#include <memory>
#include <ostream>
#include <string>
#include <typeinfo>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include <kimflow/core/error_kind.hpp>
#include <kimflow/default_policy.hpp>
#include <kimflow/kim/lifecycle.hpp>
#include <kimflow/paper/lifecycle.hpp>

#include "paper_fixture.hpp"

namespace {

using namespace kimflow;

const Actor caritas{"cm-caritas-1", "case_manager", "Caritas"};
const Actor awo{"cm-awo-1", "case_manager", "AWO"};
const Actor kreis_re{"koordination-re", "kreis_coordinator", "Kreis Recklinghausen"};
const Actor datenschutz_re{"dsb-re", "datenschutz", "Kreis Recklinghausen"};
const Actor datenschutz_unna{"dsb-un", "datenschutz", "Kreis Unna"};
const Actor administrator{"it-admin", "administrator", "Kreis Recklinghausen"};
const Actor fraktion{"p", "fraktion", "SPD"};

/// What a call threw: the error's type and its message with @p id written as `ID`.
struct Thrown {
    std::string type;
    std::string message;
    bool operator==(const Thrown& o) const { return type == o.type && message == o.message; }
};

std::ostream& operator<<(std::ostream& out, const Thrown& t) { return out << t.type << ": " << t.message; }

Thrown thrown(const std::function<void()>& call, const std::string& id)
{
    try {
        call();
    } catch (const std::exception& e) {
        std::string message = e.what();
        for (auto at = message.find(id); at != std::string::npos; at = message.find(id, at + 2))
            message.replace(at, id.size(), "ID");
        return {typeid(e).name(), message};
    }
    return {"nothing", ""};
}

/// Whether @p text names none of the organisations a refusal must keep to itself.
void expect_no_organisation(const std::string& text, const std::vector<std::string>& names)
{
    std::string folded = text;
    for (auto& c : folded) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    for (std::string name : names) {
        for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        EXPECT_EQ(folded.find(name), std::string::npos) << "'" << name << "' named in: " << text;
    }
}

/// Cases of Caritas and AWO in the Kreis Recklinghausen, and one of AWO in the Kreis Unna.
class SideDoors : public ::testing::Test {
protected:
    std::shared_ptr<ManualClock> clock = std::make_shared<ManualClock>(parse_timestamp("2025-03-01T09:00:00Z"));
    std::shared_ptr<const Policy> policy = std::make_shared<const Policy>(default_policy());
    kim::CaseEngine cases{kim::CaseConfig{}, clock, nullptr, EngineOptions{100000, policy}};

    void SetUp() override
    {
        kim::open_case(cases, "K-C", kim::Open{"Herten", "Caritas", "cm-caritas-1", "Kreis Recklinghausen"}, caritas);
        kim::open_case(cases, "K-A", kim::Open{"Marl", "AWO", "cm-awo-1", "Kreis Recklinghausen"}, awo);
        kim::open_case(cases, "K-U", kim::Open{"Kamen", "AWO", "cm-awo-1", "Kreis Unna"}, awo);
    }

    static std::vector<std::string> instances(const std::vector<StoredDenial>& denials)
    {
        std::vector<std::string> out;
        for (const auto& d : denials) out.push_back(d.instance);
        return out;
    }
};

// --- The denial log is read with `audit`, within its scope ---

TEST_F(SideDoors, TheDenialLogShowsEachAuditorOnlyWhatItsScopeReaches)
{
    EXPECT_THROW(cases.view("K-C", awo), InstanceNotFound);         // about a case of the Kreis Recklinghausen
    EXPECT_THROW(cases.view("K-U", caritas), InstanceNotFound);     // about one of the Kreis Unna
    EXPECT_THROW(cases.find({}, fraktion), NotPermitted);           // about no case
    ASSERT_EQ(cases.denials().size(), 3u);

    EXPECT_EQ(instances(cases.denials(administrator)), (std::vector<std::string>{"K-C", "K-U", ""}));
    EXPECT_EQ(instances(cases.denials(datenschutz_re)), std::vector<std::string>{"K-C"});
    EXPECT_EQ(instances(cases.denials(datenschutz_unna)), std::vector<std::string>{"K-U"});
    EXPECT_TRUE(cases.denials(datenschutz_re, "K-U").empty()) << "another Kreis's case: as if it had none";
    EXPECT_EQ(cases.denials(datenschutz_re, "K-C").size(), 1u);
    EXPECT_EQ(cases.denials(datenschutz_re, "K-C")[0].actor, awo);
}

TEST_F(SideDoors, ReadingTheDenialLogWithoutAuditIsRefusedAndLogged)
{
    EXPECT_THROW(cases.view("K-C", awo), InstanceNotFound);
    for (const Actor& who : {caritas, awo, kreis_re}) {
        const auto before = cases.denials().size();
        try {
            cases.denials(who);
            FAIL() << who.id << " read the denial log";
        } catch (const NotPermitted& e) {
            EXPECT_EQ(e.action(), "audit");
            EXPECT_EQ(e.actor(), who.id);
        }
        ASSERT_EQ(cases.denials().size(), before + 1);
        EXPECT_EQ(cases.denials().back().action, "audit");
        EXPECT_EQ(cases.denials().back().actor, who);
    }
    EXPECT_THROW(cases.denials(caritas, "K-C"), NotPermitted) << "not even about its own case";
    // A Träger's "everything" (`*`) on its cases is not `audit`: that is granted by name only.
    EXPECT_FALSE(Policy().allow("*", "*", {"*"}, Scope::any).permits(caritas, action::audit, AccessTarget{"case"}));
    EXPECT_TRUE(Policy().allow("*", "*", {"audit"}, Scope::any).permits(caritas, action::audit, AccessTarget{"case"}));
    EXPECT_THROW(cases.denials(Actor{}), InvalidData) << "an actor must say who acts";
    // The refused audits about no case are the administrator's to see, not the Kreis's; the one
    // about K-C is the Kreis's too.
    const auto seen = cases.denials(datenschutz_re);
    EXPECT_EQ(instances(seen), (std::vector<std::string>{"K-C", "K-C"}));
    EXPECT_EQ(seen.back().action, "audit");
}

// --- Refusals say what would be allowed, not whose the instance is ---

TEST_F(SideDoors, RefusalsNameNeitherTheOwnerNorTheKreis)
{
    // The Kreis may read a Caritas case, so it is told it may not accept it, but not whose it is.
    try {
        cases.fire("K-C", kim::Accept{}, kreis_re);
        FAIL() << "the Kreis accepted a case";
    } catch (const NotPermitted& e) {
        const std::string what = e.what();
        expect_no_organisation(what, {"Caritas", "AWO"});
        EXPECT_NE(what.find("kreis_coordinator"), std::string::npos) << what;  // still helpful
        EXPECT_NE(what.find("accept"), std::string::npos) << what;
    }
    // A paper of the Linke, submitted by the SPD (papers are public, so it is told).
    paper::PaperEngine papers{paper::PaperConfig{}, clock, nullptr, EngineOptions{100000, policy}};
    papers.create("14/1923", paper_test::anfrage(), paper_test::fraktion);
    try {
        papers.fire("14/1923", paper::Submit{}, Actor{"mueller", "fraktion", "SPD"});
        FAIL() << "the SPD submitted another Fraktion's paper";
    } catch (const NotPermitted& e) {
        expect_no_organisation(e.what(), {"Linke"});
        EXPECT_NE(std::string(e.what()).find("instances their organisation owns"), std::string::npos) << e.what();
    }
    // What the log keeps of a refusal about an instance the actor may not see names nothing more.
    EXPECT_THROW(cases.fire("K-C", kim::Accept{}, awo), InstanceNotFound);
    expect_no_organisation(cases.denials("K-C").back().reason, {"Caritas", "Recklinghausen"});
    // The policy's own sentence, for an AWO manager on a Caritas case of the Kreis.
    const auto why = policy->refusal(awo, "accept", AccessTarget{"case", "K-C", "caritas", "kreis-recklinghausen"});
    ASSERT_TRUE(why);
    expect_no_organisation(*why, {"Caritas", "Recklinghausen"});
    EXPECT_NE(why->find("role 'case_manager' of 'AWO'"), std::string::npos) << *why;
}

// --- "Not permitted" and "not found" look the same to whom may not read ---

TEST_F(SideDoors, AnInvisibleCaseLooksLikeAMissingOneOnEveryPath)
{
    const std::vector<std::pair<std::string, std::function<void(const std::string&)>>> paths{
        {"fire", [&](const std::string& id) { cases.fire(id, kim::Accept{}, awo); }},
        {"fire by name", [&](const std::string& id) { cases.fire(id, "accept", Fields{}, awo); }},
        {"view", [&](const std::string& id) { cases.view(id, awo); }},
        {"history", [&](const std::string& id) { cases.history(id, awo); }},
        {"allowed events", [&](const std::string& id) { cases.allowed_events(id, awo); }},
        {"erase", [&](const std::string& id) { cases.erase(id, awo); }},
    };
    for (const auto& [name, path] : paths) {
        const auto logged = cases.denials().size();
        const Thrown missing = thrown([&] { path("K-X"); }, "K-X");
        const Thrown invisible = thrown([&] { path("K-C"); }, "K-C");
        EXPECT_EQ(invisible, missing) << name;
        EXPECT_EQ(missing.type, typeid(InstanceNotFound).name()) << name;
        EXPECT_EQ(cases.denials().size(), logged + 1) << name << ": the refusal is logged all the same";
    }
    // kimctl exits 4 and kimflowd answers 404 for both.
    try {
        cases.fire("K-C", kim::Accept{}, awo);
        ADD_FAILURE() << "AWO fired on a Caritas case";
    } catch (const std::exception& e) {
        EXPECT_EQ(error_kind(e).http_status, 404);
        EXPECT_EQ(error_kind(e).exit_code, 4);
    }
    EXPECT_EQ(cases.version("K-C"), 1u);  // nothing changed
    // Who may read the case is told that it is not permitted.
    EXPECT_THROW(cases.fire("K-C", kim::Accept{}, kreis_re), NotPermitted);
    EXPECT_THROW(cases.erase("K-U", kreis_re), InstanceNotFound) << "another Kreis's case";
}

TEST_F(SideDoors, CreatingAnInvisibleIdSaysOnlyThatItCannotBeUsed)
{
    const auto attempt = [&](const Actor& who, const std::string& traeger) {
        return thrown([&] { kim::open_case(cases, "K-C", kim::Open{"Marl", traeger, who.id, "Kreis Recklinghausen"}, who); },
                      "K-C");
    };
    const Thrown invisible = attempt(awo, "AWO");
    EXPECT_EQ(invisible.type, typeid(IdUnavailable).name()) << invisible;
    EXPECT_EQ(invisible.message, "case 'ID': this id cannot be used; choose another");
    const Thrown visible = attempt(caritas, "Caritas");
    EXPECT_EQ(visible.type, typeid(DuplicateInstance).name()) << visible;
    EXPECT_NE(visible.message.find("exists already"), std::string::npos) << visible;
    // Without an opening event too.
    kim::KimCase data;
    data.traeger = "AWO";
    data.kommune = "Marl";
    data.kreis = "Kreis Recklinghausen";
    try {
        cases.create("K-C", data, awo);
        FAIL() << "a second K-C";
    } catch (const DuplicateInstance& e) {
        EXPECT_EQ(typeid(e), typeid(IdUnavailable));
        expect_no_organisation(e.what(), {"Caritas"});
        EXPECT_EQ(std::string(e.what()).find("exists"), std::string::npos) << e.what();
        // Both answer as a duplicate does: 409, exit 3.
        EXPECT_EQ(error_kind(e).http_status, 409);
        EXPECT_EQ(error_kind(e).exit_code, 3);
        EXPECT_EQ(error_kind(e).http_status, error_kind(DuplicateInstance("case", "K-C")).http_status);
    }
    EXPECT_EQ(cases.view("K-C", caritas).data.traeger, "Caritas");  // untouched
}

// --- Figures about the whole store need `audit` on every instance ---

TEST_F(SideDoors, CheckAuditLetsOnlyAnAuditorOfEverythingThrough)
{
    EXPECT_NO_THROW(cases.check_audit(administrator));
    for (const Actor& who : {datenschutz_re, caritas, kreis_re}) {
        const auto before = cases.denials().size();
        try {
            cases.check_audit(who);
            FAIL() << who.id << " passed the check";
        } catch (const NotPermitted& e) {
            EXPECT_EQ(e.action(), "audit");
            EXPECT_EQ(e.instance(), "");
        }
        ASSERT_EQ(cases.denials().size(), before + 1) << "logged";
        EXPECT_EQ(cases.denials().back().instance, "");
    }
    EXPECT_THROW(cases.check_audit(Actor{}), InvalidData);
    kim::CaseEngine unchecked;  // no policy: the host checks
    EXPECT_NO_THROW(unchecked.check_audit(caritas));
    paper::PaperEngine papers{paper::PaperConfig{}, clock, nullptr, EngineOptions{100000, policy}};
    EXPECT_NO_THROW(papers.check_audit(administrator));
    EXPECT_THROW(papers.check_audit(fraktion), NotPermitted);
}

}  // namespace
