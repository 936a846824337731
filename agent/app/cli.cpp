#include "app/cli.hpp"

#include <ostream>

#include "app/agent_config.hpp"
#include "app/command.hpp"
#include "app/exit_codes.hpp"
#include "app/logging.hpp"
#include "platform/safe_fs.hpp"
#include "util/path_text.hpp"
#include "version.hpp"

namespace mpa {
namespace {

void printUsage(std::ostream& out) {
    out << "Usage: metalama-policy-agent [global options] COMMAND [command options]\n\n"
           "Reads the Metalama telemetry opt-out policy set by IT (Group Policy, Intune/MDM,\n"
           "macOS profiles, /etc/metalama/policies), enforces it machine-wide and records the\n"
           "evidence in a local compliance database.\n\nCommands:\n";
    for (const auto& c : commandTable()) {
        std::string usage = c.usage;
        out << "  " << usage << "\n      " << c.summary << "\n";
    }
    out << "\nGlobal options:\n"
           "  --root DIR        resolve every path (policy, /etc, passwd, homes, database) under "
           "DIR\n"
           "  --db FILE         compliance database (default /var/lib/metalama-policy-agent/"
           "compliance.db under the root)\n"
           "  --config FILE     agent configuration (default /etc/metalama/agent.yaml under the "
           "root)\n"
           "  --log-level L     trace, debug, information, notice, warning (default), error, none\n"
           "  --log-destination D  console, syslog, journal or file:PATH\n"
           "  --log-format F    text (default) or json: one JSON object per line "
           "(docs/logging.md)\n"
           "  --platform P      linux, macos or windows: the layout to use (default: this "
           "machine's; for testing)\n"
           "  --help, --version\n\n"
           "Exit codes:\n"
           "  0  compliant (or the command succeeded)\n"
           "  1  error\n"
           "  2  usage error\n"
           "  3  not compliant (status, apply, compliance) or the history does not verify\n"
           "  4  not managed: no policy is in effect\n"
           "  5  run: another instance is already running\n";
}

struct GlobalOptions {
    // Empty: not given on the command line, so agent.yaml's value (or the default) stands.
    GlobalOptions() {
        explicitSettings.logLevel.clear();
        explicitSettings.logDestination.clear();
        explicitSettings.logFormat.clear();
    }
    AgentSettings explicitSettings;  // only what the command line set (empty: not set)
    std::string config;
    std::string platform;
    bool help = false, version = false;
};

bool takeValue(const std::vector<std::string>& args, std::size_t& i, const std::string& name,
               std::string* value, std::string* error) {
    const auto& arg = args[i];
    if (arg.size() > name.size() && arg.compare(0, name.size() + 1, name + "=") == 0) {
        *value = arg.substr(name.size() + 1);
        return true;
    }
    if (arg != name) return false;
    if (i + 1 >= args.size()) {
        *error = "option " + name + " needs a value";
        return true;
    }
    *value = args[++i];
    return true;
}

// The settings for `context`: defaults, then the configuration file, then the command line.
Status buildSettings(const GlobalOptions& global, AgentContext& context) {
    auto& settings = context.settings;
    settings.root = global.explicitSettings.root.empty() ? "/" : global.explicitSettings.root;
    const std::string defaultConfig =
        context.platform == PlatformProfile::Windows ? kWindowsConfigFile : kDefaultConfigFile;
    const auto configLogical = global.config.empty() ? defaultConfig : global.config;
    const auto configHost = global.config.empty() ? context.resolve(configLogical) : global.config;
    if (auto loaded = loadAgentConfig(configHost, configLogical, settings); !loaded) return loaded;
    // Configuration cannot aim the agent at other files: a database from agent.yaml lives in the
    // agent's own directory unless the file says otherwise explicitly.
    if (!settings.database.empty() && !settings.databaseOutsideStateDirectory) {
        AgentSettings defaults;
        applyDefaultSettings(defaults, context.platform);
        if (parentOf(settings.database) != parentOf(defaults.database)) {
            return Status::failure(configLogical + ": database: '" + settings.database +
                                   "' is outside the agent's own directory " +
                                   parentOf(defaults.database) +
                                   " (add database_outside_state_directory: true to allow it)");
        }
    }
    const bool explicitDatabase = !global.explicitSettings.database.empty();
    for (auto member :
         {&AgentSettings::database, &AgentSettings::logDestination, &AgentSettings::logFormat})
        if (!(global.explicitSettings.*member).empty())
            settings.*member = global.explicitSettings.*member;
    if (!global.explicitSettings.logLevel.empty()) {
        settings.logLevel = global.explicitSettings.logLevel;
        settings.logLevelChosen = true;
    }
    applyDefaultSettings(settings, context.platform);
    // The database path from the configuration or the default is a path on the machine, so it
    // lives under the root; an explicit --db is taken as given.
    if (!explicitDatabase) settings.database = context.resolve(settings.database);
    // SQLite refuses a database path with any link in it: spell the links root made (macOS's
    // /var -> private/var) physically, by the same rule as every other path (SafeDir).
    if (!settings.database.empty() && settings.database.front() == '/')
        settings.database = platform::physicalPath(settings.database);
    return Status::success();
}

}  // namespace

int runCommandLine(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    GlobalOptions global;
    std::string commandName;
    std::vector<std::string> commandArgs;
    std::string error;
    for (std::size_t i = 0; i < args.size() && error.empty(); ++i) {
        const auto& arg = args[i];
        auto& s = global.explicitSettings;
        if (takeValue(args, i, "--root", &s.root, &error) ||
            takeValue(args, i, "--db", &s.database, &error) ||
            takeValue(args, i, "--config", &global.config, &error) ||
            takeValue(args, i, "--log-level", &s.logLevel, &error) ||
            takeValue(args, i, "--log-destination", &s.logDestination, &error) ||
            takeValue(args, i, "--log-format", &s.logFormat, &error) ||
            takeValue(args, i, "--platform", &global.platform, &error))
            continue;
        if (arg == "--help" || arg == "-h") {
            global.help = true;
        } else if (arg == "--version") {
            global.version = true;
        } else if (commandName.empty() && arg.rfind('-', 0) != 0) {
            commandName = arg;
        } else if (!commandName.empty()) {
            commandArgs.push_back(arg);
        } else {
            error = "unknown option " + arg;
        }
    }
    if (!error.empty()) {
        err << "metalama-policy-agent: " << error << " (see --help)\n";
        return exit_code::kUsage;
    }
    if (global.version) {
        out << "metalama-policy-agent " << kVersion << "\n";
        return exit_code::kCompliant;
    }
    if (global.help || commandName.empty()) {
        printUsage(global.help ? out : err);
        return global.help ? exit_code::kCompliant : exit_code::kUsage;
    }
    const CommandSpec* command = nullptr;
    for (const auto& c : commandTable())
        if (commandName == c.name) command = &c;
    if (!command) {
        err << "metalama-policy-agent: unknown command '" << commandName << "' (see --help)\n";
        return exit_code::kUsage;
    }

    AgentContext context;
    if (!global.platform.empty()) {
        if (global.platform == "linux")
            context.platform = PlatformProfile::Linux;
        else if (global.platform == "macos")
            context.platform = PlatformProfile::MacOS;
        else if (global.platform == "windows")
            context.platform = PlatformProfile::Windows;
        else {
            err << "metalama-policy-agent: unknown platform '" << global.platform
                << "' (linux, macos or windows)\n";
            return exit_code::kUsage;
        }
    }
    if (const auto built = buildSettings(global, context); !built) {
        err << "metalama-policy-agent: " << built.error << "\n";
        return exit_code::kError;
    }
    const auto& settings = context.settings;
    if (const auto configured =
            configureLogging(settings.logLevel, settings.logDestination, settings.logFormat);
        !configured) {
        err << "metalama-policy-agent: " << configured.error << "\n";
        return exit_code::kUsage;
    }
    CommandEnv env{context, commandArgs, out, err};
    // The service re-reads its configuration on SIGHUP, with the same command line on top.
    env.reloadSettings = [global, platform = context.platform](AgentSettings* reloaded) {
        AgentContext fresh;
        fresh.platform = platform;
        if (auto built = buildSettings(global, fresh); !built) return built;
        *reloaded = fresh.settings;
        return Status::success();
    };
    return command->run(env);
}

}  // namespace mpa
