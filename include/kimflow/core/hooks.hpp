/// @file
/// What a lifecycle may declare beside its transition table, in one place: the keys a store
/// indexes, a check of new data, a check of stored data, and its personal data (how long it is
/// kept and how it is erased). The engine finds each hook by its name and signature; the
/// personal-data hooks come as a set that is checked at compile time, so that a misspelt one
/// is an error instead of a purge that erases nothing.
///
/// @code
/// struct CaseLifecycle {
///     …
///     using Events = EventList<Open, Accept, …>;                  // every event of the table
///     static StoreKeys store_keys(const KimCase&, std::string_view state, const CaseConfig&);
///     static void validate(const KimCase&);                       // throw InvalidData
///     static std::optional<std::string> stored_inconsistency(const KimCase&, const std::vector<std::string>& states);
///     static constexpr bool personal_data = true;                 // then all three below
///     static constexpr Retention retention{5};
///     static std::optional<Timestamp> ended_at(const KimCase&, std::string_view state);
///     static void erase_personal(KimCase&);
///     static constexpr std::array<std::string_view, 2> ended_states{"closed", "aborted"};  // optional
///     static std::vector<Timer> timers(const KimCase&, std::string_view state, const CaseConfig&);  // optional
/// };
/// @endcode
#pragma once

#include <cstddef>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "kimflow/core/fields.hpp"
#include "kimflow/core/time.hpp"

namespace kimflow {

/// Configuration of a lifecycle that needs none.
struct NoConfig {};

/// What a store indexes of an instance, derived from its data by the lifecycle's optional
/// `static StoreKeys store_keys(const Data&, std::string_view state, const Config&)`.
struct StoreKeys {
    /// The day from which the instance is overdue (an answer, a result, a follow-up).
    std::optional<Date> due{};
    /// Who the instance belongs to (a Träger, an originator).
    std::string owner{};
    /// Where it belongs (a Kommune, a body).
    std::string area{};
    /// The organisation over its owner (the Kreis of a KIM case), for policies.
    std::string overseer{};
};

/// A time-triggered row: what the lifecycle's optional `static std::vector<Timer> timers(const
/// Data&, std::string_view state, const Config&)` says falls due by itself (an answer period
/// passes, a due date, a Wiedervorlage). A tick (EngineCore::tick) fires every timer due by its
/// time as actor `system`, by name with `payload`. The event's action must make the timer leave
/// the list (record that it fired): that, and the version the tick expects, makes each firing
/// happen exactly once however many ticks run.
struct Timer {
    /// The event to fire: one of the lifecycle's events.
    std::string_view event;
    /// When it falls due.
    Timestamp due{};
    /// Its payload, as firing by name takes it (the due time among it, so that the history
    /// shows what fell due when).
    Fields payload{};
};

/// How long an ended instance keeps its personal data: to the end of the given calendar year
/// after the year it ended (5 for KIM cases: a case closed in 2020 is purged from 2026-01-01).
struct Retention {
    /// Calendar years after the year the instance ended.
    int calendar_years = 5;
};

/// The events of a lifecycle, as its description lists them (`using Events = EventList<…>`):
/// what a typed fire takes, known without the transition table. The translation unit that
/// builds the lifecycle's model checks that they are exactly the table's events.
template <class... Events>
struct EventList {
    /// Whether @p E is one of them.
    template <class E>
    static constexpr bool contains = (std::is_same_v<E, Events> || ...);
    /// How many there are.
    static constexpr std::size_t size = sizeof...(Events);
};

/// Which hooks a lifecycle @p L declares (see the file comment).
namespace hooks {

template <class L, class = void>
struct has_event_list : std::false_type {};
template <class L>
struct has_event_list<L, std::void_t<typename L::Events>> : std::true_type {};

template <class L, class = void>
struct has_store_keys : std::false_type {};
template <class L>
struct has_store_keys<L, std::void_t<decltype(L::store_keys(std::declval<const typename L::Data&>(), std::string_view{},
                                                            std::declval<const typename L::Config&>()))>>
    : std::true_type {};

template <class L, class = void>
struct has_validate : std::false_type {};
template <class L>
struct has_validate<L, std::void_t<decltype(L::validate(std::declval<const typename L::Data&>()))>> : std::true_type {};

template <class L, class = void>
struct has_stored_inconsistency : std::false_type {};
template <class L>
struct has_stored_inconsistency<L, std::void_t<decltype(L::stored_inconsistency(
                                       std::declval<const typename L::Data&>(),
                                       std::declval<const std::vector<std::string>&>()))>> : std::true_type {};

template <class L, class = void>
struct has_timers : std::false_type {};
template <class L>
struct has_timers<L, std::enable_if_t<std::is_convertible_v<decltype(L::timers(std::declval<const typename L::Data&>(),
                                                                                std::string_view{},
                                                                                std::declval<const typename L::Config&>())),
                                                            std::vector<Timer>>>> : std::true_type {};

template <class L, class = void>
struct declares_personal_data : std::false_type {};
template <class L>
struct declares_personal_data<L, std::void_t<decltype(L::personal_data)>> : std::bool_constant<L::personal_data> {};

template <class L, class = void>
struct has_ended_at : std::false_type {};
template <class L>
struct has_ended_at<L, std::enable_if_t<std::is_convertible_v<decltype(L::ended_at(
                                                                  std::declval<const typename L::Data&>(),
                                                                  std::string_view{})),
                                                              std::optional<Timestamp>>>> : std::true_type {};

template <class L, class = void>
struct has_erase_personal : std::false_type {};
template <class L>
struct has_erase_personal<L, std::void_t<decltype(L::erase_personal(std::declval<typename L::Data&>()))>>
    : std::true_type {};

template <class L, class = void>
struct has_retention : std::false_type {};
template <class L>
struct has_retention<L, std::void_t<decltype(Retention{L::retention})>> : std::true_type {};

template <class L, class = void>
struct has_ended_states : std::false_type {};
template <class L>
struct has_ended_states<L, std::void_t<decltype(std::begin(L::ended_states))>> : std::true_type {};

/// Compile-time check of @p L's personal-data hooks: instantiated by Engine<L>.
template <class L>
struct PersonalDataCheck {
    /// Whether @p L opted in with `static constexpr bool personal_data = true`.
    static constexpr bool declared = declares_personal_data<L>::value;
    static_assert(declared || !(has_erase_personal<L>::value || has_ended_at<L>::value || has_retention<L>::value ||
                                has_ended_states<L>::value),
                  "this lifecycle has a personal-data hook (erase_personal, ended_at, retention or ended_states) "
                  "but does not declare `static constexpr bool personal_data = true;`: declare it, so that a "
                  "missing or misspelt hook is found when it compiles");
    static_assert(!declared || has_erase_personal<L>::value,
                  "personal_data = true needs `static void erase_personal(Data&)`: it is missing, misspelt or has "
                  "another signature, and purge() would erase nothing of the data");
    static_assert(!declared || has_ended_at<L>::value,
                  "personal_data = true needs `static std::optional<Timestamp> ended_at(const Data&, "
                  "std::string_view state)`: it is missing, misspelt or has another signature");
    static_assert(!declared || has_retention<L>::value,
                  "personal_data = true needs `static constexpr Retention retention{years}`: it is missing or "
                  "misspelt");
};

}  // namespace hooks

}  // namespace kimflow
