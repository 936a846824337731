#include "support/restored_tree.hpp"

#include <optional>
#include <sstream>

#include "util/json_document.hpp"

namespace mpa::test {
namespace {

bool startsWith(const std::string& s, const std::string& prefix) {
    return s.compare(0, prefix.size(), prefix) == 0;
}
bool endsWith(const std::string& s, const std::string& suffix) {
    return s.size() >= suffix.size() &&
           s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}
// The policy, and the agent's own state: its database and its runtime directory (the service's
// instance lock, which `revert` looks at).
bool leftOut(const std::string& path) {
    return startsWith(path, "etc/metalama/policies/") ||
           startsWith(path, "var/lib/metalama-policy-agent") ||
           startsWith(path, "run/metalama-policy-agent");
}

// A telemetry file without DeviceId and version; nullopt when it is not a JSON object.
std::optional<std::string> withoutIdAndVersion(const std::string& text) {
    auto doc = json::ObjectDocument::parse(text, nullptr);
    if (!doc) return std::nullopt;
    doc->remove("DeviceId");
    doc->remove("version");
    return doc->serialize();
}

}  // namespace

std::string describeNotRestored(const TreeSnapshot& original, const TreeSnapshot& after) {
    std::ostringstream out;
    for (const auto& [path, was] : original) {
        if (leftOut(path)) continue;
        const auto found = after.find(path);
        if (found == after.end()) {
            out << "gone: " << path << "\n";
            continue;
        }
        const auto& now = found->second;
        if (!endsWith(path, "/telemetry.json") || was.kind != "file") {
            if (!(now == was)) out << "changed: " << path << "\n";
            continue;
        }
        if (now.uid != was.uid || now.gid != was.gid || now.mode != was.mode)
            out << "owner or mode changed: " << path << "\n";
        const auto before = withoutIdAndVersion(was.content);
        if (!before && now.content == was.content) continue;  // malformed, never touched
        const auto restored = withoutIdAndVersion(now.content);
        // A malformed file the agent replaced stays set aside; the valid replacement holds
        // nothing of the agent's.
        const auto expected = before ? before : withoutIdAndVersion("{}");
        if (restored != expected) out << "not restored: " << path << ": " << now.content << "\n";
        if (!before) {
            bool setAside = false;
            for (const auto& [other, entry] : after)
                setAside = setAside ||
                           (startsWith(other, path + ".invalid-") && entry.content == was.content);
            if (!setAside) out << "malformed original not kept: " << path << "\n";
        }
    }
    for (const auto& [path, entry] : after) {
        if (leftOut(path) || original.count(path)) continue;
        const auto dot = path.find(".invalid-");
        if (dot != std::string::npos && original.count(path.substr(0, dot))) continue;
        out << "left behind: " << path << "\n";
    }
    return out.str();
}

}  // namespace mpa::test
