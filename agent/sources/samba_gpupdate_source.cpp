#include "sources/samba_gpupdate_source.hpp"

#include <yaml-cpp/yaml.h>

#include "platform/safe_fs.hpp"
#include "policy/registry_names.hpp"
#include "sources/policy_file_trust.hpp"
#include "sources/registry_pol.hpp"
#include "util/text.hpp"

namespace mpa {
namespace {

// The extension's file is a few KiB; anything near this is not its output.
constexpr std::uint64_t kMaxDocumentBytes = 4 * 1024 * 1024;
constexpr int kFormat = 1;

std::string text(const YAML::Node& node, const char* key) {
    const auto child = node[key];
    return child && child.IsScalar() ? child.Scalar() : std::string();
}

// The policy whose registry value name is `name`, ignoring case as the registry does; an unknown
// name goes through as written and the merge reports it.
std::string policyName(const PolicyCatalog& catalog, const std::string& name) {
    for (const auto& def : catalog.policies)
        if (equalsIgnoringCase(registryValueName(def), name)) return def.name;
    return name;
}

// REG_DWORD is an integer, REG_SZ and REG_EXPAND_SZ are strings (as in Registry.pol files, see
// rawValueFromRegistry); any other type is refused by the merge with its name.
RawValue rawValue(const YAML::Node& value, const std::string& type) {
    const auto data = value["data"];
    if (type == "REG_DWORD") {
        long long number = 0;
        if (data && data.IsScalar() && parseDecimal(data.Scalar(), &number) && number >= 0 &&
            number <= 0xFFFFFFFFLL)
            return RawValue::ofInt(number);
        return RawValue::other("REG_DWORD value without a 32-bit number");
    }
    if (type == "REG_SZ" || type == "REG_EXPAND_SZ") {
        if (data && data.IsScalar()) return RawValue::ofString(data.Scalar());
        return RawValue::other(type + " value without text");
    }
    return RawValue::other(type.empty() ? std::string("value of no type") : type + " value");
}

std::string gpoLabel(const std::string& guid, const std::string& displayName) {
    return displayName.empty() ? "GPO " + guid : "GPO '" + displayName + "' " + guid;
}

}  // namespace

void parseSambaGpupdateDocument(const AgentContext& context, const std::string& document,
                                const std::string& origin, SourceResult& out) {
    YAML::Node root;
    try {
        root = YAML::Load(document);
    } catch (const YAML::ParserException& e) {
        out.issues.push_back({origin, "",
                              "not parseable: line " + std::to_string(e.mark.line + 1) + ": " +
                                  e.msg + "; file ignored",
                              true});
        return;
    }
    long long format = 0;
    if (!root.IsMap() || !parseDecimal(text(root, "format"), &format) || format != kFormat) {
        out.issues.push_back({origin, "",
                              "not a format " + std::to_string(kFormat) +
                                  " document of the samba-gpupdate extension; file ignored",
                              true});
        return;
    }
    const auto gpos = root["gpos"];
    const auto count = gpos && gpos.IsSequence() ? gpos.size() : 0;
    if (gpos && gpos.IsSequence()) {
        for (const auto& gpo : gpos)
            out.informational.push_back(
                "Group Policy (samba-gpupdate) " + origin + ": " +
                gpoLabel(text(gpo, "guid"), text(gpo, "name")) + ", rank " + text(gpo, "rank") +
                " of " + std::to_string(count) +
                (text(gpo, "link").empty() ? "" : ", linked to " + text(gpo, "link")));
    }
    const auto values = root["values"];
    if (values && !values.IsSequence()) {
        out.issues.push_back({origin, "", "'values' is not a list; file ignored", true});
        return;
    }
    for (const auto& value : values) {
        const auto name = text(value, "name");
        const auto levelText = text(value, "level");
        long long rank = 0;
        if (name.empty() || (levelText != "mandatory" && levelText != "recommended") ||
            !parseDecimal(text(value, "rank"), &rank) || rank < 1 || rank > 100000) {
            out.issues.push_back({origin, name,
                                  "value without a name, a level (mandatory or recommended) or "
                                  "a rank; file ignored",
                                  true});
            out.values.clear();
            return;
        }
        const auto level =
            levelText == "mandatory" ? PolicyLevel::Mandatory : PolicyLevel::Recommended;
        out.values.push_back(
            {policyName(*context.catalog, name), rawValue(value, text(value, "type")),
             Provenance{"Group Policy (samba-gpupdate)",
                        origin + " (" + gpoLabel(text(value, "gpo"), text(value, "gpo_name")) +
                            ", rank " + std::to_string(rank) + ")",
                        level, SourcePrecedence::GroupPolicyFile, static_cast<int>(rank)}});
    }
    const auto deleted = root["deleted"];
    if (deleted && deleted.IsSequence())
        for (const auto& d : deleted)
            out.informational.push_back(
                "Group Policy (samba-gpupdate) " + origin + ": " + text(d, "name") + " (" +
                text(d, "level") + ") set by GPO " + text(d, "set_by") + " is deleted by " +
                gpoLabel(text(d, "deleted_by"), text(d, "deleted_by_name")));
}

bool sambaGpupdatePolicyPresent(const AgentContext& context) {
    const auto path = context.resolve(context.settings.sambaGpupdatePolicy);
    const auto slash = path.rfind('/');
    const auto dir = platform::SafeDir::open(path.substr(0, slash), nullptr);
    return dir && dir->stat(path.substr(slash + 1)).kind != platform::FileKind::Missing;
}

SourceResult SambaGpupdateSource::read(const AgentContext& context) const {
    SourceResult out;
    out.sourceName = name();
    const auto& logical = context.settings.sambaGpupdatePolicy;
    const auto path = context.resolve(logical);
    const auto slash = path.rfind('/');
    Status opened;
    bool missing = false;
    const auto dir = platform::SafeDir::open(path.substr(0, slash), &opened, &missing);
    if (!dir) {
        // No directory: the extension never ran (not joined, or not registered). Nothing to read.
        if (!missing) out.issues.push_back({logical, "", opened.error, true});
        return out;
    }
    if (const auto problem = policyFileTrustProblem(dir->self()); !problem.empty()) {
        out.issues.push_back({logical, "", "directory " + problem, true});
        return out;
    }
    const auto fileName = path.substr(slash + 1);
    const auto info = dir->stat(fileName);
    if (info.kind == platform::FileKind::Missing) return out;
    if (info.kind != platform::FileKind::Regular) {
        out.issues.push_back({logical, "", "is not a regular file; refused", true});
        return out;
    }
    const auto file = dir->readFile(fileName, kMaxDocumentBytes);
    if (!file.status) {
        out.issues.push_back({logical, "", file.status.error, true});
        return out;
    }
    if (file.missing) return out;  // replaced while we looked: the extension is writing it
    if (const auto problem = policyFileTrustProblem(file.info); !problem.empty()) {
        out.issues.push_back({logical, "", "file " + problem, true});
        return out;
    }
    parseSambaGpupdateDocument(context, file.data, logical, out);
    return out;
}

std::vector<std::string> SambaGpupdateSource::watchPaths(const AgentContext& context) const {
    const auto path = context.resolve(context.settings.sambaGpupdatePolicy);
    return {path.substr(0, path.rfind('/'))};
}

}  // namespace mpa
