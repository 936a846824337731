// A test that needs something the machine lacks (a tool, a package, a capability) cannot run.
// Under CI (CI=true) that is a failure: scripts/setup.sh installs everything a test needs, so a
// missing tool there is a broken set-up, never a pass. Elsewhere the test is skipped, saying
// what to install.
//
//   MPA_SKIP_IF_MISSING(missingTool("/usr/bin/sqlite3", "sqlite3"));
//
// in a test body or SetUp (GTEST_SKIP returns from the function it is written in, so the check
// is a macro and not a function).
#pragma once

#include <gtest/gtest.h>

#include <string>

namespace mpa::test {

// Empty when `path` is an executable file; else "<path> is missing: install the Debian package
// <package> (scripts/setup.sh)".
std::string missingTool(const std::string& path, const std::string& package);

// Empty when `available`; else "<what> is missing: install the Debian package <package>
// (scripts/setup.sh)", for a need that is not one file (a Python module, a working command).
std::string missingUnless(bool available, const std::string& what, const std::string& package);

// Records a failure saying `missing` when the tests run under CI (CI=true); nothing elsewhere.
void failUnderCi(const std::string& missing);

}  // namespace mpa::test

// Skips the test, saying what is missing, when `missing` (a std::string) is not empty; under CI
// the test fails instead.
#define MPA_SKIP_IF_MISSING(missing)                                           \
    do {                                                                       \
        if (const std::string mpaMissing_ = (missing); !mpaMissing_.empty()) { \
            ::mpa::test::failUnderCi(mpaMissing_);                             \
            GTEST_SKIP() << mpaMissing_;                                       \
        }                                                                      \
    } while (false)
