// kimflowd --demo as a newcomer meets it: started in a folder of its own, it prints the address
// and the demo log-ins, each of which works and sees what the policy lets it see; a second start
// reuses the file, and a database that is not the demo is refused and left as it was.
#include <regex>
#include <set>

#include "kimflowd_fixture.hpp"

namespace {

using namespace kimflowd_test;

struct Login {
    std::string name, password, role, organization;
};

/// Waits for @p pid to end (at most a minute: then it is killed); its exit code, or -1.
int wait_for_exit(pid_t pid)
{
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    int status = 0;
    while (::waitpid(pid, &status, WNOHANG) == 0) {
        if (std::chrono::steady_clock::now() > deadline) {
            ::kill(pid, SIGKILL);
            ::waitpid(pid, &status, 0);
            return -1;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/// `kimflowd --demo [FILE] --listen 127.0.0.1:0` started in @p folder, stdout and stderr to files.
class Demo {
public:
    Demo(const TempDir& folder, const std::string& file)
        : out_(folder / ("stdout-" + std::to_string(++runs_))), err_(folder / ("stderr-" + std::to_string(runs_)))
    {
        std::vector<std::string> args{KIMFLOWD_PATH, "--demo"};
        if (!file.empty()) args.push_back(file);
        for (const char* a : {"--listen", "127.0.0.1:0"}) args.push_back(a);
        std::vector<char*> argv;
        for (auto& a : args) argv.push_back(a.data());
        argv.push_back(nullptr);
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_addchdir_np(&actions, folder.path().c_str());
        posix_spawn_file_actions_addopen(&actions, 1, out_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        posix_spawn_file_actions_addopen(&actions, 2, err_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        const int rc = ::posix_spawn(&pid_, KIMFLOWD_PATH, &actions, nullptr, argv.data(), environ);
        posix_spawn_file_actions_destroy(&actions);
        if (rc != 0) throw std::runtime_error("cannot start kimflowd");
    }
    ~Demo()
    {
        if (pid_ > 0) {
            ::kill(pid_, SIGTERM);
            wait_for_exit(pid_);
        }
    }
    Demo(const Demo&) = delete;
    Demo& operator=(const Demo&) = delete;

    /// Its exit code once it has ended by itself (-1 if it had to be killed).
    int wait() { return wait_for_exit(std::exchange(pid_, -1)); }
    /// SIGTERM, and its exit code.
    int stop()
    {
        ::kill(pid_, SIGTERM);
        return wait();
    }
    std::string out() const { return read_text(out_); }
    std::string err() const { return read_text(err_); }

    /// Waits until it has printed the log-ins (the last thing it prints) and answers /readyz.
    void await_ready()
    {
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
        std::smatch m;
        std::string text;
        while (!std::regex_search(text = out(), m, std::regex(R"(http://127\.0\.0\.1:(\d+)/[^\n]*\n[\s\S]*Strg\+C)"))) {
            int status = 0;
            if (::waitpid(pid_, &status, WNOHANG) == pid_) {
                pid_ = -1;
                throw std::runtime_error("kimflowd --demo ended at start: " + err());
            }
            if (std::chrono::steady_clock::now() > deadline)
                throw std::runtime_error("kimflowd --demo printed no address: " + text + err());
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        port = std::stoi(m[1]);
        http = std::make_unique<httplib::Client>("127.0.0.1", port);
        http->set_connection_timeout(10, 0);
        http->set_read_timeout(10, 0);
        for (int i = 0; i < 500; ++i) {
            if (auto r = http->Get("/readyz"); r && r->status == 200) return;
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        throw std::runtime_error("kimflowd --demo did not become ready: " + err());
    }

    /// The log-ins of the printed table: the rows under its rule, columns parted by two blanks.
    std::vector<Login> logins() const
    {
        std::istringstream lines(out());
        std::vector<Login> found;
        bool table = false;
        const std::regex gap(" {2,}");
        for (std::string line; std::getline(lines, line);) {
            if (line.rfind("----", 0) == 0) {
                table = true;
            } else if (table && line.empty()) {
                break;
            } else if (table) {
                std::vector<std::string> cells;
                std::sregex_token_iterator it(line.begin(), line.end(), gap, -1), end;
                for (; it != end; ++it) cells.push_back(*it);
                if (cells.size() >= 4) found.push_back({cells[0], cells[1], cells[2], cells[3] == "-" ? "" : cells[3]});
            }
        }
        return found;
    }

    /// A session token of @p login.
    std::string token(const Login& login)
    {
        auto r = http->Post("/api/v1/session", json{{"name", login.name}, {"password", login.password}}.dump(),
                            "application/json");
        if (!r || r->status != 201) throw std::runtime_error("log-in of " + login.name + " failed: " + (r ? r->body : ""));
        return body_of(r)["token"];
    }
    json get(const std::string& path, const std::string& token)
    {
        auto r = http->Get(path, bearer(token));
        if (!r) return nullptr;
        last_status = r->status;
        return body_of(r);
    }

    int port = 0;
    int last_status = 0;
    std::unique_ptr<httplib::Client> http;

private:
    static inline int runs_ = 0;
    std::string out_, err_;
    pid_t pid_ = -1;
};

/// The printed log-in of @p role (and @p organization, if given).
Login login_of(const std::vector<Login>& logins, const std::string& role, const std::string& organization = "")
{
    for (const auto& l : logins)
        if (l.role == role && (organization.empty() || l.organization == organization)) return l;
    throw std::runtime_error("no demo log-in of role " + role + " " + organization);
}

std::set<std::string> ids_of(const json& list)
{
    std::set<std::string> ids;
    for (const auto& item : list) ids.insert(item.at("id").get<std::string>());
    return ids;
}

TEST(KimflowdDemo, ItPrintsTheAddressAndLogInsThatEachWorkAsPrinted)
{
    TempDir folder("kimflowd-demo");
    Demo demo(folder, "");  // the default file, in the current folder
    demo.await_ready();
    EXPECT_TRUE(std::filesystem::exists(folder / "kimflow-demo.db"));
    EXPECT_NE(demo.out().find("eben angelegt"), std::string::npos) << demo.out();
    const auto logins = demo.logins();
    std::multiset<std::string> roles;
    for (const auto& l : logins) roles.insert(l.role);
    EXPECT_EQ(roles, (std::multiset<std::string>{"administrator", "case_manager", "case_manager", "kreis_coordinator",
                                                 "sitzungsdienst", "verwaltung"}));
    for (const auto& l : logins) {
        const json me = demo.get("/api/v1/me", demo.token(l));
        EXPECT_EQ(me["actor"]["role"], l.role) << l.name;
        EXPECT_EQ(me["actor"]["organization"], l.organization) << l.name;
    }
}

TEST(KimflowdDemo, EachTraegerSeesItsOwnCasesAndTheKreisSeesThemAll)
{
    TempDir folder("kimflowd-demo");
    Demo demo(folder, "demo.db");
    demo.await_ready();
    const auto logins = demo.logins();
    const std::string caritas = demo.token(login_of(logins, "case_manager", "Caritas"));
    const std::string awo = demo.token(login_of(logins, "case_manager", "AWO"));
    const std::string kreis = demo.token(login_of(logins, "kreis_coordinator"));

    const json all = demo.get("/api/v1/cases", kreis);
    std::set<std::string> traeger, phases, consents;
    for (const auto& c : all) {
        traeger.insert(c["data"]["traeger"].get<std::string>());
        consents.insert(c["states"][0].get<std::string>());
        phases.insert(c["states"][1].get<std::string>());
    }
    EXPECT_EQ(traeger, (std::set<std::string>{"AWO", "Caritas"}));
    EXPECT_GE(all.size(), 4u);
    EXPECT_GE(phases.size(), 4u) << all.dump();
    EXPECT_TRUE(phases.count("closed")) << all.dump();
    EXPECT_TRUE(consents.count("none") && consents.count("granted")) << all.dump();

    const json own = demo.get("/api/v1/cases", caritas);
    ASSERT_FALSE(own.empty());
    for (const auto& c : own) EXPECT_EQ(c["data"]["traeger"], "Caritas") << c.dump();
    const json theirs = demo.get("/api/v1/cases", awo);
    ASSERT_FALSE(theirs.empty());
    for (const auto& c : theirs) {
        EXPECT_EQ(c["data"]["traeger"], "AWO") << c.dump();
        demo.get("/api/v1/cases/" + c["id"].get<std::string>(), caritas);
        EXPECT_EQ(demo.last_status, 404) << c["id"];
    }
    EXPECT_EQ(own.size() + theirs.size(), all.size());

    // Wiedervorlagen: one of the Caritas falls due within the week, one of the AWO is overdue.
    const json week = demo.get("/api/v1/cases?due_for_follow_up=true&from=" + today_plus(0) + "&to=" + today_plus(6), caritas);
    EXPECT_FALSE(week.empty()) << week.dump();
    const json overdue = demo.get("/api/v1/cases?overdue=true", kreis);
    ASSERT_FALSE(overdue.empty());
    for (const auto& c : overdue) EXPECT_EQ(c["data"]["traeger"], "AWO") << c.dump();
}

TEST(KimflowdDemo, TheSitzungsdienstSeesThePapersAndTheBeschlusskontrolle)
{
    TempDir folder("kimflowd-demo");
    Demo demo(folder, "demo.db");
    demo.await_ready();
    const std::string sitzungsdienst = demo.token(login_of(demo.logins(), "sitzungsdienst"));

    const json anfrage = demo.get("/api/v1/papers/14%2F1923", sitzungsdienst);
    ASSERT_EQ(demo.last_status, 200) << anfrage.dump();
    EXPECT_EQ(anfrage["states"], json::array({"acknowledged"}));

    const json report = demo.get("/api/v1/reports/resolutions?from=2020-01-01&to=" + today_plus(0), sitzungsdienst);
    ASSERT_EQ(demo.last_status, 200) << report.dump();
    std::set<std::string> statuses;
    for (const auto& committee : report["committees"])
        for (const char* section : {"open", "overdue", "settled"})
            for (const auto& row : committee[section]) statuses.insert(row["status"].get<std::string>());
    EXPECT_GE(statuses.size(), 3u) << report.dump();
    EXPECT_TRUE(statuses.count("overdue")) << report.dump();

    // On the agendas of more than one committee and meeting; one Anfrage's answer is overdue.
    std::set<std::string> committees, meetings;
    for (const auto& p : demo.get("/api/v1/papers?state=on_agenda", sitzungsdienst))
        for (const auto& c : p["data"]["consultations"])
            if (c["status"] == "scheduled") {
                committees.insert(c["organization"].get<std::string>());
                meetings.insert(c["meeting_date"].get<std::string>());
            }
    EXPECT_GE(committees.size(), 2u);
    EXPECT_GE(meetings.size(), 2u);
    const json late = demo.get("/api/v1/papers?overdue=true", sitzungsdienst);
    ASSERT_FALSE(late.empty());
    EXPECT_EQ(late[0]["overdue"][0]["what"], "answer") << late.dump();
}

TEST(KimflowdDemo, ASecondStartReusesTheFile)
{
    TempDir folder("kimflowd-demo");
    std::set<std::string> cases, papers;
    std::vector<Login> logins;
    {
        Demo first(folder, "demo.db");
        first.await_ready();
        logins = first.logins();
        const std::string kreis = first.token(login_of(logins, "kreis_coordinator"));
        cases = ids_of(first.get("/api/v1/cases", kreis));
        papers = ids_of(first.get("/api/v1/papers", kreis));
        EXPECT_EQ(first.stop(), 0);
    }
    Demo second(folder, "demo.db");
    second.await_ready();
    EXPECT_NE(second.out().find("von einem früheren Start"), std::string::npos) << second.out();
    const auto again = second.logins();
    ASSERT_EQ(again.size(), logins.size());
    for (std::size_t i = 0; i < again.size(); ++i) EXPECT_EQ(again[i].password, logins[i].password);
    const std::string kreis = second.token(login_of(again, "kreis_coordinator"));
    const json listed = second.get("/api/v1/cases", kreis);
    EXPECT_EQ(listed.size(), cases.size());
    EXPECT_EQ(ids_of(listed), cases);
    EXPECT_EQ(ids_of(second.get("/api/v1/papers", kreis)), papers);
}

TEST(KimflowdDemo, ADatabaseThatIsNotTheDemoIsRefusedAndLeftAsItWas)
{
    TempDir folder("kimflowd-demo");
    const std::string real = folder / "kreis.db";
    {
        auto store = std::make_shared<kimflow::SqliteStore>(real);
        kimflow::Accounts(store).add("mkoch", "case_manager", "caritas", "password-of-mkoch", kSetup, wall_now());
    }
    const std::string text = folder / "notes.txt";
    std::ofstream(text) << "keine Datenbank\n";
    for (const std::string& file : {real, text}) {
        const std::string before = read_text(file);
        ASSERT_FALSE(before.empty());
        Demo demo(folder, file);
        EXPECT_EQ(demo.wait(), 2) << demo.out();
        EXPECT_NE(demo.err().find(file), std::string::npos) << demo.err();
        EXPECT_NE(demo.err().find("pass a new path"), std::string::npos) << demo.err();
        EXPECT_EQ(demo.out(), "");
        EXPECT_EQ(read_text(file), before) << file;
        for (const char* beside : {"-wal", "-shm", "-journal"}) EXPECT_FALSE(std::filesystem::exists(file + beside)) << beside;
    }
    std::size_t entries = 0;
    for (const auto& e : std::filesystem::directory_iterator(folder.path()))
        entries += e.path().filename().string().rfind("std", 0) == 0 ? 0 : 1;
    EXPECT_EQ(entries, 2u);  // no demo made beside them either
}

}  // namespace
