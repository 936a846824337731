#include "targets/visited_subjects.hpp"

#include <algorithm>
#include <cstring>
#include <functional>

#include "platform/random_guid.hpp"

namespace mpa {

namespace {

std::uint64_t randomSalt() {
    unsigned char bytes[sizeof(std::uint64_t)];
    platform::fillRandomBytes(bytes, sizeof bytes);
    std::uint64_t salt = 0;
    std::memcpy(&salt, bytes, sizeof salt);
    return salt;
}

// SplitMix64's finaliser: every bit of the result depends on every bit of the input, so the 32
// bits kept from the salted hash of two different subjects agree by chance, whatever the salt.
std::uint64_t mix(std::uint64_t x) {
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

}  // namespace

VisitedSubjects::VisitedSubjects() : salt_(randomSalt()) {}

std::uint32_t VisitedSubjects::hashOf(std::string_view subject) const {
    const std::uint64_t h = std::hash<std::string_view>()(subject);
    return static_cast<std::uint32_t>(mix(h ^ salt_) >> 32);
}

void VisitedSubjects::add(std::string_view subject) {
    const auto h = hashOf(subject);
    // A walk adds in order more often than not; sorted stays true while it does.
    if (!hashes_.empty() && h < hashes_.back()) sorted_ = false;
    hashes_.push_back(h);
}

bool VisitedSubjects::contains(std::string_view subject) {
    if (!sorted_) {
        std::sort(hashes_.begin(), hashes_.end());
        sorted_ = true;
    }
    return std::binary_search(hashes_.begin(), hashes_.end(), hashOf(subject));
}

}  // namespace mpa
