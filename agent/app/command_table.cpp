#include "app/command.hpp"
#include "app/command_templates.hpp"

namespace mpa {

int runApply(CommandEnv& env);
int runStatus(CommandEnv& env);
int runRevert(CommandEnv& env);
int runGpo(CommandEnv& env);
int runReport(CommandEnv& env);
int runVerify(CommandEnv& env);
int runCompliance(CommandEnv& env);
int runService(CommandEnv& env);
int runUsers(CommandEnv& env);

// Every subcommand, one line each.
const std::vector<CommandSpec>& commandTable() {
    static const std::string runSummary =
        "the service: a pass at start, then whenever policy or a managed file changes, on the "
        "policy's timer and on SIGHUP; SIGTERM stops it (--settle-ms: quiet time before reading "
        "a change, default " +
        std::to_string(kDefaultSettleMilliseconds) + ")";
    static const std::vector<CommandSpec> table{
        {"apply", "apply [--dry-run] [--json]",
         "run one pass: read policy, enforce it, record the result (--dry-run: print the plan, "
         "change nothing)",
         runApply},
        {"status", "status [--json] [--all] [--acknowledge-history-loss]",
         "show the effective policy with its sources, each target's last finding and the verdict",
         runStatus},
        {"revert", "revert [--json]",
         "restore everything the agent ever changed (what an uninstall runs)", runRevert},
        templatesCommand(),
        {"gpo", "gpo inspect FILE [--json]",
         "print every record of a Registry.pol file and the Metalama policies it sets (or sets "
         "wrongly): debug a GPO without Windows",
         runGpo},
        {"report", "report [--since T] [--until T] [--format text|json|csv]",
         "the event history for auditors: one line per event (T: YYYY-MM-DD or "
         "YYYY-MM-DDTHH:MM:SSZ, UTC)",
         runReport},
        {"verify", "verify [--head HASH] [--json]",
         "recompute the event history's hash chain and check the recorded state against what it "
         "sealed; exit 3 naming the first event, or each table and row, that does not match "
         "(--head: a chain head from the system log must still be in it)",
         runVerify},
        {"compliance", "compliance [--format intune|text]",
         "the machine's compliance as flat values (intune: one line of JSON for a custom "
         "compliance discovery script)",
         runCompliance},
        {"users", "users",
         "list the accounts whose profiles the agent manages and how each was found (user "
         "database, home directory, login session)",
         runUsers},
        {"run", "run [--settle-ms N]", runSummary.c_str(), runService},
    };
    return table;
}

}  // namespace mpa
