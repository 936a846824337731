#pragma once
// Account lists written out in a test, and the names they hold in order.
#include <initializer_list>
#include <stdexcept>
#include <string>
#include <vector>

#include "platform/account_list.hpp"

namespace mpa::test {

inline platform::AccountList accountList(std::initializer_list<platform::UserAccount> accounts) {
    platform::AccountList list;
    for (const auto& account : accounts)
        if (!list.add(account)) throw std::length_error("account too long for the list");
    return list;
}

inline std::vector<std::string> accountNames(const platform::AccountList& list) {
    std::vector<std::string> names;
    for (std::size_t i = 0; i < list.size(); ++i) names.emplace_back(list.view(i).name);
    return names;
}

}  // namespace mpa::test
