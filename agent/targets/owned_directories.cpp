#include "targets/owned_directories.hpp"

#include <algorithm>
#include <optional>

namespace mpa {
namespace {
const platform::Ownership kRootDirectory{0, 0, 0755};
}  // namespace

std::string baseNameOf(const std::string& logicalPath) {
    const auto slash = logicalPath.find_last_of('/');
    return slash == std::string::npos ? logicalPath : logicalPath.substr(slash + 1);
}

Status missingDirectories(const AgentContext& context, const std::string& logicalDir,
                          std::vector<std::string>* missing) {
    missing->clear();
    std::string dir = logicalDir;
    for (;;) {
        Status opened;
        bool isMissing = false;
        if (platform::SafeDir::open(context.resolve(dir), &opened, &isMissing)) break;
        if (!isMissing) return opened;
        missing->push_back(dir);
        if (dir == "/") break;  // the root itself is missing: createDirectories will say so
        dir = parentOf(dir);
    }
    std::reverse(missing->begin(), missing->end());
    return Status::success();
}

Status createDirectories(const AgentContext& context, const std::vector<std::string>& logicalDirs) {
    for (const auto& dir : logicalDirs) {
        Status opened;
        auto parent = platform::SafeDir::open(context.resolve(parentOf(dir)), &opened);
        if (!parent) return opened;
        if (!parent->openChild(baseNameOf(dir), true, kRootDirectory, std::nullopt, nullptr,
                               &opened))
            return opened;
    }
    return Status::success();
}

bool anyDirectoryExists(const AgentContext& context, const std::vector<std::string>& logicalDirs) {
    if (logicalDirs.empty()) return false;
    // Below a missing directory nothing exists.
    bool missing = false;
    return platform::SafeDir::open(context.resolve(logicalDirs.front()), nullptr, &missing) ||
           !missing;
}

std::vector<std::string> removeEmptyDirectories(const AgentContext& context,
                                                const std::vector<std::string>& logicalDirs) {
    std::vector<std::string> removed;
    for (auto it = logicalDirs.rbegin(); it != logicalDirs.rend(); ++it) {
        bool missing = false;
        auto parent = platform::SafeDir::open(context.resolve(parentOf(*it)), nullptr, &missing);
        // A parent that is missing too: a pass killed before it made them all.
        if (!parent && !missing) break;
        if (parent && !parent->removeEmptyDir(baseNameOf(*it))) break;  // someone added files
        removed.push_back(*it);
    }
    return removed;
}

}  // namespace mpa
