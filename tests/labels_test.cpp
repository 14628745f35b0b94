// kimflow/io/labels.hpp: a German label for every state, event, field and value of the three
// lifecycles, read from their models (a new state, event or field without a label fails here),
// and the codes that labels name, for input.
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include <nlohmann/json.hpp>

#include <kimflow/core/lifecycle_model.hpp>
#include <kimflow/core/transition.hpp>
#include <kimflow/io/labels.hpp>
#include <kimflow/kim/lifecycle.hpp>
#include <kimflow/paper/lifecycle.hpp>
#include <kimflow/resolution/lifecycle.hpp>
#include <kimflow/resolution/status.hpp>

#include "temp_file.hpp"

namespace {

using namespace kimflow;
using nlohmann::json;

const std::vector<const LifecycleModel*>& models()
{
    static const std::vector<const LifecycleModel*> all{&model_of<paper::PaperLifecycle>(),
                                                        &model_of<kim::CaseLifecycle>(),
                                                        &model_of<resolution::ResolutionLifecycle>()};
    return all;
}

/// The codes a field's kind lists ("one of: a, b, c"); empty for a field that is not enumerated.
std::vector<std::string> codes_of(const std::string& kind)
{
    const std::string prefix = "one of: ";
    if (kind.compare(0, prefix.size(), prefix) != 0) return {};
    std::vector<std::string> codes;
    std::size_t start = prefix.size();
    for (std::size_t comma; (comma = kind.find(", ", start)) != std::string::npos; start = comma + 2)
        codes.push_back(kind.substr(start, comma - start));
    codes.push_back(kind.substr(start));
    return codes;
}

json labels_json() { return json::parse(labels::to_json()); }

TEST(Labels, EveryStateOfEveryLifecycleHasOne)
{
    for (const LifecycleModel* m : models()) {
        EXPECT_NE(labels::lifecycle(m->id()), m->id());
        std::set<std::string_view> seen;
        for (std::string_view s : m->states()) {
            const std::string_view label = labels::state(m->id(), s);
            EXPECT_NE(label, s) << m->id() << " state " << s << " has no label";
            EXPECT_FALSE(label.empty());
            // Two states under one label could not be told apart, nor read back.
            EXPECT_TRUE(seen.insert(label).second) << m->id() << ": label '" << label << "' is given twice";
        }
    }
}

TEST(Labels, EveryEventAndEachOfItsFieldsHasOneAndEventLabelsAreUnique)
{
    for (const LifecycleModel* m : models()) {
        std::set<std::string_view> event_labels;
        for (const EventInfo& e : m->events()) {
            const std::string_view label = labels::event(m->id(), e.id);
            EXPECT_NE(label, e.id) << m->id() << " event " << e.id << " has no label";
            EXPECT_TRUE(event_labels.insert(label).second) << m->id() << ": event label '" << label << "' twice";
            for (const FieldInfo& f : e.fields)
                EXPECT_NE(labels::field(m->id(), f.name), f.name) << m->id() << " " << e.id << " field " << f.name;
        }
    }
    // The history shows an erasure's log entry among the case's events.
    EXPECT_NE(labels::event("case", erasure_event), erasure_event);
}

TEST(Labels, EveryValueOfAnEnumeratedFieldHasOneUniqueWithinTheField)
{
    std::size_t enumerated = 0;
    for (const LifecycleModel* m : models())
        for (const EventInfo& e : m->events())
            for (const FieldInfo& f : e.fields) {
                const std::vector<std::string> codes = codes_of(f.kind);
                if (codes.empty()) continue;
                ++enumerated;
                std::set<std::string_view> seen;
                for (const std::string& code : codes) {
                    const std::string_view label = labels::choice(m->id(), f.name, code);
                    EXPECT_NE(label, code) << m->id() << " " << f.name << " value " << code << " has no label";
                    EXPECT_TRUE(seen.insert(label).second) << f.name << ": '" << label << "' twice";
                    EXPECT_EQ(labels::choice_code(m->id(), f.name, code), code);
                    EXPECT_EQ(labels::choice_code(m->id(), f.name, label), code) << label;
                }
            }
    // paper: role (schedule, refer); case: rechtskreis (refer, complete_referral), reason (close, abort).
    EXPECT_GE(enumerated, 6u) << "the kinds are no longer written as 'one of: …'";
}

TEST(Labels, EveryValueListedForClientsIsUniqueWithinItsField)
{
    const json all = labels_json();
    for (const auto& [lifecycle, vocabulary] : all.items())
        for (const auto& [field, values] : vocabulary.at("choices").items()) {
            std::set<std::string> seen;
            for (const auto& [code, label] : values.items()) {
                EXPECT_TRUE(seen.insert(label.get<std::string>()).second) << lifecycle << " " << field << " " << label;
                EXPECT_EQ(labels::choice(lifecycle, field, code), label.get<std::string>());
                EXPECT_EQ(labels::choice_code(lifecycle, field, label.get<std::string>()), code);
            }
        }
}

/// Every key of @p j, at any depth.
void keys_of(const json& j, std::set<std::string>& keys)
{
    if (j.is_object())
        for (const auto& [key, value] : j.items()) keys.insert(key), keys_of(value, keys);
    if (j.is_array())
        for (const auto& item : j) keys_of(item, keys);
}

TEST(Labels, EveryDataMemberAnInstanceShowsHasOne)
{
    // The data files json_test.cpp keeps equal to what to_json writes, with every member filled.
    for (const auto& [lifecycle, file] : std::map<std::string, std::string>{
             {"paper", "paper_data.json"}, {"case", "case_data.json"}, {"resolution", "resolution_data.json"}}) {
        std::set<std::string> keys;
        keys_of(json::parse(read_text(std::string(KIMFLOW_TESTS_DIR) + "/data/" + file)), keys);
        ASSERT_GT(keys.size(), 5u) << file;
        for (const std::string& key : keys) EXPECT_NE(labels::field(lifecycle, key), key) << lifecycle << ": " << key;
    }
}

/// Every name enum_names() gives a value, with the code the library shows it by.
template <class E>
std::vector<std::pair<std::string, std::string>> names_and_codes()
{
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& [value, name] : enum_names(E{}))
        out.emplace_back(std::string(name), std::string(to_string(value)));
    return out;
}

TEST(Labels, EveryEnumeratorHasOneAndEverySpellingTheLibraryReadsNamesItsCode)
{
    const json all = labels_json();
    const std::vector<std::tuple<std::string, std::string, std::vector<std::pair<std::string, std::string>>>> fields{
        {"case", "reason", names_and_codes<kim::ClosureReason>()},
        {"case", "closure_reason", names_and_codes<kim::ClosureReason>()},
        {"case", "rechtskreis", names_and_codes<kim::Rechtskreis>()},
        {"paper", "role", names_and_codes<paper::ConsultationRole>()},
        {"paper", "type", names_and_codes<paper::PaperType>()},
        {"paper", "status", names_and_codes<paper::ConsultationStatus>()},
        {"resolution", "status", names_and_codes<resolution::Status>()}};
    for (const auto& [lifecycle, field, names] : fields)
        for (const auto& [name, code] : names) {
            EXPECT_TRUE(all[lifecycle]["choices"][field].contains(code)) << lifecycle << " " << field << " " << code;
            EXPECT_EQ(labels::choice_code(lifecycle, field, name), code) << lifecycle << " " << field << " " << name;
        }
    // The Beschlusskontrolle says a status one way everywhere.
    for (const auto& [value, name] : enum_names(resolution::Status{}))
        EXPECT_EQ(labels::choice("resolution", "status", name), resolution::label_de(value));
}

TEST(Labels, CodesAreReadBackCaseInsensitivelyAndWithoutBlanks)
{
    EXPECT_EQ(labels::choice("case", "reason", "goals_achieved"), "Ziele erreicht");
    EXPECT_EQ(labels::choice_code("case", "reason", "ZIELE ERREICHT"), "goals_achieved");
    EXPECT_EQ(labels::choice_code("case", "reason", "  ziele erreicht "), "goals_achieved");
    EXPECT_EQ(labels::choice_code("case", "reason", "Goals_Achieved"), "goals_achieved");
    EXPECT_EQ(labels::choice_code("case", "rechtskreis", "sgb ii (jobcenter)"), "SGB II");
    EXPECT_EQ(labels::choice_code("paper", "role", "ZUR ANHÖRUNG"), "Anhörung");
    // Full case folding: ß is SS.
    EXPECT_EQ(labels::event_code("case", "FALL ABSCHLIESSEN"), "close");
    EXPECT_EQ(labels::event_code("case", "Wiedervorlage setzen"), "follow_up");
    EXPECT_EQ(labels::event_code("case", "follow_up"), "follow_up");
    EXPECT_EQ(labels::state_code("case", "begleitung"), "monitoring");
    EXPECT_EQ(labels::state_code("paper", "on_agenda"), "on_agenda");
}

TEST(Labels, WhatNamesNothingIsNone)
{
    EXPECT_EQ(labels::choice_code("case", "reason", "Ziele verfehlt"), std::nullopt);
    EXPECT_EQ(labels::choice_code("case", "reason", ""), std::nullopt);
    EXPECT_EQ(labels::choice_code("case", "reason", "   "), std::nullopt);
    // A label of another field, or of another lifecycle, is not this field's.
    EXPECT_EQ(labels::choice_code("case", "rechtskreis", "Ziele erreicht"), std::nullopt);
    EXPECT_EQ(labels::choice_code("paper", "reason", "Ziele erreicht"), std::nullopt);
    EXPECT_EQ(labels::event_code("paper", "Fall abschließen"), std::nullopt);
    EXPECT_EQ(labels::event_code("case", "teleport"), std::nullopt);
    EXPECT_EQ(labels::event_code("complaint", "close"), std::nullopt);
    EXPECT_EQ(labels::state_code("resolution", "Begleitung"), std::nullopt);
    // Without a label, the id itself.
    EXPECT_EQ(labels::state("complaint", "open"), "open");
    EXPECT_EQ(labels::event("case", "teleport"), "teleport");
    EXPECT_EQ(labels::field("case", "shoe_size"), "shoe_size");
    EXPECT_EQ(labels::choice("case", "reason", "bored"), "bored");
}

TEST(Labels, FieldsWhoseValuesAreStatesAreLabelledAsStates)
{
    EXPECT_EQ(labels::choice("case", "paused_from", "assessment"), labels::state("case", "assessment"));
    EXPECT_EQ(labels::choice("case", "phase", "monitoring"), "Begleitung");
    EXPECT_EQ(labels::choice_code("case", "phase", "Begleitung"), "monitoring");
}

TEST(Labels, TheJsonDocumentHoldsEveryStateEventAndEnumeratedValue)
{
    const json all = labels_json();
    ASSERT_TRUE(all.is_object());
    for (const LifecycleModel* m : models()) {
        const std::string id(m->id());
        ASSERT_TRUE(all.contains(id)) << id;
        const json& v = all[id];
        EXPECT_EQ(v.at("label"), std::string(labels::lifecycle(id)));
        for (std::string_view s : m->states())
            EXPECT_EQ(v.at("states").value(std::string(s), ""), std::string(labels::state(id, s))) << id << " " << s;
        for (const EventInfo& e : m->events()) {
            EXPECT_EQ(v.at("events").value(std::string(e.id), ""), std::string(labels::event(id, e.id)));
            for (const FieldInfo& f : e.fields) {
                EXPECT_TRUE(v.at("fields").contains(f.name)) << id << " " << f.name;
                for (const std::string& code : codes_of(f.kind))
                    EXPECT_TRUE(v.at("choices").at(f.name).contains(code)) << id << " " << f.name << " " << code;
            }
        }
    }
    EXPECT_EQ(all.size(), models().size());
}

}  // namespace
