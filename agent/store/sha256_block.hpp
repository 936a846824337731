#pragma once
// The SHA-256 compression function (FIPS 180-4, 6.2.2) over whole 64-byte blocks, with the CPU's
// SHA extensions when it has them: the event chain and the pass fingerprints hash a few MB per
// pass over thousands of profiles, which Poco's portable code did at ~175 MB/s.
#include <cstddef>
#include <cstdint>

namespace mpa::sha256_block {

inline constexpr std::uint32_t kInitialState[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                                   0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};

// Compresses `blocks` blocks of `data` into `state`, the fastest way this CPU offers.
void compress(std::uint32_t state[8], const unsigned char* data, std::size_t blocks);

// The two ways, for tests that check one against the other.
void compressPortable(std::uint32_t state[8], const unsigned char* data, std::size_t blocks);
// False (and `state` untouched) when the CPU or the build has no SHA extensions.
bool compressAccelerated(std::uint32_t state[8], const unsigned char* data, std::size_t blocks);

}  // namespace mpa::sha256_block
