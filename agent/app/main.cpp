// Entry point: hands the command line to the CLI; nothing escapes as a crash.
#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include "app/cli.hpp"
#include "app/exit_codes.hpp"

int main(int argc, char** argv) {
    try {
        std::vector<std::string> args(argv + 1, argv + argc);
        return mpa::runCommandLine(args, std::cout, std::cerr);
    } catch (const std::exception& e) {
        std::cerr << "metalama-policy-agent: internal error: " << e.what() << "\n";
        return mpa::exit_code::kError;
    }
}
