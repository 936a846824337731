#include <gtest/gtest.h>

#include <cstdio>
#include <string>

// Placeholder until the CLI lands: the binary runs and prints its version.
TEST(Binary, Runs) {
    FILE* p = popen(MPA_AGENT_BINARY " --version", "r");
    ASSERT_NE(p, nullptr);
    char buf[256] = {};
    std::string out;
    while (fgets(buf, sizeof buf, p)) out += buf;
    EXPECT_EQ(pclose(p), 0);
    EXPECT_NE(out.find("metalama-policy-agent"), std::string::npos);
}
