// The audit trail's routes: verify (the hash chains, the rows, the signed checkpoints against
// the service's public keys, every log against its lifecycle) and the latest signed heads for a
// witness. Both show database-wide figures, so both need the `audit` permission for everything.
#include <kimflow/audit/signing.hpp>
#include <kimflow/core/verify.hpp>

#include "handlers.hpp"
#include "problems.hpp"

namespace kimflowd {

using namespace kimflow;

namespace {

nlohmann::json checkpoint_json(const Checkpoint& c) { return nlohmann::json::parse(audit::checkpoint_to_json(c)); }

}  // namespace

void Handlers::add_audit_routes()
{
    add("GET", "/api/v1/audit/verify", [this](Call& call) {
        s.cases_->check_audit(call.actor());
        // On the read-only connection: a long check does not hold up the writers.
        Store& store = *s.reader_;
        const ChainCheck chain = store.verify_chain();
        const std::vector<Checkpoint> checkpoints = store.checkpoints();
        std::vector<std::string> signature_problems;
        if (!s.public_keys_.empty())
            audit::check_signatures(checkpoints, {}, chain, s.public_keys_, signature_problems);
        std::vector<VerifyFinding> findings;
        const nlohmann::json checked{{"paper", verify_instances<paper::PaperLifecycle>(store, findings)},
                                     {"case", verify_instances<kim::CaseLifecycle>(store, findings)},
                                     {"resolution", verify_instances<resolution::ResolutionLifecycle>(store, findings)}};
        nlohmann::json problems = nlohmann::json::array();
        if (const auto& b = chain.first_break)
            problems.push_back({{"lifecycle", b->lifecycle},
                                {"id", b->instance},
                                {"problem", b->log + " " + std::to_string(b->position) + ": " + b->problem}});
        for (const auto& r : chain.rows)
            problems.push_back({{"lifecycle", r.lifecycle},
                                {"id", r.id},
                                {"problem", "column " + r.column + " differs from the row its last log entry chained"}});
        for (const auto& p : signature_problems) problems.push_back({{"lifecycle", ""}, {"id", ""}, {"problem", p}});
        for (const auto& f : findings) problems.push_back({{"lifecycle", f.lifecycle}, {"id", f.id}, {"problem", f.problem}});
        reply(call, 200,
              {{"ok", problems.empty()},
               {"checked", checked},
               {"chain",
                {{"ok", chain.ok()},
                 {"transitions", chain.transitions},
                 {"denials", chain.denials},
                 {"creations", chain.creations},
                 {"erased", chain.erased},
                 {"rows_checked", chain.rows_checked},
                 {"transition_head", chain.transition_head},
                 {"denial_head", chain.denial_head},
                 {"creation_head", chain.creation_head}}},
               {"signatures",
                {{"checked", !s.public_keys_.empty()},
                 {"ok", !s.public_keys_.empty() && signature_problems.empty()},
                 {"checkpoints", checkpoints.size()},
                 {"key_id", s.signing_key_ ? s.signing_key_->key_id() : ""}}},
               {"problems", problems}});
    });
    add("GET", "/api/v1/audit/heads", [this](Call& call) {
        s.cases_->check_audit(call.actor());
        const std::vector<Checkpoint> checkpoints = s.reader_->checkpoints();
        if (checkpoints.empty())
            throw Problem{404, "no-checkpoint", "No signed checkpoint",
                          "the audit trail has no signed checkpoint yet: give kimflowd a signing_key"};
        reply(call, 200, checkpoint_json(checkpoints.back()));
    });
}

}  // namespace kimflowd
