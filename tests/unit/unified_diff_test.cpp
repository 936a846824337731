#include "util/unified_diff.hpp"

#include <gtest/gtest.h>

namespace mpa::test {
namespace {

TEST(UnifiedDiffTest, EqualTextsHaveNoDiff) {
    EXPECT_EQ(unifiedDiff("a\nb\n", "a\nb\n", "x", "y"), "");
}

TEST(UnifiedDiffTest, CreatedFileIsAllAdditions) {
    EXPECT_EQ(unifiedDiff("", "K=1\n", "/dev/null", "/etc/f"),
              "--- /dev/null\n+++ /etc/f\n@@ -0,0 +1,1 @@\n+K=1\n");
}

TEST(UnifiedDiffTest, ChangeInTheMiddleShowsContextAndSeparatesDistantHunks) {
    std::string before, after;
    for (int i = 1; i <= 20; ++i) {
        before += "l" + std::to_string(i) + "\n";
        after += (i == 2 || i == 18 ? "L" : "l") + std::to_string(i) + "\n";
    }
    EXPECT_EQ(unifiedDiff(before, after, "a", "b", 1),
              "--- a\n+++ b\n"
              "@@ -1,3 +1,3 @@\n l1\n-l2\n+L2\n l3\n"
              "@@ -17,3 +17,3 @@\n l17\n-l18\n+L18\n l19\n");
}

TEST(UnifiedDiffTest, CarriageReturnsAndMissingFinalNewlineStayVisible) {
    EXPECT_EQ(unifiedDiff("A=1\r\nB=2", "A=1\r\nB=2\nC=3\n", "f", "f"),
              "--- f\n+++ f\n@@ -1,2 +1,3 @@\n A=1\\r\n-B=2\n\\ No newline at end of file\n"
              "+B=2\n+C=3\n");
}

}  // namespace
}  // namespace mpa::test
