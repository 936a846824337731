#pragma once
// How the telemetry-json target names what it keeps in the ledger. The compliance store keeps
// these names across passes and agent versions (a revert after an upgrade needs them), so they
// are a stored format: never change one.
//
// Prior state of one settings file (its logical path): "<file>#file" says how the file came to
// be (created by the agent, malformed file replaced, directories created: TelemetryPrior's
// file entry), "<file>#<key>" holds the raw JSON each managed key had before the agent first
// changed it. States: "deviceid-set:<file>" is when the agent last wrote the DeviceId,
// "deviceid-token:<file>" the DeviceIdResetToken it last honoured.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/ledger.hpp"
#include "targets/telemetry_settings.hpp"

namespace mpa {

std::string telemetryFileEntry(const std::string& file);
std::string telemetryKeyEntry(const std::string& file, const std::string& key);
// What every entry of one file starts with, for Ledger::listPrefix.
std::string telemetryEntryPrefix(const std::string& file);
// The file an entry belongs to (a view into entrySubject), or nullopt when the subject is not
// one of these entries.
std::optional<std::string_view> telemetryFileOf(std::string_view entrySubject);
// The entries `ledger` holds for one file of `target`, and no other file's: a path may hold a
// '#', so another file's entries can start with this one's prefix.
std::vector<PriorState> telemetryEntriesOf(const Ledger& ledger, const std::string& target,
                                           const std::string& file);
// The prior state of one file from its entries (telemetryEntriesOf).
TelemetryPrior telemetryPriorFrom(const std::vector<PriorState>& entries);

std::string deviceIdSetState(const std::string& file);
std::string deviceIdTokenState(const std::string& file);

}  // namespace mpa
