// An input iterator over a list that makes each element when asked (list[i] by value): the
// compact lists (platform/account_list.hpp, targets/profile_list.hpp) hold no element objects to
// point at.
#pragma once

#include <cstddef>
#include <iterator>

namespace mpa {

template <typename List, typename Value>
class IndexIterator {
  public:
    using iterator_category = std::input_iterator_tag;
    using value_type = Value;
    using difference_type = std::ptrdiff_t;
    using pointer = void;
    using reference = Value;
    IndexIterator(const List* list, std::size_t i) : list_(list), i_(i) {}
    Value operator*() const { return (*list_)[i_]; }
    IndexIterator& operator++() {
        ++i_;
        return *this;
    }
    bool operator==(const IndexIterator& o) const { return i_ == o.i_; }
    bool operator!=(const IndexIterator& o) const { return i_ != o.i_; }

  private:
    const List* list_;
    std::size_t i_;
};

}  // namespace mpa
