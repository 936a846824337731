#pragma once
// What the compliance store could not take yet, kept durably beside it: enforcement never waits
// for the store (a writer holding its lock, an immutable or read-only file, a full disk), so the
// prior states a pass recorded and the pass itself go to <database>.pending, one JSON document
// per line, and are recorded in order, with their own times, by the next pass that can write the
// store. Root-only (mode 0600), replaced atomically (temporary file, fsync, rename): an append is
// durable when it returns, which is what Ledger::record promises.
#include <string>
#include <vector>

#include "model/ledger.hpp"
#include "model/pass_report.hpp"
#include "platform/safe_fs.hpp"

namespace mpa {

class ComplianceStore;

// One change, in the fields of a prior state whatever its kind: a write-ahead batch holds every
// change until its commit, and fields of its own for each kind made an entry 240 bytes, not 144.
struct QueuedEntry {
    enum class Kind { Record, Forget, State, Pass };
    Kind kind = Kind::Record;
    // Record: the prior state. Forget: its target and subject. State: the key in `subject`, the
    // value in `value`. Pass: the pass report as JSON (store/pass_report_json.hpp) in `value`.
    PriorState prior;

    static QueuedEntry state(std::string key, std::string value);
    static QueuedEntry pass(std::string json);
    const std::string& stateKey() const { return prior.subject; }
    const std::string& stateValue() const { return prior.value; }
    const std::string& passJson() const { return prior.value; }
};

std::string pendingQueuePath(const std::string& databasePath);

class PendingQueue {
  public:
    explicit PendingQueue(const std::string& databasePath);
    const std::string& path() const { return path_; }

    // Durable when it returns success.
    Status append(const std::vector<QueuedEntry>& entries);
    // Every readable entry in order; a line that does not read is named in *problems and skipped.
    std::vector<QueuedEntry> read(std::vector<std::string>* problems) const;
    bool exists() const;
    // Replaces the whole queue (removes it when `entries` is empty).
    Status replace(const std::vector<QueuedEntry>& entries);
    Status remove();

  private:
    Status write(std::string data, const std::vector<QueuedEntry>& entries,
                 const platform::FileInfo& current);

    std::string path_;
};

// Records what the queue holds into a writable store (ledger changes in one transaction, then
// each pass with its own times, the queue shrinking after each) and removes the queue. Adds to
// *notes what it recorded. On failure what was not recorded stays queued, to be tried again;
// replaying a ledger entry twice is harmless (the first prior state wins, forget and state are
// idempotent).
Status drainPendingQueue(ComplianceStore& store, PendingQueue& queue, const PolicyCatalog& catalog,
                         std::vector<std::string>* notes);

}  // namespace mpa
