// Lifecycle diagrams from the transition table.
#include "kimflow/io/diagram.hpp"

namespace kimflow {

namespace {

std::string edge_label(const TransitionInfo& t, const DiagramLabels& labels = {})
{
    std::string label = labels.event ? labels.event(t.event) : std::string(t.event);
    if (!t.guard.empty()) label += " [" + t.guard + "]";
    return label;
}
std::string dot_quoted(std::string_view text)
{
    std::string out = "\"";
    for (char c : text) {
        if (c == '"' || c == '\\') out += '\\';
        out += c;
    }
    return out + "\"";
}
}  // namespace


LifecycleGraph lifecycle_graph(const LifecycleModel& model)
{
    LifecycleGraph g{model.id(), model.initial_states(), model.states(), {}, model.transitions(), {}};
    const auto region = regions_of_states(g.initial, g.transitions);
    for (auto s : g.states) {
        const auto found = region.find(s);
        g.region_of.push_back(found == region.end() ? 0 : found->second);
    }
    for (auto s : g.states) {
        bool leaves = std::any_of(g.transitions.begin(), g.transitions.end(),
                                  [&](const TransitionInfo& t) { return t.from == s && !t.internal; });
        if (!leaves) g.final_states.push_back(s);
    }
    return g;
}

std::string to_dot(const LifecycleGraph& graph) { return to_dot(graph, DiagramLabels{}); }

std::string to_dot(const LifecycleGraph& graph, const DiagramLabels& labels)
{
    std::string out = "digraph " + dot_quoted(graph.id) + " {\n";
    out += "  rankdir=LR;\n  node [shape=box, style=rounded, fontname=\"Helvetica\"];\n"
           "  edge [fontname=\"Helvetica\", fontsize=10];\n";
    const bool clusters = graph.initial.size() > 1;
    for (std::size_t r = 0; r < graph.initial.size(); ++r) {
        const std::string indent = clusters ? "    " : "  ";
        if (clusters)
            out += "  subgraph \"cluster_region" + std::to_string(r) + "\" {\n    label=" +
                   dot_quoted(labels.region ? labels.region(r) : "region " + std::to_string(r)) +
                   ";\n    style=dashed;\n";
        const std::string start = "\"__start" + std::to_string(r) + "\"";
        out += indent + start + " [shape=point, label=\"\"];\n";
        for (std::size_t i = 0; i < graph.states.size(); ++i) {
            if (graph.region_of[i] != r) continue;
            const auto s = graph.states[i];
            out += indent + dot_quoted(s);
            std::vector<std::string> attributes;
            if (labels.state) attributes.push_back("label=" + dot_quoted(labels.state(s)));
            if (std::find(graph.final_states.begin(), graph.final_states.end(), s) != graph.final_states.end())
                attributes.push_back("peripheries=2");
            for (std::size_t a = 0; a < attributes.size(); ++a) out += (a ? ", " : " [") + attributes[a];
            out += attributes.empty() ? ";\n" : "];\n";
        }
        if (clusters) out += "  }\n";
        out += "  " + start + " -> " + dot_quoted(graph.initial[r]) + ";\n";
    }
    for (const auto& t : graph.transitions) {
        out += "  " + dot_quoted(t.from) + " -> " + dot_quoted(t.to) +
               " [label=" + dot_quoted(edge_label(t, labels)) + (t.internal ? ", style=dashed" : "") + "];\n";
    }
    return out + "}\n";
}

std::string to_mermaid(const LifecycleGraph& graph)
{
    std::string out = "stateDiagram-v2\n";
    const bool regions = graph.initial.size() > 1;
    const std::string indent = regions ? "        " : "    ";
    if (regions) out += "    state " + std::string(graph.id) + "_lifecycle {\n";
    for (std::size_t r = 0; r < graph.initial.size(); ++r) {
        if (r > 0) out += "        --\n";
        out += indent + "[*] --> " + std::string(graph.initial[r]) + "\n";
        for (const auto& t : graph.transitions) {
            if (graph.region(t.from) != r) continue;
            // Mermaid ends a label at a colon or a semicolon: keep the label free of them.
            std::string label = edge_label(t);
            std::replace(label.begin(), label.end(), ':', ' ');
            std::replace(label.begin(), label.end(), ';', ',');
            out += indent + std::string(t.from) + " --> " + std::string(t.to) + " : " + label +
                   (t.internal ? " (internal)" : "") + "\n";
        }
        for (auto s : graph.final_states)
            if (graph.region(s) == r) out += indent + std::string(s) + " --> [*]\n";
    }
    if (regions) out += "    }\n";
    return out;
}

}  // namespace kimflow
