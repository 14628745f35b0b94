// The OParl vocabulary: the default words of the common RIS products, a body's own entries,
// and the matching (see kimflow/io/oparl_vocabulary.hpp).
#include "kimflow/io/oparl_vocabulary.hpp"

#include <regex>

#include <nlohmann/json.hpp>

#include "kimflow/core/fields.hpp"
#include "kimflow/core/text.hpp"
#include "names.hpp"

namespace kimflow::oparl {

namespace {

using paper::ConsultationRole;
using paper::PaperType;

/// One entry: a folded text (whole or, for `*part*`, contained) and what it maps to.
template <class T>
struct Entry {
    std::string pattern;  ///< folded, without the asterisks
    bool part = false;
    T target{};
    std::string written;  ///< as the configuration wrote it
};

template <class T>
Entry<T> entry(std::string_view written, T target)
{
    Entry<T> e;
    e.written = std::string(written);
    e.part = written.size() > 2 && written.front() == '*' && written.back() == '*';
    e.pattern = Vocabulary::fold(e.part ? written.substr(1, written.size() - 2) : written);
    e.target = target;
    return e;
}

template <class T>
std::optional<T> match(const std::vector<Entry<T>>& entries, std::string_view folded)
{
    for (const auto& e : entries)
        if (!e.part && e.pattern == folded) return e.target;
    for (const auto& e : entries)
        if (e.part && folded.find(e.pattern) != std::string_view::npos) return e.target;
    return std::nullopt;
}

template <class T>
std::vector<Entry<T>> entries(std::initializer_list<std::pair<std::string_view, T>> list)
{
    std::vector<Entry<T>> out;
    for (const auto& [text, target] : list) out.push_back(entry(text, target));
    return out;
}

std::vector<Entry<PaperType>> default_types()
{
    using T = PaperType;
    return entries<T>({
             {"Anfrage", T::anfrage}, {"Fraktionsanfrage", T::anfrage}, {"Kleine Anfrage", T::anfrage},
             {"Große Anfrage", T::anfrage}, {"Antwort", T::antwort}, {"Beantwortung", T::antwort},
             {"Antrag", T::antrag}, {"Fraktionsantrag", T::antrag}, {"Dringlichkeitsantrag", T::antrag},
             {"Beschlussvorlage", T::beschlussvorlage}, {"Vorlage", T::beschlussvorlage},
             {"Mitteilungsvorlage", T::mitteilungsvorlage}, {"Bericht", T::bericht}, {"Sonstige", T::sonstige},
             // Parts, in order: an answer names its Anfrage ("Fraktionsanfrage Antwort"), an
             // Änderungsantrag is an Antrag, a Mitteilungsvorlage a Vorlage.
             {"*antwort*", T::antwort}, {"*beantwortung*", T::antwort},
             {"*änderungsantrag*", T::aenderungsantrag}, {"*aenderungsantrag*", T::aenderungsantrag},
             {"*ergänzungsantrag*", T::aenderungsantrag}, {"*änderungs-*", T::aenderungsantrag},
             {"*stellungnahme der verwaltung*", T::antwort},  // ALLRIS: the answer to an Anfrage
             {"*anfrage*", T::anfrage}, {"*antrag*", T::antrag}, {"*mitteilung*", T::mitteilungsvorlage},
             {"*information*", T::mitteilungsvorlage}, {"*zur kenntnis*", T::mitteilungsvorlage},
             {"*bericht*", T::bericht}, {"*beschlussempfehlung*", T::beschlussvorlage},
             {"*vorlage*", T::beschlussvorlage}});
}

std::vector<Entry<ConsultationRole>> default_roles()
{
    using R = ConsultationRole;
    return entries<R>({
             {"Kenntnisnahme", R::kenntnisnahme}, {"zur Kenntnis", R::kenntnisnahme},
             {"Vorberatung", R::vorberatung}, {"Beratung", R::vorberatung}, {"Empfehlung", R::empfehlung},
             {"Entscheidung", R::entscheidung}, {"Beschlussfassung", R::entscheidung},
             {"Anhörung", R::anhoerung}, {"Anhoerung", R::anhoerung},
             {"*kenntnis*", R::kenntnisnahme}, {"*information*", R::kenntnisnahme},
             {"*anhörung*", R::anhoerung}, {"*anhoerung*", R::anhoerung}, {"*empfehl*", R::empfehlung},
             {"*entscheid*", R::entscheidung}, {"*beschluss*", R::entscheidung}, {"*berat*", R::vorberatung}});
}

std::vector<Entry<ResultOutcome>> default_results()
{
    using O = ResultOutcome;
    // Parts in order of precedence: "einstimmig abgelehnt" is a rejection, "zur Kenntnis
    // genommen und vertagt" a postponement.
    return entries<O>({
             {"ohne", O::none}, {"-", O::none}, {"*ohne beschluss*", O::none}, {"*ohne votum*", O::none},
             {"*zurückgezogen*", O::withdraw}, {"*zurueckgezogen*", O::withdraw},
             {"*vertagt*", O::postpone}, {"*zurückgestellt*", O::postpone}, {"*zurueckgestellt*", O::postpone},
             {"*abgesetzt*", O::postpone}, {"*verschoben*", O::postpone},
             {"*verwiesen*", O::refer}, {"*überwiesen*", O::refer}, {"*ueberwiesen*", O::refer},
             // Partly rejected is partly adopted: a decision.
             {"*teilweise abgelehnt*", O::decide}, {"*teilweise angenommen*", O::decide},
             {"*abgelehnt*", O::reject}, {"*ablehnung*", O::reject},
             {"*kenntnis*", O::acknowledge}, {"*erledigt*", O::acknowledge},
             // "in der Fassung der Beschlussempfehlung beschlossen" is a decision.
             {"*beschlossen*", O::decide},
             {"*empfohlen*", O::recommend}, {"*empfehlung*", O::recommend}, {"*empfiehlt*", O::recommend},
             {"*beschluss*", O::decide}, {"*einstimmig*", O::decide},
             {"*mehrheitlich*", O::decide}, {"*angenommen*", O::decide}, {"*zugestimmt*", O::decide},
             {"*zustimmung*", O::decide}});
}

/// The words of @p folded that name an outcome: in a referral, those before the committee's name.
std::string_view outcome_words(std::string_view folded)
{
    const auto name = detail::referral_name_at(folded);
    return name == std::string_view::npos ? folded : folded.substr(0, name);
}

/// The parts of an enumerated result ("a) beschlossen b) abgelehnt", "1) … 2) …"), or the
/// whole text when it enumerates nothing.
std::vector<std::string_view> enumerated_parts(std::string_view folded)
{
    std::vector<std::size_t> starts;
    for (std::size_t i = 0; i + 1 < folded.size(); ++i) {
        if (i > 0 && folded[i - 1] != ' ') continue;
        std::size_t j = i;
        while (j < folded.size() && folded[j] >= '0' && folded[j] <= '9') ++j;
        if (j == i && folded[j] >= 'a' && folded[j] <= 'z') ++j;
        if (j > i && j - i <= 3 && j < folded.size() && folded[j] == ')') starts.push_back(i);
    }
    if (starts.size() < 2) return {folded};
    std::vector<std::string_view> parts;
    for (std::size_t k = 0; k < starts.size(); ++k)
        parts.push_back(folded.substr(starts[k], (k + 1 < starts.size() ? starts[k + 1] : folded.size()) - starts[k]));
    return parts;
}

/// The yes and no votes a result counts ("11 Ja-Stimmen, 2 Nein-Stimmen", "Ja: 11, Nein: 2"),
/// if it names both.
std::optional<std::pair<long, long>> votes(const std::string& folded)
{
    static const std::regex yes(R"((\d+)\s*ja\b|\bja(?:-?stimmen)?\s*[:=]?\s*(\d+))");
    static const std::regex no(R"((\d+)\s*nein\b|\bnein(?:-?stimmen)?\s*[:=]?\s*(\d+))");
    auto count = [&](const std::regex& r) -> std::optional<long> {
        std::smatch m;
        if (!std::regex_search(folded, m, r)) return std::nullopt;
        const std::string digits = m[1].matched ? m[1].str() : m[2].str();
        return digits.size() > 6 ? std::nullopt : std::optional<long>(std::stol(digits));
    };
    const auto y = count(yes), n = count(no);
    if (!y || !n) return std::nullopt;
    return std::pair(*y, *n);
}

}  // namespace

struct Vocabulary::Tables {
    std::vector<Entry<PaperType>> types = default_types();
    std::vector<Entry<ConsultationRole>> roles = default_roles();
    std::vector<Entry<ResultOutcome>> results = default_results();
};

Vocabulary::Vocabulary() : tables_(std::make_shared<const Tables>()) {}

std::string Vocabulary::fold(std::string_view text)
{
    return fold_case(detail::tidy(text));
}

void Vocabulary::extend(std::string_view json_text, const std::string& name)
{
    nlohmann::ordered_json config;
    try {
        config = nlohmann::ordered_json::parse(json_text);
    } catch (const nlohmann::json::exception& e) {
        throw VocabularyError(name + ": not valid JSON (" + printable(e.what(), 160) +
                              "); write an object such as {\"paperType\": {\"Vorlage BV\": \"Beschlussvorlage\"}}");
    }
    if (!config.is_object())
        throw VocabularyError(name + ": must be a JSON object with paperType, role and result sections");
    Tables next = *tables_;
    auto read = [&](const char* section, auto& list, auto tag) {
        using T = decltype(tag);
        auto it = config.find(section);
        if (it == config.end()) return;
        if (!it->is_object())
            throw VocabularyError(name + ": " + section + " must be an object of \"text\": \"target\" entries");
        std::vector<Entry<T>> added;
        for (const auto& [text, target] : it->items()) {
            const std::string where = name + ": " + section + "." + printable(text);
            if (fold(text).empty() || fold(text) == "**") throw VocabularyError(where + ": the text is empty");
            if (!target.is_string()) throw VocabularyError(where + ": the target must be a text");
            try {
                added.push_back(entry(text, parse_enum<T>(target.template get<std::string>())));
            } catch (const std::invalid_argument& e) {
                throw VocabularyError(where + ": " + e.what());
            }
        }
        list.insert(list.begin(), added.begin(), added.end());
    };
    for (const auto& [key, value] : config.items())
        if (key != "paperType" && key != "role" && key != "result")
            throw VocabularyError(name + ": unknown section '" + printable(key) +
                                  "'; a vocabulary has paperType, role and result");
    read("paperType", next.types, PaperType{});
    read("role", next.roles, ConsultationRole{});
    read("result", next.results, ResultOutcome{});
    tables_ = std::make_shared<const Tables>(std::move(next));
}

std::optional<PaperType> Vocabulary::paper_type(std::string_view text) const
{
    return match(tables_->types, fold(text));
}

std::optional<ConsultationRole> Vocabulary::role(std::string_view text) const
{
    return match(tables_->roles, fold(text));
}

std::optional<ResultOutcome> Vocabulary::result(std::string_view text) const
{
    const std::string folded = fold(text);
    for (const auto& e : tables_->results)  // a whole text, as written, before its parts
        if (!e.part && e.pattern == folded) return e.target;
    std::optional<ResultOutcome> found;
    for (std::string_view part : enumerated_parts(folded)) {
        auto outcome = match(tables_->results, outcome_words(part));
        if (!outcome) continue;
        if (found && *found != *outcome) return std::nullopt;  // a) beschlossen b) abgelehnt
        found = outcome;
    }
    // Vote counts alone: adopted with more yes than no votes; a tie rejects (§ 50 GO NRW).
    if (!found)
        if (const auto v = votes(folded)) return v->first > v->second ? ResultOutcome::decide : ResultOutcome::reject;
    return found;
}

std::string Vocabulary::to_json() const
{
    nlohmann::ordered_json out;
    auto write = [&](const char* section, const auto& list) {
        nlohmann::ordered_json entries = nlohmann::ordered_json::object();
        for (const auto& e : list)
            if (!entries.contains(e.written)) entries[e.written] = std::string(to_string(e.target));
        out[section] = std::move(entries);
    };
    write("paperType", tables_->types);
    write("role", tables_->roles);
    write("result", tables_->results);
    return out.dump(2);
}

}  // namespace kimflow::oparl
