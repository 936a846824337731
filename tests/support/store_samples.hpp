// Sample passes and small SQLite helpers for the compliance store's tests: real databases in
// scratch directories, inspected with plain SQL the way an auditor would.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "store/chain_verify.hpp"
#include "store/compliance_store.hpp"
#include "store/sealed_state.hpp"
#include "store/sqlite_compliance_store.hpp"

namespace mpa::test {

// A pass with three policies (one overriding another, one kept from the last known good), one
// blocked policy file, and two findings (etc-environment remediated, ann's telemetry.json failed).
PassReport samplePass(const std::string& startedAt, bool withPolicy = true);

// A pass whose findings are about three tools: Metalama (its own variable and ann's
// telemetry.json, compliant), the .NET SDK (its variable in two files, compliant) and PowerShell
// (its variable set in /etc/environment, failed in /etc/profile.d). The policy is TelemetryOptOut
// (mandatory); the desired state is decided from it, as the engine does, and with `nameTools`
// also names dotnet-sdk and powershell, as their catalog policies will.
PassReport toolsPass(const std::string& startedAt, bool nameTools);

// Changes a report's findings in place: a pass's FindingLog is written once and read in order,
// so a test that varies a sample pass edits a copy as a vector and logs it again.
template <typename Edit>
void editFindings(PassReport& report, Edit&& edit) {
    auto findings = report.findings.toVector();
    edit(findings);
    report.findings = FindingLog(std::move(findings));
}

// Opens a store and reports a failure as a test failure (returns null then).
std::unique_ptr<ComplianceStore> openStore(const std::string& path,
                                           StoreMode mode = StoreMode::ReadWrite);
// The same for the SQLite store itself, for tests that reach its connection or choose when the
// whole-database check runs.
std::unique_ptr<SqliteComplianceStore> openSqliteStore(
    const std::string& path, IntegrityCheck check = IntegrityCheck::WhenDue,
    StoreMode mode = StoreMode::ReadWrite);
// Why the store's last read returned nothing (empty when it did not fail).
std::string readError(const ComplianceStore& store);

// SELECT count(*) FROM <tableAndWhere> on a separate read-only connection (-1 on error).
std::int64_t countRows(const std::string& path, const std::string& tableAndWhere);
// Verifies the event chain of the database at `path` on a read-only connection, as `verify`
// does (the message says why when the database cannot be opened).
ChainVerification verifyFile(const std::string& path);
// Checks the sealed state of the database at `path` against its chain and its latest pass, as
// `verify` does.
SealVerification verifySealFile(const std::string& path);
// Runs SQL on a separate connection, as a tamperer or another tool would; fails the test on error.
void execSql(const std::string& path, const std::string& sql);

}  // namespace mpa::test
