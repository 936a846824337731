// Stamps from std::filesystem on Windows (no inode or change time there: type, size and last
// write time). Registry paths ("registry:...") have no cheap stamp: unknown, never compared.
#include <algorithm>
#include <filesystem>
#include <system_error>
#include <vector>

#include "platform/path_stamp_detail.hpp"
#include "platform/win32_support.hpp"

namespace mpa::platform {
namespace {

namespace fs = std::filesystem;
using detail::known;
using detail::kStampMaxDepth;
using detail::kStampMaxEntries;

void mix(PathStamp& h, std::uint64_t value) {
    detail::stampMix(h, value);
}

void mixEntry(PathStamp& h, const fs::path& path) {
    std::error_code ec;
    const auto status = fs::symlink_status(path, ec);
    mix(h, static_cast<std::uint64_t>(status.type()));
    if (ec || status.type() == fs::file_type::not_found) return;
    if (fs::is_regular_file(status)) mix(h, static_cast<std::uint64_t>(fs::file_size(path, ec)));
    const auto written = fs::last_write_time(path, ec);
    if (!ec) mix(h, static_cast<std::uint64_t>(written.time_since_epoch().count()));
}

void stampTree(const fs::path& dir, int depth, std::size_t& entries, PathStamp& h) {
    std::error_code ec;
    std::vector<fs::path> children;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
        children.push_back(it->path());
    std::sort(children.begin(), children.end());
    for (const auto& child : children) {
        if (++entries > kStampMaxEntries) return;
        detail::stampMix(h, child.filename().u8string());
        mixEntry(h, child);
        if (fs::is_directory(fs::symlink_status(child, ec)) && depth + 1 < kStampMaxDepth)
            stampTree(child, depth + 1, entries, h);
    }
}

}  // namespace

PathStamp entryStamp(const std::string& path) {
    if (path.rfind("registry:", 0) == 0) return kUnknownStamp;
    PathStamp h = detail::kStampSeed;
    mixEntry(h, fs::path(win32::nativePath(path)));
    return known(h);
}

PathStamp pathStamp(const std::string& path) {
    if (path.rfind("registry:", 0) == 0) return kUnknownStamp;
    PathStamp h = entryStamp(path);
    const fs::path native(win32::nativePath(path));
    std::error_code ec;
    if (fs::is_directory(fs::symlink_status(native, ec))) {
        std::size_t entries = 0;
        stampTree(native, 0, entries, h);
    }
    return known(h);
}

}  // namespace mpa::platform
