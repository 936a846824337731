#include "store/store_recovery.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "platform/private_file.hpp"

namespace mpa {

IntegrityResult checkStoreIntegrity(const SqliteConnection& db, std::string* detail) {
    SqliteStatement s;
    std::string error;
    auto failure = [&](const std::string& message) {
        *detail = message;
        const int code = db.lastErrorCode();
        return code == SQLITE_CORRUPT || code == SQLITE_NOTADB ? IntegrityResult::Corrupt
                                                               : IntegrityResult::Unavailable;
    };
    if (!db.prepare("PRAGMA quick_check", &s, &error)) return failure(error);
    std::string problems;
    int rows = 0;
    while (s.step()) {
        const auto line = s.text(0);
        if (line == "ok" && rows == 0) return IntegrityResult::Ok;
        if (rows++ < 5) problems += (problems.empty() ? "" : "; ") + line;
    }
    if (s.failed()) return failure(s.errorMessage());
    *detail = "quick_check: " + (problems.empty() ? std::string("no result") : problems);
    return IntegrityResult::Corrupt;
}

SalvagedState salvageLedger(SqliteConnection& corrupt) {
    SalvagedState out;
    std::string error;
    // A truncated file is refused as a whole unless SQLite may trust the file's real size over
    // the size in its header; writable_schema allows that. Nothing is written through it.
    corrupt.exec("PRAGMA writable_schema=ON", nullptr);
    SqliteStatement s;
    if (corrupt.prepare("SELECT target, subject, existed, value, recorded_at FROM ledger", &s,
                        &error)) {
        while (s.step())
            out.ledger.push_back({s.text(0), s.text(1), s.integer(2) != 0, s.text(3), s.text(4)});
        if (s.failed()) error = s.errorMessage();
    }
    if (!error.empty()) out.problem = "ledger: " + error;
    error.clear();
    if (corrupt.prepare("SELECT key, value FROM agent_state", &s, &error)) {
        while (s.step()) out.agentState.emplace_back(s.text(0), s.text(1));
        if (s.failed()) error = s.errorMessage();
    }
    if (!error.empty())
        out.problem += (out.problem.empty() ? "" : "; ") + ("agent state: " + error);
    return out;
}

bool moveCorruptStoreAside(const std::string& path, const std::string& stamp, std::string* movedTo,
                           std::string* error) {
    const std::string aside = path + ".corrupt-" + stamp;
    if (std::rename(path.c_str(), aside.c_str()) != 0) {
        *error = path + ": cannot move the corrupt database aside to " + aside + ": " +
                 std::strerror(errno);
        return false;
    }
    for (const char* suffix : {"-wal", "-shm"}) {
        const std::string companion = path + suffix;
        if (pathExists(companion) &&
            std::rename(companion.c_str(), (aside + suffix).c_str()) != 0) {
            *error = companion + ": cannot move it aside: " + std::strerror(errno);
            return false;
        }
    }
    *movedTo = aside;
    return true;
}

}  // namespace mpa
