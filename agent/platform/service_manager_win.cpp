// Windows has no service-manager environment block to set: machine-wide variables live in the
// registry (Session Manager\Environment). The Linux targets still build here, their running-
// manager subject simply never applies.
#include "platform/service_manager.hpp"

namespace mpa::platform {
namespace {

class NoServiceManager final : public ServiceManager {
  public:
    bool isRunning() const override { return false; }
    Status readEnvironment(std::vector<std::string>*) override { return unsupported(); }
    Status setEnvironment(const std::string&, const std::string&) override { return unsupported(); }
    Status unsetEnvironment(const std::string&) override { return unsupported(); }

  private:
    static Status unsupported() { return Status::failure("no systemd on this platform"); }
};

}  // namespace

std::shared_ptr<ServiceManager> hostServiceManager() {
    return std::make_shared<NoServiceManager>();
}

}  // namespace mpa::platform
