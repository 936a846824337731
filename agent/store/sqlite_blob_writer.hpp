#pragma once
// Writes a large column value in pieces (SQLite's incremental blob I/O) into a placeholder the
// row was given with zeroblob(length): the value is never held whole, neither by the caller nor
// by SQLite, whose INSERT of a large bound text would copy it twice more.
#include <sqlite3.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "store/sqlite_connection.hpp"
#include "util/status.hpp"

namespace mpa {

class SqliteBlobWriter {
  public:
    SqliteBlobWriter() = default;
    ~SqliteBlobWriter();
    SqliteBlobWriter(const SqliteBlobWriter&) = delete;
    SqliteBlobWriter& operator=(const SqliteBlobWriter&) = delete;

    // The value of `column` in the row `rowid` of main.`table`, opened for writing.
    Status open(SqliteConnection& db, const std::string& table, const std::string& column,
                std::int64_t rowid);
    // Appends after what was written; fails past the placeholder's length.
    Status append(std::string_view bytes);
    std::uint64_t written() const { return written_; }
    Status close();

  private:
    sqlite3_blob* blob_ = nullptr;
    sqlite3* db_ = nullptr;
    std::uint64_t written_ = 0;
};

}  // namespace mpa
