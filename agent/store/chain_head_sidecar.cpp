#include "store/chain_head_sidecar.hpp"

#include "platform/process_identity.hpp"
#include "platform/safe_fs.hpp"
#include "util/text.hpp"

namespace mpa {

std::string chainHeadText(const ChainHead& head) {
    return "event " + std::to_string(head.eventId) + " " + head.hash;
}

std::string chainHeadSidecarPath(const std::string& databasePath) {
    return databasePath + ".head";
}

Status writeChainHeadSidecar(const std::string& databasePath, const ChainHead& head) {
    const auto path = chainHeadSidecarPath(databasePath);
    const auto existing = platform::readFileNoFollow(path, 4096);
    const platform::Ownership owner{platform::effectiveUserId(),
                                    platform::isPrivileged() ? 0u : existing.info.gid, 0600};
    const auto text = chainHeadText(head) + "\n";
    // A pass that appended no event leaves the head where it was: rewriting the same sidecar
    // cost two flushes to disk per no-op pass. Rewritten when anything differs (a tampered text,
    // owner or mode).
    if (existing.status && !existing.missing && existing.data == text &&
        existing.info.uid == owner.uid && existing.info.gid == owner.gid &&
        existing.info.mode == owner.mode)
        return Status::success();
    return platform::writeFileAtomic(path, text, owner, platform::RenameDurability::WholeOnly);
}

std::optional<ChainHead> readChainHeadSidecar(const std::string& databasePath, Status* status) {
    const auto path = chainHeadSidecarPath(databasePath);
    const auto read = platform::readFileNoFollow(path, 4096);
    if (read.missing) return std::nullopt;
    if (!read.status) {
        *status = read.status;
        return std::nullopt;
    }
    const auto text = trim(read.data);
    const auto space = text.find(' ', 6);
    long long id = 0;
    if (text.substr(0, 6) != "event " || space == std::string_view::npos ||
        !parseDecimal(text.substr(6, space - 6), &id) || text.size() - space - 1 != 64) {
        *status = Status::failure(path + ": not a chain head (\"event <id> <sha-256>\")");
        return std::nullopt;
    }
    return ChainHead{id, std::string(text.substr(space + 1))};
}

}  // namespace mpa
