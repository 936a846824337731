#pragma once
// The findings of a pass, or of one target in it, in the order they were made. Over a machine
// with ten thousand profiles a pass makes twenty thousand findings; held as Finding objects they
// were most of a pass's peak memory (about 1.5 KB a profile). A FindingLog keeps them encoded (a
// few hundred bytes each) and, when given a spill file, moves them out of memory past a small
// budget, so what a pass holds no longer grows with the number of profiles. Readers go through
// them in order, as many times as they need; nothing changes a finding once it is logged.
//
// Copies share what is logged (a copy is cheap: the store keeps a failed pass for its next
// attempt); appending to a copy never changes the original.
#include <cstddef>
#include <cstdio>
#include <functional>
#include <initializer_list>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "model/finding.hpp"

namespace mpa {

class FindingLog {
  public:
    // Opens an unlinked temporary file the log may move findings to (platform/spill_file.hpp),
    // or returns null (with no file the log keeps everything in memory).
    using SpillFile = std::function<std::FILE*()>;
    // Encoded findings a log keeps in memory per target before it moves them to its spill file.
    static constexpr std::size_t kMemoryBudget = 128 * 1024;

    FindingLog() = default;
    explicit FindingLog(SpillFile spill) : spill_(std::move(spill)) {}
    // A target's few findings, built as a vector it still changes (implicit on purpose: `return
    // findings;` from a target).
    FindingLog(const std::vector<Finding>& findings);  // NOLINT(google-explicit-constructor)
    FindingLog(std::initializer_list<Finding> findings);

    void push_back(const Finding& finding);
    // The finding is encoded, not kept: a moved one is taken the same way.
    void push_back(Finding&& finding) { push_back(static_cast<const Finding&>(finding)); }
    // Takes what `more` logged, after this log's findings, without copying it.
    void append(FindingLog&& more);

    std::size_t size() const { return size_; }
    bool empty() const { return size_ == 0; }
    // Bytes the log holds in memory for its findings (what it allocated, not only what it uses).
    std::size_t memoryHeld() const;

    // Reads the findings in order. The Finding it refers to is the iterator's own and changes as
    // it advances. Throws std::runtime_error when a spilled finding cannot be read back.
    class const_iterator {
      public:
        using iterator_category = std::input_iterator_tag;
        using value_type = Finding;
        using difference_type = std::ptrdiff_t;
        using pointer = const Finding*;
        using reference = const Finding&;

        const_iterator() = default;
        reference operator*() const;
        pointer operator->() const { return &**this; }
        // Prefix only: copies of an iterator share its reading position.
        const_iterator& operator++();
        bool operator==(const const_iterator& other) const;
        bool operator!=(const const_iterator& other) const { return !(*this == other); }

      private:
        friend class FindingLog;
        struct State;
        std::shared_ptr<State> state_;
    };
    const_iterator begin() const;
    const_iterator end() const { return {}; }

    // The finding at `index`, read from the start: for tests and short lists only. A const copy,
    // so that `log[i].field = ...` (which would change only the copy) does not compile.
    const Finding operator[](std::size_t index) const;  // NOLINT(readability-const-return-type)
    std::vector<Finding> toVector() const;

    // Why findings stayed in memory although the log has a spill file (empty when they did not):
    // the pass goes on, and says so in its notes.
    const std::string& spillProblem() const { return spillProblem_; }

    struct Segment;

  private:
    Segment& writable();
    void spill(Segment& s);

    SpillFile spill_;
    std::string encoded_;  // the finding being logged, before it joins a segment
    std::vector<std::shared_ptr<Segment>> segments_;
    std::size_t size_ = 0;
    std::string spillProblem_;
};

}  // namespace mpa
