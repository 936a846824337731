// libFuzzer target for the account readers (passwd and login.defs, as read from a scratch root
// or a machine's /etc): any bytes in, no crash or undefined behaviour; every account returned
// has a name and an absolute home, and selection keeps only the range asked for.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "platform/users.hpp"

namespace {

void check(bool condition) {
    if (!condition) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const auto range = mpa::platform::parseLoginDefs(text);
    std::vector<std::string> errors;
    const auto accounts = mpa::platform::parsePasswd(text, &errors);
    for (const auto& account : accounts) {
        check(!account.name.empty());
        check(!account.home.empty() && account.home[0] == '/');
    }
    const auto selected = mpa::platform::selectLoginUsers(accounts, range);
    check(selected.size() <= accounts.size());
    for (const auto& account : selected)
        check(account.uid >= range.uidMin && account.uid <= range.uidMax);
    return 0;
}
