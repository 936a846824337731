#include "util/path_text.hpp"

namespace mpa {

std::string parentOf(std::string_view path, std::string_view separators) {
    const auto slash = path.find_last_of(separators);
    if (slash == std::string_view::npos) return {};
    const std::string_view head = path.substr(0, slash);
    // A drive ("C:") counts as a root only for Windows paths, the ones with '\\' as a separator.
    const bool isDrive =
        separators.find('\\') != std::string_view::npos && head.size() == 2 && head[1] == ':';
    const bool isRoot = head.empty() || isDrive;
    if (!isRoot) return std::string(head);
    if (slash + 1 == path.size()) return {};  // the root itself has no parent
    return std::string(path.substr(0, slash + 1));
}

std::string_view withoutTrailingSlashes(std::string_view path) {
    while (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
    return path;
}

}  // namespace mpa
