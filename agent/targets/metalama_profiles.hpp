#pragma once
// Where Metalama keeps per-user settings, by platform (shared/reference/metalama.md), and which
// profiles the agent manages. Layout knowledge only: plain data over logical paths, so every
// platform's layout is tested on Linux against a scratch root.
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "model/agent_context.hpp"
#include "model/finding.hpp"
#include "model/finding_log.hpp"
#include "model/target.hpp"
#include "targets/profile_list.hpp"

namespace mpa {

// The account name the template for new profiles is reported under.
inline constexpr const char* kTemplateAccount = "(new profiles)";

struct MetalamaProfile {
    std::string account;  // user name, or kTemplateAccount for the template
    std::uint32_t uid = 0, gid = 0;
    std::string home;  // logical path (under the root)
    bool isTemplate = false;
    // Data directories relative to home, as path components. The first is the one Metalama
    // creates today; the others are older generations, used when they exist. The same for every
    // profile of a platform, so shared: a copy each was most of a listed profile's memory.
    std::shared_ptr<const DataDirectories> dataDirectories;
};

// The data directory generations of a platform, newest first.
DataDirectories metalamaDataDirectories(PlatformProfile platform);

struct ProfileDataDirectory;  // profile_directories.hpp

// The template for new profiles (/etc/skel on Linux), or empty when the platform has none here.
std::string newProfileTemplate(PlatformProfile platform);

// Every login account with a home, in the order of the paths under the homes, plus the template
// last. Problems enumerating accounts are returned in `errors` (e.g. "/etc/passwd line 7: ...").
ProfileList listMetalamaProfiles(const AgentContext& context, std::vector<std::string>& errors);

// The profiles listed once for the per-user targets of one pass (the registry makes one per
// set of targets, and the engine makes a set per pass): enumerating the accounts asks NSS about
// each one (some forty system calls), too much to do twice. The target that runs first lists
// and offers the list; the one after it takes that list, or lists itself when none was offered
// (it runs alone, or the first one failed before listing). An offer is taken at most once.
class PassProfiles {
  public:
    using List = std::shared_ptr<const ProfileList>;
    // listMetalamaProfiles, offered to the next take(); the reader's findings of its walk go to
    // a log with `spill` (TargetRun::spillFile).
    List list(const AgentContext& context, std::vector<std::string>& errors,
              FindingLog::SpillFile spill = nullptr);
    // The offered list, else a new one (its problems are the lister's to report).
    List take(const AgentContext& context);
    // For a per-user target between the lister and the last taker: the offered list, left
    // offered for the one after it; else a new one, not offered.
    List share(const AgentContext& context);

    // One walk of the homes per pass, not one per target: the target that lists also opens every
    // usable home (it exists, is owned by its user, is not a locked eCryptfs home) and its data
    // directories, and shows them to the reader of a target after it (the license audit reads
    // licensing.json there), which returns its finding for the profile, if any. Reopening every
    // home and directory for the second target was a third of a no-op pass's system calls.
    using DirectoryReader = std::function<std::optional<Finding>(
        const MetalamaProfile&, const std::vector<ProfileDataDirectory>&)>;
    void setDirectoryReader(DirectoryReader reader) { reader_ = std::move(reader); }
    // The walking target, for each usable profile of the list it offered, in order, with the
    // data directories that exist once it created any.
    void walked(const MetalamaProfile& p, const std::vector<ProfileDataDirectory>& dirs);
    // The walking target went over every profile of the list it offered (not stopped).
    void walkFinished() { walkFinished_ = true; }
    // The reader's findings over a finished walk of the offered list, once; nullopt when no walk
    // of this pass finished (the listing target did not run, failed or stopped): the reading
    // target then walks itself.
    std::optional<FindingLog> takeReadFindings();

  private:
    List offered_;
    DirectoryReader reader_;
    FindingLog read_;
    bool walkFinished_ = false;
};

// The per-user targets' walk of a profile list: `visit` for each profile in order, until the
// service asks the pass to stop (TargetRun::stopping). Stopped, the result is `target`'s finding
// saying how many profiles were left unchecked ("(N more profiles)"); nullopt when every profile
// was visited.
std::optional<Finding> visitProfilesUntilStopped(
    const TargetRun& run, const std::string& target, const ProfileList& profiles,
    const std::function<void(const MetalamaProfile&)>& visit);

// What the service watches for the per-user target (resolved under the root): the account
// database (a new account is a new profile: /etc/passwd, the macOS local user records, the
// Windows ProfileList key) and telemetry.json in every data directory of every profile, so that
// a home or a Metalama directory created while the service runs is enforced at once.
std::vector<std::string> profileWatchPaths(const AgentContext& context);

std::string joinPath(const std::string& base, const std::vector<std::string>& components);
// joinPath(path, {component}) in place: a walk down a profile's directories makes no string
// per component.
void appendPathComponent(std::string& path, const std::string& component);

}  // namespace mpa
