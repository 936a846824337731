#pragma once
// Opening a profile's home and its Metalama data directories as root without following a link
// its user could have planted, for the per-user targets (telemetry.json, the license audit), and
// the rules for writing inside a home: only where its user could, as its user would.
//
// A home is opened through its parent (/home), opened once and kept for every home under it:
// walking every home's path from "/" again cost most of a no-op pass's system calls. A home that
// is a link is followed only when root made it where only root can change it (SafeDir::open's
// rule); inside a home no link is ever followed.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "model/agent_context.hpp"
#include "platform/safe_fs.hpp"
#include "targets/metalama_profiles.hpp"

namespace mpa {

// XDG: data directories are created 0700, owned by the profile's user.
inline constexpr std::uint32_t kCreatedDataDirectoryMode = 0700;

// One Metalama data directory of a profile, open; or one the pass will make, whose `dir` is then
// the deepest of its parents that exists until makeDataDirectory makes the rest.
struct ProfileDataDirectory {
    platform::SafeDir dir;
    std::string logical;  // its logical path (under the root)
    // What this pass creates for it, logical, outermost first: recorded in the prior state
    // before any of it is made, so that a pass killed in between leaves nothing unrecorded.
    std::vector<std::string> created;
    std::vector<std::string> toMake;  // components still to make below `dir`, outermost first
    platform::Ownership makeAs{0, 0, kCreatedDataDirectoryMode};  // the profile's user's
    bool exists() const { return toMake.empty(); }
};

// A path of a profile that cannot be used, and why: the target that manages the profile reports
// it (a failed finding); a target that only reads skips it.
struct ProfilePathProblem {
    std::string logical;
    std::string reason;
};

class ProfileHomes {
  public:
    explicit ProfileHomes(const AgentContext& context) : context_(context) {}
    // The home directory (a logical path); *missing when it does not exist, else *status says
    // why it cannot be used.
    std::optional<platform::SafeDir> open(const std::string& home, Status* status, bool* missing);

  private:
    const AgentContext& context_;
    std::string parentPath_;
    std::optional<platform::SafeDir> parent_;
};

// An eCryptfs home while its user is logged out: what is there is the lower directory, not the
// user's files, so nothing in it can be checked.
bool isLockedEcryptfsHome(const platform::SafeDir& home);

// The data directories of the profile that exist, in the profile's order (newest generation
// first). A component that is a link, not a directory, or owned by someone else than the user
// or root is a problem (added to *problems when given), and that generation is left out.
std::vector<ProfileDataDirectory> existingDataDirectories(
    const MetalamaProfile& p, const platform::SafeDir& home,
    std::vector<ProfilePathProblem>* problems);

// The newest data directory generation as the pass will make it, only where the user could
// have made it; nothing is created yet (a problem when it cannot be).
std::optional<ProfileDataDirectory> planDataDirectory(const MetalamaProfile& p,
                                                      platform::SafeDir home,
                                                      ProfilePathProblem* problem);
// Makes what `d` still lacks, owned by the profile's user, kCreatedDataDirectoryMode; `d.dir` is
// then the data directory. A failure leaves `d` as it was (what it made is in `d.created`, for
// the restore to remove).
Status makeDataDirectory(ProfileDataDirectory& d);

// Makes `components` below `from`, outermost first, each given `owner`, none of them a link nor
// (an existing one) owned by anyone but `owner.uid` or root: the deepest, open.
std::optional<platform::SafeDir> makeDirectoriesInHome(const platform::SafeDir& from,
                                                       const std::vector<std::string>& components,
                                                       const platform::Ownership& owner,
                                                       Status* status);

// Empty when the profile's user could create a file in `dir`, else why not. The kernel's own
// choice of owner, group or other bits decides (supplementary groups are not consulted: when
// only one of them would allow it, the agent refuses, which is the safe side). The template
// (/etc/skel) is root's, and root may write there.
std::string userCannotWrite(const MetalamaProfile& p, const platform::FileInfo& dir);

// Owner and mode of a replacement inside a home: the user's, whatever the old file had. A set-id
// bit or another owner is something the user's own write could never have produced, so it is
// not carried over (an admin's root-owned or setuid file in a home is not kept as such).
platform::Ownership replacementInHome(const MetalamaProfile& p, const platform::FileInfo& old);

}  // namespace mpa
