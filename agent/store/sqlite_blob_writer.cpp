#include "store/sqlite_blob_writer.hpp"

#include <limits>

namespace mpa {

SqliteBlobWriter::~SqliteBlobWriter() {
    if (blob_) sqlite3_blob_close(blob_);
}

Status SqliteBlobWriter::open(SqliteConnection& db, const std::string& table,
                              const std::string& column, std::int64_t rowid) {
    db_ = db.handle();
    if (sqlite3_blob_open(db_, "main", table.c_str(), column.c_str(), rowid, 1, &blob_) !=
        SQLITE_OK) {
        const std::string why = sqlite3_errmsg(db_);
        sqlite3_blob_close(blob_);  // a failed open may still have allocated a handle
        blob_ = nullptr;
        return Status::failure("cannot open " + table + "." + column + " of row " +
                               std::to_string(rowid) + " for writing: " + why);
    }
    written_ = 0;
    return Status::success();
}

Status SqliteBlobWriter::append(std::string_view bytes) {
    if (bytes.empty()) return Status::success();
    const auto size = static_cast<std::uint64_t>(sqlite3_blob_bytes(blob_));
    if (written_ + bytes.size() > size ||
        bytes.size() > static_cast<std::uint64_t>(std::numeric_limits<int>::max()))
        return Status::failure("writing past the " + std::to_string(size) +
                               " bytes reserved for the value");
    if (sqlite3_blob_write(blob_, bytes.data(), static_cast<int>(bytes.size()),
                           static_cast<int>(written_)) != SQLITE_OK)
        return Status::failure(std::string("writing the value failed: ") + sqlite3_errmsg(db_));
    written_ += bytes.size();
    return Status::success();
}

Status SqliteBlobWriter::close() {
    if (!blob_) return Status::success();
    const int code = sqlite3_blob_close(blob_);
    blob_ = nullptr;
    if (code != SQLITE_OK)
        return Status::failure(std::string("closing the value failed: ") + sqlite3_errmsg(db_));
    return Status::success();
}

}  // namespace mpa
