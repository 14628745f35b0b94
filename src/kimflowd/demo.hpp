// kimflowd --demo: a SQLite database with the seeds' stories and demo log-ins, made on the first
// start and reused on the next ones; a database that is not the demo is never touched.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

namespace kimflowd {

/// The file given to --demo is there but is not a demo database (or cannot become one): nothing
/// was changed; kimflowd says why and exits 2.
struct DemoRefused : std::runtime_error {
    using std::runtime_error::runtime_error;
};

/// A demo log-in. The passwords are fixed and printed on screen: they are for the demo only.
struct DemoLogin {
    std::string name;
    std::string password;
    std::string role;
    /// Empty for the administrator.
    std::string organization;
    /// What the account sees and may do, one German line.
    std::string description;
};

/// What prepare_demo() found or made.
struct DemoDatabase {
    std::string path;
    /// True if this start made the file; false if an earlier start had.
    bool created = false;
    std::vector<DemoLogin> logins;
};

/// The demo's accounts, the same on every start.
std::vector<DemoLogin> demo_logins();

/// Makes the demo database at @p path if there is no file there, or checks that the file there
/// is one (then it is reused unchanged).
/// @throws DemoRefused if the file is something else (another kimflow database, another file)
/// @throws kimflow::StoreError if the database cannot be written
DemoDatabase prepare_demo(const std::string& path);

/// What kimflowd prints on stdout once it listens at @p url: the address and the log-ins, German.
std::string demo_banner(const DemoDatabase& demo, const std::string& url);

}  // namespace kimflowd
