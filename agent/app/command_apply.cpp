// apply: one pass. --dry-run prints the plan and changes nothing, the database included.
#include <Poco/Logger.h>

#include <ostream>

#include "app/built_in_components.hpp"
#include "app/command.hpp"
#include "app/exit_codes.hpp"
#include "app/report_printer.hpp"
#include "app/store_for_pass.hpp"
#include "engine/reconcile.hpp"
#include "store/chain_head_log.hpp"

namespace mpa {

int runApply(CommandEnv& env) {
    CommandArgs args(env.args, {"dry-run", "json"}, {});
    if (!args.ok() || !args.positional().empty()) {
        env.err << "apply: "
                << (args.ok() ? "unexpected argument " + args.positional().front() : args.error())
                << "\n";
        return exit_code::kUsage;
    }
    const bool dryRun = args.flag("dry-run");
    // A dry run reads the existing store (for the ledger and last known good) but never creates
    // or writes it.
    std::unique_ptr<ComplianceStore> store;
    if (dryRun) {
        store = ComplianceStore::open(env.context.settings.database, StoreMode::ReadOnly,
                                      *env.context.catalog, nullptr);
    } else if (!(store = openStoreForPass(env, "apply"))) {
        return exit_code::kError;
    }
    PassLock passLock;
    if (!dryRun && !(passLock = lockForPass(env, "apply")).lock) return exit_code::kError;
    auto report = runPass(env.context, builtInComponents(), store.get(), {"apply", dryRun});
    if (store && !dryRun) {
        // The chain head goes to the system log at every recorded pass, so a rewritten history
        // can be detected against logs collected elsewhere.
        logChainHeadToSystemLog(*store);
        for (auto& note : store->openNotes()) report.notes.push_back(std::move(note));
    }
    auto& log = Poco::Logger::get("apply");
    log.information("pass finished: verdict %s, %z findings", std::string(toString(report.verdict)),
                    report.findings.size());
    for (const auto& note : report.notes) log.error(note);
    for (const auto& deferred : report.deferred) {
        log.warning(deferred);
        env.err << "apply: " << deferred << "\n";
    }
    if (args.flag("json")) {
        printPassJson(env.out, report);
        env.out << "\n";
    } else {
        printPass(env.out, report, {false, dryRun});
    }
    if (!report.notes.empty() && !dryRun) return exit_code::kError;
    return exitCodeFor(report.verdict);
}

}  // namespace mpa
