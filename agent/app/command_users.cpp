// users: the accounts whose profiles the agent looks after, and how each was found (the user
// database, a home directory under a home root, a login session), so an administrator can see
// why a directory (SSSD, winbind) user is or is not managed. Reads only.
#include <ostream>

#include "app/command.hpp"
#include "app/exit_codes.hpp"
#include "platform/users.hpp"

namespace mpa {

int runUsers(CommandEnv& env) {
    CommandArgs args(env.args, {}, {});
    if (!args.ok() || !args.positional().empty()) {
        env.err << "users: "
                << (!args.ok() ? args.error() : "unexpected argument " + args.positional().front())
                << "\n";
        return exit_code::kUsage;
    }
    const auto& root = env.context.settings.root;
    const auto list =
        env.context.platform == PlatformProfile::MacOS     ? platform::listMacLoginUsers(root)
        : env.context.platform == PlatformProfile::Windows ? platform::listWindowsProfiles()
                                                           : platform::listLoginUsers(root);
    for (const auto& user : list.users)
        env.out << user.name << "  uid " << user.uid << "  " << user.home << "  ("
                << list.howFound(user.name) << ")\n";
    for (const auto& error : list.errors) env.err << "users: " << error << "\n";
    return exit_code::kCompliant;
}

}  // namespace mpa
