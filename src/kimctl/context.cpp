#include "context.hpp"

#include <pwd.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>

#include <kimflow/core/time.hpp>

namespace kimctl {

std::string default_db()
{
    const char* env = std::getenv("KIMFLOW_DB");
    return env && *env ? env : "kimflow.db";
}

std::string default_actor()
{
    if (const passwd* pw = getpwuid(geteuid()); pw && pw->pw_name && *pw->pw_name) return pw->pw_name;
    for (const char* var : {"LOGNAME", "USER"})
        if (const char* v = std::getenv(var); v && *v) return v;
    return "kimctl";
}

Context::Context(Options options) : options_(std::move(options))
{
    if (options_.at.empty()) {
        now_ = kimflow::SystemClock{}.now();
    } else {
        try {
            now_ = kimflow::parse_timestamp(options_.at);
        } catch (const std::invalid_argument& e) {
            throw UsageError(std::string("--at: ") + e.what());
        }
    }
    if (options_.actor.empty()) throw UsageError("--as: give the id of who acts, e.g. --as mbaumeister");
    clock_ = std::make_shared<kimflow::ManualClock>(now_);
}

kimflow::Timestamp Context::now() const { return now_; }

kimflow::Actor Context::actor() const { return {options_.actor, options_.role, options_.organization}; }

std::shared_ptr<kimflow::SqliteStore> Context::store_ptr(bool create)
{
    if (!store_) {
        if (!create && !std::filesystem::exists(options_.db))
            throw kimflow::StoreError("there is no database '" + options_.db +
                                      "'; create it with `kimctl init`, or name another with --db FILE");
        store_ = std::make_shared<kimflow::SqliteStore>(options_.db);
    }
    return store_;
}

kimflow::SqliteStore& Context::store(bool create) { return *store_ptr(create); }

kimflow::paper::PaperEngine& Context::papers()
{
    if (!papers_) papers_ = std::make_unique<kimflow::paper::PaperEngine>(kimflow::paper::PaperConfig{}, clock_, store_ptr());
    return *papers_;
}

kimflow::kim::CaseEngine& Context::cases()
{
    if (!cases_) cases_ = std::make_unique<kimflow::kim::CaseEngine>(kimflow::kim::CaseConfig{}, clock_, store_ptr());
    return *cases_;
}

void Context::print(const nlohmann::json& j) const
{
    // Text that is not UTF-8 (e.g. imported from a broken file) is shown with U+FFFD rather
    // than failing the whole output.
    std::cout << j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
}

void Context::emit(const std::string& text, const std::string& path) const
{
    if (path.empty() || path == "-") {
        std::cout << text;
        return;
    }
    std::ofstream out(path, std::ios::binary);
    out << text;
    out.close();
    if (!out) throw ToolError("cannot write '" + path + "'; check the folder exists and is writable");
}

Kind kind_of(const std::string& word) { return word == "paper" ? Kind::paper : Kind::kim_case; }

}  // namespace kimctl
