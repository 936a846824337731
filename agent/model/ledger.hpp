#pragma once
// The prior-state ledger: before the agent first changes something it records how it was, so
// removing the policy (or uninstalling) restores the machine instead of tattooing it.
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/status.hpp"

namespace mpa {

struct PriorState {
    std::string target;      // target name
    std::string subject;     // path or user+path, as the target names it
    bool existed = false;    // whether the thing existed before the agent touched it
    std::string value;       // the target's own serialisation of what was there (line, JSON, ...)
    std::string recordedAt;  // ISO-8601 UTC, filled by the ledger
};

class Ledger {
  public:
    virtual ~Ledger() = default;
    virtual std::optional<PriorState> find(const std::string& target,
                                           const std::string& subject) const = 0;
    virtual std::vector<PriorState> list(const std::string& target) const = 0;
    // The entries of `target` whose subject starts with `prefix` (e.g. one file's keys), so a
    // target with thousands of subjects never loads the whole ledger.
    virtual std::vector<PriorState> listPrefix(const std::string& target,
                                               const std::string& prefix) const;
    // Visits every entry of `target` without holding them all in memory.
    virtual void forEach(const std::string& target,
                         const std::function<void(const PriorState&)>& visit) const;
    // Visits the subject of every entry of `target`, and nothing else: a pass looking for the
    // files it did not visit needs only the names, which the store reads from its index alone.
    // The view is valid during the call.
    virtual void forEachSubject(const std::string& target,
                                const std::function<void(std::string_view)>& visit) const;
    // Durable before it returns (or, inside a batch, when commitBatch returns); a target must
    // not change anything before its prior state is durable.
    virtual Status record(const PriorState& prior) = 0;
    // record() for an entry the caller has just listed as absent (its subject's entries, read
    // from this ledger in this pass): a ledger may skip looking for it first (a first pass
    // records four entries a profile). The first entry still wins where the store holds one.
    virtual Status recordAbsent(const PriorState& prior) { return record(prior); }
    virtual Status forget(const std::string& target, const std::string& subject) = 0;

    // Small per-subject bookkeeping that is not prior state and is never restored
    // (e.g. when the agent last set a profile's DeviceId).
    virtual std::optional<std::string> state(const std::string& key) const = 0;
    virtual Status setState(const std::string& key, const std::string& value) = 0;

    // Groups record/forget/setState calls into one durable commit, so recording the prior state
    // of ten thousand profiles costs one sync, not ten thousand. Not nestable.
    virtual Status beginBatch() { return Status::success(); }
    virtual Status commitBatch() { return Status::success(); }
};

// An in-memory ledger: the dry run works on a copy so it changes nothing, tests use it directly.
class MemoryLedger : public Ledger {
  public:
    MemoryLedger() = default;
    explicit MemoryLedger(const Ledger& copyFrom, const std::vector<std::string>& targets);
    std::optional<PriorState> find(const std::string& target,
                                   const std::string& subject) const override;
    std::vector<PriorState> list(const std::string& target) const override;
    Status record(const PriorState& prior) override;
    Status forget(const std::string& target, const std::string& subject) override;
    std::optional<std::string> state(const std::string& key) const override;
    Status setState(const std::string& key, const std::string& value) override;

  private:
    std::vector<PriorState> entries_;
    std::vector<std::pair<std::string, std::string>> state_;
    const Ledger* fallbackState_ = nullptr;
};

}  // namespace mpa
