// The fleet engines' queries against databases the real agent wrote: the Fleet policies and
// reports and the osquery ATC tables of installer/fleet/metalama.yml (run with the sqlite3 CLI,
// each ATC table as a temporary view holding its query, which is what osquery's ATC serves), the
// Jamf extension attribute's result, and the Linux Intune discovery script run as an
// unprivileged account, which can read only the published summary.
//
// The machines, each a demo root (scripts/make-demo-root.sh) after `apply`:
//   compliant      the demo's policy, enforced
//   failing        the same, but one profile's telemetry.json is a symlink the agent refuses
//   audit-only     EnforcementMode AuditOnly: nothing enforced, so non-compliant
//   unmanaged      no policy files at all
//   stale          the compliant database with its latest pass moved a year back
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <memory>
#include <set>

#include "support/agent_process.hpp"
#include "support/missing_tool.hpp"
#include "support/scratch_dir.hpp"
#include "support/store_samples.hpp"

namespace mpa::test {
namespace {

constexpr const char* kDb = "var/lib/metalama-policy-agent/compliance.db";
const char* const kMachines[] = {"compliant", "failing", "audit-only", "unmanaged", "stale"};

Poco::JSON::Object::Ptr json(const std::string& text) {
    return Poco::JSON::Parser().parse(text).extract<Poco::JSON::Object::Ptr>();
}

class FleetQueries : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        if (::geteuid() != 0) return;  // each test skips with the reason
        scratch = std::make_unique<ScratchDir>();
        for (const std::string name : kMachines) {
            const auto root = scratch->abs(name);
            const auto made = runProcess({sourceDir() + "/scripts/make-demo-root.sh", root});
            ASSERT_EQ(made.exitCode, 0) << made.err;
            if (name == "failing") {
                scratch->write(name + "/home/alice/.local/share/Metalama/elsewhere.json", "{}\n");
                ASSERT_EQ(::unlink(scratch
                                       ->abs(name + "/home/alice/.local/share/Metalama/"
                                                    "telemetry.json")
                                       .c_str()),
                          0);
                scratch->symlink("elsewhere.json",
                                 name + "/home/alice/.local/share/Metalama/telemetry.json");
            } else if (name == "audit-only") {
                scratch->write(name + "/etc/metalama/policies/managed/20-mode.json",
                               "{\"EnforcementMode\": \"AuditOnly\"}\n");
            } else if (name == "unmanaged") {
                for (const char* file :
                     {"managed/10-telemetry.json", "recommended/50-defaults.yaml"})
                    ASSERT_EQ(
                        ::unlink(scratch->abs(name + "/etc/metalama/policies/" + file).c_str()), 0);
            }
            const auto applied = runAgent(root, {"apply"});
            ASSERT_GE(applied.exitCode, 0) << applied.err;
            ASSERT_NE(applied.exitCode, 1) << name << ": " << applied.out << applied.err;
        }
        // An agent that stopped a year ago: the same records, older.
        execSql(database("stale"),
                "UPDATE runs SET started_at = '2025-01-01T00:00:00Z', "
                "finished_at = '2025-01-01T00:00:05Z'");
    }
    static void TearDownTestSuite() { scratch.reset(); }

    void SetUp() override {
        if (::geteuid() != 0) GTEST_SKIP() << "the demo root gives files to users: needs root";
        MPA_SKIP_IF_MISSING(missingTool("/usr/bin/sqlite3", "sqlite3"));
        fleet = YAML::LoadFile(sourceDir() + "/installer/fleet/metalama.yml");
    }

    static std::string database(const std::string& machine) {
        return scratch->abs(machine + "/" + kDb);
    }

    // Every ATC table as a temporary view, then `sql`, on a read-only connection (osquery opens
    // the file read-only). Output rows, '|'-separated; -header adds the column names first.
    ProcessResult query(const std::string& machine, const std::string& sql,
                        bool header = false) const {
        std::string script;
        for (const auto& table : fleet["agent_options"]["config"]["auto_table_construction"])
            script += "CREATE TEMP VIEW " + table.first.as<std::string>() + " AS " +
                      table.second["query"].as<std::string>() + ";\n";
        return runProcess({"/usr/bin/sqlite3", "-readonly", "-batch",
                           header ? "-header" : "-noheader", "-separator", "|", database(machine),
                           script + sql + ";"});
    }

    static std::unique_ptr<ScratchDir> scratch;
    YAML::Node fleet;
};

std::unique_ptr<ScratchDir> FleetQueries::scratch;

TEST_F(FleetQueries, EachPolicyReturnsARowExactlyWhenTheMachineComplies) {
    // Which machines each kind of policy must pass (return a row) on; every other must fail.
    const std::map<std::string, std::set<std::string>> passes{
        {"Metalama telemetry opt-out enforced", {"compliant"}},
        {"Metalama policy agent reported within a day",
         {"compliant", "failing", "audit-only", "unmanaged"}},
    };
    const auto policies = fleet["policies"];
    ASSERT_TRUE(policies.IsSequence());
    std::size_t checked = 0;
    for (const auto& policy : policies) {
        const auto name = policy["name"].as<std::string>();
        const auto platform = policy["platform"].as<std::string>();
        EXPECT_TRUE(platform == "linux" || platform == "darwin" || platform == "windows") << name;
        // Each policy reads its own platform's table.
        const auto sql = policy["query"].as<std::string>();
        EXPECT_NE(sql.find("FROM metalama_pass_" + platform + "\n"), std::string::npos)
            << name << ": " << sql;
        const auto kind = name.substr(0, name.find(" ("));
        ASSERT_TRUE(passes.count(kind)) << "no expectation for policy '" << name << "'";
        for (const std::string machine : kMachines) {
            const auto result = query(machine, sql);
            ASSERT_EQ(result.exitCode, 0) << name << ": " << result.err;
            const bool row = !result.out.empty();
            EXPECT_EQ(row, passes.at(kind).count(machine) == 1)
                << "policy '" << name << "' on the " << machine << " machine returned '"
                << result.out << "'";
            if (row) {
                EXPECT_EQ(result.out, "1\n") << name << " on " << machine;
            }
        }
        ++checked;
    }
    EXPECT_EQ(checked, 6u) << "two policies for each of the three platforms";
}

TEST_F(FleetQueries, TheAtcTablesNameTheirColumnsAndTheAgentsDatabasePaths) {
    const std::map<std::string, std::string> paths{
        {"linux", "/var/lib/metalama-policy-agent/compliance.db"},
        {"darwin", "/Library/Application Support/Metalama/PolicyAgent/compliance.db"},
        {"windows", "C:\\ProgramData\\Metalama\\PolicyAgent\\compliance.db"},
    };
    const auto tables = fleet["agent_options"]["config"]["auto_table_construction"];
    ASSERT_EQ(tables.size(), 9u) << "pass, findings and tools, for each of three platforms";
    for (const auto& table : tables) {
        const auto name = table.first.as<std::string>();
        const auto platform = table.second["platform"].as<std::string>();
        EXPECT_EQ(name.substr(name.rfind('_') + 1), platform) << name;
        EXPECT_EQ(table.second["path"].as<std::string>(), paths.at(platform)) << name;
        std::string columns;
        for (const auto& column : table.second["columns"])
            columns += (columns.empty() ? "" : "|") + column.as<std::string>();
        for (const std::string machine : kMachines) {
            const auto result = query(machine, "SELECT * FROM " + name, true);
            ASSERT_EQ(result.exitCode, 0) << name << ": " << result.err;
            // osquery maps the listed columns to the query's result columns by name.
            EXPECT_EQ(result.out.substr(0, result.out.find('\n')), columns) << name;
            EXPECT_GT(std::count(result.out.begin(), result.out.end(), '\n'), 1)
                << name << " has no row on the " << machine << " machine";
        }
    }
    const auto pass = query("audit-only", "SELECT * FROM metalama_pass_linux");
    EXPECT_EQ(pass.out.substr(0, pass.out.find('|', pass.out.find('|') + 1)),
              "non-compliant|audit-only")
        << pass.out;
}

TEST_F(FleetQueries, ReportsReturnRowsForProblemsNotForCompliance) {
    std::map<std::string, std::string> byName;
    for (const auto& report : fleet["queries"]) {
        const auto name = report["name"].as<std::string>();
        EXPECT_EQ(name.rfind("Metalama report: ", 0), 0u) << "reports are named as such: " << name;
        byName[name] = report["query"].as<std::string>();
    }
    const auto problems = byName.at("Metalama report: what is not compliant (Linux)");
    EXPECT_EQ(query("compliant", problems).out, "");
    const auto failing = query("failing", problems);
    EXPECT_NE(failing.out.find("telemetry-json|/home/alice/.local/share/Metalama/telemetry.json|"
                               "alice|failed|"),
              std::string::npos)
        << failing.out << failing.err;
    EXPECT_NE(query("audit-only", problems).out.find("|non-compliant|"), std::string::npos);

    // Per tool: Metalama is the tool whose profile failed; nothing on the compliant machine.
    const auto tools = byName.at("Metalama report: tools not compliant (Linux)");
    EXPECT_EQ(query("compliant", tools).out, "");
    const auto failingTools = query("failing", tools);
    EXPECT_EQ(failingTools.out.rfind("metalama|TelemetryOptOut|", 0), 0u)
        << failingTools.out << failingTools.err;
    EXPECT_EQ(query("compliant", "SELECT tool, verdict FROM metalama_tools_linux").out,
              "metalama|compliant\n");

    const auto share = byName.at("Metalama report: share of profiles compliant (Linux)");
    EXPECT_EQ(query("compliant", share).out.substr(query("compliant", share).out.find('|')),
              "|100\n");
    const auto failingShare = query("failing", share).out;
    EXPECT_NE(failingShare, query("compliant", share).out) << failingShare;

    const auto audit = byName.at("Metalama report: profiles the license audit applies to (Linux)");
    EXPECT_NE(query("compliant", audit).out.find("erin|"), std::string::npos);
    for (const auto& [name, sql] : byName) {
        const auto result = query("stale", sql);
        EXPECT_EQ(result.exitCode, 0) << name << ": " << result.err;
    }
}

TEST_F(FleetQueries, TheJamfExtensionAttributeNamesEachMachinesState) {
    const std::map<std::string, std::string> expected{
        {"compliant", "compliant"},   {"failing", "non-compliant"}, {"audit-only", "audit only"},
        {"unmanaged", "not managed"}, {"stale", "stale"},
    };
    const auto script = sourceDir() + "/installer/jamf/extension-attribute.sh";
    for (const auto& [machine, result] : expected) {
        const auto run = runProcess(
            {"/usr/bin/env", "METALAMA_COMPLIANCE_DB=" + database(machine), "/bin/sh", script});
        EXPECT_EQ(run.exitCode, 0) << machine << ": " << run.err;
        EXPECT_EQ(run.out, "<result>" + result + "</result>\n") << machine;
    }
    const auto missing = runProcess(
        {"/usr/bin/env", "METALAMA_COMPLIANCE_DB=" + scratch->abs("none.db"), "/bin/sh", script});
    EXPECT_EQ(missing.out, "<result>no record</result>\n");
    scratch->write("garbage.db", std::string(4096, 'x'));
    const auto garbage =
        runProcess({"/usr/bin/env", "METALAMA_COMPLIANCE_DB=" + scratch->abs("garbage.db"),
                    "/bin/sh", script});
    EXPECT_EQ(garbage.out.rfind("<result>unreadable: ", 0), 0u) << garbage.out;
}

// The second Jamf attribute names the tools not compliant, from the view compliance_tools.
TEST_F(FleetQueries, TheJamfToolsAttributeNamesTheToolsNotCompliant) {
    const std::map<std::string, std::string> expected{
        {"compliant", "none"}, {"failing", "metalama"}, {"audit-only", "metalama"},
        {"unmanaged", "none"}, {"stale", "none"},
    };
    const auto script = sourceDir() + "/installer/jamf/extension-attribute-tools.sh";
    const auto attribute = [&](const std::string& db) {
        return runProcess({"/usr/bin/env", "METALAMA_COMPLIANCE_DB=" + db, "/bin/sh", script});
    };
    for (const auto& [machine, result] : expected) {
        const auto run = attribute(database(machine));
        EXPECT_EQ(run.exitCode, 0) << machine << ": " << run.err;
        EXPECT_EQ(run.out, "<result>" + result + "</result>\n") << machine;
    }
    EXPECT_EQ(attribute(scratch->abs("none.db")).out, "<result>no record</result>\n");
    // An agent from before compliance per tool: its database has no such view.
    const auto v4 = scratch->abs("v4/compliance.db");
    scratch->write("v4/compliance.db", "");
    std::filesystem::copy_file(sourceDir() + "/tests/fixtures/store/compliance-v4.db", v4,
                               std::filesystem::copy_options::overwrite_existing);
    EXPECT_EQ(attribute(v4).out, "<result>no record</result>\n");
    scratch->write("garbage-tools.db", std::string(4096, 'x'));
    const auto garbage = attribute(scratch->abs("garbage-tools.db"));
    EXPECT_EQ(garbage.out.rfind("<result>unreadable: ", 0), 0u) << garbage.out;
}

// Intune runs the Linux discovery script as the signed-in user. Here: uid 65534, which can
// traverse the database directory (0751, as the packages make it) but not read the database.
TEST_F(FleetQueries, TheDiscoveryScriptReadsThePublishedSummaryWithoutRoot) {
    MPA_SKIP_IF_MISSING(missingTool("/usr/bin/setpriv", "util-linux"));
    const std::string machine = "compliant";
    const auto dir = scratch->abs(machine + "/var/lib/metalama-policy-agent");
    const auto summaryPath = dir + "/summary.json";
    struct stat st {};
    ASSERT_EQ(::stat(summaryPath.c_str(), &st), 0) << "apply published no summary";
    EXPECT_EQ(st.st_mode & 07777, 0644u);
    const auto summary = scratch->read(machine + "/var/lib/metalama-policy-agent/summary.json");
    for (const char* secret : {"alice", "bob", "erin", "/home", "telemetry.json"})
        EXPECT_EQ(summary.find(secret), std::string::npos) << secret << " in " << summary;
    // The way to the summary: the test's own directories made traversable, the agent and the
    // script copied out of the checkout (which need not be world-readable).
    for (const auto& path : {scratch->abs(""), scratch->abs(machine),
                             scratch->abs(machine + "/var"), scratch->abs(machine + "/var/lib")})
        ASSERT_EQ(::chmod(path.c_str(), 0755), 0) << path;
    ASSERT_EQ(::chmod(dir.c_str(), 0751), 0);
    ASSERT_EQ(runProcess({"/bin/cp", agentBinary(), scratch->abs("agent")}).exitCode, 0);
    scratch->write("agent-wrapper",
                   "#!/bin/sh\nexec '" + scratch->abs("agent") + "' --root '" +
                       scratch->abs(machine) + "' \"$@\"\n",
                   0755);
    ASSERT_EQ(runProcess({"/bin/cp", sourceDir() + "/installer/intune/discovery-linux.sh",
                          scratch->abs("discovery-linux.sh")})
                  .exitCode,
              0);
    const auto asNobody = [&](std::vector<std::string> argv) {
        argv.insert(argv.begin(),
                    {"/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                     "/usr/bin/env", "METALAMA_POLICY_AGENT=" + scratch->abs("agent-wrapper")});
        return runProcess(argv);
    };
    // Control: the account really cannot read the database.
    EXPECT_NE(asNobody({"/usr/bin/head", "-c", "1", dir + "/compliance.db"}).exitCode, 0);
    const auto asRoot = json(runAgent(scratch->abs(machine), {"compliance"}).out);

    const auto script = asNobody({"/bin/bash", scratch->abs("discovery-linux.sh")});
    ASSERT_EQ(script.exitCode, 0) << script.err;
    const auto line = json(script.out);
    EXPECT_EQ(line->getNames(), asRoot->getNames()) << script.out;
    EXPECT_TRUE(line->getValue<bool>("AgentHealthy")) << script.out;
    EXPECT_TRUE(line->getValue<bool>("LastPassWithinDay")) << script.out;
    for (const char* key : {"Verdict", "ProfilesTotal", "ProfilesCompliant", "ChainIntact",
                            "LicenseAuditProfiles", "TelemetryOptOutEnforced"})
        EXPECT_EQ(line->get(key).toString(), asRoot->get(key).toString()) << key;

    // A summary left by an agent that stopped long ago reads as unhealthy, as the database
    // would.
    const auto at = summary.find("\"LastPassAt\":\"") + 14;
    std::string old = summary;
    old.replace(at, 20, "2025-01-01T00:00:00Z");
    scratch->write(machine + "/var/lib/metalama-policy-agent/summary.json", old, 0644);
    const auto stale = json(asNobody({"/bin/bash", scratch->abs("discovery-linux.sh")}).out);
    EXPECT_FALSE(stale->getValue<bool>("AgentHealthy"));
    EXPECT_FALSE(stale->getValue<bool>("LastPassWithinDay"));
    EXPECT_GT(stale->getValue<Poco::Int64>("LastPassAgeMinutes"), 60 * 24);
    // No summary at all: a line that fails the rules, not a failed script.
    ASSERT_EQ(::unlink(summaryPath.c_str()), 0);
    const auto none = json(asNobody({"/bin/bash", scratch->abs("discovery-linux.sh")}).out);
    EXPECT_FALSE(none->getValue<bool>("AgentHealthy"));
    EXPECT_EQ(none->getValue<std::string>("Verdict"), "no record");
}

}  // namespace
}  // namespace mpa::test
