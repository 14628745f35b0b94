// A lifecycle whose two events share one id (its machine: twin_events_machine.cpp).
#pragma once

#include <string>
#include <string_view>

#include <cereal/types/string.hpp>

#include <kimflow/core/engine.hpp>

namespace twins {

struct Task {
    std::string name;
};
template <class Archive>
void serialize(Archive& ar, Task& t)
{
    ar(t.name);
}

struct Finish {
    static constexpr std::string_view id = "finish";
    std::string note;
    template <class A> void serialize(A& ar) { ar(kimflow::optional_field("note", note)); }
};
struct FinishToo {
    static constexpr std::string_view id = "finish";  // the slip: Finish's id
    template <class A> void serialize(A&) {}
};

struct Machine;

struct Lifecycle {
    static constexpr std::string_view id = "twins";
    using Definition = Machine;
    using Data = Task;
    using Config = kimflow::NoConfig;
    using Events = kimflow::EventList<Finish, FinishToo>;
};

}  // namespace twins
