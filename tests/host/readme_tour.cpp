// The README's short tour as a host writes it: one translation unit that includes the umbrella
// header and fires on the built-in paper lifecycle. Built by the default preset (what it costs to
// compile is measured by bench/compile/measure.sh) and run by ctest (kimflow_readme_tour).
#include <kimflow/kimflow.hpp>

#include <iostream>
#include <string_view>
#include <vector>

int main()
{
    using namespace kimflow;
    using namespace kimflow::paper;

    PaperEngine engine;
    Paper p;
    p.reference = "14/1923";
    p.type = PaperType::anfrage;
    p.title = "Zusammenarbeit der Kommunalen Integrationszentren im Ruhrgebiet";
    p.consultations.push_back({"Ausschuss für Kultur, Sport und Vielfalt", ConsultationRole::kenntnisnahme});

    const Actor fraktion{"kretschmer", "fraktion", "Fraktion Die Linke"};
    engine.create(p.reference, p, fraktion);
    engine.fire("14/1923", Submit{}, fraktion);
    engine.fire("14/1923", "answer", Fields{{"answer_reference", "14/1923-1"}}, Actor{"baumeister", "verwaltung"});

    std::cout << "state: " << engine.state("14/1923") << "\nallowed:";
    for (auto event : engine.allowed_events("14/1923")) std::cout << ' ' << event;
    std::cout << "\nhistory:";
    for (const auto& r : engine.history("14/1923")) std::cout << ' ' << r.from << "->" << r.to;
    std::cout << '\n';
    const std::vector<std::string_view> expected_allowed{"schedule", "withdraw"};
    const bool as_told = engine.state("14/1923") == "answered" && engine.allowed_events("14/1923") == expected_allowed &&
                         engine.history("14/1923").size() == 2;
    return as_told ? 0 : 1;
}
