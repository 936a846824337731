#pragma once
// The command line: global options, the agent configuration file, logging, then the command.
#include <iosfwd>
#include <string>
#include <vector>

namespace mpa {

int runCommandLine(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace mpa
