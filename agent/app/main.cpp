// Entry point: hands the command line to the CLI dispatcher.
#include <cstdio>

#include "version.hpp"

int main() {
    std::printf("metalama-policy-agent %s\n", mpa::kVersion);
    return 0;
}
