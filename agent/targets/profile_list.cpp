#include "targets/profile_list.hpp"

#include <utility>

#include "targets/metalama_profiles.hpp"
#include "util/path_text.hpp"

namespace mpa {

ProfileList::ProfileList(std::shared_ptr<const DataDirectories> dataDirectories,
                         platform::AccountList accounts)
    : accounts_(std::move(accounts)), dataDirectories_(std::move(dataDirectories)) {}

bool ProfileList::add(std::string_view account, std::uint32_t uid, std::uint32_t gid,
                      std::string_view home, bool isTemplate) {
    if (!template_.empty()) return false;
    return (isTemplate ? template_ : accounts_).add(account, uid, gid, home);
}

void ProfileList::sortByHome() {
    // Accounts sharing a home keep their uid order.
    accounts_.sort([](const platform::AccountList::View& a, const platform::AccountList::View& b) {
        if (homeOrderLess(a.home, b.home)) return true;
        if (homeOrderLess(b.home, a.home)) return false;
        return a.uid < b.uid;
    });
}

MetalamaProfile ProfileList::operator[](std::size_t i) const {
    auto account = i < accounts_.size() ? accounts_[i] : template_[i - accounts_.size()];
    MetalamaProfile p;
    p.account = std::move(account.name);
    p.uid = account.uid;
    p.gid = account.gid;
    p.home = std::move(account.home);
    p.isTemplate = isTemplate(i);
    p.dataDirectories = dataDirectories_;
    return p;
}

MetalamaProfile ProfileList::back() const {
    return (*this)[size() - 1];
}

}  // namespace mpa
