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
        order_.reserve(count);
        digests_.reserve(count);
        std::uint32_t i = 0;
        for (const auto& f : findings_) {
            order_.push_back(Keyed::of(keyOf(f), i++));
            digests_.push_back({contentOf(f), reasonOf(f)});
        }
        std::sort(order_.begin(), order_.end(), [](const Keyed& a, const Keyed& b) {
            return a.key() != b.key() ? a.key() < b.key() : a.index < b.index;
        });
        oldSeq_.assign(count, -1);
        differs_.assign(count, false);
        previous_->assign(count, PreviousFinding{});
        if (auto matched = matchPrevious(); !matched) return matched;
        order_ = {};  // not needed past the match: give the memory back before the writes
        return writeChanged();
    }

  private:
    // Reads the previous set chunk by chunk (by seq); each row is matched with the first finding
    // of its subject not matched yet, or is gone (a removed delta, and the row is deleted).
    Status matchPrevious() {
        SqliteStatement read, remove;
        if (auto p = db_.prepare("SELECT seq, target, subject, user, desired, observed, outcome, "
                                 "reason, tool FROM current_findings WHERE seq > ? ORDER BY seq "
                                 "LIMIT " +
                                     std::to_string(kChunkRows),
                                 &read);
            !p)
            return p;
        if (auto p = db_.prepare("DELETE FROM current_findings WHERE seq = ?", &remove); !p)
            return p;
        std::int64_t after = -1;
        std::int64_t removedSeq = static_cast<std::int64_t>(findings_.size());
        std::vector<OldRow> chunk;
        for (;;) {
            chunk.clear();
            read.reset();
            read.bind(1, after);
            while (read.step()) {
                chunk.emplace_back();
                if (auto row = readOldRow(read, &chunk.back()); !row) return row;
            }
            if (read.failed()) return Status::failure(read.errorMessage());
            read.reset();
            if (chunk.empty()) return Status::success();
            after = chunk.back().seq;
            previousRows_ += chunk.size();
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
            auto& before = (*previous_)[i];
            before.present = true;
            before.outcome = old.finding.outcome;
            before.sameReason = reasonOf(old.finding) == digests_[i].reason;
            return true;
        }
        return false;
    }

    // Rows to write go to seq -(position + 1) first, so no row is moved onto a seq another row
    // still holds; the last statement turns them to their positions. A previous row keeps its
    // state_since when the outcome is unchanged (SET reads the row's values before the update).
    Status writeChanged() {
        SqliteStatement move, insert;
        if (auto p =
                db_.prepare("UPDATE current_findings SET seq = ?1, target = ?2, subject = ?3, "
                            "user = ?4, desired = ?5, observed = ?6, outcome = ?7, reason = ?8, "
                            "tool = ?9, state_since = CASE WHEN outcome = ?7 THEN state_since "
                            "ELSE ?10 END WHERE seq = ?11",
                            &move);
            !p)
            return p;
        if (auto p =
                db_.prepare("INSERT INTO current_findings (seq, target, subject, user, desired, "
                            "observed, outcome, reason, tool, state_since) "
                            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                            &insert);
            !p)
            return p;
        bool anyMoved = false;
        std::size_t i = 0;
        for (const auto& f : findings_) {
            const auto seq = static_cast<std::int64_t>(i);
            const auto oldSeq = oldSeq_[i];
            const bool differs = differs_[i];
            ++i;
            if (oldSeq == seq && !differs) continue;  // the same finding at the same place
            if (oldSeq < 0 || differs)
                if (auto d = delta_(seq, f, false); !d) return d;
            auto& s = oldSeq < 0 ? insert : move;
            s.reset();
            // A first pass (nothing before) can write each row at its place at once.
            s.bind(1, previousRows_ == 0 ? seq : -seq - 1);
            bindFinding(s, 2, f);
            s.bind(9, f.tool).bind(10, started_);
            if (oldSeq >= 0) s.bind(11, oldSeq);
            if (auto r = s.run(); !r) return r;
            anyMoved = true;
        }
        if (!anyMoved || previousRows_ == 0) return Status::success();
        return db_.exec("UPDATE current_findings SET seq = -seq - 1 WHERE seq < 0");
    }

    SqliteConnection& db_;
    const FindingLog& findings_;
    const std::string& started_;
    const FindingDelta& delta_;
    std::vector<PreviousFinding>* previous_;
    // 12 bytes, not the 16 a 64-bit member's alignment would make it: one per finding.
    struct Keyed {
        std::uint32_t keyHigh, keyLow, index;
        static Keyed of(std::uint64_t key, std::uint32_t index) {
            return {static_cast<std::uint32_t>(key >> 32), static_cast<std::uint32_t>(key), index};
        }
        std::uint64_t key() const { return std::uint64_t{keyHigh} << 32 | keyLow; }
    };
    std::vector<Keyed> order_;  // positions of findings_, sorted by key
    struct Digests {
        std::uint64_t content, reason;
    };
    std::vector<Digests> digests_;  // per finding
    // Per finding, what the previous set had: the seq of the row it replaces (-1: none), and
    // whether that row differs from it (a delta row). 4 bytes and a bit per finding.
    std::vector<std::int32_t> oldSeq_;
    std::vector<bool> differs_;
    std::size_t previousRows_ = 0;  // rows the previous set had
};

}  // namespace

Status updateCurrentFindings(SqliteConnection& db, const FindingLog& findings,
                             const std::string& startedAt, const FindingDelta& delta,
                             std::vector<PreviousFinding>* previous) {
    return Updater(db, findings, startedAt, delta, previous).run();
}

}  // namespace mpa
