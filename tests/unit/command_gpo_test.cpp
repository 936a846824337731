// `gpo inspect` on Samba-written and hand-built files, called as the CLI calls it.
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>

#include <sstream>

#include "app/command.hpp"
#include "app/exit_codes.hpp"
#include "sources/registry_pol.hpp"
#include "support/registry_pol_builder.hpp"
#include "support/scratch_dir.hpp"

namespace mpa {
int runGpo(CommandEnv& env);

namespace {

struct Run {
    int code;
    std::string out, err;
};

Run gpo(std::vector<std::string> args) {
    std::ostringstream out, err;
    CommandEnv env{AgentContext{}, std::move(args), out, err};
    const int code = runGpo(env);
    return {code, out.str(), err.str()};
}

const std::string kMetalamaFixture = std::string(MPA_FIXTURES_DIR) + "/registry_pol/metalama.pol";

TEST(GpoInspect, PrintsRecordsPoliciesAndWrongValues) {
    const auto r = gpo({"inspect", kMetalamaFixture});
    EXPECT_EQ(r.code, exit_code::kNonCompliant) << r.err;  // the fixture sets two values wrongly
    EXPECT_NE(r.out.find("Records (9):"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("[Software\\Policies\\PostSharp\\Metalama] TelemetryOptOut  REG_DWORD  1"),
              std::string::npos)
        << r.out;
    EXPECT_NE(r.out.find("**del.DisableUsageReporting  REG_SZ  \" \"  <delete value "
                         "DisableUsageReporting>"),
              std::string::npos)
        << r.out;
    EXPECT_NE(r.out.find("  TelemetryOptOut = true (mandatory)"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("  EnforcementMode = \"AuditOnly\" (mandatory)"), std::string::npos)
        << r.out;
    EXPECT_NE(r.out.find("  DisableExceptionReporting = true (recommended)"), std::string::npos)
        << r.out;
    EXPECT_NE(r.out.find("DeviceIdRotationDays (mandatory): expected integer"), std::string::npos)
        << r.out;
    EXPECT_NE(r.out.find("REG_BINARY value"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("ComplianceRetentionDays (mandatory): expected integer"),
              std::string::npos)
        << r.out;
}

TEST(GpoInspect, JsonOutput) {
    const auto r = gpo({"inspect", kMetalamaFixture, "--json"});
    EXPECT_EQ(r.code, exit_code::kNonCompliant);
    Poco::JSON::Parser parser;
    const auto root = parser.parse(r.out).extract<Poco::JSON::Object::Ptr>();
    EXPECT_TRUE(root->getValue<bool>("complete"));
    const auto records = root->getArray("records");
    ASSERT_EQ(records->size(), 9u);
    EXPECT_EQ(records->getObject(0)->getValue<std::string>("type"), "REG_DWORD");
    EXPECT_EQ(records->getObject(0)->getValue<int>("data"), 1);
    EXPECT_EQ(records->getObject(4)->getValue<std::string>("command"), "delete value");
    const auto policies = root->getArray("policies");
    ASSERT_EQ(policies->size(), 5u);
    EXPECT_EQ(root->getArray("invalid")->size(), 2u);
}

TEST(GpoInspect, ErrorsWithOffsetsAndExitCodes) {
    test::ScratchDir scratch;
    const auto good = test::pregRecord("SOFTWARE\\Policies\\PostSharp\\Metalama", "TelemetryOptOut",
                                       kRegDword, test::dwordBytes(1));
    scratch.write("clean.pol", test::pregHeader() + good);
    scratch.write("cut.pol", test::pregHeader() + good + good.substr(0, 10));
    scratch.write("bad.pol", "not a pol file");
    auto r = gpo({"inspect", scratch.abs("clean.pol")});
    EXPECT_EQ(r.code, exit_code::kCompliant) << r.out;
    r = gpo({"inspect", scratch.abs("cut.pol")});
    EXPECT_EQ(r.code, exit_code::kNonCompliant);
    EXPECT_NE(r.out.find("offset " + std::to_string(8 + good.size() + 10) + ": truncated record"),
              std::string::npos)
        << r.out;
    EXPECT_NE(r.out.find("TelemetryOptOut = true"), std::string::npos);  // earlier record kept
    r = gpo({"inspect", scratch.abs("bad.pol")});
    EXPECT_EQ(r.code, exit_code::kError);
    EXPECT_NE(r.out.find("signature"), std::string::npos) << r.out;
    r = gpo({"inspect", scratch.abs("missing.pol")});
    EXPECT_EQ(r.code, exit_code::kError);
    EXPECT_NE(r.err.find("no such file"), std::string::npos);
}

TEST(GpoInspect, Usage) {
    EXPECT_EQ(gpo({}).code, exit_code::kUsage);
    EXPECT_EQ(gpo({"inspect"}).code, exit_code::kUsage);
    EXPECT_EQ(gpo({"show", "x"}).code, exit_code::kUsage);
    EXPECT_EQ(gpo({"inspect", "x", "--yaml"}).code, exit_code::kUsage);
}

}  // namespace
}  // namespace mpa
