// The removal grace period end to end: with `policy_removal_grace_hours` in agent.yaml, a policy
// removed from every source stays enforced (status and the event history say why and until
// when), and once the period has passed the next pass restores the machine.
#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "support/agent_process.hpp"
#include "support/demo_root_test.hpp"
#include "support/scratch_dir.hpp"

namespace mpa::test {
namespace {

constexpr const char* kAlice = "home/alice/.local/share/Metalama/telemetry.json";
constexpr const char* kDatabase = "var/lib/metalama-policy-agent/compliance.db";

class RemovalGraceCli : public DemoRootTest {
  protected:
    void removePolicy() {
        std::filesystem::remove(dir() + "/etc/metalama/policies/managed/10-telemetry.json");
        std::filesystem::remove(dir() + "/etc/metalama/policies/recommended/50-defaults.yaml");
    }
    // The removal as the store remembers it, moved back in time: what the passing of the
    // period looks like to the next pass, on the real database.
    void backdateRemoval(const std::string& iso) {
        const auto sql =
            "UPDATE agent_state SET value = '" + iso + "' WHERE key LIKE 'policy-removed-at:%'";
        const auto done = runProcess({"/usr/bin/sqlite3", dir() + "/" + kDatabase, sql});
        ASSERT_EQ(done.exitCode, 0) << done.err;
    }
};

TEST_F(RemovalGraceCli, ARemovedPolicyIsHeldForThePeriodThenRestored) {
    root.write("r/etc/metalama/agent.yaml", "policy_removal_grace_hours: 24\n", 0644);
    const auto before = read("etc/environment");
    ASSERT_EQ(agent({"apply"}).exitCode, 0);

    removePolicy();
    const auto held = agent({"apply"});
    EXPECT_EQ(held.exitCode, 0) << held.out << held.err;
    EXPECT_NE(held.out.find("held for the 24-hour removal grace period"), std::string::npos)
        << held.out;
    EXPECT_NE(read("etc/environment").find("METALAMA_TELEMETRY_OPT_OUT=1"), std::string::npos);
    EXPECT_NE(read(kAlice).find("\"UsageReportingAction\": 2"), std::string::npos);

    const auto status = agent({"status", "--json"});
    const auto parsed = Poco::JSON::Parser().parse(status.out).extract<Poco::JSON::Object::Ptr>();
    const auto optOut =
        parsed->getObject("policy")->getObject("values")->getObject("TelemetryOptOut");
    ASSERT_TRUE(optOut) << status.out;
    EXPECT_TRUE(optOut->getValue<bool>("keptFromLastKnownGood"));
    EXPECT_FALSE(optOut->getValue<std::string>("removedAt").empty());

    const auto history = agent({"report", "--format", "json"});
    EXPECT_NE(history.out.find("removal grace period"), std::string::npos) << history.out;

    // A second pass inside the period holds the same removal time: nothing changes.
    const auto again = agent({"apply"});
    EXPECT_EQ(again.exitCode, 0) << again.out;
    EXPECT_EQ(again.out.find("[remediated]"), std::string::npos) << again.out;

    backdateRemoval("2000-01-01T00:00:00Z");
    const auto restored = agent({"apply"});
    EXPECT_EQ(restored.exitCode, 4) << restored.out;  // nothing is managed any more
    EXPECT_EQ(read("etc/environment"), before);
    EXPECT_EQ(read(kAlice).find("\"UsageReportingAction\": 2"), std::string::npos) << read(kAlice);

    // Expired is final: later passes do not start a new period from the stale record.
    const auto later = agent({"apply"});
    EXPECT_EQ(later.exitCode, 4) << later.out;
    EXPECT_EQ(read("etc/environment"), before);
}

TEST_F(RemovalGraceCli, WithoutThePeriodARemovedPolicyIsRestoredAtOnce) {
    const auto before = read("etc/environment");
    ASSERT_EQ(agent({"apply"}).exitCode, 0);
    removePolicy();
    EXPECT_EQ(agent({"apply"}).exitCode, 4);
    EXPECT_EQ(read("etc/environment"), before);
}

TEST_F(RemovalGraceCli, AnOutOfRangePeriodIsRefusedNamingTheFileAndKey) {
    root.write("r/etc/metalama/agent.yaml", "policy_removal_grace_hours: 10000\n", 0644);
    const auto pass = agent({"apply"});
    EXPECT_NE(pass.exitCode, 0);
    EXPECT_NE(pass.err.find("agent.yaml: policy_removal_grace_hours: expected a whole number "
                            "from 0 to 720"),
              std::string::npos)
        << pass.err;
}

}  // namespace
}  // namespace mpa::test
