/// @file
/// What is read off a lifecycle's MSM transition table (LifecycleTraits): for the model that
/// msm_model.hpp builds, and for tests of the tables. Hosts that only run engines need not
/// include it.
///
/// A Lifecycle is a small description struct:
/// @code
/// struct ComplaintLifecycle {
///     static constexpr std::string_view id = "complaint";  // stable, stored
///     using Definition = ComplaintMachine;                 // MSM functor front-end, derived from MachineDef
///     using Data = Complaint;                              // instance data (Definition::data_type)
///     using Config = NoConfig;                             // configuration (Definition::config_type)
///     using Events = EventList<File, Review, Resolve>;     // every event of the table
///     static void validate(const Complaint&);              // optional: throw InvalidData for bad data
///     static constexpr int main_region = 0;                // optional: the region that is the phase
/// };
/// @endcode
/// States and events are the types in `Definition::transition_table`, each with a stable
/// `static constexpr std::string_view id`. Everything below is derived from that table,
/// never kept by hand beside it.
#pragma once

#include <algorithm>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include <boost/mpl/for_each.hpp>
#include <boost/mpl/size.hpp>
#include <boost/msm/back/metafunctions.hpp>
#include <boost/msm/back/state_machine.hpp>

#include "kimflow/core/field_archive.hpp"
#include "kimflow/core/lifecycle_model.hpp"
#include "kimflow/core/machine.hpp"

namespace kimflow {

namespace detail {
/// Carries a type through boost::mpl::for_each without constructing it. (Its member is not
/// called `type`, which MPL's lambda would unwrap.)
template <class T>
struct TypeTag {
    using of = T;
};
}  // namespace detail

namespace detail {
template <class L, class = void>
struct main_region_of : std::integral_constant<int, 0> {};
template <class L>
struct main_region_of<L, std::void_t<decltype(L::main_region)>> : std::integral_constant<int, L::main_region> {};
}  // namespace detail

namespace detail {
/// Whether a state defers events: MSM would queue them and replay them on a later fire, which
/// the engine could neither report nor record.
template <class S>
struct defers_events : std::bool_constant<(boost::mpl::size<typename S::deferred_events>::value > 0)> {};
/// Whether a state is a terminate or interrupt state: MSM then swallows every event as handled.
template <class S>
struct stops_the_machine : std::bool_constant<(boost::mpl::size<typename S::internal_flag_list>::value > 0)> {};
template <class D, class = void>
struct activates_deferred_events : std::false_type {};
template <class D>
struct activates_deferred_events<D, std::void_t<typename D::activate_deferred_events>> : std::true_type {};
}  // namespace detail

/// Everything the engine derives from a Lifecycle's MSM definition.
template <class Lifecycle>
struct LifecycleTraits {
    /// The lifecycle's MSM front-end (derived from MachineDef).
    using Definition = typename Lifecycle::Definition;
    /// MSM's back-end machine: the live state of one instance.
    using Machine = boost::msm::back::state_machine<Definition>;
    /// The instance data (MachineDef's `data_type`; must be Lifecycle::Data).
    using Data = typename Definition::data_type;
    /// The configuration (MachineDef's `config_type`).
    using Config = typename Definition::config_type;
    /// The transition table as written in the front-end.
    using Table = typename Definition::transition_table;
    /// MSM's back-end table, which gives the integer state ids.
    using BackTable = typename Machine::stt;
    /// Every event type of the table.
    using EventSet = typename boost::msm::back::generate_event_set<BackTable>::type;
    /// The initial state of each region, in order.
    using InitialStates = typename boost::msm::back::get_initial_states<typename Definition::initial_state>::type;
    /// Number of orthogonal regions.
    static constexpr int regions = boost::mpl::size<InitialStates>::value;
    /// The region whose state is the lifecycle's phase (Lifecycle::main_region, default 0): what
    /// Instance::state() shows and a history record names when it moves.
    static constexpr int main_region = detail::main_region_of<Lifecycle>::value;
    static_assert(main_region >= 0 && main_region < regions, "main_region must name one of the regions");

    static_assert(std::is_same_v<Data, typename Lifecycle::Data>, "Lifecycle::Data must be the machine's data_type");
    static_assert(!detail::activates_deferred_events<Definition>::value,
                  "kimflow lifecycles cannot defer events (msm::front::Defer): a rejected fire must change nothing");

    /// Stable state id for each of MSM's integer state ids (index = MSM id).
    static const std::vector<std::string_view>& state_ids()
    {
        static const std::vector<std::string_view> ids = [] {
            std::vector<std::string_view> out;
            auto add = [&out](auto wrapped) {
                using S = typename decltype(wrapped)::of;
                if constexpr (!std::is_same_v<S, boost::msm::front::none>) {
                    static_assert(!detail::defers_events<S>::value,
                                  "kimflow lifecycles cannot defer events: a rejected fire must change nothing");
                    static_assert(!detail::stops_the_machine<S>::value,
                                  "kimflow lifecycles cannot use terminate or interrupt states: make the end a "
                                  "state no row leaves");
                    const std::size_t msm_id = boost::msm::back::get_state_id<BackTable, S>::value;
                    if (out.size() <= msm_id) out.resize(msm_id + 1);
                    out[msm_id] = S::id;
                }
            };
            boost::mpl::for_each<Table, detail::TypeTag<boost::mpl::placeholders::_1>>([&](auto row) {
                using R = typename decltype(row)::of;
                add(detail::TypeTag<typename R::Source>{});
                add(detail::TypeTag<typename R::Target>{});
            });
            boost::mpl::for_each<InitialStates, detail::TypeTag<boost::mpl::placeholders::_1>>(add);
            return out;
        }();
        return ids;
    }

    /// The stable id of MSM state @p msm_id.
    static std::string_view state_id(int msm_id) { return state_ids()[static_cast<std::size_t>(msm_id)]; }

    /// Initial state id per region.
    static std::vector<std::string_view> initial_states()
    {
        std::vector<std::string_view> out;
        boost::mpl::for_each<InitialStates, detail::TypeTag<boost::mpl::placeholders::_1>>(
            [&](auto s) { out.push_back(decltype(s)::of::id); });
        return out;
    }

    /// Every state id, in the order the table first names them.
    static std::vector<std::string_view> states()
    {
        std::vector<std::string_view> out = initial_states();
        for (const auto& t : transitions())
            for (auto id : {t.from, t.to})
                if (std::find(out.begin(), out.end(), id) == out.end()) out.push_back(id);
        return out;
    }

    /// The transition table, row by row, as written.
    static std::vector<TransitionInfo> transitions()
    {
        std::vector<TransitionInfo> out;
        boost::mpl::for_each<Table, detail::TypeTag<boost::mpl::placeholders::_1>>([&](auto row) {
            using R = typename decltype(row)::of;
            // MSM's Row<S, E, none, ...> specialisations set Target = Source and an internal-row tag.
            using Tag = typename R::row_type_tag;
            constexpr bool internal = std::is_same_v<Tag, boost::msm::a_irow_tag> ||
                                      std::is_same_v<Tag, boost::msm::g_irow_tag> ||
                                      std::is_same_v<Tag, boost::msm::irow_tag> ||
                                      std::is_same_v<Tag, boost::msm::_irow_tag>;
            const std::string_view to = R::Target::id;
            out.push_back({R::Source::id, R::Evt::id, to, internal, guard_label<typename R::Guard>()});
        });
        return out;
    }

    /// Every event with its payload fields and the states it may fire in, in table order.
    static std::vector<EventInfo> events()
    {
        std::vector<EventInfo> out;
        boost::mpl::for_each<Table, detail::TypeTag<boost::mpl::placeholders::_1>>([&](auto row) {
            using R = typename decltype(row)::of;
            using E = typename R::Evt;
            auto it = std::find_if(out.begin(), out.end(), [](const EventInfo& e) { return e.id == E::id; });
            if (it == out.end()) it = out.insert(out.end(), EventInfo{E::id, describe_fields<E>(), {}});
            if (std::find(it->from.begin(), it->from.end(), R::Source::id) == it->from.end())
                it->from.push_back(R::Source::id);
        });
        return out;
    }

    /// Calls @p f with a `detail::TypeTag<E>` for each event type E of the lifecycle.
    template <class F>
    static void for_each_event(F&& f)
    {
        boost::mpl::for_each<EventSet, detail::TypeTag<boost::mpl::placeholders::_1>>(f);
    }

    /// Events allowed now in @p machine: a row leaves a current state and its guard allows
    /// it as far as the instance alone can tell (payload guards are assumed to pass).
    static std::vector<std::string_view> allowed_events(const Machine& machine)
    {
        std::vector<std::string_view> out;
        const int* current = machine.current_state();
        boost::mpl::for_each<Table, detail::TypeTag<boost::mpl::placeholders::_1>>([&](auto row) {
            using R = typename decltype(row)::of;
            const int source = boost::msm::back::get_state_id<BackTable, typename R::Source>::value;
            if (std::find(current, current + regions, source) == current + regions) return;
            if (std::find(out.begin(), out.end(), R::Evt::id) != out.end()) return;
            if (guard_allows<typename R::Guard>(machine)) out.push_back(R::Evt::id);
        });
        return out;
    }
};

}  // namespace kimflow
