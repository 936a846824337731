#include "targets/telemetry_json_target.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <map>
#include <set>

#include "platform/metalama_lock.hpp"
#include "platform/safe_fs.hpp"
#include "targets/metalama_license_key.hpp"
#include "targets/metalama_profiles.hpp"
#include "targets/telemetry_settings.hpp"
#include "util/guid.hpp"
#include "util/path_text.hpp"
#include "util/time_text.hpp"

namespace mpa {
namespace {

std::string joinProblems(const std::vector<std::string>& problems) {
    std::string out;
    for (const auto& p : problems) out += (out.empty() ? "" : "; ") + p;
    return out;
}

}  // namespace

namespace {

constexpr const char* kTargetName = "telemetry-json";
constexpr const char* kLicenseTarget = "license-audit";
constexpr const char* kFileName = "telemetry.json";
// Metalama's Issues and Sessions bookkeeping grows the file; far beyond this it is not a
// settings file any more.
constexpr std::uint64_t kMaxSettingsBytes = 4 * 1024 * 1024;
constexpr std::uint32_t kCreatedFileMode = 0644;       // what Metalama itself creates
constexpr std::uint32_t kCreatedDirectoryMode = 0700;  // XDG: create data dirs 0700
// Profiles planned before their prior states are committed in one transaction and then written:
// a few syncs per batch instead of two per file, with a bounded number of open directories
// (256 stays far below the usual 1024 descriptors).
constexpr std::size_t kWriteBatch = 256;
// How long to wait for a running Metalama to release its lock on a data directory.
constexpr std::chrono::milliseconds kMetalamaLockWait{2000};

std::string fileEntry(const std::string& subject) {
    return subject + "#file";
}
std::string keyEntry(const std::string& subject, const std::string& key) {
    return subject + "#" + key;
}

TelemetryPrior priorFrom(const std::vector<PriorState>& entries) {
    TelemetryPrior prior;
    for (const auto& e : entries) {
        const auto key = e.subject.substr(e.subject.rfind('#') + 1);
        if (key == "file")
            prior.parseFileEntry(e.value);
        else
            prior.keys.emplace_back(key,
                                    e.existed ? std::optional<std::string>(e.value) : std::nullopt);
    }
    return prior;
}

std::string joinLines(const std::vector<std::string>& lines) {
    std::string out;
    for (const auto& l : lines) out += l + "\n";
    return out;
}

std::string baseName(const std::string& path) {
    return path.substr(path.find_last_of('/') + 1);
}

// Whether the profile's user could create a file in a directory, by the kernel's own choice of
// owner, group or other bits (supplementary groups are not consulted: when only one of them
// would allow it, the agent refuses, which is the safe side). Inside a home the agent writes only
// where its user could, so root never creates files in a place the user was kept out of. The
// template (/etc/skel) is root's, and root may write there.
std::string userCannotWrite(const MetalamaProfile& p, const platform::FileInfo& dir) {
    if (p.isTemplate) return {};
    const std::uint32_t bits = dir.uid == p.uid   ? (dir.mode >> 6) & 7
                               : dir.gid == p.gid ? (dir.mode >> 3) & 7
                                                  : dir.mode & 7;
    if ((bits & 3) == 3) return {};  // write and search
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(dir.mode & 07777));
    return "its user (uid " + std::to_string(p.uid) +
           ") cannot write this directory (owned by uid " + std::to_string(dir.uid) + ", gid " +
           std::to_string(dir.gid) + ", mode " + mode +
           "); inside a home the agent writes only where the user could";
}

// Owner and mode of a replacement inside a home: the user's, whatever the old file had. A set-id
// bit or another owner is something the user's own write could never have produced, so it is
// not carried over (an admin's root-owned or setuid file in a home is not kept as such).
platform::Ownership replacementInHome(const MetalamaProfile& p, const platform::FileInfo& old) {
    if (p.isTemplate) return {old.uid, old.gid, old.mode & 07777};
    return {p.uid, old.uid == p.uid ? old.gid : p.gid, old.mode & 0777};
}

// The key strings of a JSON array of strings (already validated), or nullopt when an element is
// not a string.
std::optional<std::vector<std::string>> stringArray(const std::string& raw) {
    std::vector<std::string> out;
    std::size_t i = raw.find_first_not_of(" \t\r\n", 1);
    while (i != std::string::npos && i < raw.size() && raw[i] != ']') {
        if (raw[i] != '"') return std::nullopt;
        std::size_t end = i + 1;
        while (end < raw.size() && raw[end] != '"') end += raw[end] == '\\' ? 2 : 1;
        const auto one =
            json::ObjectDocument::parse("{\"k\": " + raw.substr(i, end - i + 1) + "}", nullptr);
        if (!one || !one->getString("k")) return std::nullopt;
        out.push_back(*one->getString("k"));
        i = raw.find_first_not_of(" \t\r\n,", end + 1);
    }
    return out;
}

// What licensing.json says about the audit: `license` (a key string) and, from 2025.1,
// `licenses` (an array of key strings). The audit applies while any key does not carry the
// waiver (metalama_license_key.hpp); anything unreadable is "unknown", never "no key".
struct LicenseState {
    std::string observed;
    std::string reason;
};
LicenseState licenseKeyState(const json::ObjectDocument& doc) {
    std::vector<std::string> keys;
    std::string unknown;
    if (const auto* license = doc.find("license"); license && license->rawValue != "null") {
        if (const auto text = doc.getString("license")) {
            if (!text->empty()) keys.push_back(*text);
        } else {
            unknown = "\"license\" is " + license->rawValue.substr(0, 20) + ", not a key string";
        }
    }
    if (const auto* licenses = doc.find("licenses"); licenses && licenses->rawValue != "null") {
        const auto list =
            licenses->rawValue.front() == '[' ? stringArray(licenses->rawValue) : std::nullopt;
        if (!list)
            unknown = "\"licenses\" is not an array of key strings";
        else
            for (const auto& k : *list)
                if (!k.empty()) keys.push_back(k);
    }
    if (keys.empty())
        return {unknown.empty() ? "no license key" : "unknown: licensing.json: " + unknown, ""};
    std::size_t waived = 0;
    std::string why;
    for (const auto& k : keys) {
        const auto audit = readLicenseKeyAudit(k);
        if (audit.waiver == AuditWaiver::Waived) ++waived;
        if (audit.waiver == AuditWaiver::Unknown && why.empty()) why = audit.detail;
    }
    if (waived == keys.size())
        return {"license key registered, audit waived",
                "every registered key carries the audit-waiver flag (read from the key; its "
                "signature is Metalama's to verify)"};
    return {"license key registered", why.empty()
                                          ? std::string()
                                          : "audit-waiver flag: unknown for a key (" + why +
                                                "); the audit applies unless the key waives it"};
}

// An eCryptfs home while its user is logged out: the lower directory, with the links
// ecryptfs-setup-private leaves there (.Private to the encrypted data), on the file system of
// the directory holding it. Mounted, the home is a file system of its own.
bool isLockedEcryptfsHome(const platform::SafeDir& home) {
    const auto priv = home.stat(".Private").kind;
    if (priv != platform::FileKind::Symlink && priv != platform::FileKind::Directory) return false;
    if (home.stat(".ecryptfs").kind == platform::FileKind::Missing) return false;
    std::string error;
    const auto slash = home.path().find_last_of('/');
    if (slash == std::string::npos) return false;
    const auto above =
        platform::SafeDir::open(slash == 0 ? "/" : home.path().substr(0, slash), &error);
    return above && above->device() == home.device();
}

class ProfilePass {
  public:
    ProfilePass(TargetRun& run, const DesiredState& desired, std::vector<Finding>& out)
        : run_(run), desired_(desired), out_(out) {}

    void profile(const MetalamaProfile& p);
    void flush();
    // Opens a home through its parent (/home), opened once and kept: walking every home's path
    // from "/" again cost most of a no-op pass's system calls.
    std::optional<platform::SafeDir> openHome(const std::string& home, std::string* error,
                                              bool* missing);
    void leftovers();

  private:
    struct DataDirectory {
        platform::SafeDir dir;
        std::string logical;
        std::vector<std::string> created;
    };
    // A planned change whose prior state still has to be made durable before it is written.
    struct PendingWrite {
        DataDirectory d;
        Finding finding;
        std::string subject;
        std::vector<PriorState> entries;  // this file's ledger entries before the pass
        TelemetryPrior prior;
        bool hadFileEntry = false;
        bool fileExisted = false;
        bool needs = false;
        std::vector<std::string> keysSetBefore;
        std::string content;
        bool onlyAgentKeys = false;
        platform::Ownership owner{0, 0, 0};
        std::string invalidName;  // set aside the malformed file first
        TelemetryPlan plan;
        DeviceIdDecision decision;
    };

    bool needsProfiles() const { return desired_.manageProfiles && desired_.anyActionManaged(); }
    Finding finding(const MetalamaProfile& p, const std::string& subject) const {
        return {kTargetName,        subject, p.account, describeDesired(desired_), "",
                Outcome::Compliant, "",      ""};
    }
    void fail(const MetalamaProfile& p, const std::string& subject, const std::string& reason) {
        auto f = finding(p, subject);
        f.outcome = Outcome::Failed;
        f.reason = reason;
        out_.push_back(std::move(f));
    }
    std::vector<DataDirectory> existingDirectories(const MetalamaProfile& p,
                                                   const platform::SafeDir& home);
    std::optional<DataDirectory> createDirectory(const MetalamaProfile& p,
                                                 const platform::SafeDir& home);
    void settingsFile(const MetalamaProfile& p, DataDirectory d);
    void write(PendingWrite& w, const platform::StagedFile& staged);
    // One syncfs per file system among the ready writes. Before the renames (staged given) a
    // failure discards that write; after them it is reported.
    void syncFileSystems(std::vector<bool>& ready, const std::vector<platform::StagedFile>* staged);
    void licenseAudit(const MetalamaProfile& p, const DataDirectory& d);
    DeviceIdDecision deviceIdDecision(const MetalamaProfile& p, const std::string& subject,
                                      const json::ObjectDocument& doc) const;
    DeviceIdDecision deviceIdReason(const MetalamaProfile& p, const std::string& subject,
                                    const json::ObjectDocument& doc) const;

  public:
    // The DeviceIds in the new-profile template (/etc/skel): every account created from it
    // starts with that id, and so does every machine cloned from the same image.
    void loadTemplateIds(const std::vector<MetalamaProfile>& profiles);

  private:
    bool recordPrior(const std::string& subject, const TelemetryPrior& prior, bool hadFileEntry,
                     bool fileExisted, std::string* error);
    void forgetAll(const std::vector<PriorState>& entries);
    void cleanUpCreated(const std::vector<PriorState>& entries, const TelemetryPrior& prior,
                        bool agentKeysOnly, DataDirectory& d, Finding& f);

    TargetRun& run_;
    const DesiredState& desired_;
    std::vector<Finding>& out_;
    std::vector<PendingWrite> pending_;
    std::set<std::string> visited_;
    std::string parentPath_;
    std::optional<platform::SafeDir> parent_;
    std::set<std::string> templateIds_;  // lower case
    std::string templatePath_;
};

std::string lowerAscii(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

void ProfilePass::loadTemplateIds(const std::vector<MetalamaProfile>& profiles) {
    for (const auto& p : profiles) {
        if (!p.isTemplate) continue;
        templatePath_ = p.home;
        for (const auto& dir : p.dataDirectories) {
            const auto path = joinPath(joinPath(p.home, dir), {kFileName});
            const auto read =
                platform::readFileNoFollow(run_.context.resolve(path), kMaxSettingsBytes);
            if (!read.status || read.missing) continue;
            const auto doc = json::ObjectDocument::parse(read.data, nullptr);
            if (!doc) continue;
            if (const auto id = doc->getString("DeviceId"); id && !id->empty())
                templateIds_.insert(lowerAscii(*id));
        }
    }
}

std::optional<platform::SafeDir> ProfilePass::openHome(const std::string& home, std::string* error,
                                                       bool* missing) {
    const auto parent = parentOf(home);
    const auto name = baseName(home);
    if (name.empty() || name == "." || name == "..")
        return platform::SafeDir::open(run_.context.resolve(home), error, missing);
    if (parent != parentPath_) {
        parentPath_ = parent;
        std::string ignored;
        parent_ = platform::SafeDir::open(run_.context.resolve(parent), &ignored);
    }
    if (!parent_) return platform::SafeDir::open(run_.context.resolve(home), error, missing);
    const auto kind = parent_->stat(name).kind;
    *missing = kind == platform::FileKind::Missing;
    if (*missing) return std::nullopt;
    // A home that is a link is followed only when root made it where only root can change it
    // (SafeDir::open's rule); links inside the home never are.
    if (kind == platform::FileKind::Symlink)
        return platform::SafeDir::open(run_.context.resolve(home), error, missing);
    if (kind != platform::FileKind::Directory) {
        *error = run_.context.resolve(home) + ": is not a directory";
        return std::nullopt;
    }
    return parent_->openChild(name, false, {}, std::nullopt, nullptr, error);
}

void ProfilePass::profile(const MetalamaProfile& p) {
    std::string error;
    bool missing = false;
    auto home = openHome(p.home, &error, &missing);
    if (!home) {
        if (!missing) {
            fail(p, p.home, "home directory cannot be used: " + error);
        } else if (!p.isTemplate) {
            // An NFS or autofs home that is not mounted, or an account whose home was never
            // made, looks the same from here: it cannot be checked, which is never compliant.
            auto f = finding(p, p.home);
            f.observed = "absent";
            f.outcome = Outcome::Failed;
            f.reason = "not checked: home not mounted (" + p.home + " does not exist)";
            out_.push_back(std::move(f));
        }
        return;
    }
    if (!p.isTemplate && isLockedEcryptfsHome(*home)) {
        auto f = finding(p, p.home);
        f.observed = "encrypted, locked";
        f.outcome = Outcome::Failed;
        f.reason =
            "not checked: home not mounted (an eCryptfs home that is locked until its user "
            "logs in)";
        out_.push_back(std::move(f));
        return;
    }
    const auto owner = home->self().uid;
    if (owner != p.uid) {
        fail(p, p.home,
             "home directory is owned by uid " + std::to_string(owner) + ", not by " +
                 (p.isTemplate ? std::string("root")
                               : p.account + " (uid " + std::to_string(p.uid) + ")") +
                 "; refused");
        return;
    }
    auto dirs = existingDirectories(p, *home);
    if (dirs.empty() && needsProfiles()) {
        const auto newest = joinPath(p.home, p.dataDirectories.front());
        if (!run_.changesAllowed()) {
            auto f = finding(p, newest + "/" + kFileName);
            f.observed = "no Metalama data directory";
            f.outcome = Outcome::NonCompliant;
            f.reason = "would create " + newest + " and its telemetry.json";
            out_.push_back(std::move(f));
        } else if (auto created = createDirectory(p, *home)) {
            dirs.push_back(std::move(*created));
        }
    }
    // The license audit reads the keys of the one directory Metalama uses: the old .metalama
    // when it exists (newer versions keep using it), else the newest that exists.
    if (!p.isTemplate && !dirs.empty()) {
        const DataDirectory* used = &dirs.front();
        for (const auto& d : dirs)
            if (baseName(d.logical) == ".metalama") used = &d;
        licenseAudit(p, *used);
    }
    for (auto& d : dirs) settingsFile(p, std::move(d));
}

std::vector<ProfilePass::DataDirectory> ProfilePass::existingDirectories(
    const MetalamaProfile& p, const platform::SafeDir& home) {
    std::vector<DataDirectory> found;
    for (const auto& components : p.dataDirectories) {
        std::optional<platform::SafeDir> current;
        std::string logical = p.home;
        bool exists = true;
        for (const auto& component : components) {
            const auto& parent = current ? *current : home;
            logical = joinPath(logical, {component});
            const auto kind = parent.stat(component).kind;
            if (kind == platform::FileKind::Missing) {
                exists = false;
                break;
            }
            if (kind != platform::FileKind::Directory) {
                fail(p, logical,
                     kind == platform::FileKind::Symlink
                         ? "is a symbolic link; the agent never follows links in a profile"
                         : "is not a directory");
                exists = false;
                break;
            }
            std::string error;
            auto next = parent.openChild(component, false, {}, p.uid, nullptr, &error);
            if (!next) {
                fail(p, logical, error);
                exists = false;
                break;
            }
            current = std::move(next);
        }
        if (exists && current) found.push_back({std::move(*current), logical, {}});
    }
    return found;
}

std::optional<ProfilePass::DataDirectory> ProfilePass::createDirectory(
    const MetalamaProfile& p, const platform::SafeDir& home) {
    std::optional<platform::SafeDir> current;
    std::string logical = p.home;
    std::vector<std::string> created;
    for (const auto& component : p.dataDirectories.front()) {
        const auto& parent = current ? *current : home;
        logical = joinPath(logical, {component});
        bool wasCreated = false;
        std::string error;
        if (parent.stat(component).kind == platform::FileKind::Missing) {
            if (const auto why = userCannotWrite(p, parent.self()); !why.empty()) {
                fail(
                    p, logical,
                    "cannot create the Metalama data directory: " + parentOf(logical) + ": " + why);
                return std::nullopt;
            }
        }
        auto next = parent.openChild(component, true, {p.uid, p.gid, kCreatedDirectoryMode}, p.uid,
                                     &wasCreated, &error);
        if (!next) {
            fail(p, logical, "cannot create the Metalama data directory: " + error);
            return std::nullopt;
        }
        if (wasCreated) created.push_back(logical);
        current = std::move(next);
    }
    return DataDirectory{std::move(*current), logical, std::move(created)};
}

DeviceIdDecision ProfilePass::deviceIdDecision(const MetalamaProfile& p, const std::string& subject,
                                               const json::ObjectDocument& doc) const {
    auto decision = deviceIdReason(p, subject, doc);
    if (decision.reset) {
        // A reset is the vendor's reset: a new Salt too, in the files that have one. 52 random
        // bits of a fresh GUID keep it a positive integer that every JSON reader holds exactly.
        const auto guid = newRandomGuid();
        std::string hex;
        for (char c : guid)
            if (c != '-') hex += c;
        decision.newSalt = static_cast<std::int64_t>(std::stoull(hex.substr(0, 13), nullptr, 16));
        decision.saltChangeTime = isoUtc(run_.context.now);
    }
    return decision;
}

DeviceIdDecision ProfilePass::deviceIdReason(const MetalamaProfile& p, const std::string& subject,
                                             const json::ObjectDocument& doc) const {
    if (!desired_.manageProfiles) return {};
    if (!p.isTemplate && !templateIds_.empty()) {
        const auto id = doc.getString("DeviceId");
        if (id && templateIds_.count(lowerAscii(*id)))
            return {true,
                    "it was the DeviceId of the new-profile template " + templatePath_ +
                        ", which every account created from it shares",
                    std::nullopt, ""};
    }
    const auto& token = desired_.deviceIdResetToken;
    if (!token.empty()) {
        const auto seen = run_.ledger.state("deviceid-token:" + subject);
        if (!seen || *seen != token)
            return {true, "DeviceIdResetToken changed to \"" + token + "\"", std::nullopt, ""};
    }
    if (desired_.deviceIdRotationDays > 0) {
        const auto last = run_.ledger.state("deviceid-set:" + subject);
        const auto when = last ? parseIsoUtc(*last) : std::nullopt;
        const auto maxAge = std::chrono::hours(24 * desired_.deviceIdRotationDays);
        if (!when)
            return {true, "DeviceIdRotationDays: the agent has not set this DeviceId yet",
                    std::nullopt, ""};
        if (run_.context.now - *when >= maxAge)
            return {true, "DeviceIdRotationDays: last set " + *last, std::nullopt, ""};
    }
    return {};
}

bool ProfilePass::recordPrior(const std::string& subject, const TelemetryPrior& prior,
                              bool hadFileEntry, bool fileExisted, std::string* error) {
    // First write wins in the ledger, so recording every key again is harmless and keeps the
    // value from before the agent's first change.
    for (const auto& [key, raw] : prior.keys)
        if (!run_.ledger.record(
                {kTargetName, keyEntry(subject, key), raw.has_value(), raw.value_or(""), ""},
                error))
            return false;
    if (!hadFileEntry &&
        !run_.ledger.record(
            {kTargetName, fileEntry(subject), fileExisted, prior.serializeFileEntry(), ""}, error))
        return false;
    return true;
}

void ProfilePass::forgetAll(const std::vector<PriorState>& entries) {
    std::string error;
    for (const auto& e : entries) run_.ledger.forget(kTargetName, e.subject, &error);
}

bool holdsOnlyAgentKeys(const json::ObjectDocument& doc) {
    for (const auto& m : doc.members())
        if (m.key != "DeviceId" && m.key != "version") return false;
    return true;
}

void ProfilePass::cleanUpCreated(const std::vector<PriorState>& entries,
                                 const TelemetryPrior& prior, bool agentKeysOnly, DataDirectory& d,
                                 Finding& f) {
    // Everything the agent set is back; a file (and directories) that only the agent created
    // and that holds nothing but what the agent put there goes too: no tattooing.
    if (prior.fileCreated && agentKeysOnly) {
        if (auto status = d.dir.removeFile(kFileName); !status) {
            f.outcome = Outcome::Failed;
            f.reason = status.error;
            return;
        }
        for (auto it = prior.createdDirectories.rbegin(); it != prior.createdDirectories.rend();
             ++it) {
            std::string error;
            auto parent = platform::SafeDir::open(run_.context.resolve(parentOf(*it)), &error);
            if (!parent || !parent->removeEmptyDir(baseName(*it))) break;  // user added files
        }
    }
    forgetAll(entries);
}

void ProfilePass::settingsFile(const MetalamaProfile& p, DataDirectory d) {
    const auto subject = d.logical + "/" + kFileName;
    visited_.insert(subject);
    auto f = finding(p, subject);
    auto entries = run_.ledger.listPrefix(kTargetName, subject + "#");
    const bool hadLedger = !entries.empty();
    bool hadFileEntry = false;
    for (const auto& e : entries)
        if (e.subject == fileEntry(subject)) hadFileEntry = true;
    auto prior = priorFrom(entries);
    const bool needs = needsProfiles();

    auto read = d.dir.readFile(kFileName, kMaxSettingsBytes);
    if (!read.status && !read.missing) {
        f.outcome = Outcome::Failed;
        f.reason = read.status.error;
        out_.push_back(std::move(f));
        return;
    }
    std::optional<json::ObjectDocument> doc;
    std::string invalidName;
    if (read.missing) {
        if (!needs && !hadLedger) return;  // nothing managed here, nothing to undo
        f.observed = "absent";
        if (!needs) {
            forgetAll(entries);
            f.outcome = Outcome::NotApplicable;
            f.reason = "the file the agent managed no longer exists; nothing to restore";
            out_.push_back(std::move(f));
            return;
        }
        doc = json::ObjectDocument::parse("{}", nullptr);
        if (!hadFileEntry) {
            prior.fileCreated = true;
            prior.createdDirectories = d.created;
        }
    } else {
        json::ParseError error;
        doc = json::ObjectDocument::parse(read.data, &error);
        if (!doc) {
            f.observed = "malformed (" + error.describe() + ")";
            if (!needs) {
                f.outcome = Outcome::NotApplicable;
                f.reason = "not managed by policy; left as it is";
                out_.push_back(std::move(f));
                return;
            }
            invalidName = std::string(kFileName) + ".invalid-" + compactUtc(run_.context.now);
            if (!run_.changesAllowed()) {
                f.outcome = Outcome::NonCompliant;
                f.reason = "Metalama ignores the whole file; would keep it as " + invalidName +
                           " and write a valid one";
                out_.push_back(std::move(f));
                return;
            }
            prior.replacedMalformed = true;
            doc = json::ObjectDocument::parse("{}", nullptr);
        } else {
            f.observed = describeTelemetry(*doc);
        }
    }

    std::vector<std::string> keysSetBefore;
    keysSetBefore.reserve(prior.keys.size());
    for (const auto& e : prior.keys) keysSetBefore.push_back(e.first);
    const auto decision = deviceIdDecision(p, subject, *doc);
    auto plan = planTelemetry(*doc, desired_, prior, decision, newRandomGuid);
    f.diff = joinLines(plan.diff);
    if (!plan.changed() && invalidName.empty() && !plan.problems.empty()) {
        f.outcome = Outcome::Failed;
        f.reason = joinProblems(plan.problems);
        out_.push_back(std::move(f));
        return;
    }
    if (!plan.changed() && invalidName.empty()) {
        if (hadLedger && prior.keys.empty() && !needs) {
            cleanUpCreated(entries, prior, holdsOnlyAgentKeys(*doc), d, f);
            if (f.outcome != Outcome::Failed) {
                f.outcome = Outcome::Restored;
                f.reason = "the user's own values were already in place";
            }
        } else {
            f.outcome = needs ? Outcome::Compliant : Outcome::NotApplicable;
        }
        out_.push_back(std::move(f));
        return;
    }
    if (!run_.changesAllowed()) {
        f.outcome = Outcome::NonCompliant;
        f.reason =
            run_.mode == RunMode::DryRun ? "would change (dry run)" : "not changed (audit only)";
        out_.push_back(std::move(f));
        return;
    }
    if (const auto why = userCannotWrite(p, d.dir.self()); !why.empty()) {
        f.outcome = Outcome::Failed;
        f.reason = d.logical + ": " + why;
        out_.push_back(std::move(f));
        return;
    }
    PendingWrite w{std::move(d),
                   std::move(f),
                   subject,
                   std::move(entries),
                   std::move(prior),
                   hadFileEntry,
                   !read.missing,
                   needs,
                   std::move(keysSetBefore),
                   doc->serialize(),
                   holdsOnlyAgentKeys(*doc),
                   read.missing ? platform::Ownership{p.uid, p.gid, kCreatedFileMode}
                                : replacementInHome(p, read.info),
                   std::move(invalidName),
                   std::move(plan),
                   decision};
    pending_.push_back(std::move(w));
    if (pending_.size() >= kWriteBatch) flush();
}

void ProfilePass::flush() {
    if (pending_.empty()) return;
    // Prior states first, durable in one commit; nothing is written unless that succeeded.
    std::string error;
    bool recorded = run_.ledger.beginBatch(&error);
    for (auto& w : pending_)
        recorded =
            recorded && recordPrior(w.subject, w.prior, w.hadFileEntry, w.fileExisted, &error);
    recorded = recorded && run_.ledger.commitBatch(&error);
    if (!recorded) {
        for (auto& w : pending_) {
            w.finding.outcome = Outcome::Failed;
            w.finding.reason = "could not record the prior state, so nothing was changed: " + error;
            out_.push_back(std::move(w.finding));
        }
        pending_.clear();
        return;
    }
    // Then the files: staged (written to temporary files), made durable with one flush per
    // file system, renamed into place, flushed again. Two syncs per batch, not two per file.
    std::vector<platform::StagedFile> staged(pending_.size());
    std::vector<bool> ready(pending_.size(), false);
    for (std::size_t i = 0; i < pending_.size(); ++i) {
        auto& w = pending_[i];
        if (auto status = w.d.dir.stageFile(kFileName, w.content, w.owner, &staged[i]); !status) {
            w.finding.outcome = Outcome::Failed;
            w.finding.reason = status.error;
            out_.push_back(std::move(w.finding));
        } else {
            ready[i] = true;
        }
    }
    syncFileSystems(ready, &staged);
    const bool batch = run_.ledger.beginBatch(&error);
    for (std::size_t i = 0; i < pending_.size(); ++i)
        if (ready[i]) write(pending_[i], staged[i]);
    syncFileSystems(ready, nullptr);
    if (batch && !run_.ledger.commitBatch(&error))
        out_.push_back({kTargetName, "compliance store", "", "", "", Outcome::Failed,
                        "files were written but the agent's bookkeeping was not saved: " + error,
                        ""});
    pending_.clear();
}

void ProfilePass::syncFileSystems(std::vector<bool>& ready,
                                  const std::vector<platform::StagedFile>* staged) {
    std::set<std::uint64_t> synced;
    for (std::size_t i = 0; i < pending_.size(); ++i) {
        if (!ready[i]) continue;
        auto& w = pending_[i];
        const auto device = w.d.dir.device();
        if (synced.count(device)) continue;
        synced.insert(device);
        auto status = w.d.dir.syncFileSystem();
        if (status) continue;
        if (staged) {
            // Not durable: do not rename it into place.
            w.d.dir.discardStaged((*staged)[i]);
            w.finding.outcome = Outcome::Failed;
            w.finding.reason = status.error;
            out_.push_back(std::move(w.finding));
            ready[i] = false;
            synced.erase(device);  // the next write on this file system tries again
        } else {
            out_.push_back(
                {kTargetName, w.d.logical, "", "", "", Outcome::Failed,
                 "settings were replaced but may not survive a power loss: " + status.error, ""});
        }
    }
}

void ProfilePass::write(PendingWrite& w, const platform::StagedFile& staged) {
    auto& f = w.finding;
    // Metalama's own lock on the directory (Windows), held while the file is set aside and
    // replaced.
    const auto locked = platform::lockMetalamaDataDirectory(w.d.logical, kMetalamaLockWait);
    if (!locked.lock) {
        w.d.dir.discardStaged(staged);
        f.outcome = Outcome::Failed;
        f.reason = locked.busy ? "busy, retry next pass: " + locked.error
                               : "cannot take Metalama's lock: " + locked.error;
        out_.push_back(std::move(f));
        return;
    }
    if (!w.invalidName.empty()) {
        if (auto status = w.d.dir.renameEntry(kFileName, w.invalidName); !status) {
            w.d.dir.discardStaged(staged);
            f.outcome = Outcome::Failed;
            f.reason = "could not set the malformed file aside: " + status.error;
            out_.push_back(std::move(f));
            return;
        }
    }
    if (auto status = w.d.dir.commitStaged(staged); !status) {
        f.outcome = Outcome::Failed;
        f.reason = status.error;
        out_.push_back(std::move(f));
        return;
    }
    std::string error;
    if (w.plan.deviceIdWritten) {
        run_.ledger.setState("deviceid-set:" + w.subject, isoUtc(run_.context.now), &error);
        if (!desired_.deviceIdResetToken.empty())
            run_.ledger.setState("deviceid-token:" + w.subject, desired_.deviceIdResetToken,
                                 &error);
    }
    for (const auto& key : w.plan.restoredKeys)
        run_.ledger.forget(kTargetName, keyEntry(w.subject, key), &error);

    bool allSetBefore = !w.plan.changedKeys.empty();
    for (const auto& key : w.plan.changedKeys)
        allSetBefore = allSetBefore && std::find(w.keysSetBefore.begin(), w.keysSetBefore.end(),
                                                 key) != w.keysSetBefore.end();
    if (!w.invalidName.empty()) {
        f.outcome = Outcome::Repaired;
        f.reason = "malformed file kept as " + w.invalidName + " and replaced by a valid one";
    } else if (w.plan.changedKeys.empty() && !w.plan.restoredKeys.empty()) {
        f.outcome = Outcome::Restored;
        if (w.prior.keys.empty() && !w.needs)
            cleanUpCreated(w.entries, w.prior, w.onlyAgentKeys, w.d, f);
    } else if (allSetBefore) {
        f.outcome = Outcome::DriftRepaired;
    } else {
        f.outcome = Outcome::Remediated;
    }
    if (w.plan.deviceIdWritten && w.decision.reset)
        f.reason +=
            (f.reason.empty() ? "" : "; ") + std::string("new DeviceId: ") + w.decision.reason;
    if (!w.plan.problems.empty()) {
        f.outcome = Outcome::Failed;
        f.reason = joinProblems(w.plan.problems) + (f.reason.empty() ? "" : "; " + f.reason);
    }
    out_.push_back(std::move(f));
}

void ProfilePass::licenseAudit(const MetalamaProfile& p, const DataDirectory& d) {
    // The explanation (no policy can disable the audit) is said once in the pass summary, not
    // repeated in every profile's finding.
    Finding f{kLicenseTarget, d.logical, p.account, "", "", Outcome::NotApplicable, "", ""};
    auto read = d.dir.readFile("licensing.json", kMaxSettingsBytes);
    if (read.missing) {
        f.observed = "no license key";
    } else if (!read.status) {
        f.observed = "unknown: " + read.status.error;
    } else if (auto doc = json::ObjectDocument::parse(read.data, nullptr)) {
        auto state = licenseKeyState(*doc);
        f.observed = std::move(state.observed);
        f.reason = std::move(state.reason);
    } else {
        f.observed = "unknown: licensing.json is not valid JSON";
    }
    out_.push_back(std::move(f));
}

void ProfilePass::leftovers() {
    // Files the ledger knows that this pass did not visit: forget them only when provably gone
    // (an unreadable home must keep its restore data).
    std::map<std::string, std::vector<PriorState>> unvisited;
    run_.ledger.forEach(kTargetName, [&](const PriorState& e) {
        const auto hash = e.subject.rfind('#');
        if (hash == std::string::npos) return;
        auto file = e.subject.substr(0, hash);
        if (!visited_.count(file)) unvisited[std::move(file)].push_back(e);
    });
    for (const auto& [subject, entries] : unvisited) {
        std::string error;
        bool missing = false;
        if (platform::SafeDir::open(run_.context.resolve(parentOf(subject)), &error, &missing) ||
            !missing)
            continue;
        forgetAll(entries);
        out_.push_back({kTargetName, subject, "", describeDesired(desired_), "absent",
                        Outcome::NotApplicable,
                        "the profile or data directory no longer exists; nothing to restore", ""});
    }
}

}  // namespace

std::vector<Finding> TelemetryJsonTarget::reconcile(TargetRun& run, const DesiredState& desired) {
    std::vector<Finding> findings;
    std::vector<std::string> errors;
    const auto profiles = listMetalamaProfiles(run.context, errors);
    findings.reserve(errors.size());
    for (const auto& e : errors)
        findings.push_back({kTargetName, "user accounts", "", "every login account managed", e,
                            Outcome::Failed, e, ""});
    // At most one finding per data directory plus one license-audit finding per profile:
    // reserve that once instead of letting ten thousand findings grow by doubling (capacity
    // that is never written costs address space, not resident memory).
    const auto generations = metalamaDataDirectories(run.context.platform).size();
    findings.reserve(errors.size() + profiles.size() * (generations + 2) + 16);
    ProfilePass pass(run, desired, findings);
    pass.loadTemplateIds(profiles);
    for (std::size_t i = 0; i < profiles.size(); ++i) {
        if (run.stopping()) {
            pass.flush();  // what is staged is finished: prior states recorded, files renamed
            const auto left = std::to_string(profiles.size() - i);
            findings.push_back({kTargetName, "(" + left + " more profiles)", "",
                                describeDesired(desired), "not checked", Outcome::Failed,
                                "not checked: the service stopped during the pass with " + left +
                                    " of " + std::to_string(profiles.size()) + " profiles left",
                                ""});
            return findings;
        }
        pass.profile(profiles[i]);
    }
    pass.flush();
    pass.leftovers();
    return findings;
}

std::vector<Finding> TelemetryJsonTarget::revert(TargetRun& run) {
    DesiredState nothing;
    nothing.manageProfiles = false;
    return reconcile(run, nothing);
}

std::vector<std::string> TelemetryJsonTarget::watchPaths(const AgentContext& context) const {
    return profileWatchPaths(context);
}

}  // namespace mpa
