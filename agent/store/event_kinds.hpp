#pragma once
// The kinds of event in the compliance history. These strings are stored and hashed: never
// rename one that has shipped (docs/compliance-database.md lists them for auditors).
namespace mpa::event_kind {

// From passes (see pass_events.hpp for when each is emitted).
inline constexpr const char* kPolicyChanged = "policy changed";
inline constexpr const char* kVerdictChanged = "verdict changed";
inline constexpr const char* kRemediated = "remediated";
inline constexpr const char* kDriftRepaired = "drift repaired";
inline constexpr const char* kDriftDetected = "drift detected";
inline constexpr const char* kNonCompliant = "non-compliant";
inline constexpr const char* kPending = "pending";
inline constexpr const char* kRestored = "restored";
inline constexpr const char* kFailed = "failed";
inline constexpr const char* kRepairedMalformedFile = "repaired malformed file";
inline constexpr const char* kDeviceIdReset = "device id reset";
// From the agent's life cycle (ComplianceStore::recordEvent).
inline constexpr const char* kAgentStarted = "agent started";
inline constexpr const char* kAgentStopped = "agent stopped";
inline constexpr const char* kAgentUpgraded = "agent upgraded";
// From the store itself.
// Every pass that recorded something new seals it: its data holds the fingerprint of what was
// recorded (verdict, policy, findings), so what status, Intune and the summary read is checked
// against the chain at read time, and the hash of the sealed_state row fleet tools read
// (store/sealed_state.hpp).
inline constexpr const char* kStateSealed = "state sealed";
inline constexpr const char* kStoreRecovered = "store recovered";
inline constexpr const char* kHistoryPruned = "history pruned";
// A new database where the chain-head sidecar says a history existed (store/chain_head_sidecar).
inline constexpr const char* kHistoryLost = "history lost";
inline constexpr const char* kHistoryLossAcknowledged = "history loss acknowledged";

}  // namespace mpa::event_kind
