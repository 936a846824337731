// A new local account is enforced by the service as soon as it appears: the change of the account
// database triggers a pass (not the timer, which is an hour here), and the new home gets its
// settings. The account is made the way useradd does: the home first, then passwd replaced.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <filesystem>

#include "support/agent_process.hpp"
#include "support/scratch_dir.hpp"

namespace mpa::test {
namespace {

constexpr auto npos = std::string::npos;

TEST(NewAccount, IsEnforcedByThePassItsAccountDatabaseChangeTriggers) {
    if (::geteuid() != 0) GTEST_SKIP() << "the demo root gives files to users: needs root";
    ScratchDir scratch;
    const auto dir = scratch.abs("r");
    ASSERT_EQ(runProcess({sourceDir() + "/scripts/make-demo-root.sh", dir}).exitCode, 0);
    auto service = startAgent(dir, {"run", "--settle-ms", "100"});
    auto mark = service->waitForOutput("pass 1: trigger start", 10);
    ASSERT_NE(mark, npos) << service->output();
    mark = service->waitForOutput("\n", 1, mark);

    scratch.mkdirs("r/home/henry", 0750);
    ASSERT_EQ(::chown((dir + "/home/henry").c_str(), 1011, 1011), 0);
    scratch.write("r/etc/passwd.new",
                  scratch.read("r/etc/passwd") + "henry:x:1011:1011:Henry:/home/henry:/bin/bash\n");
    ASSERT_EQ(std::rename((dir + "/etc/passwd.new").c_str(), (dir + "/etc/passwd").c_str()), 0);

    const auto pass = service->waitForOutput("pass 2: trigger ", 5, mark);
    ASSERT_NE(pass, npos) << service->output();
    const auto line = service->output().substr(pass, 200);
    EXPECT_NE(line.find("/etc/passwd"), npos) << line;
    ASSERT_NE(service->waitForOutput("\n", 5, pass), npos);
    const auto settings = dir + "/home/henry/.local/share/Metalama/telemetry.json";
    EXPECT_TRUE(std::filesystem::exists(settings)) << service->output().substr(mark);
    struct stat st {};
    ASSERT_EQ(::stat(settings.c_str(), &st), 0);
    EXPECT_EQ(st.st_uid, 1011u);
    EXPECT_NE(scratch.read("r/home/henry/.local/share/Metalama/telemetry.json")
                  .find("\"UsageReportingAction\": 2"),
              npos);
    service->signal(SIGTERM);
    EXPECT_EQ(service->waitForExit(5), 0);
}

}  // namespace
}  // namespace mpa::test
