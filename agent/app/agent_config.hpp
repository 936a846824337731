#pragma once
// /etc/metalama/agent.yaml: local settings that are not policy (database path, other policy
// locations, logging). Policy never comes from here. Like a policy file it must be owned by
// root and not writable by others, or a user could steer a root service through it.
#include <string>

#include "model/agent_context.hpp"
#include "util/status.hpp"

namespace mpa {

inline constexpr const char* kDefaultConfigFile = "/etc/metalama/agent.yaml";
// Windows: beside the compliance database, in the directory only SYSTEM and Administrators write.
inline constexpr const char* kWindowsConfigFile = "C:/ProgramData/Metalama/PolicyAgent/agent.yaml";
// settle_milliseconds above a minute would make the service look dead to an administrator.
inline constexpr long long kMaxSettleMilliseconds = 60000;
// policy_removal_grace_hours up to 30 days: longer would be a policy that never goes away.
inline constexpr long long kMaxRemovalGraceHours = 720;

// Applies the file's settings to `settings`; the command line is applied after it and wins.
// A missing file is fine; a bad one is an error naming the file, key and reason.
Status loadAgentConfig(const std::string& hostPath, const std::string& displayPath,
                       AgentSettings& settings);

}  // namespace mpa
