/// @file
/// Personal data in payloads: which fields an event marks personal (`field(...).personal()`),
/// and the payload with them erased, as Engine::purge() and Engine::erase() leave it.
#pragma once

#include <string>
#include <type_traits>
#include <vector>

#include "kimflow/core/field_archive.hpp"
#include "kimflow/core/fields.hpp"

namespace kimflow {

namespace detail {
/// Empties the personal fields of a payload. A text becomes empty; a list keeps its length
/// with each element emptied (the count may be a figure); anything else returns to its
/// default value.
class PersonalEraser : public FieldArchiveBase<PersonalEraser> {
public:
    template <class T>
    void on_field(Field<T> f)
    {
        if (!f.personal_data) return;
        ++erased;
        if constexpr (std::is_same_v<T, std::vector<std::string>>) {
            for (auto& item : f.value) item.clear();
        } else {
            f.value = T{};
        }
    }
    int erased = 0;
};
}  // namespace detail

/// Whether @p Payload has fields marked personal.
template <class Payload>
bool has_personal_fields()
{
    static const bool has = [] {
        Payload probe{};
        detail::PersonalEraser eraser;
        detail::walk(eraser, probe);
        return eraser.erased > 0;
    }();
    return has;
}

/// @p payload with its personal fields erased.
template <class Payload>
Payload without_personal_fields(Payload payload)
{
    detail::PersonalEraser eraser;
    detail::walk(eraser, payload);
    return payload;
}

}  // namespace kimflow
