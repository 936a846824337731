#pragma once
// The SQLite implementation of ComplianceStore (see compliance_store.hpp for the contract and
// docs/compliance-database.md for the schema). sqlite_compliance_store.cpp opens the database and
// holds the ledger, agent state and life-cycle events; sqlite_compliance_store_passes.cpp records
// passes (recordPass) and reads them back (lastPass, lastKnownGoodPolicy).
#include <functional>
#include <memory>
#include <string>

#include "store/compliance_store.hpp"
#include "store/current_findings_update.hpp"
#include "store/ledger_cursor.hpp"
#include "store/sqlite_connection.hpp"

namespace mpa {

class SqliteComplianceStore : public ComplianceStore {
  public:
    static std::unique_ptr<SqliteComplianceStore> open(
        const std::string& path, StoreMode mode, const PolicyCatalog& catalog, Status* status,
        IntegrityCheck check = IntegrityCheck::WhenDue);

    Status checkIntegrityIfDue(std::string* note) override;

    Status recordPass(const PassReport& report) override;
    std::optional<PolicySet> lastKnownGoodPolicy() const override;
    std::optional<StoredPass> lastPass() const override;
    // The same pass with its findings handed to `each` in order, one at a time, instead of held
    // in report.findings (which stays empty): what a reader that only counts needs. The seal is
    // checked as lastPass() checks it; all of it is read from one snapshot of the database.
    using FindingSink = std::function<void(Finding&&)>;
    std::optional<StoredPass> lastPass(const FindingSink& each) const;
    std::size_t pendingPasses() const override;
    void dropPendingPasses() override { pending_.clear(); }
    bool writable() const override { return mode_ == StoreMode::ReadWrite; }
    Status recordEvent(const std::string& kind, const std::string& subject,
                       const std::string& details) override;
    Status noteAgentVersion(const std::string& version) override;
    std::string chainHead() const override;
    std::vector<std::string> openNotes() const override;
    void beginSharedReads() override { shareReads_ = true; }
    void endSharedReads() override;
    void releaseCache() override;

    std::optional<PriorState> find(const std::string& target,
                                   const std::string& subject) const override;
    std::vector<PriorState> list(const std::string& target) const override;
    std::vector<PriorState> listPrefix(const std::string& target,
                                       const std::string& prefix) const override;
    void forEach(const std::string& target,
                 const std::function<void(const PriorState&)>& visit) const override;
    void forEachSubject(const std::string& target,
                        const std::function<void(std::string_view)>& visit) const override;
    Status beginBatch() override;
    Status commitBatch() override;
    Status record(const PriorState& prior) override;
    Status forget(const std::string& target, const std::string& subject) override;
    std::optional<std::string> state(const std::string& key) const override;
    Status setState(const std::string& key, const std::string& value) override;

    const std::string& path() const { return path_; }
    StoreMode mode() const { return mode_; }
    const PolicyCatalog& catalog() const { return catalog_; }
    SqliteConnection& connection() { return db_; }
    const SqliteConnection& connection() const { return db_; }
    // The last error a const read met (reads return "nothing" on error; this says why).
    const std::string& lastReadError() const { return lastReadError_; }

  private:
    SqliteComplianceStore(std::string path, StoreMode mode, const PolicyCatalog& catalog)
        : path_(std::move(path)), mode_(mode), catalog_(catalog) {}
    Status openReadOnly();
    Status openReadWrite(IntegrityCheck check);
    // No full check recorded (agent_state integrity_checked_at) within the interval.
    bool fullCheckDue(std::chrono::system_clock::time_point now) const;
    Status noteFullCheck(std::chrono::system_clock::time_point now);
    Status configureAndMigrate();
    Status recoverFromCorruption(const std::string& detail);
    Status requireWritable() const;
    // Every write starts here: ends a shared read (see beginSharedReads), then requireWritable.
    Status startWriting();
    // A ledger look-up starts here: opens the shared read transaction when reads are shared
    // and no transaction is open.
    void startLookUp() const;
    // After a commit that appended events: the head goes to the sidecar (chain_head_sidecar.hpp).
    void anchorHead();
    // A new database where the sidecar says a history existed: records the loss in the chain.
    Status recordLostHistory();
    // One transaction for the waiting passes and the new one.
    Status writePasses(const std::vector<const PassReport*>& reports);
    // `fingerprints`: passFingerprint of each report, worked out once (it reads every finding).
    Status writePassesTransaction(const std::vector<const PassReport*>& reports,
                                  const std::vector<std::string>& fingerprints);
    // Every one of these fingerprints is the last recorded pass's.
    bool onlyRepeats(const std::vector<std::string>& fingerprints) const;
    Status writePass(const PassReport& report, const std::string& fingerprint);
    Status retainIfDue(const PassReport& latest);
    // Replaces current_findings and writes this run's finding deltas (updateCurrentFindings);
    // *before: what the previous pass had for each finding's subject, for its events.
    Status writeFindings(std::int64_t runId, const PassReport& report,
                         std::vector<PreviousFinding>* before);
    Status insertPolicy(std::int64_t runId, const PolicySet& set);
    bool readPolicy(std::int64_t policyRunId, PolicySet* out, bool withIssues) const;
    // current_findings in order, as readFindingRows reads them.
    bool prepareCurrentFindings(SqliteStatement* s) const;
    // Rows of (target, subject, user, desired, observed, outcome, reason, tool), each to `each`.
    bool readFindingRows(SqliteStatement& s, const FindingSink& each) const;
    // current_findings in order to `each`, fingerprinted as they go, then the seal checked
    // against `header` (the pass read without its findings).
    bool streamCurrentFindings(PassReport& header, const FindingSink& each) const;
    void readFailed(const std::string& what) const;
    // Compares the fingerprint of the state read back with the one the chain sealed.
    void checkSeal(PassReport& report, const std::string& fingerprint) const;
    bool prepareForRead(std::string_view sql, SqliteStatement* s) const;
    // The cached statement for `sql` (SqliteConnection::cached); a failure is kept as
    // lastReadError, or put in *status (naming the database).
    SqliteCachedStatement cachedForRead(std::string_view sql) const;
    SqliteCachedStatement cachedForWrite(std::string_view sql, Status* status) const;
    Status prepareForWrite(std::string_view sql, SqliteStatement* s) const;
    bool firstRow(SqliteStatement& s) const;  // steps once; a failure is kept as lastReadError

    SqliteConnection db_;
    std::string path_;
    StoreMode mode_;
    const PolicyCatalog& catalog_;
    mutable std::string lastReadError_;
    std::vector<PassReport> pending_;  // passes not yet written (see recordPass)
    std::size_t droppedPasses_ = 0;
    std::vector<std::string> openNotes_;
    std::int64_t schemaVersion_ = 0;     // of the file (older than ours only when read-only)
    bool shareReads_ = false;            // between beginSharedReads and endSharedReads
    mutable bool inSharedRead_ = false;  // the shared read transaction is open
    // listPrefix's position inside the shared read (declared after db_: it goes first).
    mutable LedgerCursor ledgerCursor_{db_};
};

// How many unwritten passes a store keeps in memory; beyond that the oldest are dropped (and the
// next recorded pass says how many).
inline constexpr std::size_t kMaxPendingPasses = 64;

// The bounded time a writer waits for a lock held by another connection (a long reader in
// rollback mode, another agent process) before the write fails and is reported.
inline constexpr int kStoreBusyTimeoutMs = 2000;

// A fingerprint of everything a pass recorded except its times and trigger: two passes with the
// same fingerprint observed nothing new, and the second is stored as a reference to the first.
std::string passFingerprint(const PassReport& report);
// The same for the policy set alone (values with provenance, issues, informational notes).
std::string policyFingerprint(const PolicySet& policy);

}  // namespace mpa
