// Must not compile: a lifecycle that declares personal data, with its erasure hook misspelt.
// Before the check, purge() would have erased nothing of such data, silently. ctest's
// kimflow_compile_fail_misspelt_hook builds it and expects the compiler to name the hook.
#include <kimflow/core/engine.hpp>
#include <kimflow/core/machine.hpp>
#include <kimflow/core/msm_model.hpp>

#include <boost/mpl/vector.hpp>
#include <boost/msm/front/functor_row.hpp>
#include <boost/msm/front/states.hpp>
#include <cereal/types/string.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace akte {

struct Akte {
    std::string name;
};
template <class Archive>
void serialize(Archive& ar, Akte& a)
{
    ar(a.name);
}

struct Open : boost::msm::front::state<> { static constexpr std::string_view id = "open"; };
struct Closed : boost::msm::front::state<> { static constexpr std::string_view id = "closed"; };
struct Close {
    static constexpr std::string_view id = "close";
    template <class A> void serialize(A&) {}
};

struct Machine : kimflow::MachineDef<Machine, Akte> {
    using initial_state = Open;
    struct transition_table : boost::mpl::vector<boost::msm::front::Row<Open, Close, Closed>> {};
};

struct Lifecycle {
    static constexpr std::string_view id = "akte";
    using Definition = Machine;
    using Data = Akte;
    using Config = kimflow::NoConfig;
    using Events = kimflow::EventList<Close>;
    static constexpr bool personal_data = true;
    static constexpr kimflow::Retention retention{10};
    static std::optional<kimflow::Timestamp> ended_at(const Akte&, std::string_view) { return std::nullopt; }
    static void erase_personl(Akte& a) { a.name.clear(); }  // misspelt: erase_personal
};

}  // namespace akte

int main()
{
    kimflow::Engine<akte::Lifecycle> engine;
    return static_cast<int>(engine.size());
}
