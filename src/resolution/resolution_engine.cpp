// ResolutionEngine: resolutions kept in step with their papers, and the rules the default policy
// has for resolutions.
#include "kimflow/resolution/resolution_engine.hpp"

#include <optional>

template class kimflow::Engine<kimflow::resolution::ResolutionLifecycle>;

namespace kimflow::resolution {

std::vector<PolicyRule> default_policy_rules()
{
    return {
        {"resolution", "sitzungsdienst", {"create", "extend", "drop"}, Scope::any},
        {"resolution", "verwaltung", {"start", "report_progress", "extend", "complete"}, Scope::owner},
        {"resolution", "system", {"became_overdue"}, Scope::any},
        {"resolution", "*", {"read"}, Scope::any},
    };
}

namespace {

/// The deciding consultation of a decided paper: the last treated one that decides.
const paper::Consultation* deciding(const paper::Paper& p)
{
    for (auto it = p.consultations.rbegin(); it != p.consultations.rend(); ++it)
        if (it->status == paper::ConsultationStatus::treated && it->decides()) return &*it;
    return nullptr;
}

}  // namespace

ResolutionEngine::ResolutionEngine(paper::PaperEngine& papers, ResolutionConfig config,
                                   std::shared_ptr<const Clock> clock, EngineOptions options)
    : papers_(papers)
{
    if (!clock) clock = std::shared_ptr<const Clock>(std::shared_ptr<const Clock>{}, &papers.clock());
    engine_ = std::make_unique<Inner>(std::move(config), std::move(clock), papers.store(), std::move(options));
}

ResolutionEngine::~ResolutionEngine() = default;

void ResolutionEngine::create(const std::string& id, Resolution r, const Actor& actor)
{
    if (r.paper.empty()) throw InvalidData("a resolution needs the reference of its decided paper (--paper)");
    if (!papers_.contains(r.paper))
        throw InvalidData("there is no paper '" + r.paper + "'; give the reference of a decided paper");
    const auto paper = papers_.view(r.paper);
    if (paper.state() != paper::state_id::decided)
        throw InvalidData("paper '" + r.paper + "' is " + std::string(paper.state()) +
                          "; a resolution carries out a decision: it belongs to a decided paper");
    const paper::Paper& p = paper.data;
    if (const paper::Consultation* c = deciding(p)) r.committee = c->organization;
    r.body = p.body;
    if (p.decided_at) r.decided_on = date_of(*p.decided_at);
    if (r.task.empty()) r.task = p.title;
    r.original_due = r.due;
    // One transaction over both engines; observers hear of both once it has committed.
    std::optional<UnitOfWork> own;
    if (!engine_->in_unit()) own.emplace(engine_->unit_of_work(papers_));
    engine_->create(id, std::move(r), actor);
    papers_.fire(paper.id, paper::AttachResolution{id}, system_actor());
    if (own) own->commit();
}

Fired ResolutionEngine::fire(const std::string& id, std::string_view event, const Fields& payload,
                             const Actor& actor, const FireOptions& options)
{
    return in_step(id, [&] { return engine_->fire(id, event, payload, actor, options); });
}

Fired ResolutionEngine::in_step(const std::string& id, const std::function<Fired()>& fire)
{
    // Inside the caller's unit (unit_of_work()) the settlement joins it; else one of our own.
    std::optional<UnitOfWork> own;
    if (!engine_->in_unit()) own.emplace(engine_->unit_of_work(papers_));
    const Fired fired = fire();
    if (fired.from != fired.to && (fired.to == state_id::done || fired.to == state_id::dropped)) {
        const std::string paper = engine_->data(id).paper;
        const paper::Paper p = papers_.data(paper);
        if (const paper::ResolutionLink* link = p.resolution(id); link && link->open())
            papers_.fire(paper, paper::SettleResolution{id, std::string(fired.to)}, system_actor());
    }
    if (own) own->commit();
    return fired;
}

TickReport ResolutionEngine::tick(Timestamp until, const Actor& actor) { return engine_->tick(until, actor); }

}  // namespace kimflow::resolution
