// Windows: Poco's ServerApplication registers with the service control manager when the SCM
// started the process, and signals its termination event on STOP or SHUTDOWN (the change
// watcher waits on it by name, change_watcher_win.cpp).
#include <Poco/Util/ServerApplication.h>

#include <string>
#include <vector>

#include "platform/service_host.hpp"

namespace mpa::platform {
namespace {

class HostedService final : public Poco::Util::ServerApplication {
  public:
    explicit HostedService(const std::function<int()>& body) : body_(body) {}

  protected:
    int main(const std::vector<std::string>&) override { return body_(); }

  private:
    const std::function<int()>& body_;
};

}  // namespace

int runAsService(const std::function<int()>& body) {
    HostedService service(body);
    // Only the program name: the command line was parsed already, and ServerApplication's own
    // options (/registerService and the like) are not offered.
    std::string program = "metalama-policy-agent";
    char* argv[] = {program.data(), nullptr};
    return service.run(1, argv);
}

}  // namespace mpa::platform
