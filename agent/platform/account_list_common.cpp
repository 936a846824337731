#include <limits>

#include "platform/account_list.hpp"

namespace mpa::platform {

bool AccountList::add(std::string_view name, std::uint32_t uid, std::uint32_t gid,
                      std::string_view home) {
    constexpr std::size_t kMaxLength = std::numeric_limits<std::uint16_t>::max();
    if (name.size() > kMaxLength || home.size() > kMaxLength ||
        text_.size() + name.size() + home.size() > std::numeric_limits<std::uint32_t>::max())
        return false;
    Entry e{};
    e.offset = static_cast<std::uint32_t>(text_.size());
    e.uid = uid;
    e.gid = gid;
    e.nameLength = static_cast<std::uint16_t>(name.size());
    e.homeLength = static_cast<std::uint16_t>(home.size());
    text_.append(name);
    text_.append(home);
    entries_.push_back(e);
    return true;
}

UserAccount AccountList::operator[](std::size_t i) const {
    const View v = view(i);
    UserAccount account;
    account.name = std::string(v.name);
    account.uid = v.uid;
    account.gid = v.gid;
    account.home = std::string(v.home);
    return account;
}

}  // namespace mpa::platform
