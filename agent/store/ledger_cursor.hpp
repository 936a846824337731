#pragma once
// A forward read over the ledger's (target, subject) index that a pass keeps open between its
// look-ups. A pass asks for one settings file's entries after another, in the order of their
// paths; each look-up as its own query searched the index from the top, and read every entry's
// row through a second search of the table: a tenth of a no-op pass at 10,000 profiles. The
// cursor instead goes on from where the previous look-up stopped when the next prefix comes
// after it, and searches again only when it does not (or is too far ahead to be worth stepping
// to). It holds a read open, so the store drops it before every write and at the end of its
// shared read transaction (SqliteComplianceStore::startWriting, endSharedReads).
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "store/sqlite_connection.hpp"

namespace mpa {

class LedgerCursor {
  public:
    // Columns of each row handed to `row`: subject, existed, value, recorded_at, rowid.
    using RowSink = std::function<void(const SqliteStatement&)>;

    explicit LedgerCursor(const SqliteConnection& db) : db_(db) {}

    // Every entry of `target` whose subject starts with `prefix`, in subject order.
    // False on a failed read, with *error saying why; the cursor is then dropped.
    bool read(const std::string& target, std::string_view prefix, const RowSink& row,
              std::string* error);
    // Forgets the position and ends the read it holds.
    void drop();

    // How many look-ups searched the index from the top (a test's view of the fast path).
    std::size_t seeks() const { return seeks_; }

  private:
    bool seek(const std::string& target, std::string_view prefix, std::string* error);
    bool advance(std::string* error);

    const SqliteConnection& db_;
    std::optional<SqliteCachedStatement> statement_;
    std::string target_;
    // Every entry of target_ ordered before `consumed_`, or starting with it, has been passed.
    std::string consumed_;
    bool onRow_ = false;  // the statement stands on a row no look-up has been given yet
    std::size_t seeks_ = 0;
};

}  // namespace mpa
