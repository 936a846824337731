// revert: restore everything the agent ever changed. Uninstall runs this after stopping the
// service, so the machine is as it was before the agent.

#include <ostream>

#include "app/built_in_components.hpp"
#include "app/command.hpp"
#include "app/exit_codes.hpp"
#include "app/instance_lock_file.hpp"
#include "app/report_printer.hpp"
#include "app/store_for_pass.hpp"
#include "engine/reconcile.hpp"
#include "platform/instance_lock.hpp"

namespace mpa {

int runRevert(CommandEnv& env) {
    CommandArgs args(env.args, {"json"}, {});
    if (!args.ok() || !args.positional().empty()) {
        env.err << "revert: " << (args.ok() ? "unexpected argument" : args.error()) << "\n";
        return exit_code::kUsage;
    }
    auto store = openStoreForPass(env, "revert");
    if (!store) return exit_code::kError;
    // A running service would enforce the policy again within seconds: while a policy is in
    // force, revert refuses and says how to stand the service down. Holding the instance lock
    // keeps the service from starting while the revert runs.
    const auto instance = platform::InstanceLock::acquire(
        env.context.resolve(instanceLockFile(env.context.platform)));
    if (instance.heldByOther &&
        decideDesiredState(readPolicy(env.context, builtInComponents(), store.get()),
                           *env.context.catalog)
            .managed) {
        env.err << "revert: the service is running ("
                << (instance.holderPid > 0 ? "process " + std::to_string(instance.holderPid)
                                           : std::string("a process"))
                << ") and a policy is in force: it would enforce it again within seconds. Stop "
                   "the service first (systemctl stop metalama-policy-agent), or remove the "
                   "policy and let the service restore the machine; nothing was changed\n";
        return exit_code::kError;
    }
    const auto passLock = lockForPass(env, "revert");
    if (!passLock.lock) return exit_code::kError;
    const auto report = runRevert(env.context, builtInComponents(), *store);
    if (args.flag("json")) {
        printPassJson(env.out, report);
        env.out << "\n";
    } else {
        printFindings(env.out, report.findings, {false, true});
        for (const auto& note : report.notes) env.out << "Note: " << note << "\n";
    }
    for (const auto& deferred : report.deferred) env.err << "revert: " << deferred << "\n";
    for (const auto& f : report.findings)
        if (f.outcome == Outcome::Failed) return exit_code::kError;
    return report.notes.empty() ? exit_code::kCompliant : exit_code::kError;
}

}  // namespace mpa
