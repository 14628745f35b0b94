// Import: reads the sources into a Catalog, plans every paper, and replays the plans through the
// paper lifecycle, each paper whole or not at all, all in one unit of work (see oparl.hpp).
#include <algorithm>
#include <map>
#include <set>

#include "kimflow/core/input.hpp"
#include "kimflow/core/text.hpp"
#include "kimflow/io/oparl.hpp"
#include "names.hpp"
#include "plan.hpp"
#include "reader.hpp"

namespace kimflow::oparl {

using namespace kimflow::paper;
using namespace detail;
using nlohmann::json;

namespace {

/// Store settings: which OParl paper became which instance (and its `modified` then), and
/// which paper a consultation belongs to (a sync finds the papers of changed meetings by it).
std::string paper_key(const std::string& key) { return "oparl:paper:" + key; }
std::string consultation_key(const std::string& url) { return "oparl:consultation:" + id_key(url); }

/// Whether scheduling in @p organization would pass a consultation planned before it.
bool out_of_order(const Paper& p, const std::string& organization)
{
    const std::optional<std::size_t> first = p.next_planned();
    if (!first) return false;
    const std::optional<std::size_t> bound = p.next_planned(organization);
    return !bound || *first < *bound;
}

/// Fires @p step, recorded at @p at; a schedule the deadline guard refuses goes in as urgent
/// (the council put it on the agenda whatever kimflow's rules say), and one out of the
/// Beratungsfolge's order says that the RIS records it so.
void fire_step(PaperEngine& engine, const std::string& instance, const Plan& plan, const Step& step,
               const Actor& actor, Timestamp at)
{
    const FireOptions recorded{std::nullopt, at};
    try {
        std::visit(
            [&](const auto& e) {
                using E = std::decay_t<decltype(e)>;
                if constexpr (std::is_same_v<E, Schedule>) {
                    Schedule s = e;
                    if (s.skip_reason.empty() && out_of_order(engine.data(instance), s.organization))
                        s.skip_reason = std::string(skip_as_recorded);
                    try {
                        engine.fire(instance, s, actor, recorded);
                    } catch (const GuardRejected&) {
                        if (s.urgent) throw;
                        s.urgent = true;
                        engine.fire(instance, s, actor, recorded);
                    }
                } else {
                    engine.fire(instance, e, actor, recorded);
                }
            },
            step.event);
    } catch (const GuardRejected& e) {
        throw GuardRejected(e.instance(), e.state(), e.event(), e.reason(), plan.file + ": " + e.what());
    } catch (const EventNotAllowed& e) {
        throw EventNotAllowed(e.instance(), e.state(), e.event(), e.reason(), plan.file + ": " + e.what());
    } catch (const InvalidPayload& e) {
        // A text the RIS wrote (an agenda item's result, …) breaks input.hpp's rule for the
        // event's field: the paper is quarantined by file, like one whose own text breaks it.
        throw ImportError(plan.file, plan.path, e.what());
    }
}

std::string list_events(const std::vector<std::string_view>& ids)
{
    std::string out;
    for (auto id : ids) out += (out.empty() ? "" : ", ") + std::string(id);
    return out.empty() ? "(none)" : out;
}

class Replay {
public:
    Replay(PaperEngine& engine, const Actor& actor) : engine_(engine), store_(*engine.store()), actor_(actor) {}

    /// The instance an OParl id became, if any.
    std::optional<std::string> known(const std::string& key)
    {
        if (key.empty()) return std::nullopt;
        auto value = store_.setting(paper_key(key));
        if (!value) return std::nullopt;
        try {
            const std::string instance = json::parse(*value).at("instance").get<std::string>();
            if (engine_.contains(instance)) return instance;
        } catch (const json::exception&) {
        }
        return std::nullopt;
    }

    /// Where a plan goes: the instance, whether it exists, whether the store knew it by id.
    struct Target {
        std::string instance;
        bool exists = false, by_id = false;
    };

    /// Which instance @p plan goes to: the one its id became; else the one of its reference,
    /// unless that came from another OParl object (then a new id, qualified by the body).
    Target instance_for(const Plan& plan)
    {
        if (auto instance = known(plan.key)) return {*instance, true, true};
        const std::string& ref = plan.paper.reference;
        auto same_source = [&](const std::string& id) {
            const auto data = engine_.view(id).data;
            return data.source.empty() || plan.key.empty() || id_key(data.source.id) == plan.key;
        };
        if (!engine_.contains(ref)) return {ref, false};
        if (same_source(ref)) return {ref, true};
        const std::string body = !plan.paper.body.empty()         ? plan.paper.body
                                 : !plan.paper.source.id.empty() ? origin_of(plan.paper.source.id)
                                                                 : origin_of(plan.id);
        for (const std::string& candidate : {ref + " (" + body + ")", ref + " (" + short_hash(plan.key) + ")"}) {
            if (!engine_.contains(candidate)) return {candidate, false};
            if (same_source(candidate)) return {candidate, true};
        }
        throw ImportError(plan.file, plan.path, "paper " + ref + " exists several times from other sources");
    }

    /// Applies @p plan; returns how the paper ended and its instance id.
    std::pair<ObjectOutcome, std::string> apply(const Plan& plan, std::vector<ObjectReport>& warnings)
    {
        const Target target = instance_for(plan);
        const std::string& instance = target.instance;
        const bool exists = target.exists;
        std::size_t done = 0;
        Timestamp last = plan.created;
        ObjectOutcome outcome = ObjectOutcome::created;
        if (exists) {
            const auto history = engine_.history(instance);
            std::vector<std::string_view> stored, wanted;
            for (const auto& h : history) stored.push_back(h.event);
            for (const auto& s : plan.steps) wanted.push_back(event_id(s.event));
            if (stored.size() > wanted.size() || !std::equal(stored.begin(), stored.end(), wanted.begin())) {
                const bool older =
                    wanted.size() < stored.size() && std::equal(wanted.begin(), wanted.end(), stored.begin());
                throw ImportError(plan.file, plan.path,
                                  "paper " + instance + " exists with a different history (stored: " +
                                      list_events(stored) + "; the data implies: " + list_events(wanted) + ")" +
                                      (older ? "; the data looks older than what is stored" : "") +
                                      "; kimflow does not rewrite a paper's history: correct the data, or leave "
                                      "this paper out of the import");
            }
            done = stored.size();
            if (!history.empty()) last = history.back().at;
            outcome = done == plan.steps.size() ? ObjectOutcome::unchanged : ObjectOutcome::advanced;
            const std::string stored_reference = engine_.view(instance).data.reference;
            if (stored_reference != plan.paper.reference)
                warnings.push_back({outcome, plan.file, plan.path, plan.id, instance,
                                    "the source renumbered paper " + stored_reference + " as " +
                                        plan.paper.reference + "; kimflow keeps it as " + instance});
        } else {
            try {
                check_id(instance);  // the engine's rule (input.hpp), asked first to name the field
            } catch (const InvalidData& e) {
                // The engine refuses the reference as an id (too long, not UTF-8, …): name the file.
                throw ImportError(plan.file, plan.path.empty() ? "reference" : plan.path + ".reference", e.what());
            }
            try {
                engine_.create(instance, plan.paper, actor_, CreateOptions{plan.created});
            } catch (const InvalidData& e) {
                // A text of the paper breaks input.hpp's rule (a title too long, a control character).
                throw ImportError(plan.file, plan.path, e.what());
            }
        }
        for (std::size_t i = done; i < plan.steps.size(); ++i) {
            last = std::max(last, *plan.steps[i].at);
            fire_step(engine_, instance, plan, plan.steps[i], actor_, last);
        }
        if (!plan.state.empty() && engine_.state(instance) != plan.state)
            throw ImportError(plan.file, plan.path.empty() ? "kimflow:state" : plan.path + ".kimflow:state",
                              "paper " + instance + " says it is '" + plan.state + "', but its data leads to '" +
                                  std::string(engine_.state(instance)) +
                                  "'; check its consultations and meetings, or leave kimflow:state out");
        if (!plan.key.empty() && (outcome != ObjectOutcome::unchanged || !target.by_id)) remember(plan, instance);
        return {outcome, instance};
    }

    /// A tombstone: the paper it names is withdrawn ("in der Quelle gelöscht") at its time.
    ObjectReport bury(const Tombstone& t)
    {
        ObjectReport report{ObjectOutcome::skipped, t.file, t.path, t.id, "", ""};
        const auto instance = known(id_key(t.id));
        if (!instance) {
            report.reason = "deleted at the source; kimflow does not know this object";
            return report;
        }
        report.reference = *instance;
        const std::string state(engine_.state(*instance));
        if (state == state_id::withdrawn) {
            report.outcome = ObjectOutcome::unchanged;
            return report;
        }
        const auto history = engine_.history(*instance);
        Timestamp at = t.at.value_or(engine_.clock().now());
        if (!history.empty()) at = std::max(at, history.back().at);
        try {
            engine_.fire(*instance, Withdraw{"in der Quelle gelöscht"}, actor_, FireOptions{std::nullopt, at});
            report.outcome = ObjectOutcome::advanced;
        } catch (const EventRejected&) {
            report.reason = "deleted at the source; the paper stays " + state + " (a final state keeps its history)";
        }
        return report;
    }

private:
    void remember(const Plan& plan, const std::string& instance)
    {
        json value = {{"instance", instance}};
        if (plan.modified) value["modified"] = format_timestamp(*plan.modified);
        store_.put_setting(paper_key(plan.key), value.dump());
        for (const auto& c : plan.consultation_ids) store_.put_setting(consultation_key(c), plan.id);
    }

    PaperEngine& engine_;
    Store& store_;
    const Actor& actor_;
};

void sort_unique(std::vector<std::string>& list)
{
    std::sort(list.begin(), list.end());
    list.erase(std::unique(list.begin(), list.end()), list.end());
}

}  // namespace

ImportResult import_papers(PaperEngine& engine, const std::vector<ImportSource>& sources, const Actor& actor,
                           const ImportOptions& options)
{
    ImportResult result;
    const bool strict = options.strict;
    auto quarantine = [&](ObjectReport report) {
        if (strict) throw ImportError(report.file, report.path, report.reason);
        report.outcome = ObjectOutcome::quarantined;
        result.quarantined.push_back(std::move(report));
    };

    // 1. Read everything and plan every paper before anything changes.
    Catalog catalog;
    for (const auto& source : sources) catalog.add_source(source, result, strict);
    catalog.index_papers();
    std::vector<Plan> plans;
    std::map<std::string, std::pair<std::size_t, const Reader*>> seen;  // by id_key, else reference
    const Timestamp now = engine.clock().now();
    std::set<std::string> buried;  // a paper and its tombstone in one import: the tombstone counts
    for (const Tombstone& t : catalog.tombstones) buried.insert(id_key(t.id));
    for (const Reader& r : catalog.papers) {
        if (const json* id = r.get("id"); id && id->is_string() && buried.count(id_key(id->get<std::string>()))) {
            result.skipped.push_back({ObjectOutcome::skipped, r.file(), r.path(), id->get<std::string>(), "",
                                      "deleted at the source: a tombstone for it is in the import"});
            continue;
        }
        Plan plan;
        try {
            plan = plan_paper(r, catalog, options.vocabulary, now, options.system);
        } catch (const ImportError& e) {
            const json* id = r.get("id");
            quarantine({ObjectOutcome::quarantined, e.file(), e.field(), id && id->is_string() ? id->get<std::string>() : "",
                        "", e.what()});
            continue;
        }
        const std::string key = plan.key.empty() ? "reference " + plan.paper.reference : plan.key;
        if (auto [it, fresh] = seen.emplace(key, std::pair(plans.size(), &r)); !fresh) {
            Plan& first = plans[it->second.first];
            if (it->second.second->object() == r.object()) continue;  // the same object twice
            if (plan.modified && first.modified && *plan.modified != *first.modified) {
                // Two copies (list pages overlapping while the RIS changed): the newer counts.
                const bool newer = *plan.modified > *first.modified;
                result.skipped.push_back({ObjectOutcome::skipped, newer ? first.file : plan.file,
                                          newer ? first.path : plan.path, plan.id, plan.paper.reference,
                                          "an older copy of this paper, also given in " +
                                              (newer ? plan.file : first.file)});
                if (newer) {
                    first = std::move(plan);
                    it->second.second = &r;
                }
                continue;
            }
            quarantine({ObjectOutcome::quarantined, plan.file, plan.path, plan.id, plan.paper.reference,
                        "paper " + plan.paper.reference + " is given twice (also in " + first.file + " " + first.path +
                            ")" + " with different content and the same modified time; keep one of them"});
            continue;
        }
        plans.push_back(std::move(plan));
    }

    if (options.report_untied)
        for (const auto& [key, item] : catalog.agenda_items)
            if (item.loose && !item.tied && !item.result.empty())
                result.warnings.push_back({ObjectOutcome::skipped, item.file, item.path, item.url, "",
                                           "agenda item '" + printable(item.name, 60) +
                                               "' names no consultation, and no paper of the import has its title "
                                               "or a reference it mentions; its result '" +
                                               printable(item.result, 60) + "' is not recorded"});

    // 2. Apply: each paper whole or not at all, in one unit of work.
    if (plans.empty() && catalog.tombstones.empty()) return result;
    Replay replay(engine, actor);
    auto unit = engine.unit_of_work();
    std::size_t done = 0;
    for (Plan& plan : plans) {
        std::pair<ObjectOutcome, std::string> applied;
        std::vector<ObjectReport> warnings;
        try {
            unit.attempt([&] { applied = replay.apply(plan, warnings); });
        } catch (const StoreError&) {
            throw;
        } catch (const ImportError& e) {
            quarantine({ObjectOutcome::quarantined, e.file(), e.field(), plan.id, plan.paper.reference, e.what()});
            continue;
        } catch (const EventRejected& e) {
            if (strict) throw;
            quarantine({ObjectOutcome::quarantined, plan.file, plan.path, plan.id, plan.paper.reference,
                        std::string(e.what()) + "; the data contradicts the paper lifecycle"});
            continue;
        } catch (const InvalidData& e) {
            quarantine({ObjectOutcome::quarantined, plan.file, plan.path, plan.id, plan.paper.reference, e.what()});
            continue;
        }
        const auto& [outcome, instance] = applied;
        (outcome == ObjectOutcome::created    ? result.created
         : outcome == ObjectOutcome::advanced ? result.advanced
                                              : result.unchanged)
            .push_back(instance);
        for (auto& w : plan.warnings) {
            w.outcome = outcome;
            w.reference = instance;
            result.warnings.push_back(std::move(w));
        }
        for (auto& w : warnings) result.warnings.push_back(std::move(w));
        if (options.progress) options.progress(++done, plans.size());
    }
    for (const Tombstone& t : catalog.tombstones) {
        ObjectReport report;
        unit.attempt([&] { report = replay.bury(t); });
        if (report.outcome == ObjectOutcome::advanced)
            result.advanced.push_back(report.reference);
        else if (report.outcome == ObjectOutcome::unchanged)
            result.unchanged.push_back(report.reference);
        else
            result.skipped.push_back(std::move(report));
    }
    unit.commit();
    for (auto* list : {&result.created, &result.advanced, &result.unchanged}) sort_unique(*list);
    // A paper is listed once: created (then buried, or given again without its id) is created,
    // advanced and then unchanged is advanced.
    auto drop = [](std::vector<std::string>& list, const std::vector<std::string>& listed) {
        list.erase(std::remove_if(list.begin(), list.end(),
                                  [&](const std::string& id) {
                                      return std::binary_search(listed.begin(), listed.end(), id);
                                  }),
                   list.end());
    };
    drop(result.advanced, result.created);
    drop(result.unchanged, result.created);
    drop(result.unchanged, result.advanced);
    return result;
}

}  // namespace kimflow::oparl
