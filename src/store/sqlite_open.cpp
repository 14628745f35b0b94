// Opening SqliteStore's file as its options ask: created if it may be, else only as it is
// there, and read-only without creating a file beside it (SqliteOptions::read_only, create).
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <filesystem>

#include "sqlite_impl.hpp"

namespace kimflow::sqlite_detail {

namespace {

// Whether this process may write @p path, and it is meant to be written: root may write a file
// or folder without write permission, but one made read-only is an archive, not to be changed.
bool writable(const std::string& path)
{
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 && (st.st_mode & 0222) != 0 && ::access(path.c_str(), W_OK) == 0;
}

// The size of file @p path; -1 if there is none.
long long size_of(const std::string& path)
{
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 ? static_cast<long long>(st.st_size) : -1;
}

// @p path as an SQLite URI (file:///…) with @p query: every byte but unreserved ones and '/'
// percent-encoded, so that '?', '#' and '%' in a name stay part of the name.
std::string uri_of(const std::string& path, const std::string& query)
{
    const std::string absolute = std::filesystem::absolute(path).string();
    std::string out = "file://";
    for (const unsigned char c : absolute) {
        if (std::isalnum(c) || c == '/' || c == '-' || c == '.' || c == '_' || c == '~') {
            out += static_cast<char>(c);
        } else {
            static const char hex[] = "0123456789ABCDEF";
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
    return out + "?" + query;
}

// How a read-only connection opens @p path so that it creates no file (see SqliteOptions::read_only).
std::string read_only_query(const std::string& path)
{
    const long long wal = size_of(path + "-wal");
    if (wal >= 0 && size_of(path + "-shm") >= 0) return "mode=ro";  // the WAL is read through the -shm there
    std::string folder = std::filesystem::path(path).parent_path().string();
    if (folder.empty()) folder = ".";
    // A writer may come: take part in the locking (SQLite makes the -wal and -shm a writer would).
    if (writable(path) && writable(folder)) return "mode=ro";
    if (wal > 0)
        throw StoreReadOnly("kimflow database '" + path + "': its write-ahead log '" + path +
                            "-wal' holds changes not yet in the database file, and without the '-shm' file beside it "
                            "they cannot be read where nothing may be written. Copy the database with its -wal file "
                            "to a writable folder and open it there once (that moves the changes into the file), "
                            "then archive the file alone");
    // Nobody can write it (nor create the -wal a writer needs): read it as an unchanging file,
    // without locks and without side files.
    return "mode=ro&immutable=1";
}

/// Opens @p path as it is there (never creating it): read-only as read_only_query() says, else
/// for writing. A missing file is refused here, an empty one by Impl::open().
SQLite::Database open_existing(const std::string& path, const SqliteOptions& options)
{
    if (size_of(path) < 0)
        throw StoreError("there is no kimflow database '" + path + "'; check the path" +
                         (options.read_only ? std::string() : ", or create the database first"));
    const std::string query = !options.read_only ? "mode=rw"
                              : options.immutable ? "mode=ro&immutable=1"
                                                  : read_only_query(path);
    return SQLite::Database(uri_of(path, query),
                            SQLite::OPEN_URI | (options.read_only ? SQLite::OPEN_READONLY : SQLite::OPEN_READWRITE),
                            static_cast<int>(options.busy_timeout.count()));
}

}  // namespace

SQLite::Database open_database(const std::string& path, const SqliteOptions& options)
{
    if (options.create && !options.read_only)
        return SQLite::Database(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE,
                                static_cast<int>(options.busy_timeout.count()));
    return open_existing(path, options);
}

}  // namespace kimflow::sqlite_detail
