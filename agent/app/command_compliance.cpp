// compliance: the machine's compliance in flat values. --format intune prints the one line of
// compressed JSON an Intune custom-compliance discovery script must output
// (installer/intune/). Reads only; prints a summary (AgentHealthy false) even when the database
// is missing, so the compliance rule fails rather than the script. Without read access to the
// database it prints the published summary (store/summary_file.hpp).
#include <chrono>
#include <ostream>

#include "app/command.hpp"
#include "app/exit_codes.hpp"
#include "store/compliance_summary.hpp"
#include "store/summary_file.hpp"
#include "version.hpp"

namespace mpa {

int runCompliance(CommandEnv& env) {
    CommandArgs args(env.args, {}, {"format"});
    const auto format = args.option("format", "intune");
    if (!args.ok() || !args.positional().empty() || (format != "intune" && format != "text")) {
        env.err << "compliance: "
                << (!args.ok() ? args.error()
                    : !args.positional().empty()
                        ? "unexpected argument " + args.positional().front()
                        : "--format must be intune or text")
                << "\n";
        return exit_code::kUsage;
    }
    Status opened;
    const auto now = std::chrono::system_clock::now();
    auto store = SqliteComplianceStore::open(env.context.settings.database, StoreMode::ReadOnly,
                                             *env.context.catalog, &opened);
    auto summary = summarizeCompliance(store.get(), now, kVersion, opened.error);
    // An account that cannot read the database (Intune's Linux check runs as the signed-in user)
    // gets the summary the agent published after its last pass, aged to now.
    if (!store)
        if (const auto published =
                readPublishedSummary(summaryPathFor(env.context.settings.database), now, &summary);
            !published)
            summary.problem += "; " + published.error;
    if (format == "intune")
        env.out << complianceToIntuneJson(summary) << "\n";
    else
        env.out << complianceToText(summary);
    return exit_code::kCompliant;
}

}  // namespace mpa
