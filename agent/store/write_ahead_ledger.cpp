#include "store/write_ahead_ledger.hpp"

#include <chrono>

#include "util/time_text.hpp"

namespace mpa {

WriteAheadLedger::WriteAheadLedger(const Ledger* base, Ledger* writable, PendingQueue& queue)
    : base_(base), writable_(writable), queue_(queue) {
    if (!writable_) divert("the compliance store cannot be written");
    std::vector<std::string> problems;
    const auto queued = queue_.read(&problems);
    for (const auto& entry : queued) {
        switch (entry.kind) {
            case QueuedEntry::Kind::Record:
                if (!find(entry.prior.target, entry.prior.subject))
                    overlay_[{entry.prior.target, entry.prior.subject}] = entry.prior;
                break;
            case QueuedEntry::Kind::Forget:
            case QueuedEntry::Kind::State:
            case QueuedEntry::Kind::Pass:
                hold(entry);
                break;
        }
    }
    // What is still queued was not recorded: later changes must follow it, so they queue too.
    if (!queued.empty() || !problems.empty())
        divert("earlier changes still wait in " + queue_.path());
}

// From here on the store no longer answers for this pass's changes: those of the open batch it
// took may not survive (a failed commit rolls them back), so they are held from now on too.
void WriteAheadLedger::divert(const std::string& reason) {
    if (diverted_) return;
    diverted_ = true;
    because_ = reason;
    for (const auto& entry : batch_) hold(entry);
}

bool WriteAheadLedger::storeAnswers() const {
    return !diverted_ && base_ == writable_;
}

void WriteAheadLedger::hold(const QueuedEntry& entry) {
    switch (entry.kind) {
        case QueuedEntry::Kind::Record:
            overlay_[{entry.prior.target, entry.prior.subject}] = entry.prior;
            break;
        case QueuedEntry::Kind::Forget:
            overlay_[{entry.prior.target, entry.prior.subject}] = std::nullopt;
            break;
        case QueuedEntry::Kind::State:
            stateOverlay_[entry.stateKey()] = entry.stateValue();
            break;
        case QueuedEntry::Kind::Pass:
            break;
    }
}

std::optional<PriorState> WriteAheadLedger::find(const std::string& target,
                                                 const std::string& subject) const {
    if (const auto it = overlay_.find({target, subject}); it != overlay_.end()) return it->second;
    return base_ ? base_->find(target, subject) : std::nullopt;
}

bool WriteAheadLedger::overridden(const std::string& target, const std::string& subject) const {
    // Asked for every stored entry a pass reads; a no-op pass writes nothing, so the overlay is
    // empty and no key (two string copies) needs building.
    return !overlay_.empty() && overlay_.count({target, subject}) != 0;
}

std::vector<PriorState> WriteAheadLedger::listPrefix(const std::string& target,
                                                     const std::string& prefix) const {
    std::vector<PriorState> out;
    if (base_)
        for (auto& e : base_->listPrefix(target, prefix))
            if (!overridden(target, e.subject)) out.push_back(std::move(e));
    for (auto it = overlay_.lower_bound({target, prefix});
         it != overlay_.end() && it->first.first == target &&
         it->first.second.compare(0, prefix.size(), prefix) == 0;
         ++it)
        if (it->second) out.push_back(*it->second);
    return out;
}

std::vector<PriorState> WriteAheadLedger::list(const std::string& target) const {
    return listPrefix(target, "");
}

void WriteAheadLedger::forEach(const std::string& target,
                               const std::function<void(const PriorState&)>& visit) const {
    if (base_)
        base_->forEach(target, [&](const PriorState& e) {
            if (!overridden(target, e.subject)) visit(e);
        });
    for (auto it = overlay_.lower_bound({target, ""});
         it != overlay_.end() && it->first.first == target; ++it)
        if (it->second) visit(*it->second);
}

void WriteAheadLedger::forEachSubject(const std::string& target,
                                      const std::function<void(std::string_view)>& visit) const {
    if (base_)
        base_->forEachSubject(target, [&](std::string_view subject) {
            // A no-op pass's overlay is empty: no key is built (overridden).
            if (overlay_.empty() || !overridden(target, std::string(subject))) visit(subject);
        });
    for (auto it = overlay_.lower_bound({target, ""});
         it != overlay_.end() && it->first.first == target; ++it)
        if (it->second) visit(it->first.second);
}

std::optional<std::string> WriteAheadLedger::state(const std::string& key) const {
    if (const auto it = stateOverlay_.find(key); it != stateOverlay_.end()) return it->second;
    return base_ ? base_->state(key) : std::nullopt;
}

Status WriteAheadLedger::flush(std::vector<QueuedEntry>& entries) {
    if (entries.empty()) return Status::success();
    if (const auto appended = queue_.append(entries); !appended)
        return Status::failure("neither the compliance store (" + because_ + ") nor its queue " +
                               queue_.path() + " can record: " + appended.error);
    queued_ += entries.size();
    entries.clear();
    return Status::success();
}

// A change is held in memory only while the store does not answer reads with it: when the
// ledger reads another store than it writes, or once diverted. Inside a batch the store's open
// transaction answers on the same connection; holding a copy of each change until the commit was
// a tenth of a first pass's heap over ten thousand profiles.
Status WriteAheadLedger::write(QueuedEntry entry, const ToStore& toStore) {
    if (!storeAnswers()) hold(entry);
    if (inBatch_) {
        batch_.push_back(std::move(entry));
        if (!diverted_ && storeBatchOpen_)
            if (const auto stored = toStore(batch_.back()); !stored)
                divert(stored.error);  // holds the batch
        return Status::success();      // durable at commitBatch
    }
    if (!diverted_) {
        const auto stored = toStore(entry);
        if (stored) return Status::success();
        divert(stored.error);
        hold(entry);
    }
    std::vector<QueuedEntry> one{std::move(entry)};
    return flush(one);
}

Status WriteAheadLedger::record(const PriorState& prior) {
    if (find(prior.target, prior.subject))
        return Status::success();  // the FIRST prior state is the one kept
    return recordAbsent(prior);
}

Status WriteAheadLedger::recordAbsent(const PriorState& prior) {
    // No look first: the caller listed the subject through this ledger (store and held entries
    // alike), and the store's insert keeps an entry it already has.
    QueuedEntry entry;
    entry.kind = QueuedEntry::Kind::Record;
    entry.prior = prior;
    if (entry.prior.recordedAt.empty())
        entry.prior.recordedAt = isoUtc(std::chrono::system_clock::now());
    return write(std::move(entry),
                 [&](const QueuedEntry& e) { return writable_->record(e.prior); });
}

Status WriteAheadLedger::forget(const std::string& target, const std::string& subject) {
    QueuedEntry entry;
    entry.kind = QueuedEntry::Kind::Forget;
    entry.prior.target = target;
    entry.prior.subject = subject;
    return write(std::move(entry),
                 [&](const QueuedEntry&) { return writable_->forget(target, subject); });
}

Status WriteAheadLedger::setState(const std::string& key, const std::string& value) {
    return write(QueuedEntry::state(key, value),
                 [&](const QueuedEntry&) { return writable_->setState(key, value); });
}

Status WriteAheadLedger::beginBatch() {
    inBatch_ = true;
    batch_.clear();
    if (!diverted_) {
        const auto begun = writable_->beginBatch();
        storeBatchOpen_ = begun.ok;
        if (!storeBatchOpen_) divert(begun.error);
    }
    return Status::success();
}

Status WriteAheadLedger::commitBatch() {
    inBatch_ = false;
    if (storeBatchOpen_) {
        storeBatchOpen_ = false;
        // Committed even after a refused write: what the store took is kept; the whole batch
        // is queued too when diverted, and replaying it is harmless.
        if (const auto committed = writable_->commitBatch(); !committed) divert(committed.error);
    }
    if (!diverted_) {
        batch_.clear();
        return Status::success();
    }
    return flush(batch_);
}

}  // namespace mpa
