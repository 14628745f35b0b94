/// @file
/// The words council information systems use for paper types, consultation roles and meeting
/// results, and what kimflow makes of them. Each RIS product (and each council within it)
/// names these freely: "Beschlussvorlage Rat", "Anfrage nach § 4 BV6 (CDU)", "Fraktionsanfrage
/// Antwort"; a role "Beratung"; a result "Einstimmig15 Ja-Stimmen, 0 Nein-Stimmen". kimflow
/// keeps the text verbatim and maps it with a Vocabulary: defaults for the common products
/// (SD.NET, SessionNet, ALLRIS, more!rubin), extended by a body's own configuration.
///
/// ## Matching
/// A text is compared with the entries after folding case and collapsing white space
/// (newlines, tabs and no-break spaces count as one blank). An entry is either a whole text
/// (`"Vorlage BV"`) or, written between asterisks, a part of one (`"*anfrage*"` matches any
/// text containing "anfrage"). Whole texts are tried first, then parts; the configuration's
/// entries come before the defaults in each, and within one list the first match wins.
///
/// ## Configuration (JSON)
/// ```json
/// {
///   "paperType": {"Vorlage BV": "Beschlussvorlage", "*Bürgerantrag*": "Antrag"},
///   "role":      {"Vorberatung und Empfehlung": "Empfehlung"},
///   "result":    {"*ohne Votum*": "acknowledge", "*zur Beratung in die Fraktionen*": "postpone"}
/// }
/// ```
/// `paperType` maps to a PaperType name (Anfrage, Antwort, Antrag, Änderungsantrag,
/// Beschlussvorlage, Mitteilungsvorlage, Bericht, Sonstige); `role` to a ConsultationRole name
/// (Kenntnisnahme, Vorberatung, Empfehlung, Entscheidung, Anhörung); `result` to an outcome:
/// `acknowledge`, `recommend`, `decide`, `reject`, `postpone`, `refer`, `withdraw`, or `none`
/// (treated, but nothing to record: the paper stays where it is, reported).
///
/// A result that names no outcome but counts the votes ("11 Ja-Stimmen, 2 Nein-Stimmen",
/// "Ja: 11, Nein: 2", as SD.NET writes many) is a decision when the yes votes are more, else a
/// rejection: a tie rejects (§ 50 GO NRW).
#pragma once

#include <array>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "kimflow/core/error.hpp"
#include "kimflow/paper/paper.hpp"

namespace kimflow::oparl {

/// What a meeting's result makes of a consultation.
enum class ResultOutcome {
    none,        ///< treated without a result kimflow records ("ohne"): the paper stays
    acknowledge, ///< zur Kenntnis genommen, erledigt
    recommend,   ///< empfohlen (also a decision of a committee that does not decide)
    decide,      ///< beschlossen, einstimmig, mehrheitlich, angenommen
    reject,      ///< abgelehnt
    postpone,    ///< vertagt, zurückgestellt, abgesetzt
    refer,       ///< verwiesen, überwiesen, zurückverwiesen
    withdraw,    ///< zurückgezogen
};

/// The stable names of ResultOutcome, as configurations write them.
constexpr auto enum_names(ResultOutcome)
{
    using O = ResultOutcome;
    return std::array{std::pair{O::none, std::string_view{"none"}},
                      std::pair{O::acknowledge, std::string_view{"acknowledge"}},
                      std::pair{O::recommend, std::string_view{"recommend"}},
                      std::pair{O::decide, std::string_view{"decide"}},
                      std::pair{O::reject, std::string_view{"reject"}},
                      std::pair{O::postpone, std::string_view{"postpone"}},
                      std::pair{O::refer, std::string_view{"refer"}},
                      std::pair{O::withdraw, std::string_view{"withdraw"}}};
}

/// A vocabulary configuration that cannot be read: says which entry and what is allowed.
class VocabularyError : public InvalidData {
public:
    using InvalidData::InvalidData;
};

/// Maps the texts of a RIS to kimflow's kinds, roles and outcomes (see the file comment).
/// Copies are cheap and independent.
class Vocabulary {
public:
    /// The defaults alone.
    Vocabulary();

    /// The defaults, for the vocabularies of SD.NET, SessionNet, ALLRIS and more!rubin as they
    /// publish them.
    static Vocabulary defaults() { return {}; }

    /// Adds the entries of a configuration (JSON text, see the file comment) before the ones
    /// there are. All or nothing: on an error the vocabulary is unchanged.
    /// @param json_text the configuration
    /// @param name the configuration's name for messages, such as its file name
    /// @throws VocabularyError for malformed JSON, an unknown section, or a target that is not
    ///         a kind, role or outcome kimflow knows (the message lists them)
    void extend(std::string_view json_text, const std::string& name);

    /// The kind @p paper_type names, or none when no entry matches it (the importer then takes
    /// PaperType::sonstige and warns).
    std::optional<paper::PaperType> paper_type(std::string_view paper_type) const;

    /// The role @p role names, or none when no entry matches it.
    std::optional<paper::ConsultationRole> role(std::string_view role) const;

    /// The outcome result text @p result names, or none when it names no known outcome, or
    /// names different ones for its parts ("a) beschlossen b) abgelehnt"). A decision of a
    /// committee that does not decide is read as its recommendation, and a rejection as a
    /// recommendation too (with the text kept), by the importer, not here.
    std::optional<ResultOutcome> result(std::string_view result) const;

    /// The entries in the configuration's JSON form, the configuration's before the defaults.
    std::string to_json() const;

    /// Folds @p text as matching compares it: lower case, white space collapsed and trimmed.
    static std::string fold(std::string_view text);

private:
    struct Tables;
    std::shared_ptr<const Tables> tables_;
};

}  // namespace kimflow::oparl
