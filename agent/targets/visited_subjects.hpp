#pragma once
// The ledger subjects a per-user pass visited, kept to find the entries of files it did not (a
// profile removed, a data directory gone) once the walk is over. At 100,000 profiles a copy of
// each path would be megabytes, so a subject is kept as a 4-byte hash: 0.4 MB there.
//
// A hash shared by an unvisited subject and a visited one makes the pass take the unvisited
// one's entries for visited, so they are not looked at this pass. The hashes are salted with a
// number drawn for each pass, so a collision is one pass's (about one in 40,000 at 100,000
// subjects): the next pass looks at those entries. An unsalted hash would have kept the same
// pair colliding, and the gone file's entries, for every pass.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace mpa {

class VisitedSubjects {
  public:
    // A fresh salt from the system's random generator.
    VisitedSubjects();
    // With a given salt: the tests', to make two subjects collide.
    explicit VisitedSubjects(std::uint64_t salt) : salt_(salt) {}

    // Room for `subjects` more, so the list holds no spare capacity (doubling kept up to half of
    // it unused, and both buffers while it moved).
    void reserve(std::size_t subjects) { hashes_.reserve(hashes_.size() + subjects); }
    void add(std::string_view subject);
    // Whether `subject` was added (or shares its hash with one that was). The first call after
    // an add() sorts the hashes.
    bool contains(std::string_view subject);

    std::size_t size() const { return hashes_.size(); }
    // The hash kept for `subject`: what the tests make collide.
    std::uint32_t hashOf(std::string_view subject) const;

  private:
    std::uint64_t salt_;
    std::vector<std::uint32_t> hashes_;
    bool sorted_ = true;
};

}  // namespace mpa
