#pragma once
// A byte-for-byte picture of a directory tree (content, mode, owner, link targets), to prove
// that a restore put everything back exactly, or that a dry run changed nothing.
#include <map>
#include <string>
#include <vector>

namespace mpa::test {

struct EntrySnapshot {
    std::string kind;     // file, dir, link
    std::string content;  // file content or link target
    unsigned mode = 0, uid = 0, gid = 0;
    bool operator==(const EntrySnapshot& o) const {
        return kind == o.kind && content == o.content && mode == o.mode && uid == o.uid &&
               gid == o.gid;
    }
};

using TreeSnapshot = std::map<std::string, EntrySnapshot>;

// Every entry under `root` (relative paths), not following links. Paths starting with one of
// `excludePrefixes` (relative) are left out, e.g. the agent's own database.
TreeSnapshot snapshotTree(const std::string& root,
                          const std::vector<std::string>& excludePrefixes = {});

// Human-readable differences, empty when equal.
std::string describeDifferences(const TreeSnapshot& before, const TreeSnapshot& after);

}  // namespace mpa::test
