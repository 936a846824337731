#pragma once
// The compliance store: a SQLite database (WAL) holding every pass, its findings, the effective
// policy with provenance, and the prior-state ledger used for restoring. It is the evidence IT
// audits, so it is owned by root, mode 0600, and refused when others can write it.
#include <memory>
#include <optional>
#include <string>

#include "engine/ledger.hpp"
#include "engine/pass_report.hpp"

namespace mpa {

enum class StoreMode { ReadWrite, ReadOnly };

struct StoredPass {
    std::int64_t runId = 0;
    PassReport report;  // policy, findings, verdict as recorded (desired state is not stored)
};

class ComplianceStore : public Ledger {
  public:
    // ReadWrite creates the database (and its directory, mode 0700) when missing. ReadOnly never
    // creates or changes anything; opening a missing file then fails with a clear error.
    static std::unique_ptr<ComplianceStore> open(const std::string& path, StoreMode mode,
                                                 const PolicyCatalog& catalog, std::string* error);

    virtual bool recordPass(const PassReport& report, std::string* error) = 0;
    // The effective policy of the latest pass that had one (values with provenance).
    virtual std::optional<PolicySet> lastKnownGoodPolicy() const = 0;
    virtual std::optional<StoredPass> lastPass() const = 0;
};

}  // namespace mpa
