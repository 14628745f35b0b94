// Writes the seeds of fuzz_stored_row: rows as the real engine stores them (a paper and a case
// in several states), in that target's input format. Not built by default:
//   cmake --build --preset fuzz --target fuzz_make_seeds
//   ./build/fuzz/fuzz/fuzz_make_seeds fuzz/corpus/fuzz_stored_row
// Run it again when the stored form of Paper or KimCase changes.
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <kimflow/kim/lifecycle.hpp>
#include <kimflow/paper/lifecycle.hpp>
#include <kimflow/store/codec.hpp>

namespace {

using namespace kimflow;

const Actor kActor{"sitzung", "sitzungsdienst", "Regionalverband Ruhr"};

/// One input of fuzz_stored_row: flags (lifecycle, event to fire), version, states, data.
template <class Lifecycle>
void write_row(const std::string& dir, const std::string& name, const Engine<Lifecycle>& engine, const std::string& id,
               std::string_view event)
{
    const bool is_case = std::string_view(Lifecycle::id) == "case";
    const auto events = Engine<Lifecycle>::events();
    unsigned event_choice = 1;
    while (events.at(event_choice - 1).id != event) ++event_choice;
    const auto view = engine.view(id);
    std::string states;
    for (auto s : view.states) states += (states.empty() ? "" : ",") + std::string(s);
    std::string bytes;
    bytes += static_cast<char>((event_choice << 1) | (is_case ? 1u : 0u));
    bytes += static_cast<char>(static_cast<std::int8_t>(view.version));
    bytes += states + "\n" + encode(view.data);
    std::ofstream(dir + "/" + name, std::ios::binary) << bytes;
    std::printf("%s/%s: %s %s, %zu bytes\n", dir.c_str(), name.c_str(), std::string(Lifecycle::id).c_str(),
                states.c_str(), bytes.size());
}

}  // namespace

int main(int argc, char** argv)
{
    if (argc != 2) {
        std::fprintf(stderr, "usage: %s <folder for the seeds>\n", argv[0]);
        return 2;
    }
    const std::string dir = argv[1];
    auto clock = std::make_shared<ManualClock>(parse_timestamp("2025-01-06T09:00:00Z"));

    using namespace kimflow::paper;
    PaperEngine papers(PaperConfig{}, clock);
    Paper p;
    p.reference = "14/2001";
    p.type = PaperType::antrag;
    p.title = "Stand der Umsetzung";
    p.date = parse_date("2025-01-06");
    p.originator = "SPD-Fraktion";
    p.consultations.push_back({"Ausschuss", ConsultationRole::vorberatung});
    p.consultations.push_back({"Rat", ConsultationRole::entscheidung, true});
    papers.create("draft", p, kActor);
    write_row(dir, "paper_draft", papers, "draft", "withdraw");
    papers.create("agenda", p, kActor);
    papers.fire("agenda", "submit", {}, kActor);
    papers.fire("agenda", "schedule", {{"meeting_date", "2025-02-20"}, {"agenda_item", "5"}}, kActor);
    write_row(dir, "paper_on_agenda", papers, "agenda", "postpone");
    papers.fire("agenda", "recommend", {}, kActor);
    papers.fire("agenda", "schedule", {{"meeting_date", "2025-03-20"}}, kActor);
    papers.fire("agenda", "decide", {{"result", "beschlossen"}}, kActor);
    write_row(dir, "paper_decided", papers, "agenda", "complete");

    using namespace kimflow::kim;
    CaseEngine cases(CaseConfig{}, clock);
    cases.create("k", KimCase{}, kActor, "open", {{"kommune", "Castrop-Rauxel"}, {"traeger", "Caritas"}});
    write_row(dir, "case_intake", cases, "k", "grant_consent");
    cases.fire("k", "grant_consent", {{"recipients", "Hauptausschuss,Jobcenter"}, {"purpose", "Arbeit"}}, kActor);
    cases.fire("k", "accept", {}, kActor);
    cases.fire("k", "complete_assessment", {}, kActor);
    cases.fire("k", "add_goal", {{"goal", "Sprachkurs"}}, kActor);
    cases.fire("k", "agree_plan", {}, kActor);
    cases.fire("k", "refer", {{"recipient", "Jobcenter"}, {"rechtskreis", "SGB II"}}, kActor);
    cases.fire("k", "follow_up", {{"date", "2025-03-01"}}, kActor);
    cases.fire("k", "pause", {{"reason", "Urlaub"}}, kActor);
    write_row(dir, "case_paused", cases, "k", "resume");
    cases.fire("k", "resume", {}, kActor);
    cases.fire("k", "start_monitoring", {}, kActor);
    cases.fire("k", "evaluate", {}, kActor);
    cases.fire("k", "close", {{"reason", "goals_achieved"}}, kActor);
    write_row(dir, "case_closed", cases, "k", "reopen");
    return 0;
}
