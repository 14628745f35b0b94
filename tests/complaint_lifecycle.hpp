// A host-defined lifecycle, as a municipal system would write its own: a complaint
// (Beschwerde) with a review, notes, and a second region for the receipt confirmation. This is
// its description, which every unit that runs it includes; its machine is compiled once, in
// complaint_machine.cpp.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <cereal/types/string.hpp>
#include <cereal/types/vector.hpp>

#include <kimflow/core/engine.hpp>

namespace complaint {

struct Complaint {
    std::string subject;
    std::string reviewer{};
    std::vector<std::string> notes{};
    std::string resolution{};
};

template <class Archive>
void serialize(Archive& ar, Complaint& c)
{
    ar(c.subject, c.reviewer, c.notes, c.resolution);
}

struct Settings {
    std::size_t notes_needed_to_resolve = 1;
};

struct Review {
    static constexpr std::string_view id = "review";
    std::string reviewer{};
    template <class A> void serialize(A& ar) { ar(kimflow::field("reviewer", reviewer)); }
};
struct AddNote {
    static constexpr std::string_view id = "add_note";
    std::string text;
    template <class A> void serialize(A& ar) { ar(kimflow::field("text", text)); }
};
struct Resolve {
    static constexpr std::string_view id = "resolve";
    std::string resolution{};
    bool public_reply = false;
    template <class A> void serialize(A& ar)
    {
        ar(kimflow::field("resolution", resolution), kimflow::optional_field("public_reply", public_reply));
    }
};
struct Dismiss {
    static constexpr std::string_view id = "dismiss";
    std::string reason;
    template <class A> void serialize(A& ar) { ar(kimflow::field("reason", reason)); }
};
struct ConfirmReceipt {
    static constexpr std::string_view id = "confirm_receipt";
    template <class A> void serialize(A&) {}
};

struct Machine;

struct Lifecycle {
    static constexpr std::string_view id = "complaint";
    using Definition = Machine;
    using Data = Complaint;
    using Config = Settings;
    using Events = kimflow::EventList<Review, AddNote, Resolve, Dismiss, ConfirmReceipt>;
    static void validate(const Complaint& c)
    {
        if (c.subject.empty()) throw kimflow::InvalidData("a complaint needs a subject");
    }
};

using Engine = kimflow::Engine<Lifecycle>;

}  // namespace complaint
