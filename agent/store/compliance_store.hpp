#pragma once
// The compliance store: a SQLite database (WAL) holding every pass, its findings, the effective
// policy with provenance, and the prior-state ledger used for restoring. It is the evidence IT
// audits, so it is owned by root, mode 0600, and refused when others can write it. Every pass also
// appends to a hash-chained event history (docs/compliance-database.md) that `verify` checks.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "model/ledger.hpp"
#include "model/pass_report.hpp"

namespace mpa {

enum class StoreMode { ReadWrite, ReadOnly };

// How a read-write open checks the database (docs/compliance-database.md, "Resilience").
enum class IntegrityCheck {
    // PRAGMA quick_check over the whole database: the service's start.
    Full,
    // The cheap checks at every open (the file not shorter than its header says, page 1 and the
    // schema readable), and the full one when the last is kFullIntegrityCheckInterval old: what
    // `apply` does, so a pass does not read the whole database every time.
    WhenDue,
};
inline constexpr std::chrono::hours kFullIntegrityCheckInterval{24};

// agent_state key: set (to the event's details) when a new database recorded that a previous
// history was lost, until an administrator acknowledges it (`status --acknowledge-history-loss`).
inline constexpr const char* kHistoryLossState = "history_loss_unacknowledged";

struct StoredPass {
    std::int64_t runId = 0;
    PassReport report;  // policy, findings, verdict as recorded (desired state is not stored)
};

class ComplianceStore : public Ledger {
  public:
    // ReadWrite creates the database (and its directory, mode 0700) when missing. ReadOnly never
    // creates or changes anything; opening a missing file then fails with a clear error.
    static std::unique_ptr<ComplianceStore> open(const std::string& path, StoreMode mode,
                                                 const PolicyCatalog& catalog, Status* status,
                                                 IntegrityCheck check = IntegrityCheck::WhenDue);
    // The full check when the last one is kFullIntegrityCheckInterval old (a long-running
    // service calls it before each pass). A corrupt database is then moved aside and a new one
    // started as at open; *note says so. Fails when the check could not run or the recovery
    // failed.
    virtual Status checkIntegrityIfDue(std::string* note) = 0;

    // Records the pass, the events it produced (policy changes, remediations, failures...) and,
    // at most once a day, prunes runs and events older than report.desired's
    // complianceRetentionDays. When the write fails (lock held past the bounded wait, disk full)
    // it fails with the reason and keeps the pass in memory: the next recordPass on this store
    // writes it first, so a long-running service loses nothing.
    virtual Status recordPass(const PassReport& report) = 0;
    // Passes kept in memory after a failed write, waiting for the next recordPass.
    virtual std::size_t pendingPasses() const = 0;
    // Forgets those passes: the caller queued them durably (store/pending_queue.hpp) instead.
    virtual void dropPendingPasses() = 0;
    // False when opened read-only (the writable open failed: a lock, an immutable file).
    virtual bool writable() const = 0;

    // Life-cycle events (event_kind::kAgentStarted, kAgentStopped; see store/event_kinds.hpp).
    virtual Status recordEvent(const std::string& kind, const std::string& subject,
                               const std::string& details) = 0;
    // Records the running agent's version; appends "agent upgraded" when it differs from the
    // version recorded before.
    virtual Status noteAgentVersion(const std::string& version) = 0;
    // "event 42 <sha-256 hex>": the head of the event chain, for the system log at every run
    // (logChainHeadToSystemLog in store/chain_head_log.hpp), so a rewritten history can be
    // detected against logs collected elsewhere.
    virtual std::string chainHead() const = 0;
    // What the store found and handled while opening (a corrupt database moved aside and a new
    // one started), for the pass's notes.
    virtual std::vector<std::string> openNotes() const = 0;

    // A pass's many ledger look-ups (one per data directory of every profile) share one read
    // transaction from the first look-up after beginSharedReads until the next write or
    // endSharedReads, then the next look-up opens another: one lock and header read per pass
    // instead of per look-up. A write always ends it first, so it sees and is seen by the
    // latest state; end it before the store is left idle (a held read keeps the WAL from being
    // checkpointed past it).
    virtual void beginSharedReads() = 0;
    virtual void endSharedReads() = 0;
    // Hands back the database's page cache (up to 512 KB, configureAndMigrate's cache_size): an
    // idle service should not hold it for the hour until its next pass, which reads the pages again
    // from the operating system's cache.
    virtual void releaseCache() = 0;

    // The effective policy of the latest pass that had one (values with provenance).
    virtual std::optional<PolicySet> lastKnownGoodPolicy() const = 0;
    virtual std::optional<StoredPass> lastPass() const = 0;
};

}  // namespace mpa
