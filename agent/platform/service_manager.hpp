#pragma once
// The running system service manager's environment block (systemd PID 1 on Linux): what every
// service started from now on inherits. Setting it reaches new services at once, without
// re-executing the manager; the drop-in file (systemd-manager target) makes it survive a reboot.
// This is the only place that runs systemctl.
#include <memory>
#include <string>
#include <vector>

#include "util/status.hpp"

namespace mpa::platform {

class ServiceManager {
  public:
    virtual ~ServiceManager() = default;
    // Whether this kind of manager runs the live system (systemd: /run/systemd/system exists).
    virtual bool isRunning() const = 0;
    // The manager's environment as KEY=VALUE entries.
    virtual Status readEnvironment(std::vector<std::string>* entries) = 0;
    virtual Status setEnvironment(const std::string& name, const std::string& value) = 0;
    virtual Status unsetEnvironment(const std::string& name) = 0;
};

// The host's service manager (systemd on Linux; elsewhere one that is never running).
std::shared_ptr<ServiceManager> hostServiceManager();

}  // namespace mpa::platform
