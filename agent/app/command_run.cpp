// run: the long-running service. A thin shell: take the one-instance lock, hand the process to
// the platform's service host (on Windows the service control manager; on Linux systemd runs it
// in the foreground, so there is no daemonizing), and run the service loop
// (engine/service_loop.hpp) as its body.
#include <ostream>

#include "app/agent_config.hpp"
#include "app/built_in_components.hpp"
#include "app/command.hpp"
#include "app/exit_codes.hpp"
#include "app/instance_lock_file.hpp"
#include "app/logging.hpp"
#include "engine/service_loop.hpp"
#include "platform/change_watcher.hpp"
#include "platform/instance_lock.hpp"
#include "platform/service_host.hpp"
#include "util/text.hpp"

namespace mpa {
namespace {

// A service reports what it does: information unless the administrator chose a level.
Status configureServiceLogging(const AgentSettings& settings) {
    return configureLogging(settings.logLevelChosen ? settings.logLevel : "information",
                            settings.logDestination, settings.logFormat);
}

}  // namespace

int runService(CommandEnv& env) {
    CommandArgs args(env.args, {}, {"settle-ms"});
    if (!args.ok() || !args.positional().empty()) {
        env.err << "run: "
                << (args.ok() ? "unexpected argument " + args.positional().front() : args.error())
                << "\n";
        return exit_code::kUsage;
    }
    long long settle = env.context.settings.settleMilliseconds;
    const auto settleText = args.option("settle-ms");
    if (!settleText.empty() &&
        (!parseDecimal(settleText, &settle) || settle < 0 || settle > kMaxSettleMilliseconds)) {
        env.err << "run: --settle-ms: expected a whole number of milliseconds from 0 to "
                << kMaxSettleMilliseconds << "\n";
        return exit_code::kUsage;
    }
    env.context.settings.settleMilliseconds = settle;
    if (const auto configured = configureServiceLogging(env.context.settings); !configured) {
        env.err << "run: " << configured.error << "\n";
        return exit_code::kUsage;
    }

    const auto lockPath = env.context.resolve(instanceLockFile(env.context.platform));
    auto lock = platform::InstanceLock::acquire(lockPath);
    if (lock.heldByOther) {
        env.err << "run: another instance is already running: "
                << (lock.holderPid > 0 ? "process " + std::to_string(lock.holderPid) : "a process")
                << " holds the lock " << lockPath << "\n";
        return exit_code::kAlreadyRunning;
    }
    if (!lock.lock) {
        env.err << "run: cannot take the instance lock: " << lock.error << "\n";
        return exit_code::kError;
    }

    ServiceOptions options;
    options.timing.settle = std::chrono::milliseconds(settle);
    options.reloadSettings = [&env, settle,
                              settleSet = !settleText.empty()](AgentSettings* settings) {
        if (!env.reloadSettings)
            return Status::failure("this service was started without a configuration to reload");
        if (auto reloaded = env.reloadSettings(settings); !reloaded) return reloaded;
        if (settleSet) settings->settleMilliseconds = settle;  // the command line still wins
        return configureServiceLogging(*settings);
    };
    return platform::runAsService([&env, &options] {
        Status status;
        auto watcher = platform::ChangeWatcher::create(&status);
        if (!watcher) {
            env.err << "run: " << status.error << "\n";
            return exit_code::kError;
        }
        return runServiceLoop(env.context, builtInComponents(), *watcher, options);
    });
}

}  // namespace mpa
