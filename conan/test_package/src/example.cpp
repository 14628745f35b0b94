// The smallest real use of kimflow from another project: a Drucksache created and submitted on
// a SQLite file, then read back as JSON. Prints "kimflow VERSION: ID STATE (version N)".
#include <cstdio>
#include <iostream>
#include <memory>
#include <string>

#include <kimflow/kimflow.hpp>

int main(int argc, char** argv)
{
    const std::string path = argc > 1 ? argv[1] : "test_package.db";
    std::remove(path.c_str());
    try {
        using namespace kimflow;
        paper::PaperEngine engine(paper::PaperConfig{}, std::make_shared<SystemClock>(),
                                  std::make_shared<SqliteStore>(path));
        const Actor fraktion{"kretschmer", "fraktion", "Fraktion Die Linke"};
        paper::Paper p;
        p.reference = "14/1923";
        p.title = "Zusammenarbeit der Kommunalen Integrationszentren im Ruhrgebiet";
        engine.create(p.reference, p, fraktion);
        engine.fire(p.reference, paper::Submit{}, fraktion);
        const nlohmann::json j = to_json(engine, p.reference, false);
        std::cout << "kimflow " << KIMFLOW_VERSION_MAJOR << '.' << KIMFLOW_VERSION_MINOR << '.' << KIMFLOW_VERSION_PATCH
                  << ": " << j.at("id").get<std::string>() << ' ' << j.at("state").get<std::string>() << " (version "
                  << j.at("version").get<std::uint64_t>() << ")\n";
    } catch (const kimflow::Error& e) {
        std::cerr << "example: " << e.what() << '\n';
        return 1;
    }
    return 0;
}
