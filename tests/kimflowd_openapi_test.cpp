// kimflowd's OpenAPI document (src/kimflowd/openapi.json) against the service it describes: it is
// served; its operations are the routes of `kimflowd --routes`, no more and no fewer; what needs
// a token documents 401; its problem types are those the library's table and the service's code
// answer; its event enums are the lifecycles' events; and live answers of a running kimflowd
// (status, media type, headers, problem type, body) match what it says of each operation. Every
// test fails, naming what differs, when the document and the service drift apart.
#include "kimflowd_openapi_fixture.hpp"

namespace {

using namespace kimflowd_test;
using namespace kimflowd_openapi_test;

// ---------------------------------------------------------------------------------------------
// (a) The document is served.

TEST_F(kimflowd_openapi, TheServiceServesItsDocumentAsOpenApi30WithoutAToken)
{
    auto r = http->Get("/api/v1/openapi.json");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(media_type(r->get_header_value("Content-Type")), "application/json");
    ASSERT_TRUE(doc.contains("openapi") && doc["openapi"].is_string());
    EXPECT_TRUE(std::regex_match(doc["openapi"].get<std::string>(), std::regex(R"(3\.0\.\d+)"))) << doc["openapi"];
    EXPECT_FALSE(doc["info"].value("title", "").empty());
    EXPECT_GT(doc["paths"].size(), 0u);
    // What it serves is the source's document (compiled in when it was built), whole.
    const json source = json::parse(read_file(source_dir() + "/openapi.json"), nullptr, false);
    ASSERT_FALSE(source.is_discarded()) << "src/kimflowd/openapi.json is not JSON";
    EXPECT_TRUE(source == doc) << "the served document is not src/kimflowd/openapi.json; rebuild kimflowd";
}

// ---------------------------------------------------------------------------------------------
// (b) Routes and operations, both ways.

TEST_F(kimflowd_openapi, EveryRouteIsAnOperationOfTheDocumentAndEveryOperationIsARoute)
{
    const auto routes = printed_routes();
    ASSERT_GE(routes.size(), 10u) << "kimflowd --routes printed too little to compare";
    const auto ops = documented_operations(doc);
    std::set<std::string> undocumented, unserved;
    for (const auto& r : routes)
        if (!ops.count(r)) undocumented.insert(r);
    for (const auto& o : ops)
        if (!routes.count(o)) unserved.insert(o);
    EXPECT_TRUE(undocumented.empty()) << "routes of kimflowd that src/kimflowd/openapi.json does not document:"
                                      << lines_of(undocumented);
    EXPECT_TRUE(unserved.empty()) << "operations of src/kimflowd/openapi.json that kimflowd does not serve:"
                                  << lines_of(unserved);
}

// ---------------------------------------------------------------------------------------------
// (c) Security: 401 wherever a token is needed, and the open routes are the service's.

TEST_F(kimflowd_openapi, EveryOperationThatNeedsATokenDocuments401AndTheOpenOnesAreTheServicesOpenRoutes)
{
    // A token, or a web page's session cookie (docs/web.md).
    ASSERT_EQ(doc.value("security", json()), json::parse(R"([{"bearerAuth": []}, {"cookieAuth": []}])"))
        << "the document's global security is not bearerAuth or cookieAuth";
    const json& cookie = doc["components"]["securitySchemes"]["cookieAuth"];
    EXPECT_EQ(cookie.value("type", ""), "apiKey");
    EXPECT_EQ(cookie.value("in", ""), "cookie");
    EXPECT_EQ(cookie.value("name", ""), "kimflow_session");
    const json& scheme = doc["components"]["securitySchemes"]["bearerAuth"];
    EXPECT_EQ(scheme.value("type", ""), "http");
    EXPECT_EQ(scheme.value("scheme", ""), "bearer");

    std::set<std::string> without_401, open;
    for (const auto& [path, item] : std::as_const(doc).at("paths").items())
        for (const char* m : kMethods) {
            if (!item.contains(m)) continue;
            const json& op = item.at(m);
            const std::string name = upper(m) + " " + path;
            if (op.contains("security") && op["security"] == json::array()) {
                open.insert(name);
                continue;
            }
            if (!op.at("responses").contains("401")) without_401.insert(name);
        }
    EXPECT_TRUE(without_401.empty()) << "operations that need a token but document no 401:" << lines_of(without_401);
    EXPECT_FALSE(open.empty()) << "the document has no route without a token (security: [])";

    // Live: without a token, exactly the documented open operations answer something else than
    // 401; the others answer the documented 401.
    std::set<std::string> wrong;
    for (const auto& name : documented_operations(doc)) {
        const std::string method = name.substr(0, name.find(' ')), path = name.substr(name.find(' ') + 1);
        const std::string target = std::regex_replace(path, std::regex(R"(\{[^}]+\})"), "x");
        ASSERT_TRUE(method == "GET" || method == "POST" || method == "DELETE") << name << ": a method this test does not send";
        httplib::Result r = method == "GET"    ? http->Get(target.c_str())
                            : method == "POST" ? http->Post(target.c_str(), "{}", "application/json")
                                               : http->Delete(target.c_str());
        ASSERT_TRUE(r) << name << ": no answer";
        const bool refused = r->status == 401;
        if (refused == (open.count(name) > 0)) wrong.insert(name + " answered " + std::to_string(r->status));
        if (refused) expect_documented(method, path, r, 401);
    }
    EXPECT_TRUE(wrong.empty()) << "without a token, these answer otherwise than their `security` says:"
                               << lines_of(wrong);
}

// ---------------------------------------------------------------------------------------------
// Problem types: the document's catalogue is what the library's table and the service's code
// answer, with their statuses and titles; each response lists only types of its status.

TEST_F(kimflowd_openapi, TheProblemTypesAreTheLibrarysAndTheServicesWithTheirStatusesAndTitles)
{
    const json& problem = schema("Problem");
    ASSERT_TRUE(problem.contains("x-problem-types")) << "the Problem schema has no x-problem-types catalogue";
    const json& catalogue = problem["x-problem-types"];

    // What can be answered: the library's kinds, and the service's own Problems in its source.
    std::map<std::string, std::pair<std::string, std::string>> answered;  // type → status ("" if variable), title
    std::set<std::string> differ;
    const auto known = [&](const std::string& type, const std::string& status, const std::string& title,
                           const std::string& where) {
        answered.emplace(type, std::make_pair(status, title));
        if (!catalogue.contains(type)) return;
        if (!status.empty() && std::to_string(catalogue[type].value("status", 0)) != status)
            differ.insert(type + ": status " + status + " (" + where + "), documented " +
                          std::to_string(catalogue[type].value("status", 0)));
        if (catalogue[type].value("title", "") != title)
            differ.insert(type + ": title '" + title + "' (" + where + "), documented '" +
                          catalogue[type].value("title", "") + "'");
    };
    for (const auto& kind : kimflow::error_kinds())
        known(std::string(kind.type), std::to_string(kind.http_status), std::string(kind.title), "error_kind.cpp");
    static const std::regex made(R"re((?:Problem\{|answer_problem\(\{)\s*(\d+|res\.status)\s*,\s*"([a-z0-9-]+)"\s*,\s*"([^"]*)")re");
    static const std::regex any(R"(Problem\{|answer_problem\(\{)");
    std::size_t files = 0;
    for (const auto& entry : std::filesystem::directory_iterator(source_dir())) {
        if (entry.path().extension() != ".cpp") continue;
        ++files;
        const std::string text = read_file(entry.path().string());
        const auto begin = std::sregex_iterator(text.begin(), text.end(), made);
        std::size_t read = 0;
        for (auto it = begin; it != std::sregex_iterator(); ++it, ++read) {
            const std::string status = (*it)[1] == "res.status" ? "" : (*it)[1].str();
            known((*it)[2], status, (*it)[3], entry.path().filename().string());
        }
        const auto all = static_cast<std::size_t>(std::distance(std::sregex_iterator(text.begin(), text.end(), any),
                                                                std::sregex_iterator()));
        EXPECT_EQ(read, all) << entry.path().filename().string()
                             << " makes a Problem this test cannot read: write it Problem{STATUS, \"type\", \"Title\", …}";
    }
    ASSERT_GT(files, 5u) << "no source of kimflowd in " << source_dir();

    std::set<std::string> undocumented, unknown;
    for (const auto& [type, what] : answered)
        if (!catalogue.contains(type)) undocumented.insert(type + " (" + (what.first.empty() ? "?" : what.first) + ")");
    for (const auto& [type, what] : catalogue.items())
        if (!answered.count(type)) unknown.insert(type);
    EXPECT_TRUE(undocumented.empty()) << "problem types kimflowd answers that the document does not list:"
                                      << lines_of(undocumented);
    EXPECT_TRUE(unknown.empty()) << "problem types the document lists that kimflowd never answers:" << lines_of(unknown);
    EXPECT_TRUE(differ.empty()) << "problem types documented otherwise than answered:" << lines_of(differ);

    // Each response's types are catalogued, of the response's status, and described.
    std::set<std::string> misplaced;
    for (const auto& [path, item] : std::as_const(doc).at("paths").items())
        for (const char* m : kMethods) {
            if (!item.contains(m)) continue;
            for (const auto& [status, ref] : item.at(m).at("responses").items()) {
                const json& response = resolve(doc, ref);
                const bool problem_body = response.contains("content") && response["content"].contains("application/problem+json");
                if (problem_body != response.contains("x-problem-types"))
                    misplaced.insert(upper(m) + " " + path + " " + status + ": a problem answer without x-problem-types, or the reverse");
                if (!response.contains("x-problem-types")) continue;
                for (const auto& t : response["x-problem-types"]) {
                    const std::string type = t.get<std::string>();
                    if (!catalogue.contains(type))
                        misplaced.insert(upper(m) + " " + path + " " + status + ": " + type + " is not catalogued");
                    else if (type != "bad-request" && std::to_string(catalogue[type].value("status", 0)) != status)
                        misplaced.insert(upper(m) + " " + path + " " + status + ": " + type + " is a " +
                                         std::to_string(catalogue[type].value("status", 0)));
                    if (response.value("description", "").find("`" + type + "`") == std::string::npos)
                        misplaced.insert(upper(m) + " " + path + " " + status + ": its description does not name " + type);
                }
            }
        }
    EXPECT_TRUE(misplaced.empty()) << lines_of(misplaced);
    // The table in the Problem schema's description names every type.
    for (const auto& [type, what] : catalogue.items())
        EXPECT_NE(problem.value("description", "").find("| `" + type + "` | " + std::to_string(what.value("status", 0)) + " |"),
                  std::string::npos)
            << "the Problem schema's table does not list " << type;
}

// ---------------------------------------------------------------------------------------------
// The events: each lifecycle's fire operation documents exactly its events, with their fields.

TEST_F(kimflowd_openapi, EachLifecyclesEventsAreTheEventEnumAndTheirFieldsAreDescribed)
{
    const json lifecycles = expect_documented("GET", "/api/v1/lifecycles", get("/api/v1/lifecycles", caritas), 200);
    ASSERT_TRUE(lifecycles.is_array() && lifecycles.size() == 3) << lifecycles.dump().substr(0, 200);
    for (const auto& l : lifecycles) {
        const std::string path = l.at("path").get<std::string>() + "/{id}/events/{event}";
        SCOPED_TRACE(path);
        const json* fire = operation(doc, "POST", path);
        ASSERT_TRUE(fire) << "no fire operation documented for " << l["lifecycle"];
        const json& item = std::as_const(doc).at("paths").at(path);
        const json* event_param = nullptr;
        for (const json* params : {&item, fire})
            if (params->contains("parameters"))
                for (const auto& p : params->at("parameters"))
                    if (resolve(doc, p).value("name", "") == "event") event_param = &resolve(doc, p);
        ASSERT_TRUE(event_param) << "no {event} parameter";

        std::set<std::string> served_events, documented;
        for (const auto& e : event_param->at("schema").at("enum")) documented.insert(e.get<std::string>());
        for (const auto& e : l["events"]) served_events.insert(e["event"].get<std::string>());
        EXPECT_EQ(documented, served_events) << "the {event} enum is not the lifecycle's events";

        // The operation's description: a line per event with its fields and states.
        const std::string text = fire->value("description", "");
        const auto described = described_events(text);
        EXPECT_EQ(described.size(), served_events.size()) << "events described: " << text;
        for (const auto& e : l["events"]) {
            const std::string name = e["event"];
            auto it = described.find(name);
            if (it == described.end()) {
                ADD_FAILURE() << "the event " << name << " is not described";
                continue;
            }
            std::map<std::string, std::pair<std::string, bool>> fields;
            for (const auto& f : e["fields"])
                fields[f["name"].get<std::string>()] = {f["kind"].get<std::string>(), f["required"].get<bool>()};
            EXPECT_EQ(it->second.fields, fields) << "the fields of " << name;
            EXPECT_EQ(json(it->second.allowed_in), e["allowed_in"]) << "the states " << name << " is allowed in";
        }
    }
}

}  // namespace
