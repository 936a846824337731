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

namespace mpa {

std::string chainHeadText(const ChainHead& head);  // "event 42 <sha-256 hex>"

std::string chainHeadSidecarPath(const std::string& databasePath);
bool writeChainHeadSidecar(const std::string& databasePath, const ChainHead& head,
                           std::string* error);
// nullopt when missing (and *error empty) or unreadable (then *error says why).
std::optional<ChainHead> readChainHeadSidecar(const std::string& databasePath, std::string* error);

}  // namespace mpa
