#pragma once
// The fixture of the integration tests that run the real binary on the built-in demo root
// (scripts/make-demo-root.sh) under a scratch directory. Root only: the demo gives files to its
// users. A test that needs more first calls DemoRootTest::SetUp() and returns when it skipped or
// failed.
#include <gtest/gtest.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "support/agent_process.hpp"
#include "support/scratch_dir.hpp"

namespace mpa::test {

class DemoRootTest : public ::testing::Test {
  protected:
    void SetUp() override {
        if (::geteuid() != 0) GTEST_SKIP() << "the demo root gives files to users: needs root";
        const auto made = runProcess({sourceDir() + "/scripts/make-demo-root.sh", dir()});
        ASSERT_EQ(made.exitCode, 0) << made.err;
    }
    bool setUpStopped() const { return IsSkipped() || HasFatalFailure(); }
    ProcessResult agent(const std::vector<std::string>& args) const {
        return runAgent(dir(), args);
    }
    std::string dir() const { return root.abs("r"); }
    std::string read(const std::string& rel) const { return root.read("r/" + rel); }

    ScratchDir root;
};

}  // namespace mpa::test
