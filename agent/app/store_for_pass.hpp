#pragma once
// The store a pass (apply, revert) works with. Enforcement never waits for the store: when it
// cannot be opened for writing (another process holds its write lock past the bounded wait, the
// file is immutable or read-only) it is opened read-only, for the ledger and the last known good
// policy, and what the pass records is queued beside it (store/pending_queue.hpp). Null, with a
// message on env.err, only when it cannot even be read.
#include <memory>

#include "app/command.hpp"
#include "engine/pass_lock.hpp"
#include "store/compliance_store.hpp"

namespace mpa {

std::unique_ptr<ComplianceStore> openStoreForPass(CommandEnv& env, const char* command);

// The machine-wide pass lock (engine/pass_lock.hpp), waiting for a pass in progress and saying
// so; on failure the message is on env.err.
PassLock lockForPass(CommandEnv& env, const char* command);

}  // namespace mpa
