// The status of a resolution on a day, derived from its state and due date.
#include "kimflow/resolution/status.hpp"

namespace kimflow::resolution {

std::string_view label_de(Status status)
{
    switch (status) {
    case Status::on_time: return "im Plan";
    case Status::due_soon: return "bald fällig";
    case Status::overdue: return "überfällig";
    case Status::done: return "erledigt";
    case Status::dropped: return "entfallen";
    }
    return "?";
}

Status status_at(const Resolution& r, std::string_view state, Date today, const ResolutionConfig& config)
{
    if (state == state_id::done) return Status::done;
    if (state == state_id::dropped) return Status::dropped;
    if (today > r.due) return Status::overdue;
    if (days_between(today, r.due) < config.due_soon_days) return Status::due_soon;
    return Status::on_time;
}

}  // namespace kimflow::resolution
