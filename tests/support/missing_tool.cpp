#include "support/missing_tool.hpp"

#include <cstdlib>
#include <filesystem>
#include <system_error>

namespace mpa::test {

std::string missingUnless(bool available, const std::string& what, const std::string& package) {
    if (available) return "";
    return what + " is missing: install the Debian package " + package + " (scripts/setup.sh)";
}

std::string missingTool(const std::string& path, const std::string& package) {
    namespace fs = std::filesystem;
    std::error_code ec;
    const auto st = fs::status(path, ec);
    const bool executable = !ec && fs::is_regular_file(st) &&
                            (st.permissions() & fs::perms::owner_exec) != fs::perms::none;
    return missingUnless(executable, path, package);
}

void failUnderCi(const std::string& missing) {
    const char* ci = std::getenv("CI");
    if (ci && std::string(ci) == "true") ADD_FAILURE() << missing;
}

}  // namespace mpa::test
