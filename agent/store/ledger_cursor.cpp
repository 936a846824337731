#include "store/ledger_cursor.hpp"

#include "util/text.hpp"

namespace mpa {
namespace {

// Entries another look-up's prefix passes over before the cursor searches instead: a settings
// file has up to four (three keys and the file), so this lets a pass skip a few files the
// ledger knows and it does not ask for, while a look-up far ahead costs no long walk.
constexpr std::size_t kMaxStepsBeforeSeek = 16;

}  // namespace

void LedgerCursor::drop() {
    statement_.reset();  // the lease resets the statement, which ends its read
    onRow_ = false;
    consumed_.clear();
}

bool LedgerCursor::advance(std::string* error) {
    onRow_ = (*statement_)->step();
    if (onRow_ || !(*statement_)->failed()) return true;
    if (error) *error = (*statement_)->errorMessage();
    drop();
    return false;
}

bool LedgerCursor::seek(const std::string& target, std::string_view prefix, std::string* error) {
    drop();
    Status compiled;
    // The index on (target, subject) gives the order; no sort is built.
    statement_.emplace(
        db_.cached("SELECT subject, existed, value, recorded_at, rowid FROM ledger "
                   "WHERE target = ? AND subject >= ? ORDER BY subject",
                   &compiled));
    if (!*statement_) {
        if (error) *error = compiled.error;
        statement_.reset();
        return false;
    }
    ++seeks_;
    target_ = target;
    (*statement_)->bind(1, target).bind(2, prefix);
    return advance(error);
}

bool LedgerCursor::read(const std::string& target, std::string_view prefix, const RowSink& row,
                        std::string* error) {
    // Going on is right only when no entry of `prefix` can lie behind the position: the prefix
    // sorts after everything passed, and is not an extension of the last one (whose entries,
    // its own among them, were all handed out).
    bool goOn = statement_ && target == target_ && !consumed_.empty() &&
                prefix > std::string_view(consumed_) && !startsWith(prefix, consumed_);
    for (std::size_t steps = 0; goOn && onRow_ && (*statement_)->textView(0) < prefix; ++steps) {
        if (steps == kMaxStepsBeforeSeek) {
            goOn = false;
            break;
        }
        if (!advance(error)) return false;
    }
    if (!goOn && !seek(target, prefix, error)) return false;
    while (onRow_ && startsWith((*statement_)->textView(0), prefix)) {
        row(**statement_);
        if (!advance(error)) return false;
    }
    consumed_ = std::string(prefix);
    return true;
}

}  // namespace mpa
