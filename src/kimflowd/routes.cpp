// The route table, in the order routes are matched.
#include "handlers.hpp"

namespace kimflowd {

void Service::add_routes()
{
    handlers_ = std::make_unique<Handlers>(Handlers{*this});
    handlers_->add_web_routes();
    handlers_->add_service_routes();
    handlers_->add_feed_routes();
    handlers_->add_audit_routes();
    handlers_->add_instance_routes();
}

}  // namespace kimflowd
