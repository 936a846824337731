#pragma once
#include <string>

namespace mpa {
// A random (version 4) GUID in the form .NET writes: lower-case, hyphenated, no braces.
std::string newRandomGuid();
}  // namespace mpa
