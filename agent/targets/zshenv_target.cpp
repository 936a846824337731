// /etc/zshenv: read by every zsh, login or not, interactive or not (zsh is macOS's default shell
// since 10.15), so terminals and scripts get the variable even where launchd's does not reach.
// The file may hold an administrator's own lines: the agent owns one line of it, in shell syntax.
// On macOS /etc is a symbolic link to /private/etc, and the agent never follows links in a path
// it writes, so the file is named by its real path.
#include "targets/env_line_file.hpp"
#include "targets/macos_environment_targets.hpp"
#include "targets/target_common.hpp"

namespace mpa {

std::unique_ptr<Target> makeZshenvTarget() {
    return makeEnvLineTarget(
        {"zshenv", "/private/etc/zshenv", kOptOutVariable, kOptOutValue, /*exported=*/true});
}

}  // namespace mpa
