#pragma once
// The profiles of one pass, held compactly. A pass holds its list from the listing to the end of
// the last per-user target, so at ten thousand profiles a `MetalamaProfile` each (two strings, the
// ids, a shared pointer: 96 bytes) was a quarter of a first pass's heap. The list is the listing's
// own AccountList (platform/account_list.hpp: 16 bytes a profile, names and homes in one text),
// taken over rather than copied; a visitor gets a `MetalamaProfile` made when it asks for it.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "platform/account_list.hpp"
#include "util/index_iterator.hpp"

namespace mpa {

struct MetalamaProfile;
using DataDirectories = std::vector<std::vector<std::string>>;

class ProfileList {
  public:
    ProfileList() = default;
    // Every profile of the list has these data directories (one list per platform); the
    // accounts, if given, are its profiles.
    explicit ProfileList(std::shared_ptr<const DataDirectories> dataDirectories,
                         platform::AccountList accounts = {});

    // False, and nothing added, for a name or home longer than the list can hold (64 KiB: no
    // account database or file system allows either), and for anything after the template,
    // which is the last profile.
    bool add(std::string_view account, std::uint32_t uid, std::uint32_t gid, std::string_view home,
             bool isTemplate = false);
    // In the order of the paths under the homes (util/path_text.hpp homeOrderLess), then by uid.
    // The template stays the last profile.
    void sortByHome();

    const std::shared_ptr<const DataDirectories>& dataDirectories() const {
        return dataDirectories_;
    }
    std::size_t size() const { return accounts_.size() + template_.size(); }
    bool empty() const { return size() == 0; }
    MetalamaProfile operator[](std::size_t i) const;
    MetalamaProfile back() const;
    bool isTemplate(std::size_t i) const { return i >= accounts_.size(); }
    std::string_view account(std::size_t i) const { return view(i).name; }
    std::string_view home(std::size_t i) const { return view(i).home; }

    using const_iterator = IndexIterator<ProfileList, MetalamaProfile>;
    const_iterator begin() const { return {this, 0}; }
    const_iterator end() const { return {this, size()}; }

  private:
    platform::AccountList::View view(std::size_t i) const {
        return i < accounts_.size() ? accounts_.view(i) : template_.view(i - accounts_.size());
    }
    platform::AccountList accounts_;
    // The template, the last profile, apart: added to the listing's list, which holds no spare
    // capacity, it made that list's text and entries grow by doubling.
    platform::AccountList template_;
    std::shared_ptr<const DataDirectories> dataDirectories_;
};

}  // namespace mpa
