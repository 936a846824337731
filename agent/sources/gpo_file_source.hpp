#pragma once
// Group Policy on Linux machines joined to Active Directory with Samba: samba-gpupdate copies every
// GPO that applies to the machine into its cache, <cache>/<REALM>/POLICIES/{GUID}/MACHINE/
// REGISTRY.POL (names upper-cased by Samba; matched here in any case), next to {GUID}/GPT.INI.
// A fallback, read only when agent.yaml names the cache (samba_gpo_cache) and the samba-gpupdate
// extension's file (sources/samba_gpupdate_source.hpp, which knows the GPO order) is absent.
// This source reads the Metalama values those Registry.pol files set:
//   <registry_key>               (SOFTWARE\Policies\PostSharp\Metalama)  mandatory
//   <registry_key>\Recommended                                          recommended
// Value names are looked up in the policy definitions ignoring case, as the registry does.
//
// Several GPOs setting the same policy: Samba does not record the link order in the cache, so the
// agent ranks the GPOs deterministically (docs/gpo-on-linux.md): higher GPT.INI machine version,
// then the more recently written REGISTRY.POL, then the greater GUID wins; every other value is
// reported as overridden. A file the agent cannot trust or read blocks the source (the last known
// good policy is kept): not a regular file, a symbolic link anywhere in the path, not owned by
// root (or the agent's own account), writable by group or others, a bad header, a truncated or
// malformed record.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "model/policy_source.hpp"
#include "sources/registry_pol.hpp"

namespace mpa {

class GpoFileSource : public PolicySource {
  public:
    std::string name() const override { return "Group Policy file"; }
    SourceResult read(const AgentContext& context) const override;
    std::vector<std::string> watchPaths(const AgentContext& context) const override;
};

// A registry value as the policy model sees it: REG_DWORD is an integer, REG_SZ and
// REG_EXPAND_SZ are strings, anything else is refused by the merge with its type named.
RawValue rawValueFromRegistry(const RegistryData& data);

// A Registry.pol with only the records that can change the Metalama keys decoded (those keys,
// their ancestors, whose **DeleteKeys can remove them, and their subkeys); the rest of the file
// is walked for its framing, not decoded. What the service reads; `gpo inspect` shows all.
PregFile parseMetalamaRecords(const PolicyCatalog& catalog, std::string_view bytes);

// The Metalama values one parsed Registry.pol leaves (after its commands), appended to `out` with
// `origin` and `order`; the file's errors become issues (blocking when the file was not read to
// its end). Shared by the source and `gpo inspect`.
void collectMetalamaValues(const PolicyCatalog& catalog, const PregFile& file,
                           const std::string& origin, int order, SourceResult& out);

// Version=N from GPT.INI's [General] section (the machine part is N & 0xFFFF).
std::optional<std::uint32_t> parseGptIniVersion(std::string_view text);

}  // namespace mpa
