#pragma once
// The profiles of one pass, held compactly. A pass holds its list from the listing to the end of
// the last per-user target, so at ten thousand profiles a `MetalamaProfile` each (two strings, the
// ids, a shared pointer: 96 bytes) was a quarter of a first pass's heap. Here a profile is 16
// bytes and its name and home are one run of characters in a text shared by the whole list; a
// visitor gets a `MetalamaProfile` made when it asks for it.
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace mpa {

struct MetalamaProfile;
using DataDirectories = std::vector<std::vector<std::string>>;

class ProfileList {
  public:
    ProfileList() = default;
    // Every profile of the list has these data directories (one list per platform).
    explicit ProfileList(std::shared_ptr<const DataDirectories> dataDirectories);

    // False, and nothing added, for a name or home longer than the list can hold (64 KiB and
    // 32 KiB: no account database or file system allows either).
    bool add(std::string_view account, std::uint32_t uid, std::uint32_t gid, std::string_view home,
             bool isTemplate = false);
    // Room for `profiles` more whose names and homes take `textBytes` together: the list then
    // holds no spare capacity (grown by doubling, the text kept up to half of itself unused).
    void reserve(std::size_t profiles, std::size_t textBytes) {
        entries_.reserve(entries_.size() + profiles);
        text_.reserve(text_.size() + textBytes);
    }
    // In the order of the paths under the homes (util/path_text.hpp homeOrderLess), then by uid.
    // The whole list: a template is added after it.
    void sortByHome();

    const std::shared_ptr<const DataDirectories>& dataDirectories() const {
        return dataDirectories_;
    }
    std::size_t size() const { return entries_.size(); }
    bool empty() const { return entries_.empty(); }
    MetalamaProfile operator[](std::size_t i) const;
    MetalamaProfile back() const;
    bool isTemplate(std::size_t i) const { return (entries_[i].homeLength & kTemplateBit) != 0; }
    std::string_view account(std::size_t i) const;
    std::string_view home(std::size_t i) const;

    class const_iterator {
      public:
        using iterator_category = std::input_iterator_tag;
        using value_type = MetalamaProfile;
        using difference_type = std::ptrdiff_t;
        using pointer = void;
        using reference = MetalamaProfile;
        const_iterator(const ProfileList* list, std::size_t i) : list_(list), i_(i) {}
        MetalamaProfile operator*() const;
        const_iterator& operator++() {
            ++i_;
            return *this;
        }
        bool operator==(const const_iterator& o) const { return i_ == o.i_; }
        bool operator!=(const const_iterator& o) const { return i_ != o.i_; }

      private:
        const ProfileList* list_;
        std::size_t i_;
    };
    const_iterator begin() const { return {this, 0}; }
    const_iterator end() const { return {this, entries_.size()}; }

  private:
    static constexpr std::uint16_t kTemplateBit = 0x8000;
    struct Entry {
        std::uint32_t offset;  // of the account name in text_; the home follows it
        std::uint32_t uid, gid;
        std::uint16_t accountLength;
        std::uint16_t homeLength;  // with kTemplateBit
    };
    static_assert(sizeof(Entry) == 16, "a profile is 16 bytes in the list");
    std::string_view homeOf(const Entry& e) const;
    std::string text_;
    std::vector<Entry> entries_;
    std::shared_ptr<const DataDirectories> dataDirectories_;
};

}  // namespace mpa
