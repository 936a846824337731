#pragma once
// The temporary files of atomic writes (SafeDir::stageFile, SafeDir::writeFileAtomic), and
// whether a write first lists its directory for a killed writer's leftover temporaries.
//
// By default every write looks (a directory listing per file written). A pass that knows no
// writer was killed since the last pass finished skips that listing inside a
// TemporaryWriteScope: before the scope's first temporary file it records durably that
// temporaries may now exist (the caller's `beforeFirst`), so a kill from that instant on makes
// the next pass look again. The scope also counts the temporaries it made and those renamed
// into place or removed, so the caller knows whether the pass left any.
//
// A scope belongs to the thread that made it (one pass at a time per thread); writes on other
// threads, and outside any scope, look as before.
#include <cstddef>
#include <cstdint>
#include <functional>

#include "util/status.hpp"

namespace mpa::platform {

class TemporaryWriteScope {
  public:
    // `lookForLeftovers`: whether the scope's writes list their directory (false only when no
    // leftover can exist). `beforeFirst`: called once, before the first temporary file the
    // scope makes; when it fails, the scope's writes look after all and firstFailure() says why.
    TemporaryWriteScope(bool lookForLeftovers, std::function<Status()> beforeFirst);
    ~TemporaryWriteScope();
    TemporaryWriteScope(const TemporaryWriteScope&) = delete;
    TemporaryWriteScope& operator=(const TemporaryWriteScope&) = delete;

    // Every temporary file made in the scope was renamed into place or removed by this process.
    bool noneLeft() const { return made_ == gone_; }
    std::size_t made() const { return made_; }
    // The directory listings for leftovers made in the scope (what skipping them saves).
    std::size_t listings() const { return listings_; }
    const Status& firstFailure() const { return firstFailure_; }

  private:
    friend struct TemporaryWriteHooks;
    bool look_;
    std::uint64_t serial_;  // tells this scope from an earlier one at the same address
    std::function<Status()> beforeFirst_;
    bool started_ = false;
    std::size_t made_ = 0, gone_ = 0, listings_ = 0;
    Status firstFailure_;
    TemporaryWriteScope* outer_;
};

// For SafeDir's implementations only.
struct TemporaryWriteHooks {
    // Before a temporary file is made: true when the directory must be listed for leftovers.
    // `cleanedInScope`: the visitScope() under which the caller already removed this file's
    // leftovers (0: none), which makes a second listing in the same scope needless.
    static bool beforeTemporary(std::uint64_t cleanedInScope);
    // When a scope that looks is open, its serial (never 0), else 0: a file visited but not
    // written may have a leftover too (the killed pass was writing it; this pass may not need
    // to). Counts a listing when not 0.
    static std::uint64_t visitScope();
    static void made();  // a temporary file was created
    static void gone();  // one was renamed into place or removed
};

}  // namespace mpa::platform
