/// @file
/// Lifecycle diagrams in Graphviz DOT and Mermaid `stateDiagram-v2`, generated from the MSM
/// transition table itself, so a diagram can never disagree with the machine.
#pragma once

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "kimflow/core/lifecycle.hpp"

namespace kimflow {

/// A lifecycle's shape, read from its table: what the diagram writers draw.
struct LifecycleGraph {
    std::string_view id;
    /// Initial state per region.
    std::vector<std::string_view> initial;
    /// All states in table order.
    std::vector<std::string_view> states;
    /// States no row leaves.
    std::vector<std::string_view> final_states;
    std::vector<TransitionInfo> transitions;
};

/// The graph of lifecycle @p Lifecycle.
template <class Lifecycle>
LifecycleGraph lifecycle_graph()
{
    using Traits = LifecycleTraits<Lifecycle>;
    LifecycleGraph g{Lifecycle::id, Traits::initial_states(), Traits::states(), {}, Traits::transitions()};
    for (auto s : g.states) {
        bool leaves = std::any_of(g.transitions.begin(), g.transitions.end(),
                                  [&](const TransitionInfo& t) { return t.from == s && !t.internal; });
        if (!leaves) g.final_states.push_back(s);
    }
    return g;
}

namespace detail {
inline std::string edge_label(const TransitionInfo& t)
{
    std::string label(t.event);
    if (!t.guard.empty()) label += " [" + t.guard + "]";
    return label;
}
inline std::string dot_quoted(std::string_view text)
{
    std::string out = "\"";
    for (char c : text) {
        if (c == '"' || c == '\\') out += '\\';
        out += c;
    }
    return out + "\"";
}
}  // namespace detail

/// Graphviz DOT of @p graph: rounded boxes for states, a point for the start, double borders
/// for final states, dashed self-loops for internal transitions.
inline std::string to_dot(const LifecycleGraph& graph)
{
    std::string out = "digraph " + detail::dot_quoted(graph.id) + " {\n";
    out += "  rankdir=LR;\n  node [shape=box, style=rounded, fontname=\"Helvetica\"];\n"
           "  edge [fontname=\"Helvetica\", fontsize=10];\n";
    for (std::size_t r = 0; r < graph.initial.size(); ++r) {
        const std::string start = "\"__start" + std::to_string(r) + "\"";
        out += "  " + start + " [shape=point, label=\"\"];\n";
        out += "  " + start + " -> " + detail::dot_quoted(graph.initial[r]) + ";\n";
    }
    for (auto s : graph.states) {
        out += "  " + detail::dot_quoted(s);
        if (std::find(graph.final_states.begin(), graph.final_states.end(), s) != graph.final_states.end())
            out += " [peripheries=2]";
        out += ";\n";
    }
    for (const auto& t : graph.transitions) {
        out += "  " + detail::dot_quoted(t.from) + " -> " + detail::dot_quoted(t.to) +
               " [label=" + detail::dot_quoted(detail::edge_label(t)) + (t.internal ? ", style=dashed" : "") + "];\n";
    }
    return out + "}\n";
}

/// Mermaid `stateDiagram-v2` of @p graph; internal transitions are marked "(internal)".
inline std::string to_mermaid(const LifecycleGraph& graph)
{
    std::string out = "stateDiagram-v2\n";
    for (auto s : graph.initial) out += "    [*] --> " + std::string(s) + "\n";
    for (const auto& t : graph.transitions) {
        // Mermaid ends a label at a colon or a semicolon: keep the label free of them.
        std::string label = detail::edge_label(t);
        std::replace(label.begin(), label.end(), ':', ' ');
        std::replace(label.begin(), label.end(), ';', ',');
        out += "    " + std::string(t.from) + " --> " + std::string(t.to) + " : " + label +
               (t.internal ? " (internal)" : "") + "\n";
    }
    for (auto s : graph.final_states) out += "    " + std::string(s) + " --> [*]\n";
    return out;
}

/// DOT of lifecycle @p Lifecycle.
template <class Lifecycle>
std::string to_dot()
{
    return to_dot(lifecycle_graph<Lifecycle>());
}

/// Mermaid of lifecycle @p Lifecycle.
template <class Lifecycle>
std::string to_mermaid()
{
    return to_mermaid(lifecycle_graph<Lifecycle>());
}

}  // namespace kimflow
