#include "sources/registry_policy_source.hpp"

#include <cstdlib>
#include <map>

#include "platform/registry.hpp"
#include "platform/safe_fs.hpp"
#include "policy/registry_names.hpp"
#include "sources/gpo_file_source.hpp"
#include "util/text.hpp"

namespace mpa {
namespace {

using platform::RegistryHive;

constexpr const char* kPolicyManagerDevice = "SOFTWARE\\Microsoft\\PolicyManager\\current\\device";
constexpr const char* kWinningProvider = "_WinningProvider";

const PolicyDefinition* findByValueName(const PolicyCatalog& catalog, std::string_view name) {
    for (const auto& def : catalog.policies)
        if (equalsIgnoringCase(registryValueName(def), name)) return &def;
    return nullptr;
}

RegistryData toRegistryData(const platform::RegistryValue& value) {
    RegistryData data;
    data.type = value.type;
    data.decoded = true;
    data.text = value.text;
    data.number = value.number;
    if (value.type == kRegDword && value.size != 4) data.decoded = false;
    if (!data.decoded || (!data.isString() && value.type != kRegDword))
        data.bytes.resize(value.size);  // only the size is reported for other types
    return data;
}

// Lower-cased value name -> enrollment, for every value the MDM client applied through an
// ingested ADMX ("<App>~Policy~<Category>" areas).
std::map<std::string, std::string> mdmWinningProviders(SourceResult& out) {
    std::map<std::string, std::string> providers;
    Status status;
    for (const auto& area :
         platform::registrySubkeys(RegistryHive::LocalMachine, kPolicyManagerDevice, &status)) {
        if (lowerAscii(area).find("~policy~") == std::string::npos) continue;
        const auto key = std::string(kPolicyManagerDevice) + "\\" + area;
        const auto values = platform::readRegistryValues(RegistryHive::LocalMachine, key);
        for (const auto& value : values.values) {
            const auto lower = lowerAscii(value.name);
            const std::string suffix = lowerAscii(kWinningProvider);
            if (lower.size() <= suffix.size() ||
                lower.compare(lower.size() - suffix.size(), suffix.size(), suffix) != 0)
                continue;
            providers[lower.substr(0, lower.size() - suffix.size())] = value.text;
        }
    }
    if (!status)  // attribution only: the values are still read
        out.informational.push_back("MDM attribution unavailable: " + status.error);
    return providers;
}

void readLevel(const AgentContext& context, PolicyLevel level,
               const std::map<std::string, std::string>& mdm, SourceResult& out) {
    const auto key = registryKeyFor(*context.catalog, level);
    const auto origin = "HKLM\\" + key;
    const auto read = platform::readRegistryValues(RegistryHive::LocalMachine, key);
    if (!read.status) {
        out.issues.push_back({origin, "", read.status.error, true});
        return;
    }
    int order = 0;
    for (const auto& value : read.values) {
        const auto* def = findByValueName(*context.catalog, value.name);
        if (!def) continue;  // other values (a GPO extension's bookkeeping) are not policy
        const auto provider = mdm.find(lowerAscii(value.name));
        Provenance from{
            provider == mdm.end() ? "Group Policy" : "MDM (Intune)",
            provider == mdm.end() ? origin : origin + " (enrollment " + provider->second + ")",
            level, SourcePrecedence::PlatformChannel, ++order};
        out.values.push_back({def->name, rawValueFromRegistry(toRegistryData(value)), from});
    }
}

std::string describeValues(const SourceResult& values) {
    std::string text;
    for (const auto& v : values.values) {
        if (!text.empty()) text += ", ";
        text +=
            v.name + " = " + v.value.describe() + " (" + std::string(toString(v.from.level)) + ")";
    }
    return text.empty() ? "no Metalama values" : text;
}

// The local GPO's Registry.pol: what gpedit.msc saved; Group Policy copies it into the registry.
void reportLocalGpo(const AgentContext& context, SourceResult& out) {
    const char* systemRoot = std::getenv("SystemRoot");
    std::string base = systemRoot && *systemRoot ? systemRoot : "C:\\Windows";
    for (char& c : base)
        if (c == '\\') c = '/';
    const auto path = context.resolve(base + "/System32/GroupPolicy/Machine/Registry.pol");
    const auto file = platform::readFileNoFollow(path, kMaxFileBytes);
    if (file.missing) return;
    if (!file.status) {
        out.informational.push_back("Local Group Policy " + path + ": " + file.status.error);
        return;
    }
    SourceResult local;
    collectMetalamaValues(*context.catalog, parseMetalamaRecords(*context.catalog, file.data), path,
                          0, local);
    std::string line = "Local Group Policy " + path + ": " + describeValues(local);
    for (const auto& issue : local.issues) line += "; " + issue.message;
    out.informational.push_back(line);
}

// HKCU policy of each loaded user hive: reported, never merged.
void reportUserHives(const AgentContext& context, SourceResult& out) {
    Status status;
    for (const auto& sid : platform::registrySubkeys(RegistryHive::Users, "", &status)) {
        if (sid.rfind("S-1-5-21-", 0) != 0 || sid.find("_Classes") != std::string::npos) continue;
        SourceResult user;
        for (const auto level : {PolicyLevel::Mandatory, PolicyLevel::Recommended}) {
            const auto key = sid + "\\" + registryKeyFor(*context.catalog, level);
            for (const auto& value :
                 platform::readRegistryValues(RegistryHive::Users, key).values) {
                const auto* def = findByValueName(*context.catalog, value.name);
                user.values.push_back({def ? def->name : value.name,
                                       rawValueFromRegistry(toRegistryData(value)),
                                       Provenance{"", key, level}});
            }
        }
        if (!user.values.empty())
            out.informational.push_back("User policy HKU\\" + sid +
                                        " (reported only: the agent "
                                        "enforces machine policy): " +
                                        describeValues(user));
    }
}

}  // namespace

SourceResult RegistryPolicySource::read(const AgentContext& context) const {
    SourceResult out;
    out.sourceName = name();
    const auto mdm = mdmWinningProviders(out);
    for (const auto level : {PolicyLevel::Mandatory, PolicyLevel::Recommended})
        readLevel(context, level, mdm, out);
    reportLocalGpo(context, out);
    reportUserHives(context, out);
    return out;
}

std::vector<std::string> RegistryPolicySource::watchPaths(const AgentContext& context) const {
    return {kRegistryWatchPrefix + std::string("HKLM\\") +
            registryKeyFor(*context.catalog, PolicyLevel::Mandatory)};
}

}  // namespace mpa
