// The launchd that is not there: on Linux and Windows, and for passes over a scratch root.
#include "platform/launchd.hpp"

namespace mpa::platform {
namespace {

class UnavailableLaunchd final : public Launchd {
  public:
    bool isRunning() const override { return false; }
    Status setUserConfigEnvironment(const std::string&, const std::string&) override {
        return notHere();
    }
    Status unsetUserConfigEnvironment(const std::string&) override { return notHere(); }
    std::optional<uint32_t> consoleUser() const override { return std::nullopt; }
    Status getSessionEnvironment(uint32_t, const std::string&,
                                 std::optional<std::string>*) override {
        return notHere();
    }
    Status setSessionEnvironment(uint32_t, const std::string&, const std::string&) override {
        return notHere();
    }
    Status unsetSessionEnvironment(uint32_t, const std::string&) override { return notHere(); }

  private:
    static Status notHere() { return Status::failure("launchd is not running here"); }
};

}  // namespace

std::shared_ptr<Launchd> unavailableLaunchd() {
    return std::make_shared<UnavailableLaunchd>();
}

#ifndef __APPLE__
std::shared_ptr<Launchd> hostLaunchd() {
    return unavailableLaunchd();
}
#endif

}  // namespace mpa::platform
