#pragma once
// macOS managed preferences for the domain in the policy definitions (com.postsharp.metalama):
//   /Library/Managed Preferences/<domain>.plist         device scope, written by the MDM from a
//                                                       configuration profile: mandatory, the
//                                                       platform's native channel
//   /Library/Managed Preferences/<user>/<domain>.plist  user scope: reported (status shows it),
//                                                       not enforced; the agent enforces machine
//                                                       scope only
//   /Library/Preferences/<domain>.plist                 set by a local administrator (`defaults
//                                                       write`): at most recommended, as Chromium
//                                                       treats values CoreFoundation does not
//                                                       report as forced
// Files are XML or binary plists (libplist reads both); the root is a dictionary of policy name
// to value, the names and types those of the policy definitions. Plain file-system code under the
// agent's root, so it is tested on Linux with plists made by plistutil.
#include <cstdint>

#include "model/policy_source.hpp"

namespace mpa {

class ManagedPreferencesSource : public PolicySource {
  public:
    std::string name() const override { return "Managed preferences (MDM)"; }
    SourceResult read(const AgentContext& context) const override;
    std::vector<std::string> watchPaths(const AgentContext& context) const override;
};

inline constexpr const char* kManagedPreferencesDirectory = "/Library/Managed Preferences";
inline constexpr const char* kLocalPreferencesDirectory = "/Library/Preferences";
inline constexpr const char* kLocalPreferencesSourceName = "Local preferences (administrator)";
// Largest preferences file accepted (a policy dictionary is a few hundred bytes).
inline constexpr std::uint64_t kMaxPreferencesFileBytes = 1024 * 1024;

// Parses one plist file's bytes into values with provenance `from` (origin: the file); problems
// become issues naming the file with blocksSource=`blocking`. False when the file as a whole
// could not be used (not a plist, root not a dictionary). Exposed for tests.
bool parsePreferencesPlist(const std::string& data, const Provenance& from, bool blocking,
                           int& order, SourceResult& out);

}  // namespace mpa
