#include "support/tool_policy_gpo_cache.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <vector>

#include "support/agent_process.hpp"
#include "support/tool_policy_report.hpp"

namespace mpa::test {

std::string toolPoliciesDropInJson() {
    std::string managed = "{";
    for (const auto& name : mandatoryToolPolicies())
        managed += std::string(managed.size() > 1 ? ", " : "") + "\"" + name + "\": true";
    return managed + "}\n";
}

bool sambaRegistryPolWriterAvailable() {
    return std::system("/usr/bin/python3 -c 'import samba.dcerpc.preg' >/dev/null 2>&1") == 0;
}

std::string writeToolPoliciesGpoCache(const ScratchDir& root, const std::string& base) {
    const char* key = "SOFTWARE\\Policies\\PostSharp\\Metalama";
    const char* recommendedKey = "SOFTWARE\\Policies\\PostSharp\\Metalama\\Recommended";
    const auto config = base + "etc/metalama/agent.yaml";
    root.write(config,
               (root.exists(config) ? root.read(config) : std::string()) +
                   "samba_gpo_cache: /var/cache/samba/gpo_cache\n",
               0644);
    const std::string gpo =
        "var/cache/samba/gpo_cache/EXAMPLE.COM/POLICIES/{CCCCCCCC-1111-2222-3333-444444444444}/";
    root.write(base + gpo + "GPT.INI", "[General]\r\nVersion=3\r\n", 0600);
    root.mkdirs(base + gpo + "MACHINE");
    const auto pol = gpo + "MACHINE/REGISTRY.POL";
    std::vector<std::string> command = {"/usr/bin/python3",
                                        sourceDir() + "/tests/support/write_registry_pol.py",
                                        root.abs(base + pol)};
    for (const auto& name : mandatoryToolPolicies())
        command.insert(command.end(), {key, name, "1"});
    command.insert(command.end(), {recommendedKey, recommendedToolPolicy(), "1"});
    const auto written = runProcess(command);
    EXPECT_EQ(written.exitCode, 0) << written.err;
    return pol;
}

}  // namespace mpa::test
