// `metalama-policy-agent templates`: the real binary writes the tree the repository commits,
// and a policy added to a copy of the definitions (--definitions) reaches every artefact.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "support/agent_process.hpp"
#include "support/scratch_dir.hpp"
#include "templates/template_tree.hpp"

namespace mpa::test {
namespace {

std::string readRepositoryFile(const std::string& rel) {
    std::ifstream in(sourceDir() + "/" + rel, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

TEST(TemplatesCli, WritesTheCommittedTreeByteForByte) {
    ScratchDir dir;
    const auto result = runProcess({agentBinary(), "templates", "--out", dir.abs("out")});
    ASSERT_EQ(result.exitCode, 0) << result.err;
    for (const auto& file : generateTemplateTree(builtinCatalog())) {
        EXPECT_TRUE(dir.read("out/" + file.path) == readRepositoryFile(file.path))
            << file.path << ": run `metalama-policy-agent templates --out .` at the repository "
            << "root and commit the result";
        EXPECT_NE(result.out.find(file.path), std::string::npos) << result.out;
    }
}

TEST(TemplatesCli, APolicyAddedToTheDefinitionsShowsUpEverywhere) {
    ScratchDir dir;
    dir.write("defs.yaml", readRepositoryFile("policies/metalama.yaml") + R"(
  - name: CliAddedPolicy
    type: boolean
    default: false
    category: Telemetry
    recommendable: true
    example: true
    caption: A policy added by the CLI test
    explanation: >-
      Added to check that the templates command picks up new definitions.
)");
    const auto result = runProcess({agentBinary(), "templates", "--out", dir.abs("out"),
                                    "--definitions", dir.abs("defs.yaml")});
    ASSERT_EQ(result.exitCode, 0) << result.err;
    for (const auto& file : generateTemplateTree(builtinCatalog())) {
        if (file.path == kTelemetryCatalogDocPath) continue;  // generated from the tool catalog
        EXPECT_NE(dir.read("out/" + file.path).find("CliAddedPolicy"), std::string::npos)
            << file.path;
    }
}

TEST(TemplatesCli, BadDefinitionsAndUsageAreErrorsWithAReason) {
    ScratchDir dir;
    dir.write("bad.yaml", "product: X\n");
    auto result = runProcess({agentBinary(), "templates", "--out", dir.abs("out"), "--definitions",
                              dir.abs("bad.yaml")});
    EXPECT_EQ(result.exitCode, 1);
    EXPECT_NE(result.err.find("bad.yaml"), std::string::npos) << result.err;
    EXPECT_FALSE(dir.exists("out"));
    result = runProcess({agentBinary(), "templates"});
    EXPECT_EQ(result.exitCode, 2) << result.err;
}

}  // namespace
}  // namespace mpa::test
