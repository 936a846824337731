#pragma once
// The one way both platforms fold metadata into a PathStamp (FNV-1a over bytes: not
// cryptographic, only a change detector), and the bounds of a directory's stamp: deeper and
// wider than the watcher's (8 levels, 512 directories), so that what the watcher cannot see is
// still found by the comparison.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "platform/path_stamp.hpp"

namespace mpa::platform::detail {

constexpr PathStamp kStampSeed = 14695981039346656037ull;
constexpr int kStampMaxDepth = 16;
constexpr std::size_t kStampMaxEntries = 8192;

inline void stampMix(PathStamp& h, std::uint64_t value) {
    for (int i = 0; i < 8; ++i) {
        h ^= (value >> (8 * i)) & 0xffu;
        h *= 1099511628211ull;
    }
}

inline void stampMix(PathStamp& h, std::string_view text) {
    for (const char c : text) {
        h ^= static_cast<unsigned char>(c);
        h *= 1099511628211ull;
    }
    stampMix(h, static_cast<std::uint64_t>(text.size()));
}

// Never the "unknown" value for a path that could be stamped.
inline PathStamp known(PathStamp h) {
    return h == kUnknownStamp ? 1 : h;
}

}  // namespace mpa::platform::detail
