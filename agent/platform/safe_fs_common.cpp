// The parts of safe_fs that do not touch the OS.
#include "platform/safe_fs.hpp"

namespace mpa::platform {

Ownership replacementOwnership(const FileInfo& existing, const Ownership& fallback) {
    if (existing.kind != FileKind::Regular) return fallback;
    return Ownership{existing.uid, existing.gid, existing.mode};
}

}  // namespace mpa::platform
