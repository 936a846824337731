#pragma once
// Windows policy in the registry, written by Group Policy from our ADMX or by Intune's ADMX
// ingestion (../shared/reference/windows.md):
//   HKLM\<registry_key>               (SOFTWARE\Policies\PostSharp\Metalama)  mandatory
//   HKLM\<registry_key>\Recommended                                          recommended
// Value names and the coercion are those of every other source (policy/registry_names.hpp,
// rawValueFromRegistry): REG_DWORD is an integer, REG_SZ/REG_EXPAND_SZ a string, anything else
// is reported with its type and ignored.
//
// Attribution: a value the MDM client applied has "<ValueName>_WinningProvider" (the
// enrollment GUID) in an ADMX-ingested area, a subkey "<App>~Policy~<Category...>" of
// HKLM\SOFTWARE\Microsoft\PolicyManager\current\device; its source is then "MDM (Intune)" with the
// enrollment, else "Group Policy". Shown by status, not merged (informational): the local GPO's
// Registry.pol
// (%SystemRoot%\System32\GroupPolicy\Machine\Registry.pol, resolved under --root) and the
// Metalama policy of every loaded user hive (HKU\<SID>\SOFTWARE\Policies\...): the agent
// enforces machine policy only.
//
// The registry is not relocated by --root. watchPaths() returns "registry:HKLM\..." entries,
// which the Windows change watcher turns into RegNotifyChangeKeyValue registrations.
#include "model/policy_source.hpp"

namespace mpa {

inline constexpr const char* kRegistryWatchPrefix = "registry:";

class RegistryPolicySource : public PolicySource {
  public:
    std::string name() const override { return "Registry"; }
    SourceResult read(const AgentContext& context) const override;
    std::vector<std::string> watchPaths(const AgentContext& context) const override;
};

}  // namespace mpa
