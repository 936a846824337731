// A failure guard for a call that must return rather than block forever (a FIFO opened for
// reading, a wait that a stop request must end): the call runs on its own thread, and when it
// has not returned after a generous patience the test fails instead of hanging. It never asserts
// how fast the call was: that belongs to bench/, and a loaded machine must not fail a test.
#pragma once

#include <chrono>
#include <functional>

namespace mpa::test {

// Generous: the calls guarded return at once; this only bounds how long a broken one can stall
// the test run.
inline constexpr std::chrono::seconds kHangPatience{30};

// Runs `call` on another thread and waits up to `patience` for it to return. When it has not,
// `unblock` is run (it must make the call return, e.g. open the other end of a FIFO) and the
// thread is joined, so nothing outlives the test. Returns whether `call` returned on its own.
bool returnsWithoutHanging(const std::function<void()>& call, const std::function<void()>& unblock,
                           std::chrono::seconds patience = kHangPatience);

}  // namespace mpa::test
