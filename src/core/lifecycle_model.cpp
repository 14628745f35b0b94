// What is derived from a lifecycle's shape alone, for every place that needs it (the engine's
// restore of stored states, verify, diagrams).
#include "kimflow/core/lifecycle_model.hpp"

namespace kimflow {

std::map<std::string_view, std::size_t> regions_of_states(const std::vector<std::string_view>& initial,
                                                          const std::vector<TransitionInfo>& rows)
{
    std::map<std::string_view, std::size_t> region;
    for (std::size_t r = 0; r < initial.size(); ++r) {
        std::vector<std::string_view> todo{initial[r]};
        while (!todo.empty()) {
            const auto s = todo.back();
            todo.pop_back();
            if (!region.emplace(s, r).second) continue;
            for (const auto& t : rows)
                if (t.from == s) todo.push_back(t.to);
        }
    }
    return region;
}

}  // namespace kimflow
