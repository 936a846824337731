#pragma once
// The long-running service: a pass at start, then one whenever a trigger fires (a policy source
// or a managed file changed and settled, the periodic timer, a reload request), until a stop is
// requested. Failures back off and never end the loop. The OS parts (watching, signals) come in
// through platform::ChangeWatcher; `run` in app/ only wires things together.
#include <functional>
#include <string>

#include "engine/service_schedule.hpp"
#include "model/agent_context.hpp"
#include "model/components.hpp"
#include "platform/change_watcher.hpp"
#include "util/status.hpp"

namespace mpa {

struct ServiceOptions {
    ServiceSchedule::Timing timing;
    // Re-reads the agent configuration on a reload request (SIGHUP); may be empty. Fails with a
    // message when the new configuration is bad (the old one stays in force).
    std::function<Status(AgentSettings* settings)> reloadSettings;
};

// Runs until the watcher reports a stop request; returns the process exit code (0 after an
// orderly stop). Logs one line per pass (trigger, verdict, duration) to the "service" logger.
int runServiceLoop(AgentContext context, const Components& components,
                   platform::ChangeWatcher& watcher, ServiceOptions options);

// What the service watches: the sources' paths (a change means the policy may have changed) and
// the targets' paths (a change means drift). A listed directory that is only the parent of
// another listed path is dropped: the watcher already covers a path's creation and replacement
// through its directory, and watching the parent's whole content would wake the service for
// every change in /etc.
struct WatchedPaths {
    std::vector<std::string> sources;
    std::vector<std::string> targets;
};
WatchedPaths watchedPaths(const AgentContext& context, const Components& components);

}  // namespace mpa
