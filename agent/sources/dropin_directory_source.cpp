#include "sources/dropin_directory_source.hpp"

#include <yaml-cpp/yaml.h>

#include "platform/safe_fs.hpp"
#include "sources/policy_file_trust.hpp"
#include "util/text.hpp"

namespace mpa {
namespace {

constexpr const char* kLevels[] = {"managed", "recommended"};

bool isPolicyFileName(const std::string& name) {
    if (name.empty() || name.front() == '.') return false;  // editor and package-manager temps
    return endsWith(name, ".json") || endsWith(name, ".yaml") || endsWith(name, ".yml");
}

std::string describeMark(const YAML::Mark& mark) {
    return "line " + std::to_string(mark.line + 1) + ", column " + std::to_string(mark.column + 1);
}

RawValue rawFromNode(const YAML::Node& node) {
    switch (node.Type()) {
        case YAML::NodeType::Null:
        case YAML::NodeType::Undefined:
            return RawValue::null();
        case YAML::NodeType::Sequence:
            return RawValue::other("a list");
        case YAML::NodeType::Map:
            return RawValue::other("a map");
        case YAML::NodeType::Scalar:
            break;
    }
    // Quoted scalars are strings whatever they spell ("true" stays text, then coerces).
    if (node.Tag() == "!") return RawValue::ofString(node.Scalar());
    bool b;
    if (YAML::convert<bool>::decode(node, b)) return RawValue::ofBool(b);
    long long i;
    if (YAML::convert<long long>::decode(node, i)) return RawValue::ofInt(i);
    double d;
    if (YAML::convert<double>::decode(node, d)) return RawValue::ofReal(d);
    return RawValue::ofString(node.Scalar());
}

// The shared trust rule (sources/policy_file_trust.hpp), worded for the entry it is about.
std::string ownershipProblem(const platform::FileInfo& info, const char* what) {
    const auto problem = policyFileTrustProblem(info);
    return problem.empty() ? problem : std::string(what) + " " + problem;
}

}  // namespace

void parsePolicyDocument(const std::string& text, const std::string& origin, PolicyLevel level,
                         int& order, SourceResult& out) {
    YAML::Node root;
    try {
        root = YAML::Load(text);
    } catch (const YAML::ParserException& e) {
        out.issues.push_back(
            {origin, "", "not parseable: " + describeMark(e.mark) + ": " + e.msg + "; file ignored",
             true});
        return;
    }
    if (root.IsNull()) return;  // an empty file sets nothing
    if (!root.IsMap()) {
        out.issues.push_back({origin, "", "not a map of policy name to value; file ignored", true});
        return;
    }
    for (const auto& entry : root) {
        if (!entry.first.IsScalar()) {
            out.issues.push_back(
                {origin, "",
                 describeMark(entry.first.Mark()) + ": policy names must be text; ignored"});
            continue;
        }
        const auto line = entry.second.Mark().line + 1;
        out.values.push_back({entry.first.Scalar(),
                              rawFromNode(entry.second),
                              {"Linux policy file", origin + ":" + std::to_string(line), level,
                               SourcePrecedence::EtcFile, order++}});
    }
}

SourceResult DropinDirectorySource::read(const AgentContext& context) const {
    SourceResult out;
    out.sourceName = name();
    int order = 0;
    for (const char* levelName : kLevels) {
        const auto level =
            std::string(levelName) == "managed" ? PolicyLevel::Mandatory : PolicyLevel::Recommended;
        const auto logical = context.settings.policyDirectory + "/" + levelName;
        std::string error;
        bool missing = false;
        auto dir = platform::SafeDir::open(context.resolve(logical), &error, &missing);
        if (!dir) {
            // A missing directory is normal (nothing configured); anything else blocks it.
            if (!missing) out.issues.push_back({logical, "", error + "; directory ignored", true});
            continue;
        }
        if (auto problem = ownershipProblem(dir->self(), "the directory"); !problem.empty()) {
            out.issues.push_back({logical, "", problem, true});
            continue;
        }
        auto names = dir->list(&error);
        if (!error.empty()) out.issues.push_back({logical, "", error, true});
        for (const auto& fileName : names) {
            if (!isPolicyFileName(fileName)) continue;
            const auto origin = logical + "/" + fileName;
            const auto info = dir->stat(fileName);
            if (info.kind == platform::FileKind::Symlink) {
                out.issues.push_back({origin, "",
                                      "is a symbolic link; policy files must be regular files in "
                                      "the directory; refused",
                                      true});
                continue;
            }
            if (info.kind != platform::FileKind::Regular) continue;
            if (auto problem = ownershipProblem(info, "the file"); !problem.empty()) {
                out.issues.push_back({origin, "", problem, true});
                continue;
            }
            if (info.size > kMaxPolicyFileBytes) {
                out.issues.push_back(
                    {origin, "",
                     "is larger than 1 MiB (" + std::to_string(info.size) + " bytes); refused",
                     true});
                continue;
            }
            auto file = dir->readFile(fileName, kMaxPolicyFileBytes);
            if (!file.status) {
                out.issues.push_back({origin, "", file.status.error, true});
                continue;
            }
            parsePolicyDocument(file.data, origin, level, order, out);
        }
    }
    return out;
}

std::vector<std::string> DropinDirectorySource::watchPaths(const AgentContext& context) const {
    std::vector<std::string> paths{context.resolve(context.settings.policyDirectory)};
    for (const char* levelName : kLevels)
        paths.push_back(context.resolve(context.settings.policyDirectory + "/" + levelName));
    return paths;
}

}  // namespace mpa
