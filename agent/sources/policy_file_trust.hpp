#pragma once
// Which policy files and directories a root service may act on: owned by root (or by the account
// the agent runs as, so scratch roots work unprivileged) and not writable by group or others,
// the rule sudo applies to sudoers. Anything else would let an unprivileged user steer the agent.
// One rule for every file-based source (drop-ins, Group Policy files, macOS preferences).
#include <string>

#include "platform/safe_fs.hpp"

namespace mpa {

// Empty when trusted, else the reason: "is owned by uid 1000, not by root; refused" or
// "is writable by group or others (mode 0666); refused".
std::string policyFileTrustProblem(const platform::FileInfo& info);

}  // namespace mpa
