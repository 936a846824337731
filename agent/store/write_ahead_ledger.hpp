#pragma once
// Enforce first, record after: the ledger a pass uses. Reads see the store (even one opened
// read-only) plus whatever this pass and earlier queued passes recorded; writes go to the store
// while it takes them and, from the first one it refuses (a writer holding its lock past the
// bounded wait, an immutable or read-only file), to the durable queue beside it
// (store/pending_queue.hpp), in order. A change is durable (in the store or the queue) before
// record() or commitBatch() returns, as Ledger promises, so no target waits for the store.
#include <map>
#include <optional>
#include <utility>

#include "model/ledger.hpp"
#include "store/pending_queue.hpp"

namespace mpa {

class WriteAheadLedger : public Ledger {
  public:
    // `base` is read (may be null: nothing is known); `writable` is written (null when the store
    // could not be opened for writing). Entries already queued are loaded first.
    WriteAheadLedger(const Ledger* base, Ledger* writable, PendingQueue& queue);

    std::optional<PriorState> find(const std::string& target,
                                   const std::string& subject) const override;
    std::vector<PriorState> list(const std::string& target) const override;
    std::vector<PriorState> listPrefix(const std::string& target,
                                       const std::string& prefix) const override;
    void forEach(const std::string& target,
                 const std::function<void(const PriorState&)>& visit) const override;
    void forEachSubject(const std::string& target,
                        const std::function<void(std::string_view)>& visit) const override;
    Status record(const PriorState& prior) override;
    Status recordAbsent(const PriorState& prior) override;
    Status forget(const std::string& target, const std::string& subject) override;
    std::optional<std::string> state(const std::string& key) const override;
    Status setState(const std::string& key, const std::string& value) override;
    Status beginBatch() override;
    Status commitBatch() override;

    // True once writes go to the queue; why, and how many entries this pass queued.
    bool diverted() const { return diverted_; }
    const std::string& divertedBecause() const { return because_; }
    std::size_t queuedEntries() const { return queued_; }
    // Changes held in memory for reads: those the store does not answer with (all of them once
    // diverted, or when another store is read than written) and those read from the queue.
    std::size_t heldInMemory() const { return overlay_.size() + stateOverlay_.size(); }

  private:
    using Key = std::pair<std::string, std::string>;
    using ToStore = std::function<Status(const QueuedEntry&)>;
    Status write(QueuedEntry entry, const ToStore& toStore);
    void divert(const std::string& reason);
    // Whether the store answers this ledger's reads with what it was given (see write).
    bool storeAnswers() const;
    void hold(const QueuedEntry& entry);
    Status flush(std::vector<QueuedEntry>& entries);

    const Ledger* base_;
    Ledger* writable_;
    PendingQueue& queue_;
    std::map<Key, std::optional<PriorState>> overlay_;  // nullopt: forgotten
    // Whether this pass recorded or forgot (target, subject), hiding the stored entry.
    bool overridden(const std::string& target, const std::string& subject) const;
    std::map<std::string, std::string> stateOverlay_;
    bool diverted_ = false;
    std::string because_;
    bool inBatch_ = false, storeBatchOpen_ = false;
    std::vector<QueuedEntry> batch_;  // this batch's changes, in order
    std::size_t queued_ = 0;
};

}  // namespace mpa
