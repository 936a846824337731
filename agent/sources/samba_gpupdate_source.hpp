#pragma once
// Group Policy on Linux machines joined to Active Directory with Samba, through Samba's own engine:
// samba-gpupdate computes which GPOs apply and in which order (link order, enforced links, block
// inheritance), downloads them and runs the Metalama client-side extension
// (installer/linux/samba/gp_metalama_ext.py). The extension resolves the Metalama values of the
// applied GPOs in that order (a later GPO wins; `**del.` and the other delete commands remove what
// earlier GPOs set) and writes them to one JSON file,
// /etc/metalama/group-policy/samba-gpupdate.json (agent.yaml `samba_gpupdate_policy`). This source
// reads that file: every value with its GPO (GUID and display name) and rank as provenance; a value
// a later GPO replaced is reported as overridden, and when a GPO is unlinked the extension removes
// its values. The file must be trusted like every policy file (root-owned, not writable by others,
// a regular file); a file the agent cannot trust or parse blocks the source, and the last known
// good policy is kept.
#include <string>

#include "model/policy_source.hpp"

namespace mpa {

class SambaGpupdateSource : public PolicySource {
  public:
    std::string name() const override { return "Group Policy (samba-gpupdate)"; }
    SourceResult read(const AgentContext& context) const override;
    std::vector<std::string> watchPaths(const AgentContext& context) const override;
};

// Whether the extension's file exists (then the configured cache fallback stands down).
bool sambaGpupdatePolicyPresent(const AgentContext& context);

// Parses the extension's document; `origin` names the file in issues. Exposed for tests.
void parseSambaGpupdateDocument(const AgentContext& context, const std::string& document,
                                const std::string& origin, SourceResult& out);

}  // namespace mpa
