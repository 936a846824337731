// The subjects a per-user pass visited (targets/visited_subjects.hpp).
#include "targets/visited_subjects.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <unordered_map>

namespace mpa {
namespace {

TEST(VisitedSubjects, ContainsWhatWasAddedInAnyOrderAndNothingElse) {
    VisitedSubjects visited;
    visited.reserve(3);
    // Added out of order, then asked, then added to and asked again: each ask sees every add.
    visited.add("/home/carol/.metalama/telemetry.json");
    visited.add("/home/alice/.metalama/telemetry.json");
    EXPECT_TRUE(visited.contains("/home/alice/.metalama/telemetry.json"));
    EXPECT_TRUE(visited.contains("/home/carol/.metalama/telemetry.json"));
    EXPECT_FALSE(visited.contains("/home/bob/.metalama/telemetry.json"));
    visited.add("/home/bob/.metalama/telemetry.json");
    EXPECT_TRUE(visited.contains("/home/bob/.metalama/telemetry.json"));
    EXPECT_FALSE(visited.contains("/home/dave/.metalama/telemetry.json"));
    EXPECT_FALSE(visited.contains(""));
    EXPECT_EQ(visited.size(), 3u);
}

// The salt is drawn for each pass, so the pair of subjects whose hashes agree in one pass
// differs from the next: a gone file's entries are not taken for visited pass after pass.
TEST(VisitedSubjects, ACollisionBelongsToOneSalt) {
    // Two subjects whose hashes agree under salt 1: among 2^18 names a pair is all but certain
    // (birthday bound on 32 bits).
    const VisitedSubjects probe(1);
    std::unordered_map<std::uint32_t, std::string> seen;
    std::string visitedSubject, gone;
    for (unsigned i = 0; i < (1U << 18) && gone.empty(); ++i) {
        auto candidate = "/home/u" + std::to_string(i) + "/.metalama/telemetry.json";
        const auto [at, added] = seen.emplace(probe.hashOf(candidate), candidate);
        if (!added) {
            visitedSubject = at->second;
            gone = std::move(candidate);
        }
    }
    ASSERT_FALSE(gone.empty());

    VisitedSubjects saltOne(1);
    saltOne.add(visitedSubject);
    EXPECT_TRUE(saltOne.contains(gone));  // this pass takes it for visited

    VisitedSubjects saltTwo(2);
    saltTwo.add(visitedSubject);
    EXPECT_TRUE(saltTwo.contains(visitedSubject));
    EXPECT_FALSE(saltTwo.contains(gone));  // the next pass does not
}

TEST(VisitedSubjects, TwoPassesDrawDifferentSalts) {
    // Two draws of 64 random bits agree once in 2^64: the hashes of one subject then differ in
    // all but one in 2^32 draws.
    VisitedSubjects a, b;
    const std::string subject = "/home/alice/.metalama/telemetry.json";
    EXPECT_NE(a.hashOf(subject), b.hashOf(subject));
}

}  // namespace
}  // namespace mpa
