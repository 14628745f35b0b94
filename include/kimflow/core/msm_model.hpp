/// @file
/// The LifecycleModel of a lifecycle written as a Boost.MSM machine: what turns a transition
/// table into something the compiled engine core can run. Include it in the one translation
/// unit that builds a lifecycle's model, and instantiate model_of there:
/// @code
/// // foerderantrag_model.cpp
/// #include <kimflow/core/msm_model.hpp>
/// #include "foerderantrag_machine.hpp"   // the states, guards, actions and transition table
/// template const kimflow::LifecycleModel& kimflow::model_of<foerder::FoerderLifecycle>();
/// @endcode
/// That unit pays for MSM (its dispatch tables are instantiated there, once per event); every
/// other unit of the host includes only engine.hpp and the lifecycle's description, and costs
/// what a unit on the built-in engines costs.
#pragma once

#include <algorithm>
#include <array>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include <boost/mpl/size.hpp>

#include "kimflow/core/field_archive.hpp"
#include "kimflow/core/hooks.hpp"
#include "kimflow/core/lifecycle.hpp"
#include "kimflow/core/lifecycle_model.hpp"
#include "kimflow/core/machine.hpp"
#include "kimflow/core/machine_states.hpp"
#include "kimflow/core/personal_data.hpp"
#include "kimflow/store/codec.hpp"

namespace kimflow {

namespace msm_detail {

/// An event type of lifecycle @p L that can run on L's machine.
template <class L>
class MsmEvent : public EventType {
public:
    using Machine = typename LifecycleTraits<L>::Machine;
    /// Runs @p payload through @p machine (see LiveMachine::apply).
    virtual MachineOutcome run(Machine& machine, const void* payload, const FireFacts& facts) const = 0;
};

/// Event @p E of lifecycle @p L.
template <class L, class E>
class TypedEvent final : public MsmEvent<L> {
public:
    using Traits = LifecycleTraits<L>;
    using Machine = typename Traits::Machine;
    using Config = typename Traits::Config;
    static_assert(storable<E>, "an event's payload is stored: give it a serialize() that lists its fields");

    TypedEvent() : fields_(describe_fields<E>()), personal_(kimflow::has_personal_fields<E>()) {}

    std::string_view id() const noexcept override { return E::id; }
    const std::vector<FieldInfo>& fields() const noexcept override { return fields_; }
    bool has_personal_fields() const noexcept override { return personal_; }
    EventBox read(const Fields& fields) const override { return std::make_shared<const E>(read_fields<E>(E::id, fields)); }
    void check_required(const void* payload) const override
    {
        check_payload_texts(E::id, as(payload));  // before anything reads them
        check_required_fields(E::id, as(payload));
    }
    std::string summary(const void* payload) const override { return summarize_fields(as(payload)); }
    std::string encode(const void* payload) const override { return kimflow::encode(as(payload)); }
    ErasedPayload erased(const void* payload) const override
    {
        const E erased = without_personal_fields(as(payload));
        return {kimflow::encode(erased), summarize_fields(erased)};
    }
    std::optional<ErasedPayload> erase_stored(const std::string& bytes, const std::string& what) const override
    {
        if (!personal_) return std::nullopt;
        const E erased = without_personal_fields(decode<E>(bytes, what));
        return ErasedPayload{kimflow::encode(erased), summarize_fields(erased)};
    }

    MachineOutcome run(Machine& machine, const void* payload, const FireFacts& facts) const override
    {
        std::array<int, Traits::regions> before{};
        std::copy_n(machine.current_state(), Traits::regions, before.begin());
        FireContext<Config> context{facts.now, facts.actor, static_cast<const Config*>(facts.config), {}};
        boost::msm::back::HandledEnum handled;
        {
            ContextScope<Machine, Config> scope(machine, context);
            handled = machine.process_event(as(payload));
        }
        MachineOutcome outcome;
        // MSM ors the results of all regions: applied if any region took the event.
        if (!(handled & boost::msm::back::HANDLED_TRUE)) {
            outcome.result = (handled & boost::msm::back::HANDLED_GUARD_REJECT)
                                 ? MachineOutcome::Result::guard_rejected
                                 : MachineOutcome::Result::not_allowed;
            outcome.refusal = std::move(context.refusal);
            return outcome;
        }
        // The record names the main region's states, or those of the first region that moved
        // when the main region stayed (e.g. consent granted while the phase goes on).
        int region = Traits::main_region;
        for (int r = 0; r < Traits::regions && before[region] == machine.current_state()[region]; ++r)
            if (before[r] != machine.current_state()[r]) region = r;
        outcome.result = MachineOutcome::Result::applied;
        outcome.from = Traits::state_id(before[region]);
        outcome.to = Traits::state_id(machine.current_state()[region]);
        return outcome;
    }

private:
    static const E& as(const void* payload) { return *static_cast<const E*>(payload); }
    std::vector<FieldInfo> fields_;
    bool personal_;
};

/// The running MSM machine of one instance of lifecycle @p L.
template <class L>
class LiveMsmMachine final : public LiveMachine {
public:
    using Traits = LifecycleTraits<L>;
    using Machine = typename Traits::Machine;
    using Config = typename Traits::Config;

    const void* data() const noexcept override { return &machine.data; }
    void* data() noexcept override { return &machine.data; }
    std::string_view state(int region) const override { return Traits::state_id(machine.current_state()[region]); }
    std::string_view state() const override { return state(Traits::main_region); }
    MachineOutcome apply(const EventType& type, const void* payload, const FireFacts& facts) override
    {
        // Every EventType the core passes comes from this lifecycle's model.
        return static_cast<const MsmEvent<L>&>(type).run(machine, payload, facts);
    }
    std::vector<std::string_view> allowed_events(const FireFacts& facts) const override
    {
        // Guards read the configuration through the fire context; only its pointer changes.
        FireContext<Config> context{facts.now, facts.actor, static_cast<const Config*>(facts.config), {}};
        auto& running = const_cast<Machine&>(machine);
        ContextScope<Machine, Config> scope(running, context);
        return Traits::allowed_events(running);
    }

    Machine machine;
};

}  // namespace msm_detail

/// The model of lifecycle @p L, read off its MSM transition table once.
template <class L>
class MsmModel final : public LifecycleModel {
public:
    /// What is read off the table.
    using Traits = LifecycleTraits<L>;
    /// The lifecycle's data.
    using Data = typename Traits::Data;
    /// The lifecycle's configuration.
    using Config = typename Traits::Config;
    /// One instance's running machine.
    using Live = msm_detail::LiveMsmMachine<L>;
    static_assert(storable<Data>, "the lifecycle's data is stored: give it a cereal serialize() function");
    static_assert(hooks::has_event_list<L>::value,
                  "the lifecycle must list its events: `using Events = kimflow::EventList<…>;`");
    static_assert(sizeof(hooks::PersonalDataCheck<L>) > 0, "the lifecycle's personal-data hooks are checked");
    static_assert(L::Events::size == boost::mpl::size<typename Traits::EventSet>::value,
                  "Lifecycle::Events must list exactly the events of the transition table");

    /// Reads the table: states, rows, events and one EventType per event.
    /// @throws Error if two events have one id
    MsmModel()
        : initial_(Traits::initial_states()),
          states_(Traits::states()),
          transitions_(Traits::transitions()),
          events_(Traits::events())
    {
        Traits::for_each_event([this](auto wrapped) {
            using E = typename decltype(wrapped)::of;
            static_assert(L::Events::template contains<E>,
                          "an event of the transition table is missing from Lifecycle::Events");
            // Events are found by id (firing by name, the typed face): two with one id would
            // hand one's payload to the other's code.
            if (event(E::id))
                throw Error("two events of the " + std::string(L::id) + " lifecycle have the id '" +
                            std::string(E::id) + "'; give each event an id of its own");
            types_.push_back(std::make_unique<msm_detail::TypedEvent<L, E>>());
        });
    }

    std::string_view id() const noexcept override { return L::id; }
    int regions() const noexcept override { return Traits::regions; }
    int main_region() const noexcept override { return Traits::main_region; }
    const std::vector<std::string_view>& initial_states() const noexcept override { return initial_; }
    const std::vector<std::string_view>& states() const noexcept override { return states_; }
    const std::vector<TransitionInfo>& transitions() const noexcept override { return transitions_; }
    const std::vector<EventInfo>& events() const noexcept override { return events_; }
    const EventType* event(std::string_view id) const noexcept override
    {
        for (const auto& type : types_)
            if (type->id() == id) return type.get();
        return nullptr;
    }

    void validate(const void* data) const override
    {
        detail::check_texts(*static_cast<const Data*>(data), [](const std::string& name, const std::string& problem) {
            throw InvalidData("the data's " + name + ": " + problem);
        });
        if constexpr (hooks::has_validate<L>::value) L::validate(*static_cast<const Data*>(data));
    }
    std::unique_ptr<LiveMachine> start(void* data, const FireFacts& facts) const override
    {
        auto live = std::make_unique<Live>();
        live->machine.data = std::move(*static_cast<Data*>(data));
        FireContext<Config> context{facts.now, facts.actor, static_cast<const Config*>(facts.config), {}};
        ContextScope<typename Traits::Machine, Config> scope(live->machine, context);
        live->machine.start();
        return live;
    }
    std::unique_ptr<LiveMachine> restore(const std::string& bytes, const std::vector<std::string>& states,
                                         const std::string& what) const override
    {
        auto live = std::make_unique<Live>();
        live->machine.data = decode<Data>(bytes, what);
        restore_state_ids<L>(live->machine, states, what);
        // Data that decodes can still contradict the state (a row edited by hand); the guards
        // and actions rely on what the state promises.
        if constexpr (hooks::has_stored_inconsistency<L>::value)
            if (const std::optional<std::string> problem = L::stored_inconsistency(live->machine.data, states))
                throw StoreCorrupt("the stored " + what + " is impossible: " + *problem +
                                   "; restore it from a backup, and run `kimctl verify` to find other damage");
        return live;
    }
    std::string encode_data(const void* data) const override { return encode(*static_cast<const Data*>(data)); }
    void check_data(const std::string& bytes, const std::string& what) const override { (void)decode<Data>(bytes, what); }
    StoreKeys keys(const void* data, std::string_view state, const void* config) const override
    {
        if constexpr (hooks::has_store_keys<L>::value)
            return L::store_keys(*static_cast<const Data*>(data), state, *static_cast<const Config*>(config));
        else
            return {};
    }
    std::vector<Timer> timers(const void* data, std::string_view state, const void* config) const override
    {
        if constexpr (hooks::has_timers<L>::value) {
            static_assert(hooks::has_event_list<L>::value, "a lifecycle with timers lists its events");
            return L::timers(*static_cast<const Data*>(data), state, *static_cast<const Config*>(config));
        } else {
            return {};
        }
    }

    bool personal_data() const noexcept override { return hooks::declares_personal_data<L>::value; }
    std::optional<Retention> retention() const noexcept override
    {
        if constexpr (hooks::has_retention<L>::value)
            return Retention{L::retention};
        else
            return std::nullopt;
    }
    std::optional<Timestamp> ended_at(const void* data, std::string_view state) const override
    {
        if constexpr (hooks::has_ended_at<L>::value)
            return L::ended_at(*static_cast<const Data*>(data), state);
        else
            return std::nullopt;
    }
    void erase_personal(void* data) const override
    {
        if constexpr (hooks::has_erase_personal<L>::value) L::erase_personal(*static_cast<Data*>(data));
    }
    std::vector<std::string_view> ended_states() const override
    {
        if constexpr (hooks::has_ended_states<L>::value)
            return {std::begin(L::ended_states), std::end(L::ended_states)};
        else
            return {};
    }

private:
    std::vector<std::string_view> initial_;
    std::vector<std::string_view> states_;
    std::vector<TransitionInfo> transitions_;
    std::vector<EventInfo> events_;
    std::vector<std::unique_ptr<msm_detail::MsmEvent<L>>> types_;
};

template <class Lifecycle>
const LifecycleModel& model_of()
{
    static const MsmModel<Lifecycle> model;
    return model;
}

}  // namespace kimflow
