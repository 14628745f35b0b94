// Lifecycle diagrams generated from the MSM transition table (kimflow/io/diagram.hpp).
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include <kimflow/io/diagram.hpp>
#include <kimflow/kim/lifecycle.hpp>
#include <kimflow/paper/lifecycle.hpp>

#include "complaint_lifecycle.hpp"
#include "temp_file.hpp"
#include "test_data.hpp"

using namespace kimflow;

namespace {

std::size_t count(const std::string& text, const std::string& what)
{
    std::size_t n = 0;
    for (auto pos = text.find(what); pos != std::string::npos; pos = text.find(what, pos + 1)) ++n;
    return n;
}

TEST(Diagram, GraphOfThePaperLifecycleMatchesItsTable)
{
    auto g = lifecycle_graph<paper::PaperLifecycle>();
    EXPECT_EQ(g.id, "paper");
    EXPECT_EQ(g.initial, std::vector<std::string_view>{"draft"});
    EXPECT_EQ(g.states.size(), 9u);
    EXPECT_EQ(g.transitions.size(), 25u);
    EXPECT_EQ(g.final_states,
              (std::vector<std::string_view>{"acknowledged", "rejected", "withdrawn", "completed"}));
}

TEST(Diagram, DotHasEveryStateAndEveryRowWithGuards)
{
    const std::string dot = to_dot<paper::PaperLifecycle>();
    EXPECT_EQ(dot.rfind("digraph \"paper\" {", 0), 0u) << dot;
    EXPECT_NE(dot.find("\"draft\" -> \"submitted\" [label=\"submit\"];"), std::string::npos) << dot;
    EXPECT_NE(dot.find("\"submitted\" -> \"answered\" [label=\"answer [Anfrage]\"];"), std::string::npos) << dot;
    EXPECT_NE(dot.find("\"on_agenda\" -> \"answered\" [label=\"postpone [waited in answered]\"];"),
              std::string::npos)
        << dot;
    EXPECT_NE(dot.find("[label=\"schedule [consultation to bind and in order or skipped and deadline met or urgent]\"]"),
              std::string::npos)
        << dot;
    EXPECT_NE(dot.find("\"decided\" -> \"completed\" [label=\"settle_resolution [attached and open and last open]\"];"),
              std::string::npos)
        << dot;
    EXPECT_NE(dot.find("\"completed\" [peripheries=2];"), std::string::npos);
    EXPECT_EQ(count(dot, " -> "), 25u + 1u);  // every row, plus the start arrow
}

TEST(Diagram, MermaidStateDiagram)
{
    const std::string m = to_mermaid<paper::PaperLifecycle>();
    EXPECT_EQ(m.rfind("stateDiagram-v2\n    [*] --> draft\n", 0), 0u) << m;
    EXPECT_NE(m.find("    on_agenda --> decided : decide [authoritative]\n"), std::string::npos) << m;
    EXPECT_NE(m.find("    completed --> [*]\n"), std::string::npos);
    EXPECT_EQ(count(m, " --> "), 1u + 25u + 4u);
}

TEST(Diagram, HostLifecycleWithRegionsAndInternalTransitions)
{
    const std::string dot = to_dot<complaint::Lifecycle>();
    EXPECT_NE(dot.find("\"__start1\" -> \"unconfirmed\""), std::string::npos) << dot;
    EXPECT_NE(dot.find("\"in_review\" -> \"in_review\" [label=\"add_note\", style=dashed];"), std::string::npos)
        << dot;
    const std::string m = to_mermaid<complaint::Lifecycle>();
    EXPECT_NE(m.find("    in_review --> in_review : add_note (internal)\n"), std::string::npos) << m;
    EXPECT_NE(m.find("    [*] --> unconfirmed\n"), std::string::npos);
}

TEST(Diagram, KimCaseRegionsAreClustersAndConcurrentParts)
{
    auto g = lifecycle_graph<kim::CaseLifecycle>();
    EXPECT_EQ(g.initial, (std::vector<std::string_view>{"none", "new"}));
    EXPECT_EQ(g.transitions.size(), 53u);
    EXPECT_EQ(g.region("granted"), 0u);
    EXPECT_EQ(g.region("paused"), 1u);
    EXPECT_EQ(g.final_states, (std::vector<std::string_view>{"withdrawn", "aborted"}));

    const std::string dot = to_dot(g);
    EXPECT_NE(dot.find("subgraph \"cluster_region0\""), std::string::npos) << dot;
    EXPECT_NE(dot.find("subgraph \"cluster_region1\""), std::string::npos);
    EXPECT_NE(dot.find("\"paused\" -> \"monitoring\" [label=\"resume [left monitoring]\"];"), std::string::npos);

    const std::string m = to_mermaid(g);
    EXPECT_NE(m.find("    state case_lifecycle {\n        [*] --> none\n"), std::string::npos) << m;
    EXPECT_NE(m.find("        --\n        [*] --> new\n"), std::string::npos) << m;
    EXPECT_NE(m.find("        paused --> linking : resume [left linking]\n"), std::string::npos);
    EXPECT_EQ(count(m, " --> "), 2u + 53u + 2u);
}

TEST(Diagram, DotIsAcceptedByGraphviz)
{
    if (std::system("dot -V > /dev/null 2>&1") != 0) KIMFLOW_SKIP_WITHOUT("Graphviz's dot is not installed");
    const std::pair<std::string, std::string> diagrams[] = {{to_dot<paper::PaperLifecycle>(), "on_agenda"},
                                                            {to_dot<complaint::Lifecycle>(), "in_review"},
                                                            {to_dot<kim::CaseLifecycle>(), "monitoring"}};
    for (const auto& [dot, state] : diagrams) {
        const TempDir folder("kimflow-diagram");  // of this process alone: parallel runs never share a file
        const std::string in = folder / "diagram.dot";
        const std::string out = folder / "diagram.svg";
        std::ofstream(in) << dot;
        ASSERT_EQ(std::system(("dot -Tsvg -o '" + out + "' '" + in + "'").c_str()), 0) << dot;
        std::ifstream svg(out);
        std::string text((std::istreambuf_iterator<char>(svg)), std::istreambuf_iterator<char>());
        EXPECT_NE(text.find("<svg"), std::string::npos);
        EXPECT_NE(text.find(">" + state + "<"), std::string::npos) << text;
    }
}

}  // namespace
