// The service's settings and what it watches: settle_milliseconds in agent.yaml, and the watch
// list that leaves out directories listed only as the parent of a managed file (all of /etc).
#include <gtest/gtest.h>
#ifndef _WIN32
#include <sys/stat.h>
#endif

#include <algorithm>

#include "app/agent_config.hpp"
#include "app/built_in_components.hpp"
#include "engine/service_loop.hpp"
#include "support/scratch_dir.hpp"
#include "support/status_assert.hpp"

namespace mpa {
namespace {

bool contains(const std::vector<std::string>& list, const std::string& item) {
    return std::find(list.begin(), list.end(), item) != list.end();
}

TEST(ServiceSettings, SettleMillisecondsIsReadAndCheckedFromAgentYaml) {
    test::ScratchDir dir;
    AgentSettings settings;
    Status loaded;
    dir.write("agent.yaml", "settle_milliseconds: 750\n", 0644);
    ASSERT_TRUE(
        succeeded(loadAgentConfig(dir.abs("agent.yaml"), "/etc/metalama/agent.yaml", settings)));
    EXPECT_EQ(settings.settleMilliseconds, 750);
    EXPECT_FALSE(settings.logLevelChosen);
    for (const char* bad : {"settle_milliseconds: -1\n", "settle_milliseconds: 60001\n",
                            "settle_milliseconds: soon\n", "settle_milliseconds: [1]\n"}) {
        dir.write("agent.yaml", bad, 0644);
        EXPECT_FALSE(
            (loaded = loadAgentConfig(dir.abs("agent.yaml"), "/etc/metalama/agent.yaml", settings)))
            << bad;
        EXPECT_NE(
            loaded.error.find("/etc/metalama/agent.yaml: settle_milliseconds: expected a whole "
                              "number from 0 to 60000"),
            std::string::npos)
            << loaded.error;
    }
    dir.write("agent.yaml", "log_level: debug\n", 0644);
    ASSERT_TRUE(
        succeeded(loadAgentConfig(dir.abs("agent.yaml"), "/etc/metalama/agent.yaml", settings)));
    EXPECT_TRUE(settings.logLevelChosen);
}

// An invalid setting is an error naming the file, the key and the valid values.
TEST(ServiceSettings, InvalidValuesNameTheFileTheKeyAndTheValidValues) {
    test::ScratchDir dir;
    const std::pair<const char*, const char*> cases[] = {
        {"log_destination: elsewhere\n",
         "log_destination: 'elsewhere' is not valid (console, "
         "syslog, journal or file:PATH)"},
        {"log_format: xml\n", "log_format: 'xml' is not valid (text or json)"},
        {"log_level: loud\n", "log_level: 'loud' is not valid (trace, debug"},
        {"database: relative.db\n", "database: 'relative.db' is not valid (expected an absolute"},
        {"policy_directory: \"\"\n", "policy_directory: '' is not valid (expected an absolute"},
    };
    for (const auto& [text, message] : cases) {
        AgentSettings settings;
        Status loaded;
        dir.write("agent.yaml", text, 0644);
        EXPECT_FALSE(
            (loaded = loadAgentConfig(dir.abs("agent.yaml"), "/etc/metalama/agent.yaml", settings)))
            << text;
        EXPECT_NE(loaded.error.find(std::string("/etc/metalama/agent.yaml: ") + message),
                  std::string::npos)
            << loaded.error;
    }
}

#ifndef _WIN32  // POSIX modes
TEST(ServiceSettings, AConfigurationInADirectoryOthersCanWriteIsRefused) {
    test::ScratchDir dir;
    dir.write("metalama/agent.yaml", "log_level: debug\n", 0644);
    ASSERT_EQ(::chmod(dir.abs("metalama").c_str(), 0777), 0);
    AgentSettings settings;
    Status loaded;
    EXPECT_FALSE((loaded = loadAgentConfig(dir.abs("metalama/agent.yaml"),
                                           "/etc/metalama/agent.yaml", settings)));
    EXPECT_NE(
        loaded.error.find("/etc/metalama/agent.yaml: its directory must be owned by root and not "
                          "writable by group or others; refused"),
        std::string::npos)
        << loaded.error;
}
#endif

// Group Policy on Linux: the samba-gpupdate extension's file by default; Samba's cache only when
// agent.yaml names it (a fallback), and then both are watched.
TEST(ServiceSettings, GroupPolicyInputsFromAgentYaml) {
    test::ScratchDir dir;
    AgentContext context;
    context.platform = PlatformProfile::Linux;
    context.settings.root = "/scratch";
    auto defaults = context;
    applyDefaultSettings(defaults.settings, defaults.platform);
    EXPECT_EQ(defaults.settings.sambaGpupdatePolicy,
              "/etc/metalama/group-policy/samba-gpupdate.json");
    EXPECT_EQ(defaults.settings.sambaGpoCache, "");
    auto paths = watchedPaths(defaults, builtInComponents());
    EXPECT_TRUE(contains(paths.sources, "/scratch/etc/metalama/group-policy"));
    EXPECT_FALSE(contains(paths.sources, "/scratch/var/cache/samba/gpo_cache"));

    dir.write("agent.yaml",
              "samba_gpupdate_policy: /srv/gp.json\nsamba_gpo_cache: /var/cache/samba/gpo_cache\n",
              0644);
    ASSERT_TRUE(succeeded(
        loadAgentConfig(dir.abs("agent.yaml"), "/etc/metalama/agent.yaml", context.settings)));
    applyDefaultSettings(context.settings, context.platform);
    EXPECT_EQ(context.settings.sambaGpupdatePolicy, "/srv/gp.json");
    paths = watchedPaths(context, builtInComponents());
    EXPECT_TRUE(contains(paths.sources, "/scratch/srv"));
    EXPECT_TRUE(contains(paths.sources, "/scratch/var/cache/samba/gpo_cache"));
}

TEST(ServiceSettings, WatchesPolicyDirectoriesAndManagedFilesButNotAllOfEtc) {
    AgentContext context;
    context.platform = PlatformProfile::Linux;
    context.settings.root = "/scratch";
    applyDefaultSettings(context.settings, context.platform);
    const auto paths = watchedPaths(context, builtInComponents());
    EXPECT_TRUE(contains(paths.sources, "/scratch/etc/metalama/policies/managed"));
    EXPECT_TRUE(contains(paths.sources, "/scratch/etc/metalama/policies/recommended"));
    EXPECT_FALSE(contains(paths.sources, "/scratch/etc/metalama/policies"));
    EXPECT_TRUE(contains(paths.targets, "/scratch/etc/environment"));
    EXPECT_FALSE(contains(paths.targets, "/scratch/etc"));
    for (const auto& path : paths.targets)
        EXPECT_EQ(path.find("/home"), std::string::npos) << "users' files are left to the timer";
}

}  // namespace
}  // namespace mpa
