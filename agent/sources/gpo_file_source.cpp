#include "sources/gpo_file_source.hpp"

#include <algorithm>
#include <cstdio>
#include <tuple>

#include "platform/process_identity.hpp"
#include "platform/safe_fs.hpp"
#include "policy/registry_names.hpp"
#include "sources/policy_file_trust.hpp"
#include "sources/samba_gpupdate_source.hpp"
#include "util/text.hpp"

namespace mpa {

namespace {

// The definition whose registry value name is `name`, ignoring case as the registry does.
const PolicyDefinition* findByValueName(const PolicyCatalog& catalog, std::string_view name) {
    for (const auto& def : catalog.policies)
        if (equalsIgnoringCase(registryValueName(def), name)) return &def;
    return nullptr;
}

// The entry of `dir` whose name equals `wanted` ignoring case (Samba upper-cases, Windows tools
// copying a SYSVOL tree keep the original case). The first in sorted order when several match.
std::optional<std::string> findEntry(const platform::SafeDir& dir, std::string_view wanted) {
    for (const auto& entry : dir.list(nullptr))
        if (equalsIgnoringCase(entry, wanted)) return entry;
    return std::nullopt;
}

struct GpoFile {
    std::string guid;
    std::string path;
    std::uint32_t machineVersion = 0;
    std::int64_t mtimeNs = 0;
    PregFile parsed;
};

class CacheWalker {
  public:
    CacheWalker(const PolicyCatalog& catalog, SourceResult& out) : catalog_(catalog), out_(out) {}

    std::vector<GpoFile> walk(const std::string& cache) {
        Status opened;
        bool missing = false;
        const auto root = platform::SafeDir::open(cache, &opened, &missing);
        if (!root) {
            // No cache: the machine is not joined with Samba group policy. Nothing to read.
            if (!missing) block(cache, opened.error);
            return {};
        }
        if (!trusted(*root, cache)) return {};
        for (const auto& realm : list(*root)) {
            const auto realmDir = openDir(*root, realm);
            if (!realmDir) continue;
            const auto policiesName = findEntry(*realmDir, "POLICIES");
            if (!policiesName) continue;
            const auto policies = openDir(*realmDir, *policiesName);
            if (!policies) continue;
            for (const auto& gpo : list(*policies)) {
                const auto gpoDir = openDir(*policies, gpo);
                if (gpoDir) readGpo(*gpoDir, gpo);
            }
        }
        return std::move(files_);
    }

  private:
    void block(const std::string& origin, const std::string& message) {
        out_.issues.push_back({origin, "", message, true});
    }

    std::vector<std::string> list(const platform::SafeDir& dir) {
        Status listed;
        auto names = dir.list(&listed);
        if (!listed) block(dir.path(), listed.error);
        return names;
    }

    bool trusted(const platform::SafeDir& dir, const std::string& path) {
        const auto problem = policyFileTrustProblem(dir.self());
        if (problem.empty()) return true;
        block(path, "directory " + problem);
        return false;
    }

    // Opens a child directory; a symbolic link or an untrusted directory blocks the source, a
    // plain file where a directory could be is not ours to judge and is passed over.
    std::optional<platform::SafeDir> openDir(const platform::SafeDir& parent,
                                             const std::string& name) {
        const auto path = parent.path() + "/" + name;
        const auto info = parent.stat(name);
        if (info.kind == platform::FileKind::Symlink) {
            block(path, "is a symbolic link; refusing to follow it out of the GPO cache");
            return std::nullopt;
        }
        if (info.kind != platform::FileKind::Directory) return std::nullopt;
        Status opened;
        auto dir = parent.openChild(name, false, {0, 0, 0755}, platform::effectiveUserId(), nullptr,
                                    &opened);
        if (!dir) {
            block(path, opened.error);
            return std::nullopt;
        }
        if (!trusted(*dir, path)) return std::nullopt;
        return dir;
    }

    void readGpo(const platform::SafeDir& gpoDir, const std::string& guid) {
        const auto machineName = findEntry(gpoDir, "MACHINE");
        if (!machineName) return;  // a GPO with no computer settings
        const auto machine = openDir(gpoDir, *machineName);
        if (!machine) return;
        const auto polName = findEntry(*machine, "REGISTRY.POL");
        if (!polName) return;  // no registry settings in this GPO
        GpoFile file;
        file.guid = guid;
        file.path = machine->path() + "/" + *polName;
        const auto read = machine->readFile(*polName, kMaxFileBytes);
        if (!read.status) {
            block(file.path, read.status.error);
            return;
        }
        if (read.missing) return;  // removed while we looked: Samba refreshing the cache
        if (const auto problem = policyFileTrustProblem(read.info); !problem.empty()) {
            block(file.path, "file " + problem);
            return;
        }
        file.mtimeNs = read.info.mtimeNs;
        file.parsed = parseMetalamaRecords(catalog_, read.data);
        file.machineVersion = gptVersion(gpoDir);
        files_.push_back(std::move(file));
    }

    std::uint32_t gptVersion(const platform::SafeDir& gpoDir) {
        const auto name = findEntry(gpoDir, "GPT.INI");
        if (!name) return 0;
        const auto read = gpoDir.readFile(*name, 64 * 1024);
        if (!read.status || read.missing || !policyFileTrustProblem(read.info).empty()) return 0;
        const auto version = parseGptIniVersion(read.data);
        return version ? (*version & 0xFFFFu) : 0;
    }

    const PolicyCatalog& catalog_;
    SourceResult& out_;
    std::vector<GpoFile> files_;
};

// Maps an error offset to the record it lies in (records are in offset order).
const PregRecord* recordAt(const PregFile& file, std::size_t offset) {
    const PregRecord* found = nullptr;
    for (const auto& record : file.records) {
        if (record.offset > offset) break;
        found = &record;
    }
    return found;
}

}  // namespace

RawValue rawValueFromRegistry(const RegistryData& data) {
    if (!data.decoded)
        return RawValue::other(registryTypeName(data.type) + " value of " +
                               std::to_string(data.bytes.size()) + " bytes");
    if (data.type == kRegDword) return RawValue::ofInt(static_cast<std::int64_t>(data.number));
    if (data.isString()) return RawValue::ofString(data.text);
    return RawValue::other(registryTypeName(data.type) + " value");
}

PregFile parseMetalamaRecords(const PolicyCatalog& catalog, std::string_view bytes) {
    return parseRegistryPolFor(bytes, {registryKeyFor(catalog, PolicyLevel::Mandatory),
                                       registryKeyFor(catalog, PolicyLevel::Recommended)});
}

void collectMetalamaValues(const PolicyCatalog& catalog, const PregFile& file,
                           const std::string& origin, int order, SourceResult& out) {
    const auto mandatoryKey = lowerAscii(registryKeyFor(catalog, PolicyLevel::Mandatory));
    const auto recommendedKeyLower = lowerAscii(registryKeyFor(catalog, PolicyLevel::Recommended));
    const auto isOurs = [&](const std::string& key) {
        const auto lower = lowerAscii(key);
        return lower == mandatoryKey || lower == recommendedKeyLower;
    };
    if (!file.headerValid) {
        out.issues.push_back({origin, "",
                              (file.errors.empty() ? std::string("not a Registry.pol file")
                                                   : file.errors.front().describe()) +
                                  "; the file is skipped",
                              true});
        return;
    }
    for (const auto& error : file.errors) {
        if (file.stoppedAt && error.offset == *file.stoppedAt) {
            out.issues.push_back(
                {origin, "", error.describe() + "; records after it are not read", true});
            continue;
        }
        // Problems inside other vendors' records are theirs, not ours to report.
        const auto* record = recordAt(file, error.offset);
        if (record && isOurs(record->key))
            out.issues.push_back({origin, "", error.describe(), false});
    }
    const auto state = applyRegistryPol(file);
    for (const auto level : {PolicyLevel::Mandatory, PolicyLevel::Recommended}) {
        const auto* key = state.findKey(registryKeyFor(catalog, level));
        if (!key) continue;
        for (const auto& [lower, value] : key->values) {
            const auto* def = findByValueName(catalog, value.name);
            // An unknown name goes through as written: the merge reports it as unknown.
            RawPolicyValue raw{def ? def->name : value.name, rawValueFromRegistry(value.data),
                               Provenance{"Group Policy file", origin, level,
                                          SourcePrecedence::GroupPolicyFile, order}};
            out.values.push_back(std::move(raw));
        }
    }
}

std::optional<std::uint32_t> parseGptIniVersion(std::string_view text) {
    bool inGeneral = false;
    for (auto line : splitLines(text)) {
        line = trim(line);
        if (!line.empty() && line.front() == '[') {
            inGeneral = equalsIgnoringCase(line, "[General]");
            continue;
        }
        const auto eq = line.find('=');
        if (!inGeneral || eq == std::string_view::npos) continue;
        if (!equalsIgnoringCase(trim(line.substr(0, eq)), "Version")) continue;
        long long value = 0;
        if (!parseDecimal(trim(line.substr(eq + 1)), &value) || value < 0 || value > 0xFFFFFFFFLL)
            return std::nullopt;
        return static_cast<std::uint32_t>(value);
    }
    return std::nullopt;
}

SourceResult GpoFileSource::read(const AgentContext& context) const {
    SourceResult out;
    out.sourceName = name();
    const auto& configured = context.settings.sambaGpoCache;
    // Only an explicitly configured fallback: samba-gpupdate's extension knows the GPO order.
    if (configured.empty()) return out;
    if (sambaGpupdatePolicyPresent(context)) {
        out.informational.push_back("Group Policy file: " + configured +
                                    " is not read: samba-gpupdate's Metalama extension wrote " +
                                    context.settings.sambaGpupdatePolicy);
        return out;
    }
    const auto cache = context.resolve(configured);
    auto files = CacheWalker(*context.catalog, out).walk(cache);
    // Samba keeps no link order: rank deterministically (docs/gpo-on-linux.md). Ascending, so the
    // last one wins, as Provenance::order means.
    std::sort(files.begin(), files.end(), [](const GpoFile& a, const GpoFile& b) {
        return std::make_tuple(a.machineVersion, a.mtimeNs, lowerAscii(a.guid)) <
               std::make_tuple(b.machineVersion, b.mtimeNs, lowerAscii(b.guid));
    });
    int order = 0;
    for (const auto& file : files) {
        ++order;
        const auto origin = file.path + " (GPO " + file.guid + ")";
        const auto before = out.values.size();
        collectMetalamaValues(*context.catalog, file.parsed, origin, order, out);
        out.informational.push_back("Group Policy file " + origin + ": GPT.INI machine version " +
                                    std::to_string(file.machineVersion) + ", rank " +
                                    std::to_string(order) + " of " + std::to_string(files.size()) +
                                    ", " + std::to_string(out.values.size() - before) +
                                    " Metalama value(s)");
    }
    return out;
}

std::vector<std::string> GpoFileSource::watchPaths(const AgentContext& context) const {
    const auto& configured = context.settings.sambaGpoCache;
    if (configured.empty()) return {};
    return {context.resolve(configured)};
}

}  // namespace mpa
