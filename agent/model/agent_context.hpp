#pragma once
// Everything a pass needs to know about where it runs. Every path the agent touches is resolved
// through one root (--root), so tests and the demo run the real code against a scratch tree.
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "policy/definitions.hpp"

namespace mpa {

// Which operating system's layout the pass uses. Normally the host's; tests choose one
// explicitly to exercise another OS's layout knowledge over a scratch root.
enum class PlatformProfile { Linux, MacOS, Windows };
std::string_view toString(PlatformProfile profile);
PlatformProfile hostPlatformProfile();

// How long the service waits for watched paths to be quiet before reading them, unless agent.yaml
// (settle_milliseconds) or `run --settle-ms` says otherwise. Long enough for an editor's or a
// configuration tool's write to finish; short enough that a change is enforced at once.
inline constexpr std::int64_t kDefaultSettleMilliseconds = 300;

// Local settings that are not policy (from /etc/metalama/agent.yaml and the command line).
struct AgentSettings {
    std::string root = "/";
    std::string database;  // default depends on the platform
    // agent.yaml may put the database outside the agent's own directory only when it says so
    // (database_outside_state_directory: true); --db is explicit by itself.
    bool databaseOutsideStateDirectory = false;
    std::string policyDirectory;             // holds managed/ and recommended/
    std::string sambaGpupdatePolicy;         // written by our samba-gpupdate extension
    std::string sambaGpoCache;               // Samba's GPO cache, read only when configured
    std::string logLevel = "warning";        // the service raises it to information
    bool logLevelChosen = false;             // set in agent.yaml or on the command line
    std::string logDestination = "console";  // console | syslog | journal | file:<path>
    std::string logFormat = "text";          // text | json (one object per line)
    // The service waits until watched paths have been quiet this long before reading them.
    std::int64_t settleMilliseconds = kDefaultSettleMilliseconds;
    // How long a policy that every source stopped setting is still enforced before the agent
    // restores what it changed (0: restore at once). Covers the window in which an MDM removes
    // and re-creates the profiles that carry the policy (docs/deploy-intune.md).
    std::int64_t removalGraceHours = 0;
    // A group (Windows: an account or group name) given read access to the compliance
    // database (store/audit_access.hpp); empty: the directory's group decides.
    std::string auditGroup;
};

struct AgentContext {
    AgentSettings settings;
    PlatformProfile platform = hostPlatformProfile();
    const PolicyCatalog* catalog = &builtinCatalog();
    std::chrono::system_clock::time_point now = std::chrono::system_clock::now();

    // "/etc/environment" -> "<root>/etc/environment". Absolute paths only. A Windows path keeps
    // its drive as a directory: "C:/Users/bob" -> "<root>/C/Users/bob" (the live system, root
    // "/", uses the path as it is). The registry is not relocated by the root.
    std::string resolve(std::string_view absolutePath) const;
    bool isLiveSystem() const { return settings.root == "/"; }
};

// "C:/..." or "C:\\..." (a drive letter, then a separator or nothing).
bool isDrivePath(std::string_view path);
// A POSIX absolute path or a Windows drive path.
bool isAbsoluteLogicalPath(std::string_view path);

// Fills in the platform defaults for every setting left empty.
void applyDefaultSettings(AgentSettings& settings, PlatformProfile platform);

}  // namespace mpa
