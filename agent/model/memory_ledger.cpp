#include <algorithm>

#include "model/ledger.hpp"

namespace mpa {

std::vector<PriorState> Ledger::listPrefix(const std::string& target,
                                           const std::string& prefix) const {
    std::vector<PriorState> out;
    for (auto& e : list(target))
        if (e.subject.compare(0, prefix.size(), prefix) == 0) out.push_back(std::move(e));
    return out;
}

void Ledger::forEach(const std::string& target,
                     const std::function<void(const PriorState&)>& visit) const {
    for (const auto& e : list(target)) visit(e);
}

void Ledger::forEachSubject(const std::string& target,
                            const std::function<void(std::string_view)>& visit) const {
    forEach(target, [&](const PriorState& e) { visit(e.subject); });
}

MemoryLedger::MemoryLedger(const Ledger& copyFrom, const std::vector<std::string>& targets)
    : fallbackState_(&copyFrom) {
    for (const auto& target : targets)
        for (auto& prior : copyFrom.list(target)) entries_.push_back(std::move(prior));
}

std::optional<PriorState> MemoryLedger::find(const std::string& target,
                                             const std::string& subject) const {
    for (const auto& e : entries_)
        if (e.target == target && e.subject == subject) return e;
    return std::nullopt;
}

std::vector<PriorState> MemoryLedger::list(const std::string& target) const {
    std::vector<PriorState> out;
    for (const auto& e : entries_)
        if (e.target == target) out.push_back(e);
    return out;
}

Status MemoryLedger::record(const PriorState& prior) {
    if (!find(prior.target, prior.subject)) entries_.push_back(prior);
    return Status::success();
}

Status MemoryLedger::forget(const std::string& target, const std::string& subject) {
    entries_.erase(std::remove_if(entries_.begin(), entries_.end(),
                                  [&](const PriorState& e) {
                                      return e.target == target && e.subject == subject;
                                  }),
                   entries_.end());
    return Status::success();
}

std::optional<std::string> MemoryLedger::state(const std::string& key) const {
    for (const auto& [k, v] : state_)
        if (k == key) return v;
    return fallbackState_ ? fallbackState_->state(key) : std::nullopt;
}

Status MemoryLedger::setState(const std::string& key, const std::string& value) {
    for (auto& [k, v] : state_)
        if (k == key) {
            v = value;
            return Status::success();
        }
    state_.emplace_back(key, value);
    return Status::success();
}

}  // namespace mpa
