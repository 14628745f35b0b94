/// @file
/// Keeping a council's papers in sync with its RIS over HTTP(S): walks an OParl body's
/// organization, meeting and paper lists (following `links.next`), imports what it finds with
/// import_papers(), and remembers in the store how far it got, so that the next run asks only
/// for what changed (`modified_since`) and an interrupted run resumes where it stopped.
/// Library target `kimflow::oparl_sync` (it links libcurl; the kimflow library does not).
///
/// ## What a run does
/// - The URL is a System (its `body` list is read; a RIS that serves one Body there, or an
///   empty list as `[]` or as an error object, is understood) or one Body.
/// - Per body: the organization and meeting lists are read whole, as context; then the paper
///   list page by page, each page imported in a call of its own with that context, so that a
///   later failure keeps what earlier pages brought.
/// - After the first complete run the three lists are asked only for what changed
///   (`modified_since`). The meetings and organizations that changed papers name but that did
///   not change themselves are then fetched one by one; and the papers on the agenda of a
///   changed meeting are fetched and imported with it, for a meeting's result may move a paper
///   that did not change (found by the setting `oparl:consultation:<id>` an import writes, else
///   by asking the RIS for the Consultation).
///
/// ## Store settings, per body (its OParl id)
/// | key | value |
/// |---|---|
/// | `oparl:sync:<body>` | the sync point: when the last complete run started, less a few minutes for the RIS's clock (RFC 3339, UTC) |
/// | `oparl:sync:<body>:next` | the paper page to resume from after an interruption; empty once the list is done |
/// | `oparl:sync:<body>:started` | the sync point an interrupted run stores once a later run completes it |
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "kimflow/io/oparl.hpp"

namespace kimflow::oparl {

/// How a sync talks to the RIS.
struct SyncOptions {
    /// How each batch is imported (vocabulary, strictness). An empty ImportOptions::system
    /// becomes the URL the sync started from.
    ImportOptions import{};
    /// Longest wait for one response (connecting and reading).
    std::chrono::milliseconds timeout{30000};
    /// How often a request that timed out, was cut short, or got a 5xx (or 429) is tried again.
    int retries = 4;
    /// The wait before the first retry; it doubles with each further one (a `Retry-After` the
    /// server sends is honoured, up to a minute).
    std::chrono::milliseconds backoff{1000};
    /// The least time between two requests: a polite rate for a council's server.
    std::chrono::milliseconds interval{200};
    /// Ignores the stored sync point and fetches every list whole (an interrupted incremental run
    /// is not resumed then; an interrupted full run is).
    bool full = false;
    /// Told what the sync does now (each page fetched, each retry), for a terminal.
    std::function<void(const std::string&)> progress{};
};

/// What a sync did.
struct SyncReport {
    /// What the imports of all pages did together.
    ImportResult imported{};
    /// The Body URLs synced.
    std::vector<std::string> bodies{};
    /// HTTP requests made; each try counts.
    std::size_t requests = 0;
    /// List pages read, of the body, organization, meeting and paper lists.
    std::size_t pages = 0;
    /// Requests that were tried again (after a timeout, a cut-short body, a 5xx or 429).
    std::size_t retries = 0;
    /// Whether this run asked only for changes (`modified_since`, from the stored sync point).
    bool incremental = false;
};

/// The RIS could not be read (after the retries): names the URL, and the HTTP status if any.
class SyncError : public Error {
public:
    /// @p message about @p url; @p status is the last HTTP status (0: no response).
    SyncError(std::string url, long status, const std::string& message)
        : Error(url + ": " + message), url_(std::move(url)), status_(status)
    {
    }
    /// The URL that failed.
    const std::string& url() const noexcept { return url_; }
    /// The last HTTP status, 0 when there was no response (timeout, refused, cut short).
    long status() const noexcept { return status_; }

private:
    std::string url_;
    long status_;
};

/// Syncs the papers of the OParl System or Body at @p url into @p engine, as @p actor. What the
/// pages already fetched brought in stays imported when a later request fails; the next run
/// resumes from the page that failed.
/// @throws SyncError when the RIS cannot be read after the retries, or @p url is no System or
///         Body; ImportError in strict mode; StoreError
SyncReport sync_oparl(paper::PaperEngine& engine, const std::string& url, const Actor& actor,
                      const SyncOptions& options = {});

}  // namespace kimflow::oparl
