#pragma once
// One subcommand of metalama-policy-agent. Each lives in its own command_<name>.cpp and is listed
// once in command_table.cpp; global options (--root, --db, --config, --log-level, --platform)
// are parsed before the command runs and arrive in the context.
#include <functional>
#include <iosfwd>
#include <string>
#include <vector>

#include "model/agent_context.hpp"
#include "util/status.hpp"

namespace mpa {

struct CommandEnv {
    AgentContext context;
    std::vector<std::string> args;  // the command's own arguments, after the command name
    std::ostream& out;
    std::ostream& err;
    // Builds the settings again from the configuration file and the same global options (the
    // service's reload on SIGHUP). Empty when the caller cannot (tests constructing an env).
    std::function<Status(AgentSettings* settings)> reloadSettings = nullptr;
};

struct CommandSpec {
    const char* name;
    const char* usage;    // "report [--since T] [--until T] [--format text|json|csv]"
    const char* summary;  // one line for --help
    int (*run)(CommandEnv& env);
};

const std::vector<CommandSpec>& commandTable();

// Small argument helper shared by commands: flags like --json, options like --format X or
// --format=X. Unknown arguments are a usage error naming the argument.
class CommandArgs {
  public:
    CommandArgs(const std::vector<std::string>& args, const std::vector<std::string>& flags,
                const std::vector<std::string>& options);
    bool ok() const { return error_.empty(); }
    const std::string& error() const { return error_; }
    bool flag(const std::string& name) const;
    std::string option(const std::string& name, const std::string& fallback = {}) const;
    const std::vector<std::string>& positional() const { return positional_; }

  private:
    std::vector<std::string> flags_;
    std::vector<std::pair<std::string, std::string>> options_;
    std::vector<std::string> positional_;
    std::string error_;
};

}  // namespace mpa
