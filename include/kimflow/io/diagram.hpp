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
    /// The lifecycle's id.
    std::string_view id;
    /// Initial state per region.
    std::vector<std::string_view> initial;
    /// All states in table order.
    std::vector<std::string_view> states;
    /// States no row leaves.
    std::vector<std::string_view> final_states;
    /// The table's rows, as written.
    std::vector<TransitionInfo> transitions;
    /// The region of each state (same order as `states`): the region whose initial state reaches it.
    std::vector<std::size_t> region_of;

    /// The region of @p state (0 for a state the graph does not have).
    std::size_t region(std::string_view state) const
    {
        auto it = std::find(states.begin(), states.end(), state);
        return it == states.end() ? 0 : region_of[static_cast<std::size_t>(it - states.begin())];
    }
};

/// The graph of lifecycle @p Lifecycle.
template <class Lifecycle>
LifecycleGraph lifecycle_graph()
{
    using Traits = LifecycleTraits<Lifecycle>;
    LifecycleGraph g{Lifecycle::id, Traits::initial_states(), Traits::states(), {}, Traits::transitions(), {}};
    // Regions: what each initial state reaches through the table (rows never cross regions).
    g.region_of.assign(g.states.size(), 0);
    for (std::size_t r = 0; r < g.initial.size(); ++r) {
        std::vector<std::string_view> todo{g.initial[r]};
        std::vector<bool> seen(g.states.size(), false);
        while (!todo.empty()) {
            const auto s = todo.back();
            todo.pop_back();
            const auto index = static_cast<std::size_t>(std::find(g.states.begin(), g.states.end(), s) - g.states.begin());
            if (seen[index]) continue;
            seen[index] = true;
            g.region_of[index] = r;
            for (const auto& t : g.transitions)
                if (t.from == s) todo.push_back(t.to);
        }
    }
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
/// for final states, dashed self-loops for internal transitions; with several regions, each
/// region is a cluster.
inline std::string to_dot(const LifecycleGraph& graph)
{
    std::string out = "digraph " + detail::dot_quoted(graph.id) + " {\n";
    out += "  rankdir=LR;\n  node [shape=box, style=rounded, fontname=\"Helvetica\"];\n"
           "  edge [fontname=\"Helvetica\", fontsize=10];\n";
    const bool clusters = graph.initial.size() > 1;
    for (std::size_t r = 0; r < graph.initial.size(); ++r) {
        const std::string indent = clusters ? "    " : "  ";
        if (clusters)
            out += "  subgraph \"cluster_region" + std::to_string(r) + "\" {\n    label=\"region " +
                   std::to_string(r) + "\";\n    style=dashed;\n";
        const std::string start = "\"__start" + std::to_string(r) + "\"";
        out += indent + start + " [shape=point, label=\"\"];\n";
        for (std::size_t i = 0; i < graph.states.size(); ++i) {
            if (graph.region_of[i] != r) continue;
            const auto s = graph.states[i];
            out += indent + detail::dot_quoted(s);
            if (std::find(graph.final_states.begin(), graph.final_states.end(), s) != graph.final_states.end())
                out += " [peripheries=2]";
            out += ";\n";
        }
        if (clusters) out += "  }\n";
        out += "  " + start + " -> " + detail::dot_quoted(graph.initial[r]) + ";\n";
    }
    for (const auto& t : graph.transitions) {
        out += "  " + detail::dot_quoted(t.from) + " -> " + detail::dot_quoted(t.to) +
               " [label=" + detail::dot_quoted(detail::edge_label(t)) + (t.internal ? ", style=dashed" : "") + "];\n";
    }
    return out + "}\n";
}

/// Mermaid `stateDiagram-v2` of @p graph; internal transitions are marked "(internal)". With
/// several regions the lifecycle is one composite state whose regions are separated by `--`.
/// State ids are written as they are: keep them to letters, digits and underscores.
inline std::string to_mermaid(const LifecycleGraph& graph)
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
            std::string label = detail::edge_label(t);
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
