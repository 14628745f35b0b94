// kimflowd's OpenAPI document (src/kimflowd/openapi.json) against the service it describes: it is
// served; its operations are the routes of `kimflowd --routes`, no more and no fewer; what needs
// a token documents 401; its problem types are those the library's table and the service's code
// answer; its event enums are the lifecycles' events; and live answers of a running kimflowd
// (status, media type, headers, problem type, body) match what it says of each operation. Every
// test fails, naming what differs, when the document and the service drift apart.
#include <algorithm>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <kimflow/core/error_kind.hpp>

#include "kimflowd_fixture.hpp"

namespace {

using namespace kimflowd_test;

const char* const kMethods[] = {"get", "put", "post", "delete", "options", "head", "patch", "trace"};

std::string today_plus(int days)
{
    return kimflow::format_date(kimflow::date_of(wall_now()) + date::days{days});
}

std::string upper(std::string s)
{
    for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return s;
}

std::string lower(std::string s)
{
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

std::string lines_of(const std::set<std::string>& items)
{
    std::string out;
    for (const auto& i : items) out += "\n  " + i;
    return out;
}

std::string read_file(const std::string& path)
{
    std::ifstream in(path);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

/// The source of the service (its problems are read from it).
std::string source_dir() { return std::string(KIMFLOW_TESTS_DIR) + "/../src/kimflowd"; }

/// The media type without its parameters: `text/plain; version=0.0.4` → `text/plain`.
std::string media_type(const std::string& content_type)
{
    std::string base = content_type.substr(0, content_type.find(';'));
    while (!base.empty() && base.back() == ' ') base.pop_back();
    return base;
}

/// `METHOD PATH` of each route `kimflowd --routes` prints.
std::set<std::string> printed_routes()
{
    std::set<std::string> routes;
    FILE* out = ::popen(KIMFLOWD_PATH " --routes", "r");
    if (!out) return routes;
    std::string text;
    char buffer[4096];
    for (std::size_t n; (n = std::fread(buffer, 1, sizeof buffer, out)) > 0;) text.append(buffer, n);
    const int status = ::pclose(out);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "kimflowd --routes: " << text;
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);)
        if (!line.empty()) routes.insert(line);
    return routes;
}

/// A local reference (`#/components/...`) followed to what it names; anything else as it is.
const json& resolve(const json& doc, const json& node)
{
    const json* at = &node;
    for (int hops = 0; at->is_object() && at->contains("$ref") && hops < 32; ++hops) {
        const std::string ref = at->at("$ref").get<std::string>();
        if (ref.rfind("#/", 0) != 0) break;
        at = &doc.at(json::json_pointer(ref.substr(1)));
    }
    return *at;
}

/// `METHOD PATH` of each operation of the document.
std::set<std::string> documented_operations(const json& doc)
{
    std::set<std::string> ops;
    for (const auto& [path, item] : doc.at("paths").items())
        for (const char* m : kMethods)
            if (item.contains(m)) ops.insert(upper(m) + " " + path);
    return ops;
}

const json* operation(const json& doc, const std::string& method, const std::string& path)
{
    const auto& paths = doc.at("paths");
    if (!paths.contains(path)) return nullptr;
    const auto& item = paths.at(path);
    const std::string m = lower(method);
    return item.contains(m) ? &item.at(m) : nullptr;
}

/// A value checked against a schema of the document: the parts of OpenAPI 3.0's schema objects
/// the document uses ($ref, allOf, anyOf, oneOf, type, nullable, enum, pattern, the date formats,
/// required, properties, additionalProperties, items). Stricter than JSON Schema in one way, on
/// purpose: a member of an object that the schema (with its allOf parts) does not declare is an
/// error unless additionalProperties allows it, so that a member the service adds without the
/// document is found.
class SchemaCheck {
public:
    explicit SchemaCheck(const json& doc) : doc_(doc) {}

    std::vector<std::string> operator()(const json& schema, const json& value) const
    {
        std::vector<std::string> errors;
        check(schema, value, "body", errors);
        return errors;
    }

private:
    struct ObjectView {
        std::map<std::string, std::vector<const json*>> properties;
        std::set<std::string> required;
        std::vector<const json*> additional;
        bool declares = false;
        bool open = false;
    };

    void collect(const json& schema, ObjectView& view) const
    {
        const json& s = resolve(doc_, schema);
        if (s.contains("properties")) {
            view.declares = true;
            for (const auto& [name, sub] : s.at("properties").items()) view.properties[name].push_back(&sub);
        }
        if (s.contains("required"))
            for (const auto& r : s.at("required")) view.required.insert(r.get<std::string>());
        if (s.contains("additionalProperties")) {
            const json& a = s.at("additionalProperties");
            if (a.is_boolean())
                view.open = view.open || a.get<bool>();
            else
                view.additional.push_back(&a);
        }
        if (s.contains("allOf"))
            for (const auto& part : s.at("allOf")) collect(part, view);
    }

    static bool has_type(const json& value, const std::string& type)
    {
        if (type == "object") return value.is_object();
        if (type == "array") return value.is_array();
        if (type == "string") return value.is_string();
        if (type == "boolean") return value.is_boolean();
        if (type == "integer") return value.is_number_integer();
        if (type == "number") return value.is_number();
        return false;
    }

    void check(const json& schema, const json& value, const std::string& where, std::vector<std::string>& errors) const
    {
        const json& s = resolve(doc_, schema);
        if (value.is_null()) {
            const bool constrained = s.contains("type") || s.contains("allOf") || s.contains("properties");
            if (constrained && !s.value("nullable", false)) errors.push_back(where + ": null, and the schema is not nullable");
            return;
        }
        if (s.contains("type") && !has_type(value, s.at("type").get<std::string>())) {
            errors.push_back(where + ": " + value.type_name() + " where the document says " + s.at("type").get<std::string>() +
                             " (" + value.dump().substr(0, 80) + ")");
            return;
        }
        if (s.contains("enum")) {
            const auto& e = s.at("enum");
            if (std::find(e.begin(), e.end(), value) == e.end())
                errors.push_back(where + ": " + value.dump() + " is not one of " + e.dump());
        }
        if (value.is_string()) {
            const std::string v = value.get<std::string>();
            if (s.contains("pattern") && !std::regex_search(v, std::regex(s.at("pattern").get<std::string>())))
                errors.push_back(where + ": '" + v + "' does not match " + s.at("pattern").get<std::string>());
            const std::string format = s.value("format", "");
            static const std::regex day(R"(^\d{4}-\d{2}-\d{2}$)");
            static const std::regex instant(R"(^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$)");
            if (format == "date" && !std::regex_match(v, day)) errors.push_back(where + ": '" + v + "' is not a date");
            if (format == "date-time" && !std::regex_match(v, instant))
                errors.push_back(where + ": '" + v + "' is not a date-time");
        }
        for (const char* combinator : {"anyOf", "oneOf"}) {
            if (!s.contains(combinator)) continue;
            std::size_t matched = 0;
            for (const auto& option : s.at(combinator)) {
                std::vector<std::string> ignored;
                check(option, value, where, ignored);
                matched += ignored.empty() ? 1 : 0;
            }
            if (matched == 0 || (std::string(combinator) == "oneOf" && matched != 1))
                errors.push_back(where + ": " + value.dump().substr(0, 80) + " matches " + std::to_string(matched) +
                                 " of the " + combinator + " options");
        }
        if (value.is_array() && s.contains("items"))
            for (std::size_t i = 0; i < value.size(); ++i)
                check(s.at("items"), value[i], where + "[" + std::to_string(i) + "]", errors);
        if (value.is_object()) {
            ObjectView view;
            collect(s, view);
            for (const auto& r : view.required)
                if (!value.contains(r)) errors.push_back(where + ": the required member '" + r + "' is missing");
            for (const auto& [name, member] : value.items()) {
                const std::string at = where + "." + name;
                if (auto it = view.properties.find(name); it != view.properties.end()) {
                    for (const json* sub : it->second) check(*sub, member, at, errors);
                } else if (!view.additional.empty()) {
                    for (const json* sub : view.additional) check(*sub, member, at, errors);
                } else if (view.declares && !view.open) {
                    errors.push_back(at + ": a member the document does not declare");
                }
            }
        } else if (s.contains("allOf")) {
            for (const auto& part : s.at("allOf")) check(part, value, where, errors);
        }
    }

    const json& doc_;
};

/// What answer @p r of operation METHOD PATH shows that the document does not say: an
/// undocumented status, media type, header or problem type, or a body that is not of the
/// documented schema.
std::vector<std::string> mismatches(const json& doc, const std::string& method, const std::string& path,
                                    const httplib::Result& r)
{
    if (!r) return {"no answer"};
    const json* op = operation(doc, method, path);
    if (!op) return {"the document has no operation " + method + " " + path};
    const std::string status = std::to_string(r->status);
    const json& responses = op->at("responses");
    if (!responses.contains(status))
        return {"status " + status + " is not documented (" + r->body.substr(0, 200) + ")"};
    const json& documented = resolve(doc, responses.at(status));
    std::vector<std::string> out;

    // Headers: those the service sends must be documented; those documented that it always
    // sends must come.
    const json no_headers = json::object();
    const json& headers = documented.contains("headers") ? documented.at("headers") : no_headers;
    for (const char* h : {"ETag", "Location", "Idempotent-Replayed", "Retry-After", "WWW-Authenticate", "Allow",
                          "Cache-Control"}) {
        if (r->has_header(h) && !headers.contains(h)) out.push_back(std::string("the header ") + h + " is not documented");
        const bool always = std::string(h) != "Retry-After" && std::string(h) != "Idempotent-Replayed";
        if (always && headers.contains(h) && !r->has_header(h))
            out.push_back(std::string("the documented header ") + h + " did not come");
    }

    const std::string type = media_type(r->get_header_value("Content-Type"));
    if (!documented.contains("content")) {
        if (!r->body.empty()) out.push_back("documented without a body, answered " + type + ": " + r->body.substr(0, 120));
        return out;
    }
    const json* media = nullptr;
    for (const auto& [name, m] : documented.at("content").items())
        if (media_type(name) == type) media = &m;
    if (!media) {
        out.push_back("the media type '" + type + "' is not documented for " + status);
        return out;
    }
    if (type != "application/json" && type != "application/problem+json") return out;
    const json body = json::parse(r->body, nullptr, false);
    if (body.is_discarded()) {
        out.push_back("the body is not JSON: " + r->body.substr(0, 120));
        return out;
    }
    if (media->contains("schema"))
        for (auto& e : SchemaCheck(doc)(media->at("schema"), body)) out.push_back(std::move(e));
    if (type == "application/problem+json") {
        const std::string prefix = "urn:kimflow:problem:";
        const std::string t = body.value("type", "");
        const json& listed = documented.contains("x-problem-types") ? documented.at("x-problem-types") : no_headers;
        if (t.rfind(prefix, 0) != 0 || !listed.is_array() ||
            std::find(listed.begin(), listed.end(), json(t.substr(prefix.size()))) == listed.end())
            out.push_back("the problem type '" + t + "' is not among those documented for " + status + ": " +
                          listed.dump());
        if (body.value("status", 0) != r->status) out.push_back("the problem's status is not the response's");
    }
    return out;
}

std::string joined(const std::vector<std::string>& items)
{
    std::string out;
    for (const auto& i : items) out += "\n  " + i;
    return out;
}

/// One event as the document describes it: its fields (name → kind, required) and the states
/// it may be fired in, from a line `- \`EVENT\`: \`FIELD\` (KIND[, required]), …; allowed in: S, …`.
struct DescribedEvent {
    std::map<std::string, std::pair<std::string, bool>> fields;
    std::vector<std::string> allowed_in;
};

std::map<std::string, DescribedEvent> described_events(const std::string& text)
{
    std::map<std::string, DescribedEvent> events;
    static const std::regex line_re(R"(^- `([^`]+)`: (.*); allowed in: (.*)$)");
    static const std::regex field_re(R"(`([^`]+)` \(([^)]*)\))");
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);) {
        std::smatch m;
        if (!std::regex_match(line, m, line_re)) continue;
        DescribedEvent e;
        const std::string fields = m[2];
        for (std::sregex_iterator it(fields.begin(), fields.end(), field_re), end; it != end; ++it) {
            std::string kind = (*it)[2];
            const std::string suffix = ", required";
            const bool required = kind.size() > suffix.size() && kind.compare(kind.size() - suffix.size(), suffix.size(), suffix) == 0;
            if (required) kind.resize(kind.size() - suffix.size());
            e.fields[(*it)[1]] = {kind, required};
        }
        std::istringstream states(m[3].str());
        for (std::string s; std::getline(states, s, ',');) {
            while (!s.empty() && s.front() == ' ') s.erase(0, 1);
            e.allowed_in.push_back(s);
        }
        events[m[1]] = std::move(e);
    }
    return events;
}

/// Named in lower case like the ctest of the validator (kimflowd_openapi_valid), so that
/// `ctest -R openapi` runs both.
class kimflowd_openapi : public ::testing::Test {
protected:
    Database db;
    std::string caritas = db.add("mkoch", "case_manager", "caritas");
    std::string kreis = db.add("kreisler", "kreis_coordinator", "Kreis Recklinghausen");
    std::string fraktion = db.add("kretschmer", "fraktion", "Fraktion Die Linke");
    std::string sitzung = db.add("sitzung", "sitzungsdienst", "RVR");
    std::string amt = db.add("amt5", "verwaltung", "FB 5 Soziales");
    std::unique_ptr<Server> server;
    std::unique_ptr<httplib::Client> http;
    /// The document as the service serves it.
    json doc;
    /// Its text.
    std::string served;

    void SetUp() override
    {
        db.close();
        server = std::make_unique<Server>(db.path());
        http = server->client();
        auto r = http->Get("/api/v1/openapi.json");
        ASSERT_TRUE(r) << "no answer from GET /api/v1/openapi.json";
        ASSERT_EQ(r->status, 200) << r->body;
        served = r->body;
        doc = json::parse(served, nullptr, false);
        ASSERT_TRUE(doc.is_object() && doc.contains("paths") && doc.contains("components"))
            << "the served document is not an OpenAPI object: " << served.substr(0, 200);
    }

    httplib::Result post(const std::string& path, const json& body, const std::string& token,
                         httplib::Headers headers = {})
    {
        return http->Post(path.c_str(), bearer(token, std::move(headers)), body.dump(), "application/json");
    }
    httplib::Result get(const std::string& path, const std::string& token, httplib::Headers headers = {})
    {
        return http->Get(path.c_str(), bearer(token, std::move(headers)));
    }

    /// Expects answer @p r of operation METHOD PATH to be as the document says; returns its body.
    json expect_documented(const std::string& method, const std::string& path, const httplib::Result& r,
                           int status = 0)
    {
        if (!r) {
            ADD_FAILURE() << method << ' ' << path << ": no answer";
            return nullptr;
        }
        if (status != 0) {
            EXPECT_EQ(r->status, status) << method << ' ' << path << ": " << r->body;
        }
        const auto m = mismatches(doc, method, path, r);
        EXPECT_TRUE(m.empty()) << method << ' ' << path << " answered " << r->status
                               << " as the document does not say:" << joined(m);
        return body_of(r);
    }

    const json& schema(const std::string& name) { return doc.at("components").at("schemas").at(name); }
};

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
    ASSERT_EQ(doc.value("security", json()), json::parse(R"([{"bearerAuth": []}])"))
        << "the document's global security is not bearerAuth";
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

// ---------------------------------------------------------------------------------------------
// (d) Live answers as the document says.

TEST_F(kimflowd_openapi, AProblemDocumentHasExactlyTheRequiredMembersOfTheProblemSchema)
{
    auto r = get("/api/v1/cases/no-such-case", caritas);
    const json body = expect_documented("GET", "/api/v1/cases/{id}", r, 404);
    ASSERT_TRUE(body.is_object());
    EXPECT_EQ(media_type(r->get_header_value("Content-Type")), "application/problem+json");
    std::set<std::string> members, required;
    for (const auto& [name, value] : body.items()) members.insert(name);
    for (const auto& name : schema("Problem").at("required")) required.insert(name.get<std::string>());
    EXPECT_EQ(members, required) << "a 404's members are not the Problem schema's required ones: " << body.dump();
    EXPECT_EQ(body["instance"], "/api/v1/cases/no-such-case");

    // The extension members of other types are documented members of Problem.
    auto no_token = http->Get("/api/v1/cases/no-such-case");
    expect_documented("GET", "/api/v1/cases/{id}", no_token, 401);
    expect_documented("GET", "/api/v1/cases", get("/api/v1/cases?owner=caritas", caritas), 400);
    expect_documented("GET", "/api/v1/cases",
                      get("/api/v1/cases?due_for_follow_up=true&overdue=true", caritas), 400);
    ASSERT_EQ(post("/api/v1/cases", open_case("c-1", "caritas"), caritas)->status, 201);
    const json conflict = expect_documented(
        "POST", "/api/v1/cases/{id}/events/{event}",
        post("/api/v1/cases/c-1/events/follow_up", {{"date", today_plus(7)}}, caritas, {{"If-Match", "\"0\""}}), 412);
    EXPECT_EQ(conflict.value("actual_version", 0), 1);
    const std::string fire = "/api/v1/cases/{id}/events/{event}";
    expect_documented("POST", fire, post("/api/v1/cases/c-1/events/close", {{"reason", "goals_achieved"}}, caritas), 409);
    expect_documented("POST", fire, post("/api/v1/cases/c-1/events/follow_up", {{"date", "tomorrow"}}, caritas), 422);
    expect_documented("POST", fire, post("/api/v1/cases/c-1/events/fly", json::object(), caritas), 422);
    expect_documented("POST", fire, http->Post("/api/v1/cases/c-1/events/accept", bearer(caritas), "{", "application/json"), 400);
    expect_documented("POST", fire, http->Post("/api/v1/cases/c-1/events/accept", bearer(caritas), "x", "text/plain"), 415);
    expect_documented("POST", fire, post("/api/v1/cases/c-1/events/decline", {{"note", "x"}}, kreis), 403);
    expect_documented("POST", fire, post("/api/v1/cases/c%2/events/accept", json::object(), caritas), 400);
    expect_documented("POST", "/api/v1/cases", post("/api/v1/cases", open_case("c-1", "caritas"), caritas), 409);
    expect_documented("POST", "/api/v1/cases", post("/api/v1/cases", {{"kommune", "Marl"}}, caritas), 422);
    expect_documented("POST", "/api/v1/cases",
                      post("/api/v1/cases", open_case("c-2", "caritas"), caritas, {{"Idempotency-Key", "no spaces"}}), 400);
    expect_documented("GET", "/api/v1/reports/kim", get("/api/v1/reports/kim", kreis), 400);
    expect_documented("GET", "/api/v1/events", get("/api/v1/events?limit=0", kreis), 400);
    expect_documented("POST", "/api/v1/session",
                      http->Post("/api/v1/session", json{{"name", "mkoch"}, {"password", "wrong"}}.dump(), "application/json"),
                      401);
}

TEST_F(kimflowd_openapi, ACaseAnswersAsDocumentedFromItsOpeningToItsList)
{
    auto created = post("/api/v1/cases", open_case("c-1", "caritas"), caritas);
    const json outcome = expect_documented("POST", "/api/v1/cases", created, 201);
    // The documented required members of the outcome, each there.
    const json& documented = resolve(doc, operation(doc, "POST", "/api/v1/cases")->at("responses").at("201"));
    const json& outcome_schema = resolve(doc, documented.at("content").at("application/json").at("schema"));
    ASSERT_TRUE(outcome_schema.contains("required"));
    for (const auto& member : outcome_schema["required"])
        EXPECT_TRUE(outcome.contains(member.get<std::string>())) << member << " missing from " << outcome.dump();
    EXPECT_EQ(outcome["transition"]["to"], "intake");

    const std::string fire = "/api/v1/cases/{id}/events/{event}";
    const json granted = {{"recipients", json::array({"Jobcenter"})}, {"purpose", "Hilfeplanung"}};
    expect_documented("POST", fire, post("/api/v1/cases/c-1/events/grant_consent", granted, caritas, {{"If-Match", "\"1\""}}),
                      200);
    const json follow_up = {{"date", today_plus(0)}, {"subject", "Termin Jobcenter"}};
    auto first = post("/api/v1/cases/c-1/events/follow_up", follow_up, caritas, {{"Idempotency-Key", "k-1"}});
    expect_documented("POST", fire, first, 200);
    auto replay = post("/api/v1/cases/c-1/events/follow_up", follow_up, caritas, {{"Idempotency-Key", "k-1"}});
    expect_documented("POST", fire, replay, 200);
    EXPECT_EQ(replay->get_header_value("Idempotent-Replayed"), "true");
    expect_documented("POST", fire,
                      post("/api/v1/cases/c-1/events/follow_up", {{"date", today_plus(9)}}, caritas, {{"Idempotency-Key", "k-1"}}),
                      422);

    auto got = get("/api/v1/cases/c-1", caritas);
    expect_documented("GET", "/api/v1/cases/{id}", got, 200);
    expect_documented("GET", "/api/v1/cases/{id}", get("/api/v1/cases/c-1", caritas, {{"If-None-Match", got->get_header_value("ETag")}}),
                      304);
    expect_documented("GET", "/api/v1/cases/{id}/history", get("/api/v1/cases/c-1/history", caritas), 200);
    expect_documented("GET", "/api/v1/cases/{id}/events", get("/api/v1/cases/c-1/events", caritas), 200);
    expect_documented("GET", "/api/v1/cases", get("/api/v1/cases?traeger=caritas&state=intake", caritas), 200);
    const json due = expect_documented("GET", "/api/v1/cases", get("/api/v1/cases?due_for_follow_up=true", caritas), 200);
    ASSERT_EQ(due.size(), 1u);
    EXPECT_TRUE(due[0].contains("due_follow_ups"));
    expect_documented("GET", "/api/v1/reports/kim",
                      get("/api/v1/reports/kim?from=" + today_plus(-1) + "&to=" + today_plus(1), kreis), 200);
    const json page = expect_documented("GET", "/api/v1/events", get("/api/v1/events?limit=2", kreis), 200);
    EXPECT_EQ(page["events"].size(), 2u);

    // The stream: its status and media type (the answer is cut after its head).
    int status = 0;
    std::string type;
    http->Get(
        "/api/v1/events/stream", bearer(kreis),
        [&](const httplib::Response& res) {
            status = res.status;
            type = res.get_header_value("Content-Type");
            return false;
        },
        [](const char*, std::size_t) { return false; });
    EXPECT_EQ(status, 200);
    const json& stream = resolve(doc, operation(doc, "GET", "/api/v1/events/stream")->at("responses").at("200"));
    EXPECT_TRUE(stream["content"].contains(media_type(type))) << "the stream answered " << type;
}

TEST_F(kimflowd_openapi, APaperAndItsResolutionAnswerAsDocumented)
{
    const json paper{{"reference", "14/2001"},
                     {"type", "Antrag"},
                     {"title", "Stand der Umsetzung des KIM"},
                     {"originator", "Fraktion Die Linke"},
                     {"body", "RVR"},
                     {"consultations", json::array({{{"organization", "Verbandsversammlung"}, {"role", "Entscheidung"},
                                                     {"authoritative", true}}})}};
    expect_documented("POST", "/api/v1/papers", post("/api/v1/papers", paper, fraktion), 201);
    expect_documented("POST", "/api/v1/papers", post("/api/v1/papers", {{"reference", "14/2002"}, {"submitted_at", "x"}}, fraktion),
                      422);
    const std::string fire = "/api/v1/papers/{id}/events/{event}";
    for (const auto& [event, body, token] : std::vector<std::tuple<std::string, json, std::string>>{
             {"submit", json::object(), fraktion},
             {"schedule", {{"meeting_date", today_plus(30)}, {"agenda_item", "5"}}, sitzung},
             {"decide", json::object(), sitzung}})
        expect_documented("POST", fire, post("/api/v1/papers/14%2F2001/events/" + event, body, token), 200);
    expect_documented("GET", "/api/v1/papers/{id}", get("/api/v1/papers/14%2F2001", fraktion), 200);
    expect_documented("GET", "/api/v1/papers/{id}/history", get("/api/v1/papers/14%2F2001/history", fraktion), 200);
    expect_documented("GET", "/api/v1/papers/{id}/events", get("/api/v1/papers/14%2F2001/events", fraktion), 200);
    expect_documented("GET", "/api/v1/papers", get("/api/v1/papers?state=decided", fraktion), 200);
    expect_documented("GET", "/api/v1/papers", get("/api/v1/papers?overdue=true", fraktion), 200);

    const json resolution{{"id", "2001-1"}, {"paper", "14/2001"}, {"office", "FB 5 Soziales"}, {"due", today_plus(-2)},
                          {"task", "Bericht zum Stand"}};
    expect_documented("POST", "/api/v1/resolutions", post("/api/v1/resolutions", resolution, amt), 403);
    expect_documented("POST", "/api/v1/resolutions", post("/api/v1/resolutions", resolution, sitzung), 201);
    expect_documented("POST", "/api/v1/resolutions", post("/api/v1/resolutions", {{"id", "x"}}, sitzung), 422);
    expect_documented("GET", "/api/v1/resolutions", get("/api/v1/resolutions?overdue=true", fraktion), 200);
    expect_documented("POST", "/api/v1/resolutions/{id}/events/{event}",
                      post("/api/v1/resolutions/2001-1/events/start", {{"note", "Arbeitsgruppe gebildet"}}, amt), 200);
    expect_documented("GET", "/api/v1/resolutions/{id}", get("/api/v1/resolutions/2001-1", fraktion), 200);
    expect_documented("GET", "/api/v1/resolutions/{id}/history", get("/api/v1/resolutions/2001-1/history", fraktion), 200);
    expect_documented("GET", "/api/v1/resolutions/{id}/events", get("/api/v1/resolutions/2001-1/events", amt), 200);
    expect_documented("GET", "/api/v1/reports/resolutions",
                      get("/api/v1/reports/resolutions?from=" + today_plus(-1) + "&to=" + today_plus(1), fraktion), 200);
    expect_documented("GET", "/api/v1/oparl/papers", get("/api/v1/oparl/papers?base_url=https://ris.example.org/oparl", fraktion),
                      200);
}

TEST_F(kimflowd_openapi, TheSessionAndTheOperationalRoutesAnswerAsDocumented)
{
    auto login = http->Post("/api/v1/session", json{{"name", "mkoch"}, {"password", "password-of-mkoch"}}.dump(),
                            "application/json");
    const json session = expect_documented("POST", "/api/v1/session", login, 201);
    const std::string token = session.value("token", "");
    ASSERT_FALSE(token.empty());
    expect_documented("POST", "/api/v1/session", http->Post("/api/v1/session", "{}", "application/json"), 400);
    expect_documented("GET", "/api/v1/me", get("/api/v1/me", token), 200);
    expect_documented("DELETE", "/api/v1/session", http->Delete("/api/v1/session", bearer(token)), 204);
    expect_documented("GET", "/api/v1/me", get("/api/v1/me", token), 401);
    expect_documented("GET", "/healthz", http->Get("/healthz"), 200);
    expect_documented("GET", "/readyz", http->Get("/readyz"), 200);
    expect_documented("GET", "/metrics", http->Get("/metrics"), 200);
    expect_documented("GET", "/api/v1/openapi.json", http->Get("/api/v1/openapi.json"), 200);
}

}  // namespace
