// Planning one paper's import (see plan.hpp; the rules are in the header of oparl.hpp).
#include "plan.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "kimflow/core/text.hpp"
#include "names.hpp"

namespace kimflow::oparl::detail {

using namespace kimflow::paper;
using nlohmann::json;

std::string_view event_id(const Event& e)
{
    return std::visit([](const auto& x) -> std::string_view { return std::decay_t<decltype(x)>::id; }, e);
}

namespace {

/// The paper lifecycle's states, as `kimflow:state` names them.
const std::set<std::string, std::less<>> kStates = {"draft",        "submitted", "answered", "on_agenda", "acknowledged",
                                                    "decided",      "rejected",  "withdrawn", "completed"};

/// A consultation as the data tells it.
struct Treatment {
    Consultation c;
    std::string id;  ///< id_key
    std::optional<Date> day;
    std::string top, result;
    std::optional<ResultOutcome> outcome;  ///< only outcomes that move the paper
    std::string refer_to;
    std::optional<ConsultationRole> refer_role;
    bool role_given = false;  ///< the data names a role the vocabulary maps
};

class Planner {
public:
    Planner(const Reader& r, Catalog& cat, const Vocabulary& vocabulary, Plan& plan)
        : r_(r), cat_(cat), vocabulary_(vocabulary), plan_(plan)
    {
    }

    void warn(const std::string& path, const std::string& message)
    {
        plan_.warnings.push_back({ObjectOutcome::created, r_.file(), path, plan_.id, plan_.paper.reference, message});
    }

    /// The consultations of the paper: embedded, linked by URL, or given on their own naming
    /// it; one per id (the one with a result wins).
    std::vector<Treatment> treatments()
    {
        std::vector<std::string> links;
        std::vector<Reader> given = r_.objects("consultation", &links);
        for (const auto& link : links)
            if (auto it = cat_.consultations.find(id_key(link)); it != cat_.consultations.end())
                given.push_back(it->second.back());
            else
                warn(r_.where("consultation"), "consultation " + printable(link, 200) +
                                                  " is only linked, not given; import it with the paper");
        if (auto it = cat_.consultations_of_paper.find(plan_.key); it != cat_.consultations_of_paper.end())
            for (const auto& key : it->second) {
                const bool embedded = std::any_of(given.begin(), given.end(), [&](const Reader& c) {
                    auto id = c.text("id");
                    return id && id_key(*id) == key;
                });
                if (!embedded) given.push_back(cat_.consultations.at(key).back());
            }
        std::vector<Treatment> out;
        std::map<std::string, std::size_t> by_id;
        for (const Reader& c : given) {
            auto t = treatment(c);
            if (!t) continue;
            if (!t->id.empty()) {
                auto [it, fresh] = by_id.emplace(t->id, out.size());
                if (!fresh) {
                    warn(c.path(), "consultation " + t->id + " is given twice with different data; the one " +
                                       (t->result.empty() ? "given first" : "with a result") + " counts");
                    if (!t->result.empty() && out[it->second].result.empty()) out[it->second] = std::move(*t);
                    continue;
                }
            }
            out.push_back(std::move(*t));
        }
        tie_loose_items(out);
        return out;
    }

private:
    std::optional<Treatment> treatment(const Reader& c)
    {
        const auto id = c.text("id");
        Treatment t;
        if (id) t.id = id_key(*id);
        const Reader* alone = nullptr;  // the same consultation given on its own
        if (id)
            if (auto it = cat_.consultations.find(t.id); it != cat_.consultations.end() && &it->second.back() != &c)
                alone = &it->second.back();
        auto pick = [&](std::string_view key) {
            auto v = c.text(key);
            return v || !alone ? v : alone->text(key);
        };
        std::optional<std::string> agenda_id;
        if (auto a = pick("agendaItem")) agenda_id = id_key(*a);
        if (auto it = cat_.agenda_of_consultation.find(t.id); !agenda_id && it != cat_.agenda_of_consultation.end())
            agenda_id = it->second;
        AgendaInfo* item = nullptr;
        if (agenda_id)
            if (auto it = cat_.agenda_items.find(*agenda_id); it != cat_.agenda_items.end()) item = &it->second;
        std::optional<std::string> meeting_id;
        if (auto m = pick("meeting")) meeting_id = id_key(*m);
        if (!meeting_id && item && !item->meeting.empty()) meeting_id = item->meeting;
        const MeetingInfo* meeting = nullptr;
        if (meeting_id)
            if (auto it = cat_.meetings.find(*meeting_id); it != cat_.meetings.end()) meeting = &it->second;

        std::vector<std::string> orgs = c.texts("organization");
        if (orgs.empty() && alone) orgs = alone->texts("organization");
        if (orgs.empty() && meeting) orgs = meeting->organizations;
        if (orgs.empty()) {
            warn(c.path(), "a consultation names no committee (organization), neither itself nor through a meeting; "
                           "it is left out of the Beratungsfolge");
            return std::nullopt;
        }
        t.c.organization = tidy(cat_.names_of(orgs));
        t.c.source_id = c.text("kimflow:sourceId").value_or(id.value_or(""));
        t.c.authoritative = c.flag("authoritative").value_or(alone ? alone->flag("authoritative").value_or(false) : false);
        auto role = pick("role");
        if (role && !tidy(*role).empty()) {
            if (auto mapped = vocabulary_.role(*role)) {
                t.c.role = *mapped;
                t.role_given = true;
            } else {
                t.c.role = t.c.authoritative ? ConsultationRole::entscheidung : ConsultationRole::kenntnisnahme;
                warn(c.where("role"), "role '" + printable(*role) + "' is not in the vocabulary; read as " +
                                          std::string(to_string(t.c.role)) + " (add it to the vocabulary to map it)");
            }
        } else {
            t.c.role = t.c.authoritative ? ConsultationRole::entscheidung : ConsultationRole::kenntnisnahme;
        }
        t.day = meeting && meeting->day ? meeting->day : item ? item->day : std::nullopt;
        if (item) {
            item->tied = true;
            apply_item(t, *item);
        }
        return t;
    }

    void apply_item(Treatment& t, const AgendaInfo& item)
    {
        if (!t.day) {
            const auto m = cat_.meetings.find(item.meeting);
            t.day = m != cat_.meetings.end() && m->second.day ? m->second.day : item.day;
        }
        if (!t.day) return;
        t.top = item.number;
        t.result = item.result;
        if (t.result.empty()) return;
        const auto outcome = vocabulary_.result(t.result);
        if (!outcome || *outcome == ResultOutcome::none) {
            plan_.warnings.push_back(
                {ObjectOutcome::created, item.file, item.path, plan_.id, plan_.paper.reference,
                 "result '" + printable(t.result, 120) + "' " +
                     (outcome ? "records no outcome" : "names no outcome kimflow knows, or several") +
                     "; the paper stays where it was (add the text to the vocabulary to map it)"});
            t.result.clear();
            return;
        }
        t.outcome = outcome;  // a decision of a committee that does not decide: see decide_who_decides
    }

    /// Agenda items naming neither consultation nor paper (ALLRIS), found by the paper's title
    /// or by its reference in their name: given to a consultation of the meeting's committee
    /// that has no meeting yet, else to a consultation of their own.
    void tie_loose_items(std::vector<Treatment>& out)
    {
        std::vector<std::string> items;
        const std::string title = Vocabulary::fold(r_.text("name").value_or(""));
        if (!title.empty())
            for (auto [it, end] = cat_.loose_items.equal_range(title); it != end; ++it) items.push_back(it->second);
        for (auto [it, end] = cat_.loose_items_by_reference.equal_range(plan_.paper.reference); it != end; ++it)
            if (std::find(items.begin(), items.end(), it->second) == items.end()) items.push_back(it->second);
        for (const std::string& id : items) {
            AgendaInfo& item = cat_.agenda_items.at(id);
            if (item.tied) continue;
            const auto m = cat_.meetings.find(item.meeting);
            const std::string committee =
                m == cat_.meetings.end() ? std::string() : tidy(cat_.names_of(m->second.organizations));
            auto open = std::find_if(out.begin(), out.end(), [&](const Treatment& t) {
                return !t.day && (committee.empty() || t.c.organization == committee);
            });
            if (open == out.end()) {
                if (committee.empty()) continue;
                Treatment t;
                t.c.organization = committee;
                const auto outcome = vocabulary_.result(item.result);
                t.c.authoritative = outcome == ResultOutcome::decide || outcome == ResultOutcome::reject;
                t.c.role = t.c.authoritative ? ConsultationRole::entscheidung : ConsultationRole::kenntnisnahme;
                warn(r_.path(), "agenda item '" + printable(item.name, 60) + "' of " + committee +
                                    " names no consultation; tied to this paper by its " +
                                    (Vocabulary::fold(item.name) == title ? "title" : "reference"));
                out.push_back(std::move(t));
                open = out.end() - 1;
            }
            item.tied = true;
            apply_item(*open, item);
        }
    }

    const Reader& r_;
    Catalog& cat_;
    const Vocabulary& vocabulary_;
    Plan& plan_;
};

/// Which consultations decide, as RIS data says it. OParl's `authoritative` says that a
/// resolution is taken there; SessionNet sets it on every consultation with one, so an
/// authoritative consultation before a later Entscheidung is a committee's resolution on the
/// way (a recommendation), not the decision. SD.NET gives neither role nor `authoritative`:
/// then the last consultation, where the Beratungsfolge ends, decides.
void decide_who_decides(std::vector<Treatment>& ts)
{
    auto explicit_decider = std::find_if(ts.rbegin(), ts.rend(), [](const Treatment& t) {
        return t.role_given && t.c.role == ConsultationRole::entscheidung;
    });
    if (explicit_decider != ts.rend()) {
        for (auto it = explicit_decider + 1; it != ts.rend(); ++it)
            if (it->c.role != ConsultationRole::entscheidung) it->c.authoritative = false;
    } else if (!ts.empty() && std::none_of(ts.begin(), ts.end(), [](const Treatment& t) {
                   return t.role_given || t.c.authoritative;
               })) {
        ts.back().c.role = ConsultationRole::entscheidung;
    }
    for (Treatment& t : ts)  // the outcome as this committee can give it
        if (!t.c.decides() && (t.outcome == ResultOutcome::decide || t.outcome == ResultOutcome::reject))
            t.outcome = ResultOutcome::recommend;
}

template <class E>
Event result_event(const std::string& text)
{
    E e;
    e.result = text;
    return e;
}

/// The Beratungsfolge to create the paper with, and the steps of the meetings (see oparl.hpp).
std::vector<Step> plan_consultations(std::vector<Treatment>& ts, Plan& plan, const std::string& withdrawal_reason)
{
    Paper& paper = plan.paper;
    const std::size_t n = ts.size();
    decide_who_decides(ts);
    // Consultations a postpone or refer plans again: the lifecycle adds them, so they are left
    // out of the Beratungsfolge the paper starts with.
    std::vector<bool> added(n, false);
    for (std::size_t i = 0; i < n; ++i) {
        Treatment& t = ts[i];
        if (t.outcome == ResultOutcome::refer) {
            if (const auto name = referral_name_at(t.result); name != std::string::npos)
                t.refer_to = tidy(std::string_view(t.result).substr(name));
            if (t.refer_to.empty() && i + 1 < n) t.refer_to = ts[i + 1].c.organization;
            if (t.refer_to.empty()) {  // referred, but nowhere known
                t.outcome = ResultOutcome::postpone;
                plan.warnings.push_back({ObjectOutcome::created, plan.file, plan.path, plan.id, paper.reference,
                                         "result '" + printable(t.result, 80) + "' of " + t.c.organization +
                                             " refers the paper to no committee the data names; recorded as "
                                             "postponed (vertagt)"});
            }
        }
        std::size_t next = i + 1;
        if (t.outcome == ResultOutcome::postpone && next < n && ts[next].c.organization == t.c.organization)
            added[next] = true;
        if (t.outcome == ResultOutcome::refer) {
            if (next < n && ts[next].c.organization == t.refer_to) {
                added[next] = true;
                t.refer_role = ts[next].c.role;
                ++next;
            }
            if (t.c.decides() && next < n && ts[next].c.organization == t.c.organization) added[next] = true;
        }
    }
    for (std::size_t i = 0; i < n; ++i)
        if (!added[i]) {
            Consultation c{ts[i].c.organization, ts[i].c.role, ts[i].c.authoritative};
            c.source_id = ts[i].c.source_id;
            paper.consultations.push_back(std::move(c));
        }

    std::vector<std::size_t> order;
    for (std::size_t i = 0; i < n; ++i)
        if (ts[i].day) order.push_back(i);
    // By day; on one day the treated before the one still waiting: a paper is on one agenda at
    // a time, so a consultation without a result is the day's last (OParl has no order within a day).
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        if (*ts[a].day != *ts[b].day) return *ts[a].day < *ts[b].day;
        return ts[a].outcome.has_value() && !ts[b].outcome.has_value();
    });

    std::vector<Step> steps;
    auto schedule = [&](const Treatment& t) {
        Schedule s;
        s.organization = t.c.organization;
        s.meeting_date = *t.day;
        s.agenda_item = t.top;
        s.role = t.c.role;
        steps.push_back({s, std::nullopt, t.day});
    };
    std::optional<std::size_t> waiting;  // the first consultation without result after the last result
    for (std::size_t i : order) {
        const Treatment& t = ts[i];
        if (!t.outcome) {
            if (!waiting) waiting = i;
            continue;
        }
        waiting.reset();
        schedule(t);
        Event e;
        switch (*t.outcome) {
        case ResultOutcome::none:
        case ResultOutcome::acknowledge: e = result_event<Acknowledge>(t.result); break;
        case ResultOutcome::recommend: e = result_event<Recommend>(t.result); break;
        case ResultOutcome::decide: e = result_event<Decide>(t.result); break;
        case ResultOutcome::reject: e = result_event<Reject>(t.result); break;
        case ResultOutcome::postpone: e = Postpone{}; break;
        case ResultOutcome::refer: e = Refer{t.refer_to, t.refer_role}; break;
        case ResultOutcome::withdraw: e = Withdraw{withdrawal_reason.empty() ? t.result : withdrawal_reason}; break;
        }
        steps.push_back({std::move(e), start_of(*t.day), std::nullopt});
    }
    if (waiting) schedule(ts[*waiting]);
    return steps;
}

/// `created` of many RIS is a placeholder (2000-01-01, the Unix epoch) or the time of a crawl
/// (after `modified`): then it says nothing.
std::optional<Timestamp> real_created(const Reader& r, const std::optional<Timestamp>& modified)
{
    const auto created = r.time("created");
    if (!created) return created;
    const auto day = r.day("created");
    if (day && (*day == parse_date("2000-01-01") || *day == parse_date("1970-01-01") || *day == parse_date("1900-01-01")))
        return std::nullopt;
    if (modified && *created > *modified) return std::nullopt;
    return created;
}

}  // namespace

Plan plan_paper(const Reader& r, Catalog& cat, const Vocabulary& vocabulary, Timestamp now, const std::string& system)
{
    Plan plan;
    plan.file = r.file();
    plan.path = r.path();
    Paper& p = plan.paper;
    const auto id = r.text("id");
    plan.id = id.value_or("");
    plan.key = id_key(plan.id);
    Planner planner(r, cat, vocabulary, plan);
    p.reference = tidy(r.text("reference").value_or(""));
    if (p.reference.empty()) p.reference = tidy(plan.id);  // as a reference is read, so that its export imports as the same paper
    if (p.reference.empty()) r.fail("reference", "missing, and the paper has no id either; give its Drucksachennummer");
    p.title = tidy(r.text("name").value_or(""));
    if (p.title.empty()) p.title = p.reference;
    p.date = r.date("date");
    const auto type = r.text("paperType");
    p.type_name = tidy(type.value_or(""));
    if (auto name = r.text("kimflow:paperTypeName")) p.type_name = tidy(*name);
    if (auto mapped = type ? vocabulary.paper_type(*type) : std::nullopt) {
        p.type = *mapped;
    } else {
        p.type = PaperType::sonstige;
        planner.warn(r.where("paperType"),
                     type ? "paperType '" + printable(*type) + "' is not in the vocabulary; imported as Sonstige "
                                                             "(add it to the vocabulary to map it)"
                          : "no paperType; imported as Sonstige");
    }
    if (p.type_name == to_string(p.type)) p.type_name.clear();
    p.originator = tidy(cat.names_of(r.texts("originatorOrganization")));
    if (auto body = r.text("body")) p.body = tidy(cat.name_of(*body));
    const auto modified = r.time("modified");
    plan.modified = modified;
    if (!plan.id.empty()) {
        p.source.id = plan.id;
        p.source.system = system.empty() ? origin_of(plan.id) : system;
        p.source.oparl_version = kind_of(r).version;
        p.source.modified = modified;
    }

    // Related papers: a Paper given here names its reference; kimflow's own ids carry it.
    const std::string own_suffix = "/paper/" + percent_encode(p.reference);
    const bool kimflow_ids = id && id->size() > own_suffix.size() &&
                             id->compare(id->size() - own_suffix.size(), own_suffix.size(), own_suffix) == 0;
    const std::string paper_base = kimflow_ids ? id->substr(0, id->size() - own_suffix.size()) + "/paper/" : "";
    std::optional<std::pair<std::string, std::optional<Date>>> antwort;  // a related Antwort: reference, date
    for (const auto& url : r.texts("relatedPaper")) {
        std::string ref = url;
        if (const Reader* other = cat.paper(url)) {
            ref = tidy(other->text("reference").value_or(url));
            const auto other_type = other->text("paperType");
            if (!antwort && other_type && vocabulary.paper_type(*other_type) == PaperType::antwort)
                antwort.emplace(ref, other->date("date"));
        } else if (!paper_base.empty() && url.rfind(paper_base, 0) == 0 &&
                   url.find('/', paper_base.size()) == std::string::npos) {
            ref = percent_decode(url.substr(paper_base.size()));
        }
        p.related_papers.push_back(ref);
    }

    // kimflow's extension properties.
    plan.state = r.text("kimflow:state").value_or("");
    if (!plan.state.empty() && !kStates.count(plan.state))
        r.fail("kimflow:state", "'" + printable(plan.state) + "' is not a state of the paper lifecycle");
    if (const json* source = r.get("kimflow:source"); source && source->is_object()) {
        const Reader s(r.file(), r.where("kimflow:source"), *source);
        p.source.id = s.text("id").value_or(p.source.id);
        p.source.system = s.text("system").value_or(p.source.system);
        p.source.oparl_version = s.text("oparlVersion").value_or(p.source.oparl_version);
        if (auto m = s.time("modified")) p.source.modified = m;
        // kimflow's own export of an imported paper: it is the source's object, not a new one.
        if (!p.source.id.empty()) plan.key = id_key(p.source.id);
    }
    const auto submitted_at = r.time("kimflow:submittedAt");
    const auto answer_reference = r.text("kimflow:answerReference").value_or("");
    const auto answered_at = r.time("kimflow:answeredAt");
    const auto withdrawal_reason = r.text("kimflow:withdrawalReason").value_or("");
    const auto completion_note = r.text("kimflow:completionNote");
    const auto created = real_created(r, modified);

    std::vector<Treatment> treatments = planner.treatments();
    for (const auto& t : treatments)
        if (!t.c.source_id.empty()) plan.consultation_ids.push_back(t.c.source_id);
    std::vector<Step> meetings = plan_consultations(treatments, plan, withdrawal_reason);

    const bool submitted = plan.state != "draft" && !(plan.state == "withdrawn" && !submitted_at);
    if (submitted) {
        Timestamp at = submitted_at ? *submitted_at : p.date ? start_of(*p.date) : created.value_or(now);
        // A paper dated after its first meeting (the date of its last revision, or of a
        // migration) was submitted by then at the latest.
        if (!submitted_at)
            for (const Step& step : meetings)
                if (step.meeting) at = std::min(at, start_of(*step.meeting));
        plan.steps.push_back({Submit{}, at, std::nullopt});
    }
    std::optional<Step> answer;
    if (!answer_reference.empty()) {
        std::optional<Date> day;
        if (auto other = cat.paper_by_reference.find(answer_reference); other != cat.paper_by_reference.end())
            day = other->second->date("date");
        answer = Step{Answer{answer_reference}, answered_at ? answered_at
                                                : day       ? std::optional(start_of(*day))
                                                            : std::nullopt};
    } else if (antwort && p.type == PaperType::anfrage) {
        answer =
            Step{Answer{antwort->first}, antwort->second ? std::optional(start_of(*antwort->second)) : std::nullopt};
    }
    for (Step& step : meetings) {
        // The answer comes before the first meeting on or after its day.
        if (answer && step.meeting && (!answer->at || *step.meeting >= date_of(*answer->at))) {
            plan.steps.push_back(std::move(*answer));
            answer.reset();
        }
        plan.steps.push_back(std::move(step));
    }
    if (answer) plan.steps.push_back(std::move(*answer));

    const bool withdrawn = std::any_of(plan.steps.begin(), plan.steps.end(),
                                       [](const Step& s) { return std::holds_alternative<Withdraw>(s.event); });
    if (!withdrawn && (plan.state == "withdrawn" || (plan.state.empty() && !withdrawal_reason.empty())))
        plan.steps.push_back({Withdraw{withdrawal_reason.empty() ? "zurückgezogen" : withdrawal_reason}, modified});
    if (plan.state == "completed" || (plan.state.empty() && completion_note))
        plan.steps.push_back({Complete{completion_note.value_or("")}, modified});

    // Times: from the creation on, never backwards.
    const Timestamp first = !plan.steps.empty() && plan.steps[0].at ? *plan.steps[0].at : created.value_or(now);
    plan.created = created ? std::min(*created, first) : first;
    Timestamp t = plan.created;
    for (Step& step : plan.steps) step.at = t = std::max(t, step.at.value_or(t));
    return plan;
}

}  // namespace kimflow::oparl::detail
