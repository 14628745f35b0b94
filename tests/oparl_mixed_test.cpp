// A large import as a Kreis would run it over the RIS of four towns: a generator writes, from a
// seed, 2,000 papers over 20 list pages (five per product: SD.NET, SessionNet, ALLRIS,
// more!rubin, each with its own vocabulary, id style and quirks, its pages alternating between
// OParl 1.0 and 1.1), with their meetings, tombstones and broken objects, and counts while it
// writes what import must make of each. The import must report exactly that, and a second
// import of the same pages must change nothing.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <map>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "oparl_fixture.hpp"

namespace {

using namespace oparl_fixture;
using nlohmann::json;

/// How one RIS product writes its papers.
struct Product {
    std::string name, base;  ///< file name prefix; the OParl base URL
    std::vector<std::string> vorlage, mitteilung, antrag, anfrage;  ///< its paperType texts
    std::string entscheidung, kenntnisnahme, vorberatung;         ///< its role texts
    std::vector<std::string> decided;                              ///< results that decide
};

const std::vector<Product> kProducts = {
    {"sdnet", "https://sdnet.kreisstadt-a.example/oparl/", {"Beschlussvorlage", "Beschlussvorlage Rat"},
     {"Mitteilungsvorlage"}, {"Antrag", "Änderungs-/Ergänzungsantrag"}, {"Fraktionsanfrage"}, "Entscheidung",
     "zur\u00a0Kenntnis", "Vorberatung", {"Einstimmig15 Ja-Stimmen, 0 Nein-Stimmen", "mehrheitlich beschlossen"}},
    {"sessionnet", "https://sessionnet.stadt-b.example/oparl/", {"Beschlussvorlage\u00a0Rat", "Vorlage"},
     {"Mitteilungsvorlage"}, {"Fraktionsantrag"}, {"Anfrage nach § 4 BV6 (CDU)"}, "Beschlussfassung",
     "Kenntnisnahme", "Beratung", {"einstimmig beschlossen", "beschlossen"}},
    {"allris", "https://allris.gemeinde-c.example/oparl/", {"Vorlage", "Beschlussvorlage"}, {"Mitteilung"},
     {"Antrag"}, {"Anfrage"}, "Entscheidung", "Kenntnisnahme", "Vorberatung",
     {"ungeändert beschlossen", "mit Änderungen beschlossen"}},
    {"rubin", "https://ratsinfo.stadt-d.example/oparl/v1/", {"Beschlussvorlage"}, {"Informationsvorlage"},
     {"Fraktionsantrag"}, {"Kleine Anfrage"}, "Entscheidung", "Kenntnisnahme", "Vorberatung",
     {"einstimmig", "mehrheitlich angenommen"}},
};

/// The committees every town has: key in the id, name.
const std::vector<std::pair<std::string, std::string>> kCommittees = {
    {"rat", "Rat"}, {"bau", "Ausschuss für Planen und Bauen"}, {"haupt", "Haupt- und Finanzausschuss"}};

/// The pages and what import must make of them.
struct Mixed {
    std::vector<oparl::ImportSource> pages;
    std::size_t created = 0, skipped = 0, quarantined = 0;
    /// Reference → the state the paper must end in ("on_agenda|submitted": either).
    std::map<std::string, std::string> states;
    /// OParl ids of papers import must warn about.
    std::vector<std::string> warned;
    /// Well-formed objects with a `type` outside a paper, and papers, by version: at least these
    /// are counted in ImportResult::versions.
    std::map<std::string, std::size_t> typed;
};

class Generator {
public:
    explicit Generator(std::uint32_t seed) : rng_(seed) {}

    Mixed run(int papers, int per_page)
    {
        std::vector<json> pages((papers + per_page - 1) / per_page, json::array());
        for (int k = 1; k <= papers; ++k) {
            const int page = (k - 1) / per_page;
            const Product& p = kProducts[page % kProducts.size()];
            pages[page].push_back(paper(p, (page / kProducts.size()) % 2 ? "1.1" : "1.0", k));
        }
        for (const auto& p : kProducts) out_.pages.push_back(organizations(p));
        for (std::size_t i = 0; i < pages.size(); ++i) {
            const Product& p = kProducts[i % kProducts.size()];
            const std::size_t n = i / kProducts.size() + 1;
            json list = {{"data", pages[i]}, {"links", json::object()}};
            if (i + kProducts.size() < pages.size())
                list["links"]["next"] = p.base + "body/1/paper?page=" + std::to_string(n + 1);
            out_.pages.push_back({p.name + "-papers-" + std::to_string(n) + ".json", list.dump(1)});
        }
        for (const auto& p : kProducts) meeting_pages(p);
        return out_;
    }

private:
    std::mt19937 rng_;
    Mixed out_;
    /// Per product: meeting id → the Meeting object, with its agenda items.
    std::map<std::string, std::map<std::string, json>> meetings_;

    int pick(int n) { return static_cast<int>(rng_() % static_cast<std::uint32_t>(n)); }
    template <class T>
    const T& any(const std::vector<T>& v)
    {
        return v[static_cast<std::size_t>(pick(static_cast<int>(v.size())))];
    }
    static std::string type(const std::string& version, const std::string& name)
    {
        return "https://schema.oparl.org/" + version + "/" + name;
    }
    /// The version of a product's meetings and organizations.
    static std::string meeting_version(const Product& p)
    {
        return p.name == "sdnet" || p.name == "sessionnet" ? "1.0" : "1.1";
    }
    static std::string org(const Product& p, const std::string& key, bool http = false)
    {
        std::string url = p.base + "organization/" + key;
        return http ? "http" + url.substr(5) : url;
    }
    static std::string number(int n)
    {
        static const char* forms[] = {"%d", "%d.", "7.%d", "A%d"};
        char buf[16];
        std::snprintf(buf, sizeof buf, forms[n % 4], n);
        return buf;
    }

    json paper(const Product& p, const std::string& v, int k)
    {
        char digits[8];
        std::snprintf(digits, sizeof digits, "%04d", k);
        const std::string n = digits;
        const std::string id = p.name == "sessionnet" ? p.base + "paper?id=" + n
                               : p.name == "rubin"    ? p.base + "paper/vorlage-" + n
                                                      : p.base + "paper/" + n;
        const std::string ref = p.name == "sdnet"        ? "14/" + n
                                : p.name == "sessionnet" ? "VO/2024/" + n
                                : p.name == "allris"     ? n + "/2024"
                                                         : "BV-" + n + "-2024";
        const std::string name = any(std::vector<std::string>{"Sanierung", "Radweg", "Kita", "Bebauungsplan",
                                                              "Haushalt", "Feuerwehr"}) + " (" + n + ")";
        const Date date = parse_date("2024-01-08") + date::days{pick(300)};
        const std::string day = format_date(date);
        const std::string offset = p.name == "sdnet" && k % 3 == 0 ? "+01::00" : "+01:00";
        const int roll = pick(100);

        if (roll >= 85 && roll < 93) {  // a tombstone of a paper never imported
            ++out_.skipped;
            json t = {{"id", id}, {"created", day + "T09:00:00+01:00"}, {"modified", "2024-12-02T10:00:00" + offset},
                      {"deleted", true}};
            if (k % 2) t.update({{"type", type(v, "Paper")}, {"name", ""}, {"reference", ""}});
            return t;
        }
        json o = {{"id", id}, {"type", type(v, "Paper")}, {"reference", ref}, {"name", name},
                  {"date", p.name == "sdnet" ? day + "T00:00:00+01:00" : day}, {"body", p.base + "body/1"},
                  {"created", p.name == "sessionnet" && k % 4 == 0 ? "2000-01-01T00:00:00+01:00"  // a placeholder
                                                                   : day + "T09:00:00" + offset},
                  {"modified", day + "T15:30:00" + offset}};
        if (p.name == "sdnet") o["STERNBERG:vorlagenart"] = "V" + std::to_string(k % 7);
        if (p.name == "rubin") {
            o["more-it-solutions:status"] = {{"code", k % 5}};
            o["auxiliaryFile"] = {{"id", p.base + "file/" + n}, {"type", type(v, "File")}, {"name", "Anlage"},
                                  {"accessUrl", p.base + "file/" + n + "/download"}};
        }
        if (k % 5 == 0) o["web"] = p.base + "vo020?VOLFDNR=" + n;
        if (k % 11 == 0) o["deleted"] = false;

        if (roll >= 93) {  // broken: a reference written as a number, or a date that is no date
            ++out_.quarantined;
            if (k % 2) o["reference"] = k; else o["date"] = "yesterday";
            return o;
        }
        ++out_.created;
        out_.typed[v]++;
        std::string& state = out_.states[ref];
        const bool loose = p.name == "allris";  // ALLRIS: agenda items name neither consultation nor paper
        json consultations = json::array();
        const auto consult = [&](const std::string& committee, const std::string& role, bool authoritative) {
            json c = {{"id", p.base + "consultation/" + n + std::to_string(consultations.size() + 1)},
                      {"organization", json::array({org(p, committee, p.name == "sessionnet")})},
                      {"role", role}, {"authoritative", authoritative}};
            if (k % 2) c["type"] = type(v, "Consultation");
            if (p.name == "sdnet") c["paper"] = id;
            consultations.push_back(c);
            return consultations.size() - 1;
        };
        // Puts consultation @p i on the agenda of @p committee's meeting @p days after the paper.
        const auto treat = [&](std::size_t i, const std::string& committee, int days, const std::string& result) {
            const std::string mday = format_date(date + date::days{days});
            const std::string mid = p.base + "meeting/" + committee + "-" + mday;
            json& m = meetings_[p.name][mid];
            if (m.is_null()) m = meeting(p, mid, committee, mday);
            const int order = static_cast<int>(m["agendaItem"].size()) + 1;
            json item = {{"id", mid + "/item/" + std::to_string(order)}, {"number", number(order)},
                         {"name", loose && !result.empty() && result != "zur Kenntnis genommen" ? ref + " " + name
                                                                                               : name}};
            item["order"] = p.name == "rubin" ? json(std::to_string(order)) : json(order);
            if (k % 3 == 0) item["type"] = type(meeting_version(p), "AgendaItem");
            if (!result.empty()) item["result"] = result;
            json& c = consultations[i];
            if (!loose) item["consultation"] = c["id"];
            if (p.name == "sdnet") c.update({{"meeting", mid}, {"agendaItem", item["id"]}});
            if (p.name == "sessionnet") c.update({{"meeting", mid}, {"agendaItem", nullptr}});
            m["agendaItem"].push_back(item);
        };

        const int scenario = roll < 15 ? 0 : roll < 25 ? 1 : roll < 40 ? 2 : roll < 55 ? 3
                             : roll < 70 ? 4 : roll < 75 ? 5 : roll < 80 ? 6 : 7;
        const bool two_steps = !loose && pick(2) == 0;
        switch (scenario) {
        case 0:  // no Beratungsfolge
            o["paperType"] = any(pick(2) ? p.antrag : p.anfrage);
            state = "submitted";
            break;
        case 1:  // a Beratungsfolge not yet scheduled
            o["paperType"] = any(p.antrag);
            consult("bau", p.vorberatung, false);
            consult("rat", p.entscheidung, true);
            if (p.name == "sessionnet") consultations[0]["agendaItem"] = nullptr;
            state = "submitted";
            break;
        case 2:  // on the agenda
            o["paperType"] = any(p.vorlage);
            if (two_steps) {
                treat(consult("bau", p.vorberatung, false), "bau", 20, "empfohlen");
                treat(consult("rat", p.entscheidung, true), "rat", 34, "");
            } else {
                treat(consult("haupt", p.vorberatung, false), "haupt", 25, "");
            }
            state = "on_agenda";
            break;
        case 3:  // taken note of
            o["paperType"] = any(p.mitteilung);
            treat(consult("bau", p.kenntnisnahme, false), "bau", 21, "zur Kenntnis genommen");
            state = "acknowledged";
            break;
        case 4:  // decided
            o["paperType"] = any(p.vorlage);
            if (two_steps) treat(consult("bau", p.vorberatung, false), "bau", 20, "empfohlen");
            treat(consult("rat", p.entscheidung, true), "rat", 34, any(p.decided));
            state = "decided";
            break;
        case 5:  // rejected
            o["paperType"] = any(p.vorlage);
            treat(consult("rat", p.entscheidung, true), "rat", 34, pick(2) ? "abgelehnt" : "mehrheitlich abgelehnt");
            state = "rejected";
            break;
        case 6:  // treated without a result kimflow records: stays, warned about
            o["paperType"] = any(p.vorlage);
            treat(consult("rat", p.entscheidung, true), "rat", 34, "ohne");
            state = "on_agenda|submitted";
            out_.warned.push_back(id);
            break;
        default:  // a type no vocabulary maps: Sonstige, warned about
            o["paperType"] = pick(2) ? "Niederschrift" : "Einwohnerfrage";
            state = "submitted";
            out_.warned.push_back(id);
        }
        if (!consultations.empty()) o["consultation"] = consultations;
        return o;
    }

    json meeting(const Product& p, const std::string& id, const std::string& committee, const std::string& day)
    {
        json m = {{"id", id}, {"type", type(meeting_version(p), "Meeting")}, {"start", day + "T17:00:00+01:00"},
                  {"end", p.name == "sdnet" ? day + "T00:00:00+01:00" : day + "T20:30:00+01:00"},
                  {"organization", json::array({org(p, committee)})}, {"agendaItem", json::array()}};
        for (const auto& [key, name] : kCommittees)
            if (key == committee) m["name"] = name + ", " + day;
        if (p.name == "rubin") m["more-it-solutions:sitzungsart"] = "ordentlich";
        // A section header heads every agenda.
        m["agendaItem"].push_back(
            {{"id", id + "/item/0"}, {"number", ""}, {"order", 0}, {"name", "Öffentlicher Teil"}});
        return m;
    }

    oparl::ImportSource organizations(const Product& p)
    {
        json data = json::array();
        for (const auto& [key, name] : kCommittees) {
            data.push_back({{"id", org(p, key)}, {"type", type(meeting_version(p), "Organization")}, {"name", name},
                            {"organizationType", "Gremium"}});
            out_.typed[meeting_version(p)]++;
        }
        return {p.name + "-organizations.json", json{{"data", data}}.dump()};
    }

    void meeting_pages(const Product& p)
    {
        json data = json::array();
        int n = 0;
        const auto flush = [&] {
            out_.pages.push_back({p.name + "-meetings-" + std::to_string(++n) + ".json", json{{"data", data}}.dump(1)});
            data = json::array();
        };
        for (auto& [id, m] : meetings_[p.name]) {
            data.push_back(m);
            out_.typed[meeting_version(p)]++;
            if (data.size() == 40) flush();
        }
        if (!data.empty()) flush();
    }
};

constexpr std::uint32_t kSeed = 20250206;

TEST(OparlMixed, TheGeneratorIsDeterministic)
{
    const Mixed a = Generator(kSeed).run(200, 20), b = Generator(kSeed).run(200, 20);
    ASSERT_EQ(a.pages.size(), b.pages.size());
    for (std::size_t i = 0; i < a.pages.size(); ++i) {
        EXPECT_EQ(a.pages[i].name, b.pages[i].name);
        EXPECT_EQ(a.pages[i].text, b.pages[i].text);
    }
    EXPECT_EQ(a.states, b.states);
    // Every kind of object is there.
    EXPECT_GT(a.skipped, 0u);
    EXPECT_GT(a.quarantined, 0u);
    EXPECT_GT(a.warned.size(), 0u);
}

TEST(OparlMixed, TwoThousandPapersOfFourProductsImportAsCountedAndAgainChangeNothing)
{
    const Mixed m = Generator(kSeed).run(2000, 100);
    ASSERT_EQ(m.created + m.skipped + m.quarantined, 2000u);
    Council c;
    const auto r = c.import(m.pages);
    EXPECT_EQ(r.created.size(), m.created);
    EXPECT_TRUE(r.advanced.empty());
    EXPECT_TRUE(r.unchanged.empty());
    EXPECT_EQ(r.skipped.size(), m.skipped) << describe(r.skipped).substr(0, 3000);
    EXPECT_EQ(r.quarantined.size(), m.quarantined) << describe(r.quarantined).substr(0, 3000);
    for (const auto& q : r.quarantined) {
        EXPECT_FALSE(q.file.empty());
        EXPECT_EQ(q.path.rfind("data[", 0), 0u) << q.path;
    }
    EXPECT_EQ(c.engine.size(), m.created);

    // Every paper in the state its data implies.
    std::vector<std::string> wrong;
    std::map<std::string, std::size_t> tally;  // "expected -> actual" → how many
    for (const auto& [ref, expected] : m.states) {
        const std::string actual = c.state(ref);
        const bool either = expected == "on_agenda|submitted" && (actual == "on_agenda" || actual == "submitted");
        if (actual == expected || either) continue;
        wrong.push_back(ref);
        tally[expected + " -> " + actual]++;
    }
    std::string counts;
    for (const auto& [change, n] : tally) counts += "  " + change + ": " + std::to_string(n) + "\n";
    if (wrong.size() > 10) wrong.resize(10);
    EXPECT_TRUE(wrong.empty()) << "papers in the wrong state:\n" << counts << "such as: " << join(wrong);
    std::vector<std::string> unwarned;
    for (const auto& id : m.warned)
        if (!about(r.warnings, id) && !about(r.warnings, c.ref_of(id))) unwarned.push_back(id);
    EXPECT_TRUE(unwarned.empty()) << unwarned.size() << " not warned about, such as "
                                  << (unwarned.empty() ? "" : unwarned.front());
    for (const auto& [version, count] : r.versions) EXPECT_TRUE(version == "1.0" || version == "1.1") << version;
    for (const auto& [version, count] : m.typed) {
        EXPECT_GE(r.versions.count(version) ? r.versions.at(version) : 0u, count) << version;
    }

    const auto before = histories(c);
    const auto again = c.import(m.pages);
    EXPECT_TRUE(again.created.empty());
    EXPECT_TRUE(again.advanced.empty()) << join(again.advanced).substr(0, 2000);
    EXPECT_EQ(again.unchanged.size(), m.created);
    EXPECT_EQ(again.skipped.size(), m.skipped);
    EXPECT_EQ(again.quarantined.size(), m.quarantined);
    EXPECT_EQ(histories(c), before);
}

}  // namespace
