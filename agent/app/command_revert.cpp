// revert: restore everything the agent ever changed. Uninstall runs this after stopping the
// service, so the machine is as it was before the agent.
#include <Poco/JSON/Object.h>

#include <ostream>

#include "app/command.hpp"
#include "app/exit_codes.hpp"
#include "app/report_printer.hpp"
#include "engine/reconcile.hpp"

namespace mpa {

int runRevert(CommandEnv& env) {
    CommandArgs args(env.args, {"json"}, {});
    if (!args.ok() || !args.positional().empty()) {
        env.err << "revert: " << (args.ok() ? "unexpected argument" : args.error()) << "\n";
        return exit_code::kUsage;
    }
    std::string error;
    auto store = ComplianceStore::open(env.context.settings.database, StoreMode::ReadWrite,
                                       *env.context.catalog, &error);
    if (!store) {
        env.err << "revert: cannot use the compliance database: " << error << "\n";
        return exit_code::kError;
    }
    const auto report = runRevert(env.context, *store);
    if (args.flag("json")) {
        passToJson(report)->stringify(env.out, 2);
        env.out << "\n";
    } else {
        printFindings(env.out, report.findings, {false, true});
        for (const auto& note : report.notes) env.out << "Note: " << note << "\n";
    }
    for (const auto& f : report.findings)
        if (f.outcome == Outcome::Failed) return exit_code::kError;
    return report.notes.empty() ? exit_code::kCompliant : exit_code::kError;
}

}  // namespace mpa
