#include "engine/pass_temporaries.hpp"

#include "platform/private_file.hpp"
#include "platform/safe_fs.hpp"

namespace mpa {
namespace {

// Removed and the removal flushed: only then may the pass make a temporary file without the
// next pass missing it after a kill.
Status removeDurably(const std::string& mark) {
    const auto slash = mark.rfind('/');
    if (slash == std::string::npos) return Status::failure(mark + ": not an absolute path");
    Status opened;
    auto dir = platform::SafeDir::open(slash == 0 ? "/" : mark.substr(0, slash), &opened);
    if (!dir) return opened;
    if (Status removed = dir->removeFile(mark.substr(slash + 1)); !removed) return removed;
    return dir->flushEntries();
}

}  // namespace

std::string finishedPassMarkPath(const std::string& databasePath) {
    return databasePath + ".finished";
}

PassTemporaries::PassTemporaries(const std::string& databasePath)
    : mark_(databasePath.empty() ? std::string() : finishedPassMarkPath(databasePath)),
      look_(mark_.empty() || !checkPrivateFile(mark_).ok) {
    const bool recorded = !look_;
    std::string mark = mark_;
    scope_ = std::make_unique<platform::TemporaryWriteScope>(
        look_, [recorded, mark]() { return recorded ? removeDurably(mark) : Status::success(); });
}

std::string PassTemporaries::finish() {
    std::string note;
    const bool clean = scope_->noneLeft();
    const bool wrote = scope_->made() > 0;
    if (!scope_->firstFailure().ok)
        note =
            "could not record that this pass writes, so a kill during it may leave temporary "
            "files the next pass does not look for: " +
            scope_->firstFailure().error;
    scope_.reset();
    if (mark_.empty() || !clean || (!look_ && !wrote)) return note;
    if (const auto made = preparePrivateFile(mark_); !made && note.empty())
        note =
            "could not record that this pass finished (the next pass looks for leftover "
            "temporary files): " +
            made.error;
    return note;
}

}  // namespace mpa
