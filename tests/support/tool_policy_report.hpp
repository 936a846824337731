#pragma once
// What the channel tests (tool_policy_channels_test, tool_policy_channels_win_test) set and
// expect: three mandatory tool policies and one recommended, read back from the pass JSON of
// `apply --dry-run --json`, the same on every platform.
#include <Poco/JSON/Object.h>

#include <map>
#include <string>
#include <vector>

namespace mpa::test {

// Mandatory: three tools with variables (the Azure CLI also with a per-user file).
// Recommended: a tool with two per-user files and a variable the recommended form must not set.
const std::vector<std::string>& mandatoryToolPolicies();
const std::string& recommendedToolPolicy();

// The pass JSON, or null (with a test failure) when the text is not JSON.
Poco::JSON::Object::Ptr parsePassJson(const std::string& text);

// Every policy above in effect, true, at its level, from an origin containing `origin`; no
// policy error.
void expectToolPoliciesInEffect(const Poco::JSON::Object::Ptr& report, const std::string& origin);

// The desired state they ask for: the mandatory tools' variables only, in name order, each with
// its tool and policy; the Azure CLI's file key forced and the Angular CLI's two set unless the
// user chose. `system` picks the path shown: "linux", "macos" or "windows".
void expectToolPoliciesDesired(const Poco::JSON::Object::Ptr& report, const std::string& system);

// What changed between two pictures of files (path -> bytes, or a marker such as "<dir>"), one
// line per path with the new bytes, for a readable failure; empty when they are the same.
std::string fileDifferences(const std::map<std::string, std::string>& before,
                            const std::map<std::string, std::string>& after);

}  // namespace mpa::test
