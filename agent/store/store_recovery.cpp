#include "store/store_recovery.hpp"

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <system_error>

#include "platform/private_file.hpp"

namespace mpa {

IntegrityResult checkStoreIntegrity(const SqliteConnection& db, std::string* detail) {
    SqliteStatement s;
    auto failure = [&](const std::string& message) {
        *detail = message;
        const int code = db.lastErrorCode();
        return code == SQLITE_CORRUPT || code == SQLITE_NOTADB ? IntegrityResult::Corrupt
                                                               : IntegrityResult::Unavailable;
    };
    if (const auto prepared = db.prepare("PRAGMA quick_check", &s); !prepared)
        return failure(prepared.error);
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

namespace {

// The database size the file's header promises (SQLite file format, "The Database Header"):
// page size at offset 16 (1 means 65,536), page count at 28, valid only when the change counter
// at 24 equals the "version valid for" number at 92. 0 when the header says nothing usable.
std::uint64_t sizeTheHeaderPromises(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    unsigned char h[100] = {};
    if (!in.read(reinterpret_cast<char*>(h), sizeof h)) return 0;
    auto be32 = [&](int at) {
        return (std::uint32_t{h[at]} << 24) | (std::uint32_t{h[at + 1]} << 16) |
               (std::uint32_t{h[at + 2]} << 8) | std::uint32_t{h[at + 3]};
    };
    std::uint32_t pageSize = (std::uint32_t{h[16]} << 8) | h[17];
    if (pageSize == 1) pageSize = 65536;
    if (pageSize < 512 || (pageSize & (pageSize - 1)) != 0) return 0;  // SQLite refuses it
    if (be32(24) != be32(92)) return 0;
    return std::uint64_t{pageSize} * be32(28);
}

}  // namespace

IntegrityResult checkStoreCheaply(const SqliteConnection& db, const std::string& path,
                                  std::string* detail) {
    // A file cut short. Only when no WAL or rollback journal holds pages: a checkpoint killed
    // half-way may have written the header before the pages that make the file that long, and
    // SQLite then reads those from the WAL. With the WAL empty the header is what SQLite trusts.
    std::error_code ec;
    const auto size = std::filesystem::file_size(path, ec);
    auto holdsPages = [&](const char* suffix) {
        std::error_code missing;
        const auto bytes = std::filesystem::file_size(path + suffix, missing);
        return !missing && bytes > 0;
    };
    const bool settled = !ec && !holdsPages("-wal") && !holdsPages("-journal");
    const auto promised = settled ? sizeTheHeaderPromises(path) : 0;
    if (promised > 0 && size < promised) {
        *detail = "the file is " + std::to_string(size) + " bytes, its header says " +
                  std::to_string(promised) + ": truncated";
        return IntegrityResult::Corrupt;
    }
    // Page 1 and the schema: a damaged header or schema page fails here.
    SqliteStatement s;
    const auto prepared = db.prepare("SELECT count(*) FROM sqlite_master", &s);
    if (prepared && s.step()) return IntegrityResult::Ok;
    *detail = prepared ? s.errorMessage() : prepared.error;
    const int code = db.lastErrorCode();
    return code == SQLITE_CORRUPT || code == SQLITE_NOTADB ? IntegrityResult::Corrupt
                                                           : IntegrityResult::Unavailable;
}

SalvagedState salvageLedger(SqliteConnection& corrupt) {
    SalvagedState out;
    std::string error;
    // A truncated file is refused as a whole unless SQLite may trust the file's real size over
    // the size in its header; writable_schema allows that. Nothing is written through it.
    corrupt.exec("PRAGMA writable_schema=ON");
    SqliteStatement s;
    if (const auto prepared =
            corrupt.prepare("SELECT target, subject, existed, value, recorded_at FROM ledger", &s);
        !prepared) {
        error = prepared.error;
    } else {
        while (s.step())
            out.ledger.push_back({s.text(0), s.text(1), s.integer(2) != 0, s.text(3), s.text(4)});
        if (s.failed()) error = s.errorMessage();
    }
    if (!error.empty()) out.problem = "ledger: " + error;
    error.clear();
    if (const auto prepared = corrupt.prepare("SELECT key, value FROM agent_state", &s);
        !prepared) {
        error = prepared.error;
    } else {
        while (s.step()) out.agentState.emplace_back(s.text(0), s.text(1));
        if (s.failed()) error = s.errorMessage();
    }
    if (!error.empty())
        out.problem += (out.problem.empty() ? "" : "; ") + ("agent state: " + error);
    return out;
}

Status moveCorruptStoreAside(const std::string& path, const std::string& stamp,
                             std::string* movedTo) {
    const std::string aside = path + ".corrupt-" + stamp;
    if (std::rename(path.c_str(), aside.c_str()) != 0)
        return Status::failure(path + ": cannot move the corrupt database aside to " + aside +
                               ": " + std::strerror(errno));
    for (const char* suffix : {"-wal", "-shm"}) {
        const std::string companion = path + suffix;
        if (pathExists(companion) && std::rename(companion.c_str(), (aside + suffix).c_str()) != 0)
            return Status::failure(companion + ": cannot move it aside: " + std::strerror(errno));
    }
    *movedTo = aside;
    return Status::success();
}

namespace {
constexpr char kSqliteHeader[] = "SQLite format 3";  // and a NUL: 16 bytes
constexpr const char* kNotOurs =
    "; the agent only ever writes, moves or replaces its own compliance database, so this file "
    "was left as it is: check `database:` in agent.yaml or --db";
}  // namespace

Status looksLikeSqliteFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    // Missing (a new database) or unreadable: the open reports it.
    if (!in) return Status::success();
    char header[16] = {};
    in.read(header, sizeof header);
    const auto got = in.gcount();
    if (got == 0) return Status::success();  // an empty file is a new database
    if (got == static_cast<std::streamsize>(sizeof header) &&
        std::memcmp(header, kSqliteHeader, sizeof header) == 0)
        return Status::success();
    return Status::failure(path + ": is not an SQLite database" + kNotOurs);
}

bool hasContent(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    char byte = 0;
    return in && in.read(&byte, 1) && in.gcount() == 1;
}

Status isAgentSchemaOrEmpty(const SqliteConnection& db, const std::string& path) {
    Status read;
    const auto tables =
        db.queryInt("SELECT count(*) FROM sqlite_master WHERE type = 'table'", &read);
    const auto ours = db.queryInt(
        "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN ('runs', 'ledger')",
        &read);
    if (!tables || !ours) return Status::failure(path + ": cannot read its schema: " + read.error);
    if (*tables == 0 || *ours == 2) return Status::success();
    return Status::failure(path + ": is an SQLite database of another program (no agent tables)" +
                           kNotOurs);
}

}  // namespace mpa
