#pragma once
// The chain head outside the database: <database>.head, root-only (0600), replaced atomically
// after every commit that appends events. `verify` checks it by default, so a cut tail (the last
// events deleted) or a rewritten history is seen without a head collected from the system log;
// and a new database where it says a history existed records that the history was lost.
// What it cannot prove: an attacker with root who rewrites the database and the sidecar together
// (the system log, shipped elsewhere, is the anchor for that).
#include <optional>
#include <string>

#include "store/event_chain.hpp"
#include "util/status.hpp"

namespace mpa {

std::string chainHeadText(const ChainHead& head);  // "event 42 <sha-256 hex>"

std::string chainHeadSidecarPath(const std::string& databasePath);
Status writeChainHeadSidecar(const std::string& databasePath, const ChainHead& head);
// nullopt when missing (and *status untouched) or unreadable (then *status says why).
std::optional<ChainHead> readChainHeadSidecar(const std::string& databasePath, Status* status);

}  // namespace mpa
