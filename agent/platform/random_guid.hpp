#pragma once
// Random GUIDs from the operating system's random generator (getrandom(2) on Linux, getentropy
// on macOS, BCryptGenRandom on Windows): no user-space generator to seed, no library to map.
#include <cstddef>
#include <string>

namespace mpa::platform {

// Fills `size` bytes (at most 256) from the system generator; throws std::runtime_error when it
// fails (on Linux only before the kernel's pool is first initialised, and not on any boot the
// agent's service runs in).
void fillRandomBytes(unsigned char* out, std::size_t size);

// A random (version 4) GUID in the form .NET writes: lower-case, hyphenated, no braces.
std::string newRandomGuid();

}  // namespace mpa::platform
