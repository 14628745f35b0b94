// kimflow::oparl_sync taken in from the package: a sync against a port nobody listens on
// (127.0.0.1:1) must fail at once, as a SyncError without an HTTP status, and change nothing.
#include <iostream>

#include <kimflow/io/oparl_sync.hpp>

int main()
{
    kimflow::paper::PaperEngine engine;
    kimflow::oparl::SyncOptions options;
    options.retries = 0;
    options.timeout = std::chrono::milliseconds(2000);
    try {
        kimflow::oparl::sync_oparl(engine, "http://127.0.0.1:1/oparl/system", {"sync", "importer", "Rat"}, options);
    } catch (const kimflow::oparl::SyncError& e) {
        std::cout << "sync refused: status " << e.status() << ", " << engine.size() << " papers\n";
        return e.status() == 0 && engine.size() == 0 ? 0 : 1;
    }
    std::cout << "sync did not fail\n";
    return 1;
}
