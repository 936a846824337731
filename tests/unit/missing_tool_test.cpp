// The one check of a test that needs a tool (support/missing_tool.hpp): what it says is missing,
// and that under CI (CI=true) a missing tool is a failure, elsewhere nothing (the caller skips).
// POSIX only (tests/CMakeLists.txt): the tests that need host tools are POSIX integration tests.
#include "support/missing_tool.hpp"

#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <optional>
#include <string>

#include "support/scratch_dir.hpp"

namespace mpa::test {
namespace {

TEST(MissingTool, NamesThePathAndThePackageToInstall) {
    ScratchDir dir;
    dir.write("tool", "#!/bin/sh\n", 0755);
    dir.write("not-executable", "data\n", 0644);
    EXPECT_EQ(missingTool(dir.abs("tool"), "some-package"), "");
    EXPECT_EQ(missingTool(dir.abs("absent"), "some-package"),
              dir.abs("absent") +
                  " is missing: install the Debian package some-package (scripts/setup.sh)");
    EXPECT_NE(missingTool(dir.abs("not-executable"), "p"), "");
    EXPECT_NE(missingTool(dir.path(), "p"), "") << "a directory is not a tool";
    EXPECT_EQ(missingUnless(true, "Samba's writer", "python3-samba"), "");
    EXPECT_EQ(missingUnless(false, "Samba's writer", "python3-samba"),
              "Samba's writer is missing: install the Debian package python3-samba "
              "(scripts/setup.sh)");
}

// Sets CI for the scope of one test and puts back what was there.
class CiVariable {
  public:
    explicit CiVariable(const char* value) {
        if (const char* old = std::getenv("CI")) old_ = old;
        if (value)
            ::setenv("CI", value, 1);
        else
            ::unsetenv("CI");
    }
    ~CiVariable() {
        if (old_)
            ::setenv("CI", old_->c_str(), 1);
        else
            ::unsetenv("CI");
    }
    CiVariable(const CiVariable&) = delete;
    CiVariable& operator=(const CiVariable&) = delete;

  private:
    std::optional<std::string> old_;
};

TEST(MissingTool, UnderCiAMissingToolIsAFailureNamingIt) {
    CiVariable ci("true");
    EXPECT_NONFATAL_FAILURE(failUnderCi("/usr/bin/x is missing: install the Debian package x"),
                            "/usr/bin/x is missing: install the Debian package x");
}

TEST(MissingTool, OutsideCiAMissingToolIsNoFailure) {
    for (const char* value : {static_cast<const char*>(nullptr), "false", ""}) {
        CiVariable ci(value);
        failUnderCi("/usr/bin/x is missing");  // the test fails here if it records anything
    }
}
}  // namespace
}  // namespace mpa::test
