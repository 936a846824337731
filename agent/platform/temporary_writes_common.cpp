#include <utility>

#include "platform/temporary_writes.hpp"

namespace mpa::platform {
namespace {
thread_local TemporaryWriteScope* current = nullptr;
thread_local std::uint64_t lastSerial = 0;
}  // namespace

TemporaryWriteScope::TemporaryWriteScope(bool lookForLeftovers, std::function<Status()> beforeFirst)
    : look_(lookForLeftovers),
      serial_(++lastSerial),
      beforeFirst_(std::move(beforeFirst)),
      outer_(current) {
    current = this;
}

TemporaryWriteScope::~TemporaryWriteScope() {
    current = outer_;
}

bool TemporaryWriteHooks::beforeTemporary(std::uint64_t cleanedInScope) {
    TemporaryWriteScope* scope = current;
    if (!scope) return true;
    if (!scope->started_) {
        scope->started_ = true;
        if (scope->beforeFirst_)
            if (Status recorded = scope->beforeFirst_(); !recorded) {
                // Not recorded: a kill would not be noticed, so at least look now.
                scope->firstFailure_ = std::move(recorded);
                scope->look_ = true;
            }
    }
    if (!scope->look_ || cleanedInScope == scope->serial_) return false;
    ++scope->listings_;
    return true;
}

std::uint64_t TemporaryWriteHooks::visitScope() {
    TemporaryWriteScope* scope = current;
    if (!scope || !scope->look_) return 0;
    ++scope->listings_;
    return scope->serial_;
}

void TemporaryWriteHooks::made() {
    if (current) ++current->made_;
}

void TemporaryWriteHooks::gone() {
    if (current) ++current->gone_;
}

}  // namespace mpa::platform
