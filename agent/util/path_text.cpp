#include "util/path_text.hpp"

#include <algorithm>

namespace mpa {

std::string parentOf(std::string_view path, std::string_view separators) {
    return std::string(parentView(path, separators));
}

std::string_view parentView(std::string_view path, std::string_view separators) {
    const auto slash = path.find_last_of(separators);
    if (slash == std::string_view::npos) return {};
    const std::string_view head = path.substr(0, slash);
    // A drive ("C:") counts as a root only for Windows paths, the ones with '\\' as a separator.
    const bool isDrive =
        separators.find('\\') != std::string_view::npos && head.size() == 2 && head[1] == ':';
    const bool isRoot = head.empty() || isDrive;
    if (!isRoot) return head;
    if (slash + 1 == path.size()) return {};  // the root itself has no parent
    return path.substr(0, slash + 1);
}

std::string_view withoutTrailingSlashes(std::string_view path) {
    while (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
    return path;
}

bool homeOrderLess(std::string_view a, std::string_view b) {
    const auto n = std::min(a.size(), b.size());
    if (const int c = a.substr(0, n).compare(b.substr(0, n)); c != 0) return c < 0;
    // One is the start of the other: the shorter goes on with '/'.
    if (a.size() < b.size()) return static_cast<unsigned char>(b[n]) >= '/';
    if (a.size() > b.size()) return static_cast<unsigned char>(a[n]) < '/';
    return false;
}

}  // namespace mpa
