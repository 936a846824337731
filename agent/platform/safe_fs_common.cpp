// The parts of safe_fs that do not touch the OS.
#include <random>

#include "platform/safe_fs.hpp"
#include "platform/safe_fs_detail.hpp"

namespace mpa::platform {

namespace detail {

std::string joinPath(const std::string& dir, const std::string& name) {
    if (dir.empty() || dir.back() == '/') return dir + name;
    return dir + "/" + name;
}

std::string randomHex(std::size_t length) {
    static const char kHex[] = "0123456789abcdef";
    std::random_device device;  // getrandom() / RtlGenRandom: the name must not be guessable
    std::string out;
    while (out.size() < length) {
        unsigned value = device();
        for (int i = 0; i < 8 && out.size() < length; ++i, value >>= 4) out += kHex[value & 0xF];
    }
    return out;
}

}  // namespace detail

Ownership replacementOwnership(const FileInfo& existing, const Ownership& fallback) {
    if (existing.kind != FileKind::Regular) return fallback;
    return Ownership{existing.uid, existing.gid, existing.mode};
}

std::string SafeDir::describe(const std::string& name) const {
    return detail::joinPath(path_, name);
}

Ownership SafeDir::ownershipFor(const std::string& name, const Ownership& fallback) const {
    return replacementOwnership(stat(name), fallback);
}

ReadResult readFileNoFollow(const std::string& absolutePath, uint64_t maxBytes) {
    ReadResult result;
    std::string parent, name, error;
    if (!detail::splitParent(absolutePath, &parent, &name)) {
        result.status = Status::failure(absolutePath + ": not an absolute path to a file");
        return result;
    }
    bool missing = false;
    const std::optional<SafeDir> dir = SafeDir::open(parent, &error, &missing);
    if (!dir) {
        result.missing = missing;
        if (!missing) result.status = Status::failure(error);
        return result;
    }
    return dir->readFile(name, maxBytes);
}

Status writeFileAtomic(const std::string& absolutePath, std::string_view data,
                       const Ownership& owner, RenameDurability durability) {
    std::string parent, name, error;
    if (!detail::splitParent(absolutePath, &parent, &name))
        return Status::failure(absolutePath + ": not an absolute path to a file");
    const std::optional<SafeDir> dir = SafeDir::open(parent, &error);
    if (!dir) return Status::failure(error);
    return dir->writeFileAtomic(name, data, owner, durability);
}

namespace detail {

namespace {
constexpr std::size_t kTemporaryRandomHex = 16;
constexpr std::size_t kTemporaryNameStem = 100;  // longer names are cut: NAME_MAX is 255
}  // namespace

std::string temporaryNameFor(const std::string& name) {
    return "." + name.substr(0, kTemporaryNameStem) + ".mpa-" + randomHex(kTemporaryRandomHex) +
           ".tmp";
}

bool isTemporaryNameFor(const std::string& entry, const std::string& name) {
    const std::string prefix = "." + name.substr(0, kTemporaryNameStem) + ".mpa-";
    const std::string suffix = ".tmp";
    if (entry.size() != prefix.size() + kTemporaryRandomHex + suffix.size()) return false;
    if (entry.compare(0, prefix.size(), prefix) != 0) return false;
    if (entry.compare(entry.size() - suffix.size(), suffix.size(), suffix) != 0) return false;
    for (std::size_t i = prefix.size(); i < prefix.size() + kTemporaryRandomHex; ++i)
        if (!((entry[i] >= '0' && entry[i] <= '9') || (entry[i] >= 'a' && entry[i] <= 'f')))
            return false;
    return true;
}

}  // namespace detail

}  // namespace mpa::platform
