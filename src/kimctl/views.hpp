// What kimctl prints for people: show, history, the lists and a fire's line. One renderer each,
// fed with the same values whether they come from an engine on a local file
// (lifecycle_commands.hpp) or from kimflowd's JSON (remote_views.cpp), so that
// `kimctl --server URL` prints what kimctl prints on the file.
#pragma once

#include <cstdint>
#include <iostream>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <kimflow/core/actor.hpp>
#include <kimflow/core/engine.hpp>
#include <kimflow/core/transition.hpp>
#include <kimflow/kim/case.hpp>
#include <kimflow/kim/follow_up.hpp>
#include <kimflow/paper/deadlines.hpp>
#include <kimflow/paper/paper.hpp>
#include <kimflow/resolution/resolution.hpp>
#include <kimflow/resolution/status.hpp>

#include "labelled.hpp"

namespace kimctl {

/// One transition as `history` and `show` list it.
struct HistoryRow {
    std::uint64_t version = 0;
    kimflow::Timestamp at{};
    std::string event;
    std::string from;
    std::string to;
    kimflow::Actor actor;
    /// `name=value, …`; empty for an event without fields.
    std::string payload;
};

HistoryRow history_row(const kimflow::TransitionRecord& r);

/// One instance as `show` and the lists print it.
template <class Data>
struct Shown {
    std::string id;
    /// The main region's state (a case's phase).
    std::string state;
    /// Every region's state, region 0 first.
    std::vector<std::string> states;
    std::uint64_t version = 0;
    /// What the acting person may fire now.
    std::vector<std::string> allowed_events;
    kimflow::Timestamp created_at{};
    kimflow::Actor created_by;
    std::optional<kimflow::Timestamp> erased_at;
    Data data;
    /// The transitions, for `show` (empty in the lists).
    std::vector<HistoryRow> history;
};

/// @p view (and @p history) as Shown.
template <class Data>
Shown<Data> shown(const kimflow::InstanceView<Data>& view, const std::vector<kimflow::TransitionRecord>& history = {})
{
    Shown<Data> s;
    s.id = view.id;
    s.state = std::string(view.state());
    for (auto state : view.states) s.states.emplace_back(state);
    s.version = view.version;
    for (auto event : view.allowed_events) s.allowed_events.emplace_back(event);
    s.created_at = view.created_at;
    s.created_by = view.created_by;
    s.erased_at = view.erased_at;
    s.data = view.data;
    for (const auto& r : history) s.history.push_back(history_row(r));
    return s;
}

/// The lifecycle whose data @p Data is ("paper", "case", "resolution"), for its labels.
inline std::string_view lifecycle_of(const kimflow::paper::Paper&) { return "paper"; }
inline std::string_view lifecycle_of(const kimflow::kim::KimCase&) { return "case"; }
inline std::string_view lifecycle_of(const kimflow::resolution::Resolution&) { return "resolution"; }

/// Label-value lines describing an instance's data for people (paper_commands.cpp,
/// case_commands.cpp, resolution_commands.cpp).
std::vector<std::pair<std::string, std::string>> describe(const kimflow::paper::Paper& p);
std::vector<std::pair<std::string, std::string>> describe(const kimflow::kim::KimCase& c);
std::vector<std::pair<std::string, std::string>> describe(const kimflow::resolution::Resolution& r);
/// Further tables below the label-value lines (the Beratungsfolge, referrals, reports …).
std::string detail_tables(const kimflow::paper::Paper& p);
std::string detail_tables(const kimflow::kim::KimCase& c);
std::string detail_tables(const kimflow::resolution::Resolution& r);

/// Two aligned columns: label, value.
std::string label_lines(const std::vector<std::pair<std::string, std::string>>& lines);

/// Comma-separated.
std::string joined(const std::vector<std::string_view>& items, const char* separator = ", ");
std::string joined(const std::vector<std::string>& items, const char* separator = ", ");

/// The history of an instance of @p lifecycle as a table: events, states and payloads by their
/// German labels.
std::string history_table(std::string_view lifecycle, const std::vector<HistoryRow>& rows);

/// `kimctl history KIND ID`: the table, or that there is none yet.
void print_history(std::string_view lifecycle, const std::vector<HistoryRow>& rows);

/// `kimctl show KIND ID`: @p title (Drucksache, Fall, Beschlusskontrolle) and the id, state,
/// version, allowed events (label and code: what one types), creation, erasure, the data, its
/// tables and the history.
template <class Data>
void print_show(const std::string& title, const Shown<Data>& s)
{
    const std::string_view lifecycle = lifecycle_of(s.data);
    std::string allowed;
    for (const auto& e : s.allowed_events) allowed += (allowed.empty() ? "" : ", ") + event_with_code(lifecycle, e);
    std::vector<std::pair<std::string, std::string>> lines{
        {"Zustand", state_labels(lifecycle, s.states, " / ")},
        {"Version", std::to_string(s.version)},
        {"erlaubt", allowed.empty() ? "-" : allowed},
        {"angelegt", kimflow::format_timestamp(s.created_at) + " von " + s.created_by.id}};
    if (s.erased_at)
        lines.emplace_back("gelöscht", "personenbezogene Daten am " + kimflow::format_timestamp(*s.erased_at));
    for (auto& line : describe(s.data)) lines.push_back(std::move(line));
    std::cout << title << ' ' << s.id << '\n' << label_lines(lines);
    if (const std::string tables = detail_tables(s.data); !tables.empty()) std::cout << '\n' << tables;
    if (!s.history.empty()) std::cout << '\n' << history_table(lifecycle, s.history);
}

/// The line a fire prints, states and event by their labels: `ID: FROM --EVENT--> TO  (Version N)`.
void print_fired(std::string_view lifecycle, const std::string& id, const std::string& event, std::string_view from,
                 std::string_view to, std::uint64_t version);

/// What a consent event did, in words (one line), or nothing for another event.
std::string consent_note(const std::string& event, const kimflow::kim::Consent& before,
                         const kimflow::kim::Consent& after);

/// The line after a resolution's fire that settled the last open resolution of its paper.
void print_paper_completed(const std::string& paper);

/// A paper in `list paper`, with what it is overdue for (with --overdue).
struct PaperListed {
    Shown<kimflow::paper::Paper> paper;
    std::vector<kimflow::paper::OverduePaper> overdue;
};
/// `list paper`: one row per paper; with @p csv as CSV for German Excel (print_rows()).
void print_paper_list(const std::vector<PaperListed>& rows, bool overdue, bool csv = false);

/// `list case`: one row per case.
void print_case_list(const std::vector<Shown<kimflow::kim::KimCase>>& rows, bool csv = false);

/// `list case --due-for-follow-up` / `--overdue`: one row per open Wiedervorlage.
void print_follow_ups(const std::vector<kimflow::kim::DueFollowUp>& due, bool csv = false);

/// A resolution in `list resolution`, with its status on the day asked about.
struct ResolutionListed {
    Shown<kimflow::resolution::Resolution> resolution;
    kimflow::resolution::Status status = kimflow::resolution::Status::on_time;
};
void print_resolution_list(const std::vector<ResolutionListed>& rows, bool csv = false);

}  // namespace kimctl
