#pragma once
// The tool policies of support/tool_policy_report.hpp as the POSIX channel tests set them: an
// /etc drop-in's JSON, and a Samba GPO cache whose Registry.pol Samba's own writer produced.
// Shared by tool_policy_channels_test (reading) and tool_policy_enforcement_test (enforcing).
#include <string>

#include "support/scratch_dir.hpp"

namespace mpa::test {

// {"<mandatory policy>": true, ...}: the managed drop-in's content, with its final newline.
std::string toolPoliciesDropInJson();

// True when Samba's Registry.pol writer (python3-samba) can be run.
bool sambaRegistryPolWriterAvailable();

// Under `base` (a relative path in `root`, "" or "r/"): agent.yaml naming the GPO cache (appended
// to one already there), the GPO's GPT.INI and MACHINE/REGISTRY.POL written by Samba's writer with
// the mandatory tool policies in the policy key and the recommended one in its Recommended subkey.
// Returns REGISTRY.POL's path relative to `base`; a test failure when the writer failed.
std::string writeToolPoliciesGpoCache(const ScratchDir& root, const std::string& base);

}  // namespace mpa::test
