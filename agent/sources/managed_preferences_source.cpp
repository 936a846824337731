#include "sources/managed_preferences_source.hpp"

#ifdef MPA_HAVE_PLIST

#include "platform/safe_fs.hpp"
#include "sources/plist_raw_value.hpp"
#include "sources/policy_file_trust.hpp"
#include "util/text.hpp"

namespace mpa {
namespace {

constexpr const char* kUserScopeNote =
    "user-scope policy is reported, not enforced: the agent enforces machine scope";

std::string plistFileName(const AgentContext& context) {
    return context.catalog->macosDomain + ".plist";
}

// Reads one preferences file safely: missing is silence; a symlink, a non-regular file, a file
// that is not root's or that others may write, or one too large is refused with an issue.
// Returns false when there is nothing to parse.
bool readPreferencesFile(const AgentContext& context, const std::string& directory,
                         const std::string& fileName, bool blocking, std::string* data,
                         SourceResult& out) {
    const auto logical = directory + "/" + fileName;
    Status opened;
    bool missing = false;
    auto dir = platform::SafeDir::open(context.resolve(directory), &opened, &missing);
    if (!dir) {
        if (!missing)
            out.issues.push_back({logical, "", opened.error + "; file ignored", blocking});
        return false;
    }
    const auto info = dir->stat(fileName);
    switch (info.kind) {
        case platform::FileKind::Missing:
            return false;
        case platform::FileKind::Symlink:
            out.issues.push_back(
                {logical, "",
                 "is a symbolic link; preferences files must be regular files; refused", blocking});
            return false;
        case platform::FileKind::Regular:
            break;
        default:
            out.issues.push_back({logical, "", "is not a regular file; refused", blocking});
            return false;
    }
    if (auto problem = policyFileTrustProblem(info); !problem.empty()) {
        out.issues.push_back({logical, "", problem, blocking});
        return false;
    }
    if (info.size > kMaxPreferencesFileBytes) {
        out.issues.push_back(
            {logical, "", "is larger than 1 MiB (" + std::to_string(info.size) + " bytes); refused",
             blocking});
        return false;
    }
    auto file = dir->readFile(fileName, kMaxPreferencesFileBytes);
    if (!file.status) {
        out.issues.push_back({logical, "", file.status.error, blocking});
        return false;
    }
    if (file.missing) return false;  // removed between stat and open
    *data = std::move(file.data);
    return true;
}

// The user-scope files: reported, never merged.
void reportUserScope(const AgentContext& context, SourceResult& out) {
    bool missing = false;
    auto dir =
        platform::SafeDir::open(context.resolve(kManagedPreferencesDirectory), nullptr, &missing);
    if (!dir) return;  // the device-scope read reports a directory that cannot be opened
    for (const auto& user : dir->list(nullptr)) {
        if (dir->stat(user).kind != platform::FileKind::Directory) continue;
        const auto directory = std::string(kManagedPreferencesDirectory) + "/" + user;
        const auto logical = directory + "/" + plistFileName(context);
        std::string data;
        SourceResult scoped;
        int order = 0;
        if (readPreferencesFile(context, directory, plistFileName(context), false, &data, scoped) &&
            parsePreferencesPlist(data,
                                  {"Managed preferences (MDM, user " + user + ")", logical,
                                   PolicyLevel::Mandatory, SourcePrecedence::PlatformChannel, 0},
                                  false, order, scoped)) {
            std::string values;
            for (const auto& v : scoped.values)
                values += (values.empty() ? "" : ", ") + v.name + " = " + v.value.describe();
            out.informational.push_back(logical + ": user scope of " + user + ": " +
                                        (values.empty() ? "no values" : values) + " (" +
                                        kUserScopeNote + ")");
            out.issues.push_back({logical, "", kUserScopeNote, false});
        }
        for (auto& issue : scoped.issues) out.issues.push_back(std::move(issue));
    }
}

}  // namespace

bool parsePreferencesPlist(const std::string& data, const Provenance& from, bool blocking,
                           int& order, SourceResult& out) {
    Status parsed;
    const auto tree = plist::parse(data, &parsed);
    if (!tree) {
        out.issues.push_back({from.origin, "", parsed.error + "; file ignored", blocking});
        return false;
    }
    if (!plist::isDict(tree.get())) {
        out.issues.push_back({from.origin, "",
                              "the root is " + plist::typeName(tree.get()) +
                                  ", not a dictionary of policy name to value; file ignored",
                              blocking});
        return false;
    }
    for (const auto& [key, node] : plist::dictEntries(tree.get())) {
        // A profile's own bookkeeping (PayloadUUID, PayloadType, ...) is not policy; some MDMs
        // leave it in the managed plist.
        if (startsWith(key, "Payload")) continue;
        auto provenance = from;
        provenance.order = order++;
        out.values.push_back({key, plist::toRawValue(node), std::move(provenance)});
    }
    return true;
}

SourceResult ManagedPreferencesSource::read(const AgentContext& context) const {
    SourceResult out;
    out.sourceName = name();
    int order = 0;
    const auto file = plistFileName(context);
    struct Place {
        std::string directory;
        std::string source;
        PolicyLevel level;
        SourcePrecedence precedence;
    };
    const Place places[] = {
        {kManagedPreferencesDirectory, name(), PolicyLevel::Mandatory,
         SourcePrecedence::PlatformChannel},
        {kLocalPreferencesDirectory, kLocalPreferencesSourceName, PolicyLevel::Recommended,
         SourcePrecedence::EtcFile},
    };
    for (const auto& place : places) {
        std::string data;
        if (!readPreferencesFile(context, place.directory, file, true, &data, out)) continue;
        parsePreferencesPlist(
            data, {place.source, place.directory + "/" + file, place.level, place.precedence, 0},
            true, order, out);
    }
    reportUserScope(context, out);
    return out;
}

std::vector<std::string> ManagedPreferencesSource::watchPaths(const AgentContext& context) const {
    return {context.resolve(kManagedPreferencesDirectory),
            context.resolve(kLocalPreferencesDirectory)};
}

}  // namespace mpa
#endif  // MPA_HAVE_PLIST
