// lstat-based stamps: a link is stamped as a link, never followed; a directory's stamp covers
// its entries in name order (readdir's order is not guaranteed stable across rewrites).
#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <vector>

#include "platform/path_stamp_detail.hpp"

namespace mpa::platform {
namespace {

using detail::known;
using detail::kStampMaxDepth;
using detail::kStampMaxEntries;

void mix(PathStamp& h, std::uint64_t value) {
    detail::stampMix(h, value);
}
void mix(PathStamp& h, const std::string& text) {
    detail::stampMix(h, text);
}

void mixStat(PathStamp& h, const struct stat& st) {
    mix(h, static_cast<std::uint64_t>(st.st_mode));
    mix(h, static_cast<std::uint64_t>(st.st_ino));
    mix(h, static_cast<std::uint64_t>(st.st_dev));
    mix(h, static_cast<std::uint64_t>(st.st_size));
    mix(h, static_cast<std::uint64_t>(st.st_uid));
    mix(h, static_cast<std::uint64_t>(st.st_gid));
#ifdef __APPLE__
    mix(h, static_cast<std::uint64_t>(st.st_mtimespec.tv_sec) * 1000000000ull +
               static_cast<std::uint64_t>(st.st_mtimespec.tv_nsec));
    mix(h, static_cast<std::uint64_t>(st.st_ctimespec.tv_sec) * 1000000000ull +
               static_cast<std::uint64_t>(st.st_ctimespec.tv_nsec));
#else
    mix(h, static_cast<std::uint64_t>(st.st_mtim.tv_sec) * 1000000000ull +
               static_cast<std::uint64_t>(st.st_mtim.tv_nsec));
    mix(h, static_cast<std::uint64_t>(st.st_ctim.tv_sec) * 1000000000ull +
               static_cast<std::uint64_t>(st.st_ctim.tv_nsec));
#endif
}

void stampTree(const std::string& dir, int depth, std::size_t& entries, PathStamp& h) {
    DIR* stream = ::opendir(dir.c_str());
    if (!stream) {
        mix(h, std::string("unreadable"));
        return;
    }
    std::vector<std::string> names;
    while (const dirent* entry = ::readdir(stream)) {
        const std::string name = entry->d_name;
        if (name != "." && name != "..") names.push_back(name);
    }
    ::closedir(stream);
    std::sort(names.begin(), names.end());
    for (const auto& name : names) {
        if (++entries > kStampMaxEntries) return;
        const auto child = dir == "/" ? "/" + name : dir + "/" + name;
        struct stat st {};
        mix(h, name);
        if (::lstat(child.c_str(), &st) != 0) continue;
        mixStat(h, st);
        if (S_ISDIR(st.st_mode) && depth + 1 < kStampMaxDepth)
            stampTree(child, depth + 1, entries, h);
    }
}

}  // namespace

PathStamp entryStamp(const std::string& path) {
    PathStamp h = detail::kStampSeed;
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0) {
        mix(h, std::string("missing"));
        return h;
    }
    mixStat(h, st);
    return known(h);
}

PathStamp pathStamp(const std::string& path) {
    PathStamp h = entryStamp(path);
    struct stat st {};
    if (::lstat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
        std::size_t entries = 0;
        stampTree(path, 0, entries, h);
    }
    return known(h);
}

}  // namespace mpa::platform
