// A lifecycle with two events of one id, a slip a host can make: its model must refuse it, since
// events are found by id and one event's payload would reach the other's code.
#include "twin_events_lifecycle.hpp"

#include <boost/mpl/vector.hpp>
#include <boost/msm/front/functor_row.hpp>
#include <boost/msm/front/states.hpp>

#include <kimflow/core/machine.hpp>
#include <kimflow/core/msm_model.hpp>

namespace twins {

struct Waiting : boost::msm::front::state<> { static constexpr std::string_view id = "waiting"; };
struct Done : boost::msm::front::state<> { static constexpr std::string_view id = "done"; };

struct Machine : kimflow::MachineDef<Machine, Task> {
    using initial_state = Waiting;
    struct transition_table : boost::mpl::vector<boost::msm::front::Row<Waiting, Finish, Done>,
                                                 boost::msm::front::Row<Waiting, FinishToo, Done>> {};
};

}  // namespace twins

template const kimflow::LifecycleModel& kimflow::model_of<twins::Lifecycle>();
