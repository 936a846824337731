#include "support/tree_snapshot.hpp"

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace mpa::test {

TreeSnapshot snapshotTree(const std::string& root,
                          const std::vector<std::string>& excludePrefixes) {
    namespace fs = std::filesystem;
    TreeSnapshot snapshot;
    for (auto it = fs::recursive_directory_iterator(root); it != fs::recursive_directory_iterator();
         ++it) {
        const auto rel = fs::relative(it->path(), root).string();
        bool excluded = false;
        for (const auto& prefix : excludePrefixes) excluded = excluded || rel.rfind(prefix, 0) == 0;
        if (excluded) {
            if (it->is_directory() && !it->is_symlink()) it.disable_recursion_pending();
            continue;
        }
        struct stat st {};
        ::lstat(it->path().c_str(), &st);
        EntrySnapshot e;
        e.mode = st.st_mode & 07777;
        e.uid = st.st_uid;
        e.gid = st.st_gid;
        if (S_ISLNK(st.st_mode)) {
            e.kind = "link";
            e.content = fs::read_symlink(it->path()).string();
        } else if (S_ISDIR(st.st_mode)) {
            e.kind = "dir";
        } else {
            e.kind = "file";
            std::ifstream in(it->path(), std::ios::binary);
            std::ostringstream content;
            content << in.rdbuf();
            e.content = content.str();
        }
        snapshot[rel] = e;
    }
    return snapshot;
}

std::string describeDifferences(const TreeSnapshot& before, const TreeSnapshot& after) {
    std::string out;
    for (const auto& [path, entry] : before) {
        const auto it = after.find(path);
        if (it == after.end())
            out += "removed: " + path + "\n";
        else if (!(it->second == entry))
            out += "changed: " + path + "\n";
    }
    for (const auto& [path, entry] : after)
        if (!before.count(path)) out += "added: " + path + "\n";
    return out;
}

}  // namespace mpa::test
