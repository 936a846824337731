#pragma once
// Whether a pass's writes must look for a killed pass's leftover temporary files.
//
// Each atomic write used to list its directory for leftovers of the file it replaces (~8 system
// calls per file written). Passes are serialised machine-wide (engine/pass_lock.hpp), so
// leftovers of a pass can exist only when a pass did not finish: it was killed, or the machine
// lost power. That is recorded in a file beside the compliance database,
// `<database>.finished`, private to the agent's account as the database is (no user can make
// one):
//   - a pass looks for leftovers unless that file is there and private (a missing, unreadable,
//     linked or foreign file means look, never skip);
//   - before its first temporary file, a pass removes the file and flushes the directory, so a
//     kill or power loss from then on leaves it missing;
//   - a pass whose temporaries were all renamed into place or removed makes the file again
//     (not flushed: if that is lost, the next pass merely looks).
// A pass that looks also removes the leftovers of the per-user settings files it visits but does
// not write (SafeDir::removeLeftoversIfLooking): the killed pass was writing them, this one may
// not need to, and no later pass would look. Only a pass that enforces has the scope (an
// audit-only or dry run removes nothing, so it must not record a finish). The store's own files
// (the published summary, the chain-head sidecar, the pending queue when written after the
// targets) are written outside the scope and always look.
#include <memory>
#include <string>

#include "platform/temporary_writes.hpp"

namespace mpa {

std::string finishedPassMarkPath(const std::string& databasePath);

class PassTemporaries {
  public:
    // For the targets of one pass that may write. An empty database path: always look, and
    // nothing recorded.
    explicit PassTemporaries(const std::string& databasePath);
    PassTemporaries(const PassTemporaries&) = delete;
    PassTemporaries& operator=(const PassTemporaries&) = delete;

    bool looking() const { return look_; }
    const platform::TemporaryWriteScope& scope() const { return *scope_; }
    // Ends the scope: records the pass as finished when none of its temporaries is left. A note
    // for the pass report when the record could not be changed, else empty.
    std::string finish();

  private:
    std::string mark_;
    bool look_;
    std::unique_ptr<platform::TemporaryWriteScope> scope_;
};

}  // namespace mpa
