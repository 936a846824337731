#include "store/current_findings_update.hpp"

#include <algorithm>
#include <limits>
#include <string>
#include <string_view>
#include <utility>

#include "store/sha256.hpp"

namespace mpa {
namespace {

// Rows of the previous set read per query: the read is finished (the statement reset) before the
// rows are changed, so the changes never run under an open cursor of the same table.
constexpr int kChunkRows = 512;

// In column order (target, subject, user, desired, observed, outcome, reason): the first seven
// columns of current_findings after seq.
void bindFinding(SqliteStatement& s, int first, const Finding& f) {
    s.bind(first, f.target)
        .bind(first + 1, f.subject)
        .bind(first + 2, f.user)
        .bind(first + 3, f.desired)
        .bind(first + 4, f.observed)
        .bind(first + 5, toString(f.outcome))
        .bind(first + 6, f.reason);
}

// What the previous set is matched by (target and subject), what decides whether a row is
// rewritten (every stored field), and the reason, for the events: 64-bit digests
// (canonicalDigest64), so the pass's findings are read once and not held. A chance collision of
// two subjects' keys (about 1 in 10^9 at 200,000 findings) pairs the wrong rows: their contents
// differ, so both are still written as they are now; only that row's state_since and its event
// could be wrong.
std::uint64_t keyOf(const Finding& f) {
    return canonicalDigest64({f.target, f.subject});
}
std::uint64_t contentOf(const Finding& f) {
    return canonicalDigest64({f.target, f.subject, f.user, f.desired, f.observed,
                              toString(f.outcome), f.reason, f.tool});
}
std::uint64_t reasonOf(const Finding& f) {
    return f.reason.empty() ? 0 : canonicalDigest64({f.reason});
}

struct OldRow {
    std::int64_t seq = 0;
    Finding finding;
};

bool sameFields(const Finding& a, const Finding& b) {
    return a.target == b.target && a.subject == b.subject && a.user == b.user &&
           a.desired == b.desired && a.observed == b.observed && a.outcome == b.outcome &&
           a.reason == b.reason && a.tool == b.tool;
}

// The previous set is read in chunks by seq (its position in the previous pass). Passes over the
// same machine give their findings in the same order (targets in turn, profiles in home order),
// so the previous row at a finding's position is nearly always its subject's: those are matched
// where they stand, field by field, and hold nothing. From the first position where that is not
// so (a profile added or gone before the end), the rest is matched subject by subject through
// digests sorted by key, as a whole pass was before; when the previous set ends first, the rest
// are new rows and need no matching at all (a first pass).
class Updater {
  public:
    Updater(SqliteConnection& db, const FindingLog& findings, const std::string& started,
            const FindingDelta& delta, std::vector<PreviousFinding>* previous)
        : db_(db), findings_(findings), started_(started), delta_(delta), previous_(previous) {}

    Status run() {
        const auto count = findings_.size();
        // A previous row's position is kept in 31 bits (-1 for none): two billion findings a pass.
        if (count > static_cast<std::size_t>(std::numeric_limits<std::int32_t>::max()))
            return Status::failure("a pass of " + std::to_string(count) +
                                   " findings is more than the store records");
        previous_->assign(count, PreviousFinding{});
        if (auto p = prepareStatements(); !p) return p;
        auto it = findings_.begin();
        bool rowsLeft = true;
        if (auto kept = matchInPlace(&it, &rowsLeft); !kept) return kept;
        if (!rowsLeft) return insertRest(&it);
        return matchRestByKey(&it);
    }

  private:
    Status prepareStatements() {
        if (auto p = db_.prepare("SELECT seq, target, subject, user, desired, observed, outcome, "
                                 "reason, tool FROM current_findings WHERE seq > ? ORDER BY seq "
                                 "LIMIT " +
                                     std::to_string(kChunkRows),
                                 &read_);
            !p)
            return p;
        // A previous row keeps its state_since when the outcome is unchanged (SET reads the
        // row's values before the update).
        if (auto p =
                db_.prepare("UPDATE current_findings SET seq = ?1, target = ?2, subject = ?3, "
                            "user = ?4, desired = ?5, observed = ?6, outcome = ?7, reason = ?8, "
                            "tool = ?9, state_since = CASE WHEN outcome = ?7 THEN state_since "
                            "ELSE ?10 END WHERE seq = ?11",
                            &move_);
            !p)
            return p;
        return db_.prepare(
            "INSERT INTO current_findings (seq, target, subject, user, desired, "
            "observed, outcome, reason, tool, state_since) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            &insert_);
    }

    // The next chunk of previous rows after seq `after`, the read finished (the statement
    // reset) before anything is written.
    Status readChunk(std::int64_t after, std::vector<OldRow>* chunk) {
        chunk->clear();
        read_.reset();
        read_.bind(1, after);
        while (read_.step()) {
            chunk->emplace_back();
            if (auto row = readOldRow(read_, &chunk->back()); !row) return row;
        }
        if (read_.failed()) return Status::failure(read_.errorMessage());
        read_.reset();
        return Status::success();
    }

    // Writes finding `f` as the row at `seq`: over the previous row at `oldSeq`, or new (-1).
    Status writeRow(std::int64_t seq, std::int64_t oldSeq, const Finding& f) {
        auto& s = oldSeq < 0 ? insert_ : move_;
        s.reset();
        s.bind(1, seq);
        bindFinding(s, 2, f);
        s.bind(9, f.tool).bind(10, started_);
        if (oldSeq >= 0) s.bind(11, oldSeq);
        return s.run();
    }

    // Matches each previous row with the finding at its position while both are the same
    // subject, writing the ones that changed; stops at the first that is not (position_ is
    // then the first finding not matched, *rowsLeft whether previous rows remain from there).
    Status matchInPlace(FindingLog::const_iterator* it, bool* rowsLeft) {
        std::vector<OldRow> chunk;
        std::vector<std::pair<std::int64_t, Finding>> changed;  // at most a chunk's
        std::int64_t after = -1;
        for (;;) {
            if (auto r = readChunk(after, &chunk); !r) return r;
            if (chunk.empty()) {
                *rowsLeft = false;
                return Status::success();
            }
            bool stopped = false;
            for (const auto& old : chunk) {
                if (*it == findings_.end() || old.seq != static_cast<std::int64_t>(position_) ||
                    old.finding.target != (*it)->target || old.finding.subject != (*it)->subject) {
                    stopped = true;
                    break;
                }
                const Finding& f = **it;
                auto& before = (*previous_)[position_];
                before.present = true;
                before.outcome = old.finding.outcome;
                before.sameReason = old.finding.reason == f.reason;
                if (!sameFields(old.finding, f))
                    changed.emplace_back(static_cast<std::int64_t>(position_), f);
                ++*it;
                ++position_;
            }
            for (const auto& [seq, f] : changed) {
                if (auto d = delta_(seq, f, false); !d) return d;
                if (auto w = writeRow(seq, seq, f); !w) return w;
            }
            changed.clear();
            if (stopped) return Status::success();
            after = chunk.back().seq;
        }
    }

    // No previous row is left: every remaining finding is a new row at its position.
    Status insertRest(FindingLog::const_iterator* it) {
        for (; *it != findings_.end(); ++*it, ++position_) {
            const auto seq = static_cast<std::int64_t>(position_);
            if (auto d = delta_(seq, **it, false); !d) return d;
            if (auto w = writeRow(seq, -1, **it); !w) return w;
        }
        return Status::success();
    }

    // The findings from position_ on against the previous rows from there, subject by subject.
    Status matchRestByKey(FindingLog::const_iterator* it) {
        base_ = position_;
        const auto rest = findings_.size() - base_;
        order_.reserve(rest);
        digests_.reserve(rest);
        std::uint32_t i = 0;
        for (; *it != findings_.end(); ++*it) {
            order_.push_back(Keyed::of(keyOf(**it), i++));
            digests_.push_back({contentOf(**it), reasonOf(**it)});
        }
        std::sort(order_.begin(), order_.end(), [](const Keyed& a, const Keyed& b) {
            return a.key() != b.key() ? a.key() < b.key() : a.index < b.index;
        });
        oldSeq_.assign(rest, -1);
        differs_.assign(rest, false);
        if (auto matched = matchPrevious(); !matched) return matched;
        order_ = {};  // not needed past the match: give the memory back before the writes
        return writeChanged();
    }

    // Reads the previous set from base_ chunk by chunk (by seq); each row is matched with the
    // first finding of its subject not matched yet, or is gone (a removed delta, and the row is
    // deleted).
    Status matchPrevious() {
        SqliteStatement remove;
        if (auto p = db_.prepare("DELETE FROM current_findings WHERE seq = ?", &remove); !p)
            return p;
        std::int64_t after = static_cast<std::int64_t>(base_) - 1;
        std::int64_t removedSeq = static_cast<std::int64_t>(findings_.size());
        std::vector<OldRow> chunk;
        for (;;) {
            if (auto r = readChunk(after, &chunk); !r) return r;
            if (chunk.empty()) return Status::success();
            after = chunk.back().seq;
            for (const auto& old : chunk) {
                if (matchOne(old)) continue;
                if (auto d = delta_(removedSeq++, old.finding, true); !d) return d;
                remove.reset();
                remove.bind(1, old.seq);
                if (auto r = remove.run(); !r) return r;
            }
        }
    }

    static Status readOldRow(const SqliteStatement& s, OldRow* row) {
        row->seq = s.integer(0);
        auto& f = row->finding;
        f.target = s.text(1);
        f.subject = s.text(2);
        f.user = s.text(3);
        f.desired = s.text(4);
        f.observed = s.text(5);
        if (!outcomeFromString(s.text(6), &f.outcome))
            return Status::failure("current_findings row " + std::to_string(row->seq) +
                                   ": unknown outcome \"" + s.text(6) + "\" for " + f.target + " " +
                                   f.subject);
        f.reason = s.text(7);
        f.tool = s.text(8);
        return Status::success();
    }

    bool matchOne(const OldRow& old) {
        const auto key = keyOf(old.finding);
        auto it =
            std::lower_bound(order_.begin(), order_.end(), key,
                             [](const Keyed& k, std::uint64_t value) { return k.key() < value; });
        for (; it != order_.end() && it->key() == key; ++it) {
            const auto i = it->index;
            if (oldSeq_[i] >= 0) continue;  // an earlier row of the same subject took it
            // A previous row's seq is its position in the previous pass, recorded under the same
            // bound; one past it cannot be kept, so that row counts as gone.
            if (old.seq < 0 || old.seq > std::numeric_limits<std::int32_t>::max()) return false;
            oldSeq_[i] = static_cast<std::int32_t>(old.seq);
            differs_[i] = contentOf(old.finding) != digests_[i].content;
            auto& before = (*previous_)[base_ + i];
            before.present = true;
            before.outcome = old.finding.outcome;
            before.sameReason = reasonOf(old.finding) == digests_[i].reason;
            return true;
        }
        return false;
    }

    // Rows to write go to seq -(position + 1) first, so no row is moved onto a seq another row
    // still holds; the last statement turns them to their positions. The rows before base_
    // were matched in place and stay where they are.
    Status writeChanged() {
        if (base_ == findings_.size()) return Status::success();  // only rows gone at the end
        bool anyMoved = false;
        std::size_t position = 0;
        for (const auto& f : findings_) {
            if (position++ < base_) continue;
            const auto i = position - 1 - base_;
            const auto seq = static_cast<std::int64_t>(position - 1);
            const auto oldSeq = oldSeq_[i];
            const bool differs = differs_[i];
            if (oldSeq == seq && !differs) continue;  // the same finding at the same place
            if (oldSeq < 0 || differs)
                if (auto d = delta_(seq, f, false); !d) return d;
            if (auto w = writeRow(-seq - 1, oldSeq, f); !w) return w;
            anyMoved = true;
        }
        if (!anyMoved) return Status::success();
        return db_.exec("UPDATE current_findings SET seq = -seq - 1 WHERE seq < 0");
    }

    SqliteConnection& db_;
    const FindingLog& findings_;
    const std::string& started_;
    const FindingDelta& delta_;
    std::vector<PreviousFinding>* previous_;
    SqliteStatement read_, move_, insert_;
    std::size_t position_ = 0;  // the next finding to match in place
    std::size_t base_ = 0;      // the first finding matched by key (the vectors start there)
    // 12 bytes, not the 16 a 64-bit member's alignment would make it: one per finding matched
    // by key.
    struct Keyed {
        std::uint32_t keyHigh, keyLow, index;
        static Keyed of(std::uint64_t key, std::uint32_t index) {
            return {static_cast<std::uint32_t>(key >> 32), static_cast<std::uint32_t>(key), index};
        }
        std::uint64_t key() const { return std::uint64_t{keyHigh} << 32 | keyLow; }
    };
    std::vector<Keyed> order_;  // positions from base_, sorted by key
    struct Digests {
        std::uint64_t content, reason;
    };
    std::vector<Digests> digests_;  // per finding from base_
    // Per finding from base_, what the previous set had: the seq of the row it replaces (-1:
    // none), and whether that row differs from it (a delta row). 4 bytes and a bit per finding.
    std::vector<std::int32_t> oldSeq_;
    std::vector<bool> differs_;
};

}  // namespace

Status updateCurrentFindings(SqliteConnection& db, const FindingLog& findings,
                             const std::string& startedAt, const FindingDelta& delta,
                             std::vector<PreviousFinding>* previous) {
    return Updater(db, findings, startedAt, delta, previous).run();
}

}  // namespace mpa
