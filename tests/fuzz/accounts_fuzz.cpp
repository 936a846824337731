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
    for (std::size_t i = 0; i < accounts.size(); ++i) {
        const auto account = accounts.view(i);
        check(!account.name.empty());
        check(!account.home.empty() && account.home[0] == '/');
        check(account.name.find(':') == std::string_view::npos);
    }
    const auto selected = mpa::platform::selectLoginUsers(accounts, range);
    check(selected.size() <= accounts.size());
    for (std::size_t i = 0; i < selected.size(); ++i) {
        const auto account = selected.view(i);
        check(account.uid >= range.uidMin && account.uid <= range.uidMax);
        if (i > 0) check(selected.view(i - 1).uid <= account.uid);
    }
    return 0;
}
