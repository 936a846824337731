// Every account and every new user's DeviceId, with the real binary on the demo root: accounts
// created from /etc/skel get their own DeviceId (a device id reset, with a new Salt as Metalama's
// own reset writes), a home that is not there is a finding and never compliant, and one uid
// under two names is one profile.
#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <map>

#include "support/agent_process.hpp"
#include "support/scratch_dir.hpp"
#include "targets/metalama_license_key.hpp"
#include "util/json_document.hpp"

namespace mpa::test {
namespace {

constexpr const char* kData = ".local/share/Metalama/telemetry.json";
constexpr const char* kTemplateId = "0b7c6a52-1111-4d2e-9a9a-5e5e5e5e5e5e";

class Profiles : public ::testing::Test {
  protected:
    void SetUp() override {
        if (::geteuid() != 0) GTEST_SKIP() << "the demo root gives files to users: needs root";
        const auto made = runProcess({sourceDir() + "/scripts/make-demo-root.sh", dir()});
        ASSERT_EQ(made.exitCode, 0) << made.err;
        // No reset token here: a reset must come from the template rule alone.
        root.write("r/etc/metalama/policies/managed/10-telemetry.json",
                   "{\"TelemetryOptOut\": true, \"DisableUsageReporting\": true}\n");
    }
    std::string dir() const { return root.abs("r"); }
    ProcessResult agent(const std::vector<std::string>& args) { return runAgent(dir(), args); }
    json::ObjectDocument doc(const std::string& rel) {
        auto d = json::ObjectDocument::parse(root.read("r/" + rel), nullptr);
        EXPECT_TRUE(d) << rel;
        return d ? *d : *json::ObjectDocument::parse("{}", nullptr);
    }
    // A new account as useradd -m makes it: /etc/skel copied into the home, given to the user.
    void addUserFromSkel(const std::string& name, unsigned uid) {
        root.write("r/etc/passwd", root.read("r/etc/passwd") + name + ":x:" + std::to_string(uid) +
                                       ":" + std::to_string(uid) + "::/home/" + name +
                                       ":/bin/bash\n");
        const auto copied =
            runProcess({"/bin/sh", "-c",
                        "cp -a '" + dir() + "/etc/skel' '" + dir() + "/home/" + name +
                            "' && chown -R " + std::to_string(uid) + ":" + std::to_string(uid) +
                            " '" + dir() + "/home/" + name + "'"});
        ASSERT_EQ(copied.exitCode, 0) << copied.err;
    }

    ScratchDir root;
};

TEST_F(Profiles, AnAccountCreatedFromTheTemplateGetsItsOwnDeviceIdAndSalt) {
    // The image's template carries a DeviceId in the 2025.1 shape (Salt and its time).
    root.write("r/etc/skel/" + std::string(kData),
               std::string("{\"DeviceId\": \"") + kTemplateId +
                   "\", \"Salt\": 111, \"LastSaltChangeTime\": \"2026-01-01T00:00:00Z\", "
                   "\"UsageReportingAction\": 2, \"ExceptionReportingAction\": 0, "
                   "\"PerformanceProblemReportingAction\": 0}\n");
    addUserFromSkel("frank", 1006);
    addUserFromSkel("gina", 1007);
    const auto applied = agent({"apply"});
    EXPECT_EQ(applied.exitCode, 0) << applied.out << applied.err;

    const auto frank = doc("home/frank/" + std::string(kData));
    const auto gina = doc("home/gina/" + std::string(kData));
    ASSERT_TRUE(frank.getString("DeviceId") && gina.getString("DeviceId"));
    EXPECT_NE(*frank.getString("DeviceId"), kTemplateId);
    EXPECT_NE(*gina.getString("DeviceId"), kTemplateId);
    EXPECT_NE(*frank.getString("DeviceId"), *gina.getString("DeviceId"));
    EXPECT_NE(frank.getInteger("Salt").value_or(111), 111);
    EXPECT_NE(frank.getString("LastSaltChangeTime").value_or(""), "2026-01-01T00:00:00Z");
    // The template keeps its id: a file without one is rewritten by Metalama with reports on.
    EXPECT_EQ(doc("etc/skel/" + std::string(kData)).getString("DeviceId"), kTemplateId);
    // Recorded as a device id reset, naming why.
    const auto report = agent({"report", "--format", "text"});
    EXPECT_NE(report.out.find("device id reset"), std::string::npos) << report.out;
    EXPECT_NE(report.out.find("new-profile template"), std::string::npos) << report.out;

    // Once only: the next pass leaves the new ids alone.
    const auto again = agent({"apply"});
    EXPECT_EQ(again.exitCode, 0) << again.out;
    EXPECT_EQ(doc("home/frank/" + std::string(kData)).getString("DeviceId"),
              frank.getString("DeviceId"));
}

TEST_F(Profiles, AHomeThatIsNotThereIsNotCheckedAndNeverCompliant) {
    root.write("r/etc/passwd",
               root.read("r/etc/passwd") + "nfsuser:x:1010:1010::/home/nfsuser:/bin/bash\n");
    const auto applied = agent({"apply"});
    EXPECT_EQ(applied.exitCode, 3) << applied.out << applied.err;
    EXPECT_NE(applied.out.find("not checked: home not mounted"), std::string::npos) << applied.out;
    const auto summary = Poco::JSON::Parser()
                             .parse(agent({"compliance", "--format", "intune"}).out)
                             .extract<Poco::JSON::Object::Ptr>();
    EXPECT_LT(summary->getValue<Poco::Int64>("ProfilesCompliantPercent"), 100);
}

TEST_F(Profiles, ALockedEncryptedHomeIsNotCheckedAndNeverCompliant) {
    // What ecryptfs-setup-private leaves in the lower directory while carol is logged out.
    root.mkdirs("r/home/.ecryptfs/carol/.Private");
    root.mkdirs("r/home/.ecryptfs/carol/.ecryptfs");
    root.symlink("/home/.ecryptfs/carol/.Private", "r/home/carol/.Private");
    root.symlink("/home/.ecryptfs/carol/.ecryptfs", "r/home/carol/.ecryptfs");
    const auto applied = agent({"apply"});
    EXPECT_EQ(applied.exitCode, 3) << applied.out << applied.err;
    EXPECT_NE(applied.out.find("not checked: home not mounted (an eCryptfs home"),
              std::string::npos)
        << applied.out;
    EXPECT_FALSE(root.exists("r/home/carol/.local")) << "nothing written into the lower directory";
}

TEST_F(Profiles, OneUidUnderTwoNamesIsOneProfile) {
    root.write("r/etc/passwd",
               root.read("r/etc/passwd") + "alice2:x:1001:1001::/home/alice:/bin/bash\n");
    const auto applied = agent({"apply", "--json"});
    EXPECT_EQ(applied.exitCode, 0) << applied.out << applied.err;
    EXPECT_EQ(applied.out.find("alice2"), std::string::npos) << applied.out;
}

TEST_F(Profiles, TheLicenseAuditIsReadPerProfileFromTheFolderMetalamaUses) {
    // bob has both generations: Metalama uses the old one, so a key left in the new one does not
    // count; erin's key is in the only folder she has; dave's file says something unreadable.
    root.write("r/home/bob/.local/share/Metalama/licensing.json", "{\"licenses\": [\"K-1\"]}\n");
    root.write("r/home/carol/.local/share/Metalama/licensing.json", "{\"license\": 5}\n");
    // alice's key carries the audit waiver (field 19, Auditable, false), in the key format.
    std::string body = "\x02";
    body += std::string("\x39\x30\x00\x00", 4);  // license id 12345, little endian
    body += std::string("\x03\x0d\x13\x00\xff", 5);
    root.write("r/home/alice/.local/share/Metalama/licensing.json",
               "{\"licenses\": [\"12345-" + metalamaBase32Encode(body) + "\"]}\n");
    ASSERT_EQ(runProcess({"/bin/chown", "1001:1001",
                          dir() + "/home/alice/.local/share/Metalama/licensing.json"})
                  .exitCode,
              0);
    ASSERT_EQ(runProcess({"/bin/chown", "-R", "1003:1003", dir() + "/home/carol"}).exitCode, 0);
    const auto applied = agent({"apply", "--json"});
    EXPECT_EQ(applied.exitCode, 0) << applied.out << applied.err;
    const auto report = Poco::JSON::Parser().parse(applied.out).extract<Poco::JSON::Object::Ptr>();
    std::map<std::string, std::vector<std::string>> audit;  // account -> observed
    const auto findings = report->getArray("findings");
    ASSERT_TRUE(findings) << applied.out;
    for (std::size_t i = 0; i < findings->size(); ++i) {
        const auto f = findings->getObject(static_cast<unsigned>(i));
        if (f->getValue<std::string>("target") == "license-audit")
            audit[f->getValue<std::string>("user")].push_back(f->getValue<std::string>("observed"));
    }
    EXPECT_EQ(audit["bob"], std::vector<std::string>{"no license key"});
    EXPECT_EQ(audit["erin"], std::vector<std::string>{"license key registered"});
    EXPECT_EQ(audit["alice"], std::vector<std::string>{"license key registered, audit waived"});
    ASSERT_EQ(audit["carol"].size(), 1u);
    EXPECT_EQ(audit["carol"][0].rfind("unknown: ", 0), 0u) << audit["carol"][0];
}

}  // namespace
}  // namespace mpa::test
