// The accounts a listing found, held compactly.
#pragma once
// Every pass lists the machine's accounts. Held as a UserAccount each (two strings and the ids, 72
// bytes, and a heap block for every name or home past 15 characters), 100,000 accounts were the
// largest thing a first pass held, and the pass's profile list was made from them while they were
// held. Here an account is 16 bytes and its name and home are one run of characters in a text
// shared by the list; a UserAccount is made when asked for. The pass's profile list
// (targets/profile_list.hpp) takes the list over instead of copying it.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "util/index_iterator.hpp"

namespace mpa::platform {

struct UserAccount {
    std::string name;
    uint32_t uid = 0, gid = 0;
    std::string home;  // as in passwd, e.g. /home/alice (not prefixed with the agent's root)
};

class AccountList {
  public:
    // One account as the list holds it; the views live as long as the list is not added to.
    struct View {
        std::string_view name;
        std::uint32_t uid, gid;
        std::string_view home;
    };

    // What a listing reports when add() refuses an account.
    static constexpr const char* kTooLong = "name or home directory longer than 64 KiB";
    // False, and nothing added, for a name or home longer than 64 KiB (no account database or
    // file system allows either): the caller reports it (kTooLong).
    bool add(std::string_view name, std::uint32_t uid, std::uint32_t gid, std::string_view home);
    bool add(const UserAccount& account) {
        return add(account.name, account.uid, account.gid, account.home);
    }
    // Room for `accounts` more whose names and homes take `textBytes` together: the list then
    // holds no spare capacity (grown by doubling, the text kept up to half of itself unused).
    void reserve(std::size_t accounts, std::size_t textBytes) {
        entries_.reserve(entries_.size() + accounts);
        text_.reserve(text_.size() + textBytes);
    }

    std::size_t size() const { return entries_.size(); }
    bool empty() const { return entries_.empty(); }
    View view(std::size_t i) const { return viewOf(entries_[i]); }
    UserAccount operator[](std::size_t i) const;

    // Keeps the accounts for which keep(View, position) is true, in their order; keep is asked
    // once for each, in order. What the others took of the text stays with the list (a listing
    // drops few: the system accounts).
    template <typename Keep>
    void keepIf(Keep&& keep) {
        std::size_t kept = 0;
        for (std::size_t i = 0; i < entries_.size(); ++i)
            if (keep(viewOf(entries_[i]), i)) entries_[kept++] = entries_[i];
        entries_.resize(kept);
    }
    // Keeps the first of the accounts that share key(View) (any ordered value), in their order.
    // Found by sorting positions (4 bytes an account, ties broken by position, so the first of a
    // key sorts first): a set holding a copy of every key was most of what a listing held.
    template <typename Key>
    void dropLaterDuplicates(Key&& key) {
        std::vector<std::uint32_t> order(entries_.size());
        for (std::size_t i = 0; i < order.size(); ++i) order[i] = static_cast<std::uint32_t>(i);
        const auto keyAt = [&](std::uint32_t i) { return key(viewOf(entries_[i])); };
        std::sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) {
            const auto ka = keyAt(a), kb = keyAt(b);
            return ka != kb ? ka < kb : a < b;
        });
        std::vector<bool> later(entries_.size(), false);
        for (std::size_t k = 1; k < order.size(); ++k)
            if (keyAt(order[k]) == keyAt(order[k - 1])) later[order[k]] = true;
        order = {};
        keepIf([&](const View&, std::size_t i) { return !later[i]; });
    }
    // In place, with less(View, View); std::sort, so give it a total order for a stable result
    // (stable_sort's buffer would be half the list).
    template <typename Less>
    void sort(Less&& less) {
        std::sort(entries_.begin(), entries_.end(),
                  [&](const Entry& a, const Entry& b) { return less(viewOf(a), viewOf(b)); });
    }
    // By uid, then name: a total order once names are unique (dropLaterDuplicates by name).
    void sortByUid() {
        sort([](const View& a, const View& b) {
            return a.uid != b.uid ? a.uid < b.uid : a.name < b.name;
        });
    }

    using const_iterator = IndexIterator<AccountList, UserAccount>;
    const_iterator begin() const { return {this, 0}; }
    const_iterator end() const { return {this, entries_.size()}; }

  private:
    struct Entry {
        std::uint32_t offset;  // of the name in text_; the home follows it
        std::uint32_t uid, gid;
        std::uint16_t nameLength, homeLength;
    };
    static_assert(sizeof(Entry) == 16, "an account is 16 bytes in the list");
    View viewOf(const Entry& e) const {
        const std::string_view text(text_);
        return {text.substr(e.offset, e.nameLength), e.uid, e.gid,
                text.substr(std::size_t{e.offset} + e.nameLength, e.homeLength)};
    }
    std::string text_;
    std::vector<Entry> entries_;
};

}  // namespace mpa::platform
