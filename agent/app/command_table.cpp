#include "app/command.hpp"
#include "app/command_templates.hpp"

namespace mpa {

int runApply(CommandEnv& env);
int runStatus(CommandEnv& env);
int runRevert(CommandEnv& env);
int runGpo(CommandEnv& env);

// Every subcommand, one line each.
const std::vector<CommandSpec>& commandTable() {
    static const std::vector<CommandSpec> table{
        {"apply", "apply [--dry-run] [--json]",
         "run one pass: read policy, enforce it, record the result (--dry-run: print the plan, "
         "change nothing)",
         runApply},
        {"status", "status [--json] [--all]",
         "show the effective policy with its sources, each target's last finding and the verdict",
         runStatus},
        {"revert", "revert [--json]",
         "restore everything the agent ever changed (what an uninstall runs)", runRevert},
        templatesCommand(),
        {"gpo", "gpo inspect FILE [--json]",
         "print every record of a Registry.pol file and the Metalama policies it sets (or sets "
         "wrongly): debug a GPO without Windows",
         runGpo},
    };
    return table;
}

}  // namespace mpa
