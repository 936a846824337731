#include "support/hang_guard.hpp"

#include <future>
#include <thread>

namespace mpa::test {

bool returnsWithoutHanging(const std::function<void()>& call, const std::function<void()>& unblock,
                           std::chrono::seconds patience) {
    std::promise<void> returned;
    auto done = returned.get_future();
    std::thread worker([&] {
        call();
        returned.set_value();
    });
    const bool onItsOwn = done.wait_for(patience) == std::future_status::ready;
    if (!onItsOwn) unblock();
    worker.join();
    return onItsOwn;
}

}  // namespace mpa::test
