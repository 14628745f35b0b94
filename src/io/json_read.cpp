// The data of papers, cases and resolutions read back from the JSON that to_json writes
// (io/json.hpp, io/resolution_json.hpp): what a client of kimflowd needs to work with an
// instance it fetched as it would with one from an engine.
//
// Lenient where a newer writer may differ (members not known here are ignored, a missing member
// is its empty value), strict where a value would be guessed: a member of the wrong type or a
// value that does not parse is refused, naming where it is (`case JSON: follow_ups[1].date: …`).
#include <stdexcept>

#include "kimflow/core/fields.hpp"
#include "kimflow/io/json.hpp"
#include "kimflow/io/resolution_json.hpp"

namespace kimflow {

namespace {

using nlohmann::json;

/// Where in which document a member is, for messages: "case JSON: follow_ups[1]." and the key.
class Reader {
public:
    Reader(const json& object, std::string what, std::string path = {})
        : o_(object), what_(std::move(what)), path_(std::move(path))
    {
        if (!o_.is_object()) throw fail("", std::string("must be an object, not ") + o_.type_name());
    }

    /// The member @p key, or null when it is missing or null.
    const json* find(const char* key) const
    {
        const auto it = o_.find(key);
        return it == o_.end() || it->is_null() ? nullptr : &*it;
    }

    std::string text(const char* key) const
    {
        const json* v = find(key);
        if (!v) return {};
        if (!v->is_string()) throw fail(key, std::string("must be a string, not ") + v->type_name());
        return v->get<std::string>();
    }

    bool boolean(const char* key) const
    {
        const json* v = find(key);
        if (!v) return false;
        if (!v->is_boolean()) throw fail(key, std::string("must be true or false, not ") + v->type_name());
        return v->get<bool>();
    }

    std::optional<Timestamp> time(const char* key) const
    {
        const std::string t = text(key);
        if (t.empty()) return std::nullopt;
        try {
            return parse_timestamp(t);
        } catch (const std::invalid_argument& e) {
            throw fail(key, e.what());
        }
    }

    Timestamp required_time(const char* key) const
    {
        auto t = time(key);
        if (!t) throw fail(key, "is missing; give the instant, e.g. 2025-02-06T17:00:00Z");
        return *t;
    }

    std::optional<Date> day(const char* key) const
    {
        const std::string d = text(key);
        if (d.empty()) return std::nullopt;
        try {
            return parse_date(d);
        } catch (const std::invalid_argument& e) {
            throw fail(key, e.what());
        }
    }

    Date required_day(const char* key) const
    {
        auto d = day(key);
        if (!d) throw fail(key, "is missing; give the day, e.g. 2025-02-06");
        return *d;
    }

    template <class E>
    std::optional<E> enumerator(const char* key) const
    {
        const std::string name = text(key);
        if (name.empty()) return std::nullopt;
        try {
            return parse_enum<E>(name);
        } catch (const std::invalid_argument& e) {
            throw fail(key, e.what());
        }
    }

    std::vector<std::string> texts(const char* key) const
    {
        std::vector<std::string> out;
        const json& list = array(key);
        for (std::size_t i = 0; i < list.size(); ++i) {
            if (!list[i].is_string())
                throw fail(key, "[" + std::to_string(i) + "] must be a string, not " + list[i].type_name());
            out.push_back(list[i].get<std::string>());
        }
        return out;
    }

    /// The member @p key as a list (an empty one when it is missing).
    const json& array(const char* key) const
    {
        static const json empty = json::array();
        const json* v = find(key);
        if (!v) return empty;
        if (!v->is_array()) throw fail(key, std::string("must be a list, not ") + v->type_name());
        return *v;
    }

    /// A reader of element @p i of list @p key.
    Reader element(const char* key, std::size_t i) const
    {
        return Reader(array(key).at(i), what_, path_ + key + "[" + std::to_string(i) + "].");
    }

    /// A reader of the object @p key (an empty one when it is missing).
    Reader object(const char* key) const
    {
        static const json empty = json::object();
        const json* v = find(key);
        return Reader(v ? *v : empty, what_, path_ + key + ".");
    }

    InvalidData fail(const std::string& key, const std::string& why) const
    {
        const std::string where = path_ + key;
        return InvalidData(what_ + " JSON" + (where.empty() ? "" : ": " + where) + ": " + why);
    }

private:
    const json& o_;
    std::string what_;
    std::string path_;
};

}  // namespace

namespace paper {
Paper paper_data_from_json(const json& j)
{
    const Reader r(j, "paper");
    Paper p;
    p.reference = r.text("reference");
    p.type = r.enumerator<PaperType>("type").value_or(PaperType::anfrage);
    p.title = r.text("title");
    p.date = r.day("date");
    p.originator = r.text("originator");
    p.body = r.text("body");
    p.related_papers = r.texts("related_papers");
    for (std::size_t i = 0; i < r.array("consultations").size(); ++i) {
        const Reader c = r.element("consultations", i);
        Consultation consultation;
        consultation.organization = c.text("organization");
        consultation.role = c.enumerator<ConsultationRole>("role").value_or(ConsultationRole::kenntnisnahme);
        consultation.authoritative = c.boolean("authoritative");
        consultation.status = c.enumerator<ConsultationStatus>("status").value_or(ConsultationStatus::planned);
        consultation.meeting_date = c.day("meeting_date");
        consultation.agenda_item = c.text("agenda_item");
        consultation.result = c.text("result");
        consultation.source_id = c.text("source_id");
        p.consultations.push_back(std::move(consultation));
    }
    p.submitted_at = r.time("submitted_at");
    p.answered_at = r.time("answered_at");
    p.answer_reference = r.text("answer_reference");
    if (const json* current = r.find("current_consultation")) {
        if (!current->is_number_unsigned() || current->get<std::size_t>() >= p.consultations.size())
            throw r.fail("current_consultation", "must be the index of one of the consultations");
        p.current_consultation = current->get<std::size_t>();
    }
    p.decided_at = r.time("decided_at");
    p.completed_at = r.time("completed_at");
    p.completion_note = r.text("completion_note");
    p.withdrawal_reason = r.text("withdrawal_reason");
    p.answer_overdue_at = r.time("answer_overdue_at");
    for (std::size_t i = 0; i < r.array("resolutions").size(); ++i) {
        const Reader link = r.element("resolutions", i);
        p.resolutions.push_back(ResolutionLink{link.text("id"), link.text("outcome")});
    }
    p.type_name = r.text("type_name");
    if (r.find("source")) {
        const Reader source = r.object("source");
        p.source.id = source.text("id");
        p.source.system = source.text("system");
        p.source.oparl_version = source.text("oparl_version");
        p.source.modified = source.time("modified");
    }
    return p;
}
}  // namespace paper

namespace kim {
KimCase case_from_json(const json& j)
{
    const Reader r(j, "case");
    KimCase c;
    c.kommune = r.text("kommune");
    c.kreis = r.text("kreis");
    c.traeger = r.text("traeger");
    c.manager = r.text("manager");
    c.goals = r.texts("goals");
    for (std::size_t i = 0; i < r.array("referrals").size(); ++i) {
        const Reader referral = r.element("referrals", i);
        Referral out;
        out.recipient = referral.text("recipient");
        out.rechtskreis = referral.enumerator<Rechtskreis>("rechtskreis").value_or(Rechtskreis::other);
        out.at = referral.required_time("at");
        out.completed_at = referral.time("completed_at");
        c.referrals.push_back(std::move(out));
    }
    const Reader consent = r.object("consent");
    c.consent.recipients = consent.texts("recipients");
    c.consent.purpose = consent.text("purpose");
    c.consent.granted_at = consent.time("granted_at");
    c.consent.withdrawn_at = consent.time("withdrawn_at");
    c.consent.changed_at = consent.time("changed_at");
    for (std::size_t i = 0; i < r.array("follow_ups").size(); ++i) {
        const Reader follow_up = r.element("follow_ups", i);
        FollowUp out;
        out.date = follow_up.required_day("date");
        out.set_at = follow_up.required_time("set_at");
        out.subject = follow_up.text("subject");
        out.done_at = follow_up.time("done_at");
        out.closed_with_case = follow_up.boolean("closed_with_case");
        out.fell_due_at = follow_up.time("fell_due_at");
        c.follow_ups.push_back(std::move(out));
    }
    c.closure_reason = r.enumerator<ClosureReason>("closure_reason");
    c.note = r.text("note");
    c.paused_from = r.text("paused_from");
    for (std::size_t i = 0; i < r.array("phases").size(); ++i) {
        const Reader change = r.element("phases", i);
        c.phases.push_back(PhaseChange{change.text("phase"), change.required_time("at"),
                                       change.enumerator<ClosureReason>("reason")});
    }
    return c;
}
}  // namespace kim

namespace resolution {
Resolution resolution_from_json(const json& j)
{
    const Reader r(j, "resolution");
    Resolution out;
    out.paper = r.text("paper");
    out.office = r.text("office");
    out.task = r.text("task");
    out.due = r.required_day("due");
    out.committee = r.text("committee");
    out.body = r.text("body");
    out.decided_on = r.day("decided_on");
    out.original_due = r.day("original_due");
    out.started_at = r.time("started_at");
    for (std::size_t i = 0; i < r.array("reports").size(); ++i) {
        const Reader report = r.element("reports", i);
        out.reports.push_back(ProgressReport{report.required_time("at"), report.text("text"),
                                             report.text("delay_reason"), report.day("new_due")});
    }
    for (std::size_t i = 0; i < r.array("extensions").size(); ++i) {
        const Reader extension = r.element("extensions", i);
        out.extensions.push_back(Extension{extension.required_time("at"), extension.required_day("from"),
                                           extension.required_day("to"), extension.text("reason")});
    }
    out.overdue_for = r.day("overdue_for");
    out.overdue_since = r.time("overdue_since");
    out.done_at = r.time("done_at");
    out.completion_note = r.text("completion_note");
    out.dropped_at = r.time("dropped_at");
    out.drop_reason = r.text("drop_reason");
    return out;
}
}  // namespace resolution

}  // namespace kimflow
