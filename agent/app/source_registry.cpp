#include "app/built_in_components.hpp"
#include "sources/dropin_directory_source.hpp"
#include "sources/gpo_file_source.hpp"
#include "sources/managed_preferences_source.hpp"
#include "sources/registry_policy_source.hpp"
#include "sources/samba_gpupdate_source.hpp"

namespace mpa {

// Sources by platform, one line each. The merge orders them by level and precedence, so the
// order here only decides the order of issues in reports.
std::vector<std::unique_ptr<PolicySource>> makePolicySources(const AgentContext& context) {
    std::vector<std::unique_ptr<PolicySource>> sources;
    switch (context.platform) {
        case PlatformProfile::Linux:
            sources.push_back(std::make_unique<DropinDirectorySource>());
            sources.push_back(std::make_unique<SambaGpupdateSource>());  // samba-gpupdate
            sources.push_back(std::make_unique<GpoFileSource>());  // its cache, when configured
            break;
        case PlatformProfile::MacOS:
#ifdef MPA_HAVE_PLIST
            sources.push_back(std::make_unique<ManagedPreferencesSource>());  // MDM profiles
#endif
            break;
        case PlatformProfile::Windows:
            // Group Policy and Intune (ADMX ingestion) both write the policy key.
            sources.push_back(std::make_unique<RegistryPolicySource>());
            break;
    }
    return sources;
}

}  // namespace mpa
