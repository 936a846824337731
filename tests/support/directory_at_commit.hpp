#pragma once
// A ledger that sees, at each commit, whether a directory exists yet: a target may make a
// directory only once the prior state that names it is durable (the commit), or a pass killed in
// between leaves it made and recorded nowhere. Its records fail when asked to (a locked or full
// database).
#include <string>
#include <utility>
#include <vector>

#include "model/ledger.hpp"
#include "support/scratch_dir.hpp"

namespace mpa::test {

class DirectoryAtCommit final : public MemoryLedger {
  public:
    DirectoryAtCommit(const ScratchDir& root, std::string relativeDirectory)
        : root_(root), directory_(std::move(relativeDirectory)) {}
    Status record(const PriorState& prior) override {
        if (failRecords) return Status::failure("database is locked");
        return MemoryLedger::record(prior);
    }
    Status commitBatch() override {
        seen.push_back(root_.exists(directory_) ? "made" : "absent");
        return Status::success();
    }
    bool failRecords = false;
    std::vector<std::string> seen;  // "made" or "absent", one per commit

  private:
    const ScratchDir& root_;
    std::string directory_;
};

}  // namespace mpa::test
