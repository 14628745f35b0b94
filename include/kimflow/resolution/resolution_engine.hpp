/// @file
/// ResolutionEngine: the resolutions of a council's decisions (Beschlusskontrolle), kept in step
/// with their papers. A resolution is created for a decided paper and attached to it in one
/// transaction; the fire that settles the last open one (done or dropped) completes the paper in
/// the same transaction, and the paper's history shows it. Compiled in the library.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "kimflow/paper/lifecycle.hpp"
#include "kimflow/resolution/lifecycle.hpp"

namespace kimflow::resolution {

/// Runs resolutions beside a PaperEngine, on the same store.
///
/// Reads (view, history, find, allowed events, visit) go through engine(); every change goes
/// through this class, so that no fire can leave a paper out of step with its resolutions.
/// Thread safety as Engine's.
class ResolutionEngine {
public:
    /// The engine resolutions run on.
    using Inner = Engine<ResolutionLifecycle>;

    /// @param papers   the papers' engine; its store keeps the resolutions too
    /// @param config   due-soon days (ResolutionConfig)
    /// @param clock    where "now" comes from; the papers' engine's clock if none
    /// @param options  memory, policy and payload size, as for any engine
    explicit ResolutionEngine(paper::PaperEngine& papers, ResolutionConfig config = {},
                              std::shared_ptr<const Clock> clock = nullptr, EngineOptions options = {});
    ~ResolutionEngine();
    ResolutionEngine(const ResolutionEngine&) = delete;
    ResolutionEngine& operator=(const ResolutionEngine&) = delete;

    /// Creates resolution @p id for the decided paper @p r.paper and attaches it to the paper,
    /// both or neither. The committee, body and day of the decision are taken from the paper;
    /// an empty task takes the paper's title.
    /// @throws InvalidData if the paper does not exist or is not decided (saying what it is),
    ///         or the data is incomplete; DuplicateInstance; NotPermitted (logged)
    void create(const std::string& id, Resolution r, const Actor& actor);

    /// Fires a typed event on resolution @p id; settling it settles it on its paper too.
    /// @throws everything Engine::fire throws
    template <class Event>
    Fired fire(const std::string& id, const Event& event, const Actor& actor, const FireOptions& options = {})
    {
        return in_step(id, [&] { return engine_->fire(id, event, actor, options); });
    }

    /// Fires an event by its stable id with a payload of strings.
    /// @throws UnknownEvent, InvalidPayload, and everything the typed fire throws
    Fired fire(const std::string& id, std::string_view event, const Fields& payload, const Actor& actor,
               const FireOptions& options = {});

    /// Fires the time-triggered rows due by @p until (`became_overdue`), see Engine::tick.
    TickReport tick(Timestamp until, const Actor& actor = system_actor());

    /// One unit of work over the resolutions and the papers (Engine::unit_of_work): creations
    /// and fires of both until its commit() are one transaction. Fires through this class join
    /// it rather than open their own, so that a host can commit many at once (kimflowd's group
    /// commit). @throws Error if this thread has a unit on either engine already
    UnitOfWork unit_of_work() { return engine_->unit_of_work(papers_); }

    /// The engine, for reads.
    const Inner& engine() const noexcept { return *engine_; }
    /// The papers' engine.
    const paper::PaperEngine& papers() const noexcept { return papers_; }

private:
    /// Runs @p fire inside one transaction with the settlement of the paper it may call for.
    Fired in_step(const std::string& id, const std::function<Fired()>& fire);

    paper::PaperEngine& papers_;
    std::unique_ptr<Inner> engine_;
};

}  // namespace kimflow::resolution
