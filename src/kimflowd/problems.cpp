#include "problems.hpp"

#include <kimflow/core/error.hpp>
#include <kimflow/core/error_kind.hpp>
#include <kimflow/store/store.hpp>

#include "committer.hpp"

namespace kimflowd {

Problem malformed_json(const std::string& what)
{
    return Problem{400, "malformed-json", "Malformed JSON", what};
}

Problem problem_of(std::exception_ptr error, Metrics& metrics)
{
    try {
        std::rethrow_exception(error);
    } catch (const Problem& p) {
        return p;
    } catch (const IdempotencyMismatch& e) {
        return Problem{422, "idempotency-key-reused", "Idempotency-Key used for another request", e.what()};
    } catch (const ShuttingDown& e) {
        return Problem{503, "shutting-down", "Shutting down", e.what(), {}, {{"Retry-After", "5"}}};
    } catch (const nlohmann::json::exception& e) {
        return malformed_json(std::string("the JSON does not have the shape expected: ") + e.what());
    } catch (const std::exception& e) {
        const kimflow::ErrorKind& kind = kimflow::error_kind(e);
        Problem p{kind.http_status, std::string(kind.type), std::string(kind.title), e.what()};
        if (const auto* conflict = dynamic_cast<const kimflow::VersionConflict*>(&e)) {
            ++metrics.conflicts;
            p.extra = {{"expected_version", conflict->expected()}, {"actual_version", conflict->actual()}};
        } else if (const auto* rejected = dynamic_cast<const kimflow::EventRejected*>(&e)) {
            p.extra = {{"state", rejected->state()}, {"event", rejected->event()}, {"reason", rejected->reason()}};
        } else if (const auto* payload = dynamic_cast<const kimflow::InvalidPayload*>(&e)) {
            p.extra = {{"event", payload->event()}, {"field", payload->field()}};
        }
        if (dynamic_cast<const kimflow::StoreBusy*>(&e)) {
            ++metrics.busy;
            p.headers.emplace_back("Retry-After", "1");
        }
        if (p.status == 500) p.detail = "kimflowd failed on this request; the log says why";
        return p;
    } catch (...) {
        return Problem{500, "internal", "Internal error", "kimflowd failed on this request; the log says why"};
    }
}

}  // namespace kimflowd
