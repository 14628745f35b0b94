// The shared part of the hostile input tests (hostile_input_test.cpp, hostile_input_text_test.cpp,
// hostile_input_stored_test.cpp): engines in memory or on a SQLite file of the test's own, and
// what tells that a refused input changed nothing: everything a user sees of an instance, and
// every stored row. Each hostile input must give an error a host can catch by type, whose
// message names the problem and the fix, and change nothing.
#pragma once

#include <cstddef>
#include <filesystem>
#include <functional>
#include <initializer_list>
#include <memory>
#include <string>

#include <gtest/gtest.h>
#include <SQLiteCpp/SQLiteCpp.h>

#include <kimflow/core/clock.hpp>
#include <kimflow/core/text.hpp>
#include <kimflow/core/time.hpp>
#include <kimflow/kim/lifecycle.hpp>
#include <kimflow/paper/lifecycle.hpp>
#include <kimflow/store/codec.hpp>
#include <kimflow/store/sqlite_store.hpp>

#include "paper_fixture.hpp"
#include "temp_file.hpp"

namespace hostile_test {

using namespace kimflow;

inline const std::string kTenMegabytes(10 * 1024 * 1024, 'x');

/// Whether @p text says each of @p parts.
inline testing::AssertionResult says(const std::string& text, std::initializer_list<std::string> parts)
{
    for (const auto& part : parts)
        if (text.find(part) == std::string::npos)
            return testing::AssertionFailure() << "'" << printable(text, 400) << "' does not say '" << part << "'";
    return testing::AssertionSuccess();
}

/// Everything a user can see of instance @p id, as one text: equal before and after means the
/// instance did not change (its states, version, data bytes and history).
template <class Engine>
std::string seen(const Engine& engine, const std::string& id)
{
    const auto view = engine.view(id);
    std::string out;
    for (auto s : view.states) out += std::string(s) + ",";
    out += " v" + std::to_string(view.version) + " data=" + encode(view.data) + " history=";
    for (const auto& r : engine.history(id))
        out += std::string(r.event) + ":" + std::string(r.from) + ">" + std::string(r.to) + "(" + r.payload + ");";
    return out;
}

class HostileInput : public testing::Test {
protected:
    TempFile file{"hostile"};
    std::shared_ptr<ManualClock> clock = std::make_shared<ManualClock>(parse_timestamp("2025-01-06T09:00:00Z"));

    std::shared_ptr<SqliteStore> open() { return std::make_shared<SqliteStore>(file.path()); }

    /// A paper engine in memory, or on the test's SQLite file when @p stored.
    std::unique_ptr<paper::PaperEngine> papers(bool stored)
    {
        return std::make_unique<paper::PaperEngine>(paper::PaperConfig{}, clock, stored ? open() : nullptr);
    }
    /// Runs @p attack on paper 14/1923 (submitted) of a fresh engine, in memory and on the test's
    /// SQLite file, and expects that the attack changed nothing: not the paper, not a row.
    void on_a_submitted_paper(const std::function<void(const std::unique_ptr<paper::PaperEngine>&)>& attack)
    {
        for (bool stored : {false, true}) {
            SCOPED_TRACE(stored ? "SqliteStore" : "in memory");
            auto engine = papers(stored);
            engine->create("14/1923", paper_test::anfrage(), paper_test::fraktion, paper::Submit{});
            const std::string before = seen(*engine, "14/1923");
            const std::string rows_before = rows();
            attack(engine);
            EXPECT_EQ(seen(*engine, "14/1923"), before);
            EXPECT_EQ(rows(), rows_before);
        }
    }
    std::unique_ptr<kim::CaseEngine> cases(bool stored)
    {
        return std::make_unique<kim::CaseEngine>(kim::CaseConfig{}, clock, stored ? open() : nullptr);
    }

    /// Every row of every table of the file, as text: equal before and after means nothing
    /// was written. Empty when there is no file (an engine in memory).
    std::string rows() const
    {
        if (!std::filesystem::exists(file.path())) return {};
        SQLite::Database db(file.path(), SQLite::OPEN_READONLY);
        std::string out;
        SQLite::Statement tables(db, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name");
        while (tables.executeStep()) {
            const std::string table = tables.getColumn(0).getString();
            out += "[" + table + "]\n";
            SQLite::Statement s(db, "SELECT * FROM \"" + table + "\"");
            while (s.executeStep()) {
                for (int c = 0; c < s.getColumnCount(); ++c) {
                    const SQLite::Column column = s.getColumn(c);
                    out += column.isNull() ? std::string("NULL")
                                           : std::string(static_cast<const char*>(column.getBlob()),
                                                         static_cast<std::size_t>(column.getBytes()));
                    out += '|';
                }
                out += '\n';
            }
        }
        EXPECT_NE(out.find("[instance]\n"), std::string::npos) << "the comparison of rows would prove nothing";
        return out;
    }

    /// Runs @p sql on the file behind the store's back, as a hand edit would.
    void edit(const std::string& sql) const
    {
        SQLite::Database db(file.path(), SQLite::OPEN_READWRITE);
        db.exec(sql);
    }

    /// Sets the data bytes of instance @p id behind the store's back.
    void edit_data(const std::string& id, const std::string& bytes) const
    {
        SQLite::Database db(file.path(), SQLite::OPEN_READWRITE);
        SQLite::Statement s(db, "UPDATE instance SET data = ? WHERE id = ?");
        s.bind(1, bytes.data(), static_cast<int>(bytes.size()));
        s.bind(2, id);
        ASSERT_EQ(s.exec(), 1);
    }
};

}  // namespace hostile_test
