// Built with nothing but `pkg-config --cflags --libs kimflow`: opens the database the package
// example wrote and checks its audit chain. Prints "N transition(s), chain sound".
#include <iostream>

#include <kimflow/store/sqlite_store.hpp>

int main(int argc, char** argv)
{
    if (argc != 2) {
        std::cerr << "usage: pkg_config_store DATABASE\n";
        return 2;
    }
    try {
        kimflow::SqliteStore store(argv[1]);
        const kimflow::ChainCheck check = store.verify_chain();
        std::cout << check.transitions << " transition(s), chain " << (check.ok() ? "sound" : "broken") << '\n';
        return check.ok() ? 0 : 1;
    } catch (const kimflow::Error& e) {
        std::cerr << "pkg_config_store: " << e.what() << '\n';
        return 1;
    }
}
