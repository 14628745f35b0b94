/// @file
/// Personal data in payloads: which fields an event marks personal (`field(...).personal()`),
/// and the payload with them erased, as Engine::purge() and Engine::erase() leave it.
#pragma once

#include <optional>
#include <string>
#include <string_view>
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

/// Why personal data was erased. The erasure's log entry keeps the code (`reason=CODE`), never
/// free text: free text is where people write names, and the log is kept for good. The grounds
/// are those of DSGVO Art. 17 Abs. 1, plus the end of the retention period and clerical ones;
/// docs/erasure.md lists them with their German labels. The codes are stable: stored logs
/// keep them.
enum class ErasureReason {
    request_art17,        ///< the person asked for erasure (Art. 17 Abs. 1)
    consent_withdrawn,    ///< consent withdrawn, and no other legal basis (Art. 17 Abs. 1 lit. b)
    purpose_fulfilled,    ///< no longer needed for its purpose (Art. 17 Abs. 1 lit. a)
    objection,            ///< the person objected to the processing (Art. 21; Art. 17 Abs. 1 lit. c)
    unlawful_processing,  ///< processed unlawfully (Art. 17 Abs. 1 lit. d)
    legal_obligation,     ///< a law requires the erasure (Art. 17 Abs. 1 lit. e)
    retention_expired,    ///< the retention period ended (what Engine::purge records)
    court_order,          ///< ordered by a court or the supervisory authority
    duplicate,            ///< the case was recorded twice
    entered_in_error,     ///< recorded by mistake (wrong person, wrong case)
};

/// Every ErasureReason, in the order of the list above.
inline constexpr ErasureReason erasure_reasons[] = {
    ErasureReason::request_art17,       ErasureReason::consent_withdrawn, ErasureReason::purpose_fulfilled,
    ErasureReason::objection,           ErasureReason::unlawful_processing, ErasureReason::legal_obligation,
    ErasureReason::retention_expired,   ErasureReason::court_order,       ErasureReason::duplicate,
    ErasureReason::entered_in_error};

/// The code of @p reason, such as `consent_withdrawn`.
constexpr std::string_view to_string(ErasureReason reason)
{
    switch (reason) {
    case ErasureReason::request_art17: return "request_art17";
    case ErasureReason::consent_withdrawn: return "consent_withdrawn";
    case ErasureReason::purpose_fulfilled: return "purpose_fulfilled";
    case ErasureReason::objection: return "objection";
    case ErasureReason::unlawful_processing: return "unlawful_processing";
    case ErasureReason::legal_obligation: return "legal_obligation";
    case ErasureReason::retention_expired: return "retention_expired";
    case ErasureReason::court_order: return "court_order";
    case ErasureReason::duplicate: return "duplicate";
    case ErasureReason::entered_in_error: return "entered_in_error";
    }
    return "request_art17";
}

/// The ErasureReason whose code is @p code; none for any other text.
inline std::optional<ErasureReason> parse_erasure_reason(std::string_view code)
{
    for (ErasureReason r : erasure_reasons)
        if (to_string(r) == code) return r;
    return std::nullopt;
}

/// What Engine::erase() did.
struct ErasureOutcome {
    /// Whether an erasure was logged; false: the instance was erased already, with nothing
    /// recorded since, and only the scrub ran.
    bool recorded = false;
    /// Whether old copies of the erased data may still be in the store's files (SQLite's WAL),
    /// because another connection was reading: they go at the next checkpoint after that read
    /// ends; Engine::erase() again, Engine::purge() or Engine::scrub() finishes it.
    bool scrub_pending = false;
};

namespace detail {
/// How Engine::erase hands a reason and a note to EngineCore::erase: the code, then a line
/// break and the note, if there is one. EngineCore::erase takes text that does not start with a
/// code as a note on request_art17 (so free-text reasons of older callers are not logged for good).
inline std::string erasure_request(ErasureReason reason, std::string_view note)
{
    std::string out(to_string(reason));
    if (!note.empty()) out.append("\n").append(note);
    return out;
}
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
