// readEffectiveValue reads the files a reader reads under the agent's root: what it finds, and
// the first file it could not read, reported as a Status while the value is computed without it.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "model/agent_context.hpp"
#include "support/scratch_dir.hpp"
#include "targets/effective_value_target.hpp"

namespace mpa::test {
namespace {

using ::testing::HasSubstr;

// What PAM logins get under the scratch root (our line would be in /etc/environment).
EffectiveValue readPamEnv(const ScratchDir& root, Status* status) {
    AgentContext context;
    context.settings.root = root.path();
    return readEffectiveValue(context, EnvironmentReader::PamEnv, "/etc/environment", status);
}

TEST(EffectiveValueRead, ReadsPamEnvFilesUnderTheRoot) {
    ScratchDir root;
    root.write("etc/environment", "METALAMA_TELEMETRY_OPT_OUT=1\n");
    Status status;
    const auto v = readPamEnv(root, &status);
    EXPECT_TRUE(status.ok) << status.error;
    ASSERT_TRUE(v.value);
    EXPECT_EQ(*v.value, "1");
}

TEST(EffectiveValueRead, AFileThatCannotBeReadIsNamedAndTheRestStillCounts) {
    ScratchDir root;
    root.mkdirs("etc/environment");  // not a regular file: refused, never read
    root.write("etc/security/pam_env.conf", "METALAMA_TELEMETRY_OPT_OUT DEFAULT=1\n");
    Status status;
    const auto v = readPamEnv(root, &status);
    EXPECT_FALSE(status.ok);
    EXPECT_THAT(status.error, HasSubstr("etc/environment"));
    ASSERT_TRUE(v.value);
    EXPECT_EQ(*v.value, "1");
}

}  // namespace
}  // namespace mpa::test
