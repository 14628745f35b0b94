// A host with a lifecycle of its own, three states, in one translation unit: what a municipal
// system pays to compile kimflow::Engine<L> and the model of its own Boost.MSM table (measured
// by bench/compile/measure.sh; run by ctest as kimflow_own_lifecycle). A larger host keeps the
// machine and msm_model.hpp in one unit of their own (tests/complaint_machine.cpp does).
#include <kimflow/core/engine.hpp>
#include <kimflow/core/machine.hpp>
#include <kimflow/core/msm_model.hpp>

#include <boost/mpl/vector.hpp>
#include <boost/msm/front/functor_row.hpp>
#include <boost/msm/front/states.hpp>
#include <cereal/types/string.hpp>

#include <iostream>
#include <string>
#include <string_view>

namespace buergeranfrage {

/// A citizen's written question to the Verwaltung.
struct Anfrage {
    std::string subject;
    std::string answer{};
};

template <class Archive>
void serialize(Archive& ar, Anfrage& a)
{
    ar(a.subject, a.answer);
}

struct Received : boost::msm::front::state<> { static constexpr std::string_view id = "received"; };
struct InProgress : boost::msm::front::state<> { static constexpr std::string_view id = "in_progress"; };
struct Answered : boost::msm::front::state<> { static constexpr std::string_view id = "answered"; };

struct Take {
    static constexpr std::string_view id = "take";
    template <class A> void serialize(A&) {}
};
struct Reply {
    static constexpr std::string_view id = "reply";
    std::string text;
    template <class A> void serialize(A& ar) { ar(kimflow::field("text", text)); }
};

struct KeepReply {
    template <class F, class S, class T> void operator()(const Reply& e, F& fsm, S&, T&) const { fsm.data.answer = e.text; }
};

struct Machine : kimflow::MachineDef<Machine, Anfrage> {
    using initial_state = Received;
    template <class S, class E, class T, class A = boost::msm::front::none>
    using Row = boost::msm::front::Row<S, E, T, A, boost::msm::front::none>;
    struct transition_table : boost::mpl::vector<
        Row<Received,   Take,  InProgress>,
        Row<InProgress, Reply, Answered, KeepReply>
    > {};
};

struct Lifecycle {
    static constexpr std::string_view id = "buergeranfrage";
    using Definition = Machine;
    using Data = Anfrage;
    using Config = kimflow::NoConfig;
    using Events = kimflow::EventList<Take, Reply>;
};

}  // namespace buergeranfrage

int main()
{
    kimflow::Engine<buergeranfrage::Lifecycle> engine;
    const kimflow::Actor clerk{"schulte", "verwaltung", "Stadt Castrop-Rauxel"};
    engine.create("BA-2025-001", buergeranfrage::Anfrage{"Spielplatz Bladenhorst"}, clerk);
    engine.fire("BA-2025-001", buergeranfrage::Take{}, clerk);
    engine.fire("BA-2025-001", "reply", kimflow::Fields{{"text", "Die Sanierung beginnt im Mai."}}, clerk);
    std::cout << "state: " << engine.state("BA-2025-001") << ", version " << engine.version("BA-2025-001") << '\n';
    const bool as_told = engine.state("BA-2025-001") == "answered" && engine.version("BA-2025-001") == 2 &&
                         engine.data("BA-2025-001").answer == "Die Sanierung beginnt im Mai.";
    return as_told ? 0 : 1;
}
