// systemd and launchd run the service in the foreground: no daemonizing, no service manager
// handshake (readiness is the journal's "service started" line), stop and reload by signal.
#include "platform/service_host.hpp"

namespace mpa::platform {

int runAsService(const std::function<int()>& body) {
    return body();
}

}  // namespace mpa::platform
