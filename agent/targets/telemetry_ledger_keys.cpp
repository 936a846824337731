#include "targets/telemetry_ledger_keys.hpp"

#include <algorithm>

namespace mpa {

std::string telemetryFileEntry(const std::string& file) {
    return file + "#file";
}

std::string telemetryKeyEntry(const std::string& file, const std::string& key) {
    return file + "#" + key;
}

std::string telemetryEntryPrefix(const std::string& file) {
    return file + "#";
}

std::optional<std::string_view> telemetryFileOf(std::string_view entrySubject) {
    // The last '#': a path may hold one, a key never does.
    const auto hash = entrySubject.rfind('#');
    if (hash == std::string_view::npos) return std::nullopt;
    return entrySubject.substr(0, hash);
}

std::vector<PriorState> telemetryEntriesOf(const Ledger& ledger, const std::string& target,
                                           const std::string& file) {
    auto entries = ledger.listPrefix(target, telemetryEntryPrefix(file));
    entries.erase(
        std::remove_if(entries.begin(), entries.end(),
                       [&](const PriorState& e) { return telemetryFileOf(e.subject) != file; }),
        entries.end());
    return entries;
}

TelemetryPrior telemetryPriorFrom(const std::vector<PriorState>& entries) {
    TelemetryPrior prior;
    for (const auto& e : entries) {
        const auto key = e.subject.substr(e.subject.rfind('#') + 1);
        if (key == "file")
            prior.parseFileEntry(e.value);
        else
            prior.keys.emplace_back(key,
                                    e.existed ? std::optional<std::string>(e.value) : std::nullopt);
    }
    return prior;
}

std::string deviceIdSetState(const std::string& file) {
    return "deviceid-set:" + file;
}

std::string deviceIdTokenState(const std::string& file) {
    return "deviceid-token:" + file;
}

}  // namespace mpa
