// What kimflowd's OpenAPI tests share (kimflowd_openapi_test.cpp, kimflowd_openapi_live_test.cpp):
// reading the document, the routes kimflowd prints, a checker of JSON against the document's
// schemas, and a fixture with a running kimflowd and its accounts.
#pragma once

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

namespace kimflowd_openapi_test {

using namespace kimflowd_test;

inline const char* const kMethods[] = {"get", "put", "post", "delete", "options", "head", "patch", "trace"};

inline std::string upper(std::string s)
{
    for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return s;
}

inline std::string lower(std::string s)
{
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

inline std::string lines_of(const std::set<std::string>& items)
{
    std::string out;
    for (const auto& i : items) out += "\n  " + i;
    return out;
}

inline std::string read_file(const std::string& path)
{
    std::ifstream in(path);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

/// The source of the service (its problems are read from it).
inline std::string source_dir() { return std::string(KIMFLOW_TESTS_DIR) + "/../src/kimflowd"; }

/// The media type without its parameters: `text/plain; version=0.0.4` → `text/plain`.
inline std::string media_type(const std::string& content_type)
{
    std::string base = content_type.substr(0, content_type.find(';'));
    while (!base.empty() && base.back() == ' ') base.pop_back();
    return base;
}

/// `METHOD PATH` of each route `kimflowd --routes` prints.
inline std::set<std::string> printed_routes()
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
inline const json& resolve(const json& doc, const json& node)
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
inline std::set<std::string> documented_operations(const json& doc)
{
    std::set<std::string> ops;
    for (const auto& [path, item] : doc.at("paths").items())
        for (const char* m : kMethods)
            if (item.contains(m)) ops.insert(upper(m) + " " + path);
    return ops;
}

inline const json* operation(const json& doc, const std::string& method, const std::string& path)
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
inline std::vector<std::string> mismatches(const json& doc, const std::string& method, const std::string& path,
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

inline std::string joined(const std::vector<std::string>& items)
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

inline std::map<std::string, DescribedEvent> described_events(const std::string& text)
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
    std::string admin = db.add("root", "administrator", "Kreis Recklinghausen");
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

}  // namespace kimflowd_openapi_test
