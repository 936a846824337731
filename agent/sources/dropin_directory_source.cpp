#include "sources/dropin_directory_source.hpp"

#include <yaml-cpp/yaml.h>

#include <charconv>
#include <cstdlib>
#include <map>

#include "platform/safe_fs.hpp"
#include "sources/policy_file_trust.hpp"
#include "util/json_document.hpp"
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

namespace {

// Every problem with a drop-in input blocks it: the privacy floor (policy/policy_set.hpp) then
// keeps the last known good value of whatever it might have set, at this level.
void block(SourceResult& out, const std::string& origin, PolicyLevel level, std::string message) {
    out.issues.push_back({origin, "", std::move(message), true, level, SourcePrecedence::EtcFile});
}

constexpr const char* kEmptyInput =
    "holds no policy (empty, only whitespace, null or only comments: what a truncated write "
    "leaves); file ignored";

RawValue rawFromJson(const std::string& raw) {
    switch (raw.front()) {
        case '{':
            return RawValue::other("a map");
        case '[':
            return RawValue::other("a list");
        case 't':
            return RawValue::ofBool(true);
        case 'f':
            return RawValue::ofBool(false);
        case 'n':
            return RawValue::null();
        case '"':
            return RawValue::ofString(json::decodeStringValue(raw).value_or(""));
        default:
            break;
    }
    std::int64_t i = 0;
    const auto [end, ec] = std::from_chars(raw.data(), raw.data() + raw.size(), i);
    if (ec == std::errc() && end == raw.data() + raw.size()) return RawValue::ofInt(i);
    return RawValue::ofReal(std::strtod(raw.c_str(), nullptr));
}

// .json files: strict RFC 8259 and unique keys, as a JSON file means to everyone else.
void parseJsonPolicy(const std::string& text, const std::string& origin, PolicyLevel level,
                     int& order, SourceResult& out) {
    if (text.find_first_not_of(" \t\r\n") == std::string::npos) {
        block(out, origin, level, kEmptyInput);
        return;
    }
    json::ParseError error;
    const auto members = json::parseObjectWithUniqueKeys(text, &error);
    if (!members) {
        const auto trimmed = text.substr(text.find_first_not_of(" \t\r\n"));
        if (trimmed.rfind("null", 0) == 0 &&
            trimmed.find_first_not_of(" \t\r\n", 4) == std::string::npos)
            block(out, origin, level, kEmptyInput);
        else
            block(out, origin, level,
                  "not parseable: " + error.describe() + " (strict JSON); file ignored");
        return;
    }
    for (const auto& member : *members) {
        out.values.push_back({member.key,
                              rawFromJson(member.rawValue),
                              {"Linux policy file", origin + ":" + std::to_string(member.line),
                               level, SourcePrecedence::EtcFile, order++}});
    }
}

void parseYamlPolicy(const std::string& text, const std::string& origin, PolicyLevel level,
                     int& order, SourceResult& out) {
    YAML::Node root;
    try {
        root = YAML::Load(text);
    } catch (const YAML::ParserException& e) {
        block(out, origin, level,
              "not parseable: " + describeMark(e.mark) + ": " + e.msg + "; file ignored");
        return;
    }
    if (root.IsNull()) {
        block(out, origin, level, kEmptyInput);
        return;
    }
    if (!root.IsMap()) {
        block(out, origin, level, "not a map of policy name to value; file ignored");
        return;
    }
    std::map<std::string, int> firstLine;
    for (const auto& entry : root) {
        if (!entry.first.IsScalar()) continue;
        const int line = entry.first.Mark().line + 1;
        if (const auto earlier = firstLine.find(entry.first.Scalar()); earlier != firstLine.end()) {
            block(out, origin, level,
                  describeMark(entry.first.Mark()) + ": duplicate key \"" + entry.first.Scalar() +
                      "\" (first at line " + std::to_string(earlier->second) + "); file ignored");
            return;
        }
        firstLine.emplace(entry.first.Scalar(), line);
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

}  // namespace

void parsePolicyDocument(const std::string& text, const std::string& origin, PolicyLevel level,
                         int& order, SourceResult& out) {
    if (endsWith(origin, ".json"))
        parseJsonPolicy(text, origin, level, order, out);
    else
        parseYamlPolicy(text, origin, level, order, out);
}

// Whoever may write a parent of the policy directory may swap the directory itself: a parent
// that others can write (or that another account owns) blocks every policy file below it.
static std::string untrustedParent(const AgentContext& context) {
    auto logical = context.settings.policyDirectory;
    while (true) {
        const auto slash = logical.find_last_of('/');
        if (slash == std::string::npos || slash == 0) return {};
        logical.resize(slash);
        Status opened;
        bool missing = false;
        auto dir = platform::SafeDir::open(context.resolve(logical), &opened, &missing);
        if (!dir) {
            if (missing) continue;
            return logical + ": " + opened.error;
        }
        if (auto problem = ownershipProblem(dir->self(), "the directory"); !problem.empty())
            return logical + ": " + problem + " (a parent of the policy directory)";
    }
}

SourceResult DropinDirectorySource::read(const AgentContext& context) const {
    SourceResult out;
    out.sourceName = name();
    int order = 0;
    if (const auto problem = untrustedParent(context); !problem.empty()) {
        block(out, context.settings.policyDirectory, PolicyLevel::Mandatory,
              problem + "; every policy file below it refused");
        return out;
    }
    for (const char* levelName : kLevels) {
        const auto level =
            std::string(levelName) == "managed" ? PolicyLevel::Mandatory : PolicyLevel::Recommended;
        const auto logical = context.settings.policyDirectory + "/" + levelName;
        Status opened;
        bool missing = false;
        auto dir = platform::SafeDir::open(context.resolve(logical), &opened, &missing);
        if (!dir) {
            // A missing directory is normal (nothing configured); anything else blocks it.
            if (!missing) block(out, logical, level, opened.error + "; directory ignored");
            continue;
        }
        if (auto problem = ownershipProblem(dir->self(), "the directory"); !problem.empty()) {
            block(out, logical, level, problem);
            continue;
        }
        Status listed;
        auto names = dir->list(&listed);
        if (!listed) block(out, logical, level, listed.error);
        for (const auto& fileName : names) {
            if (!isPolicyFileName(fileName)) continue;
            const auto origin = logical + "/" + fileName;
            const auto info = dir->stat(fileName);
            if (info.kind == platform::FileKind::Symlink) {
                block(out, origin, level,
                      "is a symbolic link; policy files must be regular files in the directory; "
                      "refused");
                continue;
            }
            if (info.kind == platform::FileKind::Missing) continue;  // removed while listing
            if (info.kind != platform::FileKind::Regular) {
                // A policy name on a directory or a FIFO is a broken input, not an absent one.
                block(out, origin, level,
                      std::string("is ") +
                          (info.kind == platform::FileKind::Directory ? "a directory"
                                                                      : "not a regular file") +
                          "; policy files must be regular files; refused");
                continue;
            }
            if (auto problem = ownershipProblem(info, "the file"); !problem.empty()) {
                block(out, origin, level, problem);
                continue;
            }
            if (info.size > kMaxPolicyFileBytes) {
                block(out, origin, level,
                      "is larger than 1 MiB (" + std::to_string(info.size) + " bytes); refused");
                continue;
            }
            auto file = dir->readFile(fileName, kMaxPolicyFileBytes);
            if (!file.status) {
                block(out, origin, level, file.status.error);
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
