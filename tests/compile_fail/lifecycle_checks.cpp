// A lifecycle, and the mistakes in it that must not compile: ctest's kimflow_compile_fail_*
// entries build it with one of the macros below and expect the compiler to say why
// (compile_fail.cmake). Without any, it compiles and runs (kimflow_compile_fail_control), so
// each failure is the check's, not a typo's.
//   KIMFLOW_DEFER_IN_STATE, KIMFLOW_DEFER_IN_TABLE: the machine defers an event, in a state
//     (deferred_events) or in a row (msm::front::Defer). MSM would queue it and replay it on a
//     later fire, so a fire that was refused would still change the instance (core/lifecycle.hpp).
//   KIMFLOW_TERMINATE_STATE, KIMFLOW_INTERRUPT_STATE: the end is a terminate or interrupt state,
//     which swallows every later event as handled instead of refusing it (core/lifecycle.hpp).
//   KIMFLOW_EVENTS_EXTRA, KIMFLOW_EVENTS_MISSING: `Events` lists an event the table has not, or
//     leaves out one it has (core/msm_model.hpp). Missing is written as a swap, so that the
//     count matches and the check of each event speaks, not the count.
//   KIMFLOW_FOREIGN_EVENT: a typed fire of an event that is not one of `Events` (core/engine.hpp).
#include <kimflow/core/engine.hpp>
#include <kimflow/core/machine.hpp>
#include <kimflow/core/msm_model.hpp>

#include <boost/mpl/vector.hpp>
#include <boost/msm/front/functor_row.hpp>
#include <boost/msm/front/states.hpp>
#include <cereal/types/string.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace akte {

struct Akte {
    std::string name;
};
template <class Archive>
void serialize(Archive& ar, Akte& a)
{
    ar(a.name);
}

struct Close {
    static constexpr std::string_view id = "close";
    template <class A> void serialize(A&) {}
};
struct Check {
    static constexpr std::string_view id = "check";
    template <class A> void serialize(A&) {}
};
/// An event of no row of the table.
struct Archive {
    static constexpr std::string_view id = "archive";
    template <class A> void serialize(A&) {}
};

struct Open : boost::msm::front::state<> {
    static constexpr std::string_view id = "open";
#if defined(KIMFLOW_DEFER_IN_STATE)
    using deferred_events = boost::mpl::vector<Close>;  // "close" waits until "check" has come
#endif
};
struct Checked : boost::msm::front::state<> { static constexpr std::string_view id = "checked"; };
#if defined(KIMFLOW_TERMINATE_STATE)
struct Closed : boost::msm::front::terminate_state<> { static constexpr std::string_view id = "closed"; };
#elif defined(KIMFLOW_INTERRUPT_STATE)
struct Closed : boost::msm::front::interrupt_state<Check> { static constexpr std::string_view id = "closed"; };
#else
struct Closed : boost::msm::front::state<> { static constexpr std::string_view id = "closed"; };
#endif

struct Machine : kimflow::MachineDef<Machine, Akte> {
    using initial_state = Open;
#if defined(KIMFLOW_DEFER_IN_TABLE)
    using activate_deferred_events = int;  // what MSM requires before a row may use Defer
#endif
    struct transition_table : boost::mpl::vector<
#if defined(KIMFLOW_DEFER_IN_TABLE)
        boost::msm::front::Row<Open, Close, boost::msm::front::none, boost::msm::front::Defer>,
#endif
        boost::msm::front::Row<Open, Check, Checked>,
        boost::msm::front::Row<Checked, Close, Closed>
    > {};
};

struct Lifecycle {
    static constexpr std::string_view id = "akte";
    using Definition = Machine;
    using Data = Akte;
    using Config = kimflow::NoConfig;
#if defined(KIMFLOW_EVENTS_EXTRA)
    using Events = kimflow::EventList<Close, Check, Archive>;
#elif defined(KIMFLOW_EVENTS_MISSING)
    using Events = kimflow::EventList<Close, Archive>;  // no Check
#else
    using Events = kimflow::EventList<Close, Check>;
#endif
};

}  // namespace akte

int main()
{
    const kimflow::Actor clerk{"clerk"};
    kimflow::Engine<akte::Lifecycle> engine;
    engine.create("A-1", akte::Akte{"Akte"}, clerk);
    // By name, so that only KIMFLOW_FOREIGN_EVENT fires a typed event the lifecycle lacks.
    if (engine.allowed_events("A-1") != std::vector<std::string_view>{"check"}) return 1;
    engine.fire("A-1", "check", kimflow::Fields{}, clerk);
    engine.fire("A-1", akte::Close{}, clerk);
#if defined(KIMFLOW_FOREIGN_EVENT)
    engine.fire("A-1", akte::Archive{}, clerk);
#endif
    // Closed is the end: no row leaves it, and a fire there is refused, not swallowed.
    try {
        engine.fire("A-1", "check", kimflow::Fields{}, clerk);
        return 1;
    } catch (const kimflow::EventNotAllowed&) {
    }
    return engine.state("A-1") == "closed" && engine.version("A-1") == 2 ? 0 : 1;
}
