// The floors of agent/ (cmake/Layers.cmake) are enforced by the build: cmake/CheckLayers.cmake
// runs before anything compiles. These tests run that check, as the build does, on a copy of the
// real agent/ tree with a deliberate upward include planted in it.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "support/agent_process.hpp"
#include "support/scratch_dir.hpp"

namespace mpa::test {
namespace {

namespace fs = std::filesystem;

class BuildLayers : public ::testing::Test {
  protected:
    void SetUp() override {
        fs::copy(sourceDir() + "/agent", tree_.abs("agent"), fs::copy_options::recursive);
    }

    ProcessResult check() const {
        return runProcess({MPA_CMAKE_COMMAND, "-DMPA_AGENT_DIR=" + tree_.abs("agent"), "-P",
                           sourceDir() + "/cmake/CheckLayers.cmake"});
    }

    // Adds `line` at the end of agent/<rel> and returns its line number.
    int plant(const std::string& rel, const std::string& line) const {
        std::string text = tree_.read("agent/" + rel);
        if (!text.empty() && text.back() != '\n') text += '\n';
        int lines = 0;
        for (char c : text) lines += c == '\n';
        std::ofstream(tree_.abs("agent/" + rel), std::ios::app) << line << "\n";
        return lines + 1;
    }

    ScratchDir tree_;
};

TEST_F(BuildLayers, TheRealTreeHasNoUpwardInclude) {
    const auto result = check();
    EXPECT_EQ(result.exitCode, 0) << result.out << result.err;
}

TEST_F(BuildLayers, AStoreHeaderIncludingTheEngineFailsNamingFileLineAndRule) {
    const int line = plant("store/compliance_store.hpp", "#include \"engine/reconcile.hpp\"");
    const auto result = check();
    EXPECT_NE(result.exitCode, 0);
    EXPECT_NE(result.err.find("agent/store/compliance_store.hpp:" + std::to_string(line) +
                              ": includes engine/reconcile.hpp: store/ may use only model, "
                              "policy, platform, util"),
              std::string::npos)
        << result.err;
}

TEST_F(BuildLayers, TheVocabularyIncludingATargetFails) {
    plant("model/finding.cpp", "#include \"targets/managed_file.hpp\"");
    const auto result = check();
    EXPECT_NE(result.exitCode, 0);
    EXPECT_NE(
        result.err.find("includes targets/managed_file.hpp: model/ may use only policy, util"),
        std::string::npos)
        << result.err;
}

TEST_F(BuildLayers, TheBottomFloorMayUseNothingAbove) {
    plant("util/text.cpp", "#include \"platform/safe_fs.hpp\"");
    const auto result = check();
    EXPECT_NE(result.exitCode, 0);
    EXPECT_NE(result.err.find("includes platform/safe_fs.hpp: util/ may use only itself"),
              std::string::npos)
        << result.err;
}

TEST_F(BuildLayers, SiblingFloorsMayNotUseEachOther) {
    plant("targets/managed_file.cpp", "#include \"sources/registry_pol.hpp\"");
    const auto result = check();
    EXPECT_NE(result.exitCode, 0);
    EXPECT_NE(result.err.find("includes sources/registry_pol.hpp: targets/ may use only"),
              std::string::npos)
        << result.err;
}

TEST_F(BuildLayers, AFolderOutsideTheTableFails) {
    fs::create_directory(tree_.abs("agent/extras"));
    const auto result = check();
    EXPECT_NE(result.exitCode, 0);
    EXPECT_NE(result.err.find("agent/extras/ is not a floor"), std::string::npos) << result.err;
}

}  // namespace
}  // namespace mpa::test
