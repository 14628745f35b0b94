/// @file
/// Lifecycle diagrams in Graphviz DOT and Mermaid `stateDiagram-v2`, generated from the
/// lifecycle's transition table itself (its LifecycleModel), so a diagram can never disagree
/// with the machine.
#pragma once

#include <algorithm>
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "kimflow/core/lifecycle_model.hpp"

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

/// The graph of the lifecycle @p model describes.
LifecycleGraph lifecycle_graph(const LifecycleModel& model);

/// The graph of lifecycle @p Lifecycle.
template <class Lifecycle>
LifecycleGraph lifecycle_graph()
{
    return lifecycle_graph(model_of<Lifecycle>());
}

/// Graphviz DOT of @p graph: rounded boxes for states, a point for the start, double borders
/// for final states, dashed self-loops for internal transitions; with several regions, each
/// region is a cluster.
std::string to_dot(const LifecycleGraph& graph);

/// What a diagram shows for a state or an event id (e.g. its German label); the id itself when
/// unset. Node names stay the ids, so a drawing can still be found by state (Graphviz writes a
/// node's name as its SVG `<title>`).
struct DiagramLabels {
    /// The text of the box of state @p id.
    std::function<std::string(std::string_view id)> state;
    /// The text on the arrows of event @p id.
    std::function<std::string(std::string_view id)> event;
    /// The caption of region @p index of a lifecycle with several regions ("region N" when unset).
    std::function<std::string(std::size_t index)> region;
};

/// DOT of @p graph as to_dot(const LifecycleGraph&) draws it, with the texts of @p labels.
std::string to_dot(const LifecycleGraph& graph, const DiagramLabels& labels);

/// Mermaid `stateDiagram-v2` of @p graph; internal transitions are marked "(internal)". With
/// several regions the lifecycle is one composite state whose regions are separated by `--`.
/// State ids are written as they are: keep them to letters, digits and underscores.
std::string to_mermaid(const LifecycleGraph& graph);

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
