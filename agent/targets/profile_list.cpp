#include "targets/profile_list.hpp"

#include <algorithm>
#include <limits>

#include "targets/metalama_profiles.hpp"
#include "util/path_text.hpp"

namespace mpa {

ProfileList::ProfileList(std::shared_ptr<const DataDirectories> dataDirectories)
    : dataDirectories_(std::move(dataDirectories)) {}

bool ProfileList::add(std::string_view account, std::uint32_t uid, std::uint32_t gid,
                      std::string_view home, bool isTemplate) {
    if (account.size() > std::numeric_limits<std::uint16_t>::max() || home.size() >= kTemplateBit ||
        text_.size() + account.size() + home.size() > std::numeric_limits<std::uint32_t>::max())
        return false;
    Entry e{};
    e.offset = static_cast<std::uint32_t>(text_.size());
    e.uid = uid;
    e.gid = gid;
    e.accountLength = static_cast<std::uint16_t>(account.size());
    e.homeLength = static_cast<std::uint16_t>(home.size() | (isTemplate ? kTemplateBit : 0u));
    text_.append(account);
    text_.append(home);
    entries_.push_back(e);
    return true;
}

std::string_view ProfileList::account(std::size_t i) const {
    return std::string_view(text_).substr(entries_[i].offset, entries_[i].accountLength);
}

std::string_view ProfileList::home(std::size_t i) const {
    return homeOf(entries_[i]);
}

std::string_view ProfileList::homeOf(const Entry& e) const {
    return std::string_view(text_).substr(e.offset + e.accountLength, e.homeLength & ~kTemplateBit);
}

void ProfileList::sortByHome() {
    // std::sort on 16-byte entries: a stable sort's buffer would be half the list. Accounts
    // sharing a home keep their uid order.
    std::sort(entries_.begin(), entries_.end(), [&](const Entry& a, const Entry& b) {
        const auto ha = homeOf(a), hb = homeOf(b);
        if (homeOrderLess(ha, hb)) return true;
        if (homeOrderLess(hb, ha)) return false;
        return a.uid < b.uid;
    });
}

MetalamaProfile ProfileList::operator[](std::size_t i) const {
    MetalamaProfile p;
    p.account = std::string(account(i));
    p.uid = entries_[i].uid;
    p.gid = entries_[i].gid;
    p.home = std::string(home(i));
    p.isTemplate = isTemplate(i);
    p.dataDirectories = dataDirectories_;
    return p;
}

MetalamaProfile ProfileList::back() const {
    return (*this)[entries_.size() - 1];
}

MetalamaProfile ProfileList::const_iterator::operator*() const {
    return (*list_)[i_];
}

}  // namespace mpa
