// Tests of the OParl vocabulary (kimflow/io/oparl_vocabulary.hpp): the default words of the
// common RIS products, how texts are matched, and a body's own configuration.
#include <gtest/gtest.h>

#include <kimflow/io/oparl_vocabulary.hpp>

namespace {

using namespace kimflow;
using namespace kimflow::paper;
using oparl::ResultOutcome;
using oparl::Vocabulary;

TEST(OparlVocabulary, PaperTypesOfTheCommonProductsMapToTheirKind)
{
    const Vocabulary v;
    EXPECT_EQ(v.paper_type("Beschlussvorlage Rat"), PaperType::beschlussvorlage);
    EXPECT_EQ(v.paper_type("Änderungs-/Ergänzungsantrag"), PaperType::aenderungsantrag);
    EXPECT_EQ(v.paper_type("Anfrage nach § 4 BV6 (CDU)"), PaperType::anfrage);
    EXPECT_EQ(v.paper_type("Fraktionsanfrage Antwort"), PaperType::antwort) << "the answer, not the Anfrage";
    EXPECT_EQ(v.paper_type("Beantwortung einer Anfrage"), PaperType::antwort);
    EXPECT_EQ(v.paper_type("Mitteilungsvorlage"), PaperType::mitteilungsvorlage) << "not a Beschlussvorlage";
    EXPECT_EQ(v.paper_type("Informationsvorlage"), PaperType::mitteilungsvorlage);
    EXPECT_EQ(v.paper_type("Sitzungsvorlage"), PaperType::beschlussvorlage);
    EXPECT_EQ(v.paper_type("Bürgerantrag § 24 GO"), PaperType::antrag);
    EXPECT_EQ(v.paper_type("Berichtsvorlage"), PaperType::bericht);
    EXPECT_EQ(v.paper_type("  ANFRAGE\n"), PaperType::anfrage) << "case and white space do not matter";
    EXPECT_EQ(v.paper_type("Große\u00A0Anfrage"), PaperType::anfrage) << "a no-break space is a blank";
    EXPECT_EQ(v.paper_type("Große\u202FAnfrage"), PaperType::anfrage) << "a narrow no-break space too";
    EXPECT_FALSE(v.paper_type("Niederschrift"));
    EXPECT_FALSE(v.paper_type(""));
}

TEST(OparlVocabulary, RolesMapWithTheirCommonNames)
{
    const Vocabulary v;
    EXPECT_EQ(v.role("Beratung"), ConsultationRole::vorberatung);
    EXPECT_EQ(v.role("zur Kenntnis"), ConsultationRole::kenntnisnahme);
    EXPECT_EQ(v.role("Beschlussfassung"), ConsultationRole::entscheidung);
    EXPECT_EQ(v.role("Entscheidung\n"), ConsultationRole::entscheidung);
    EXPECT_EQ(v.role("Vorberatung und Empfehlung"), ConsultationRole::empfehlung)
        << "a recommendation outranks the deliberation";
    EXPECT_FALSE(v.role("Bürgerbeteiligung"));
}

TEST(OparlVocabulary, ResultProseNamesItsOutcome)
{
    const Vocabulary v;
    EXPECT_EQ(v.result("Einstimmig15 Ja-Stimmen, 0 Nein-Stimmen"), ResultOutcome::decide);
    EXPECT_EQ(v.result("mit Änderungen beschlossen"), ResultOutcome::decide);
    EXPECT_EQ(v.result("einstimmig abgelehnt"), ResultOutcome::reject) << "the rejection, not the unanimity";
    EXPECT_EQ(v.result("in die Ausschüsse verwiesen"), ResultOutcome::refer);
    EXPECT_EQ(v.result("verwiesen an den Ausschuss für zurückgezogene Anträge"), ResultOutcome::refer)
        << "the committee's name names no outcome";
    EXPECT_EQ(v.result("zur Kenntnis genommen"), ResultOutcome::acknowledge);
    EXPECT_EQ(v.result("von der Tagesordnung abgesetzt"), ResultOutcome::postpone);
    EXPECT_EQ(v.result("zurückgezogen"), ResultOutcome::withdraw);
    EXPECT_EQ(v.result("ohne"), ResultOutcome::none);
    EXPECT_EQ(v.result("a) beschlossen b) abgelehnt"), std::nullopt) << "two outcomes: none of them";
    EXPECT_EQ(v.result("a) einstimmig beschlossen b) mehrheitlich beschlossen"), ResultOutcome::decide);
    EXPECT_EQ(v.result("Kaffeepause"), std::nullopt);
    // Vote counts alone: more yes than no adopts; a tie rejects.
    EXPECT_EQ(v.result("11 Ja-Stimmen, 2 Nein-Stimmen, 0 Enthaltungen"), ResultOutcome::decide);
    EXPECT_EQ(v.result("17 Ja-Stimmen, 21 Nein-Stimmen, 2 Enthaltungen"), ResultOutcome::reject);
    EXPECT_EQ(v.result("Ja: 10, Nein: 10"), ResultOutcome::reject);
    EXPECT_EQ(v.result("Ja 12 / Nein 3"), ResultOutcome::decide);
    EXPECT_EQ(v.result("12 Ja-Stimmen"), std::nullopt) << "a count without its other side says nothing";
    EXPECT_EQ(v.result("einstimmig abgelehnt, 0 Ja, 12 Nein"), ResultOutcome::reject) << "the words come first";
}

TEST(OparlVocabulary, AConfigurationComesBeforeTheDefaults)
{
    Vocabulary v;
    v.extend(R"({"paperType": {"Vorlage BV": "Antrag", "*Niederschrift*": "Sonstige"},
                 "role": {"Beratung": "Empfehlung"},
                 "result": {"*ohne Votum*": "acknowledge", "Kaffeepause": "postpone"}})",
             "herne.json");
    EXPECT_EQ(v.paper_type("Vorlage BV"), PaperType::antrag) << "whole text, before the default part *vorlage*";
    EXPECT_EQ(v.paper_type("Niederschrift der Sitzung"), PaperType::sonstige);
    EXPECT_EQ(v.paper_type("Vorlage"), PaperType::beschlussvorlage) << "the defaults stay";
    EXPECT_EQ(v.role("Beratung"), ConsultationRole::empfehlung);
    EXPECT_EQ(v.result("Kaffeepause"), ResultOutcome::postpone);
    EXPECT_EQ(v.result("Ohne Votum weitergeleitet"), ResultOutcome::acknowledge);
    const Vocabulary copy = v;
    v.extend(R"({"role": {"Beratung": "Anhörung"}})", "later.json");
    EXPECT_EQ(copy.role("Beratung"), ConsultationRole::empfehlung) << "copies are independent";
    EXPECT_NE(v.to_json().find("\"Vorlage BV\": \"Antrag\""), std::string::npos) << v.to_json();
}

TEST(OparlVocabulary, ABadConfigurationIsRefusedWholeAndSaysWhy)
{
    Vocabulary v;
    auto refused = [&](const std::string& text, const std::string& says) {
        try {
            v.extend(text, "bad.json");
            ADD_FAILURE() << "accepted: " << text;
        } catch (const oparl::VocabularyError& e) {
            EXPECT_NE(std::string(e.what()).find(says), std::string::npos) << e.what();
            EXPECT_EQ(std::string(e.what()).rfind("bad.json: ", 0), 0u) << e.what();
        }
    };
    refused("{\"paperType\": ", "not valid JSON");
    refused("[]", "must be a JSON object");
    refused(R"({"papertype": {"A": "Antrag"}})", "unknown section 'papertype'");
    refused(R"({"paperType": {"A": "Antrag", "B": "Vorlage"}})", "paperType.B: 'Vorlage' is not one of: Anfrage");
    refused(R"({"role": {"A": 5}})", "the target must be a text");
    refused(R"({"result": {"**": "decide"}})", "the text is empty");
    refused(R"({"result": {"vertagt": "postponed"}})", "is not one of: none, acknowledge");
    EXPECT_FALSE(v.paper_type("A")) << "nothing of a refused configuration was taken";
}

}  // namespace
