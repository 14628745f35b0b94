// Writes the DOT of one lifecycle with its German labels (kimflow/io/labels.hpp), for the build
// to draw with Graphviz into the SVG the instance page shows: `kimflowd_web_diagram case`.
#include <cstring>
#include <iostream>

#include <kimflow/io/diagram.hpp>
#include <kimflow/io/labels.hpp>
#include <kimflow/kim/lifecycle.hpp>
#include <kimflow/paper/lifecycle.hpp>
#include <kimflow/resolution/lifecycle.hpp>

namespace {

template <class Lifecycle>
std::string labelled_dot()
{
    const std::string_view lifecycle = Lifecycle::id;
    kimflow::DiagramLabels labels;
    labels.state = [lifecycle](std::string_view id) { return std::string(kimflow::labels::state(lifecycle, id)); };
    labels.event = [lifecycle](std::string_view id) { return std::string(kimflow::labels::event(lifecycle, id)); };
    // The case lifecycle's two regions: consent and the casework beside it.
    labels.region = [](std::size_t index) { return index == 0 ? std::string("Einwilligung") : std::string("Fallarbeit"); };
    return kimflow::to_dot(kimflow::lifecycle_graph<Lifecycle>(), labels);
}

}  // namespace

int main(int argc, char** argv)
{
    const char* which = argc == 2 ? argv[1] : "";
    if (std::strcmp(which, "paper") == 0) std::cout << labelled_dot<kimflow::paper::PaperLifecycle>();
    else if (std::strcmp(which, "case") == 0) std::cout << labelled_dot<kimflow::kim::CaseLifecycle>();
    else if (std::strcmp(which, "resolution") == 0) std::cout << labelled_dot<kimflow::resolution::ResolutionLifecycle>();
    else {
        std::cerr << "usage: kimflowd_web_diagram paper|case|resolution\n";
        return 2;
    }
    return std::cout ? 0 : 1;
}
