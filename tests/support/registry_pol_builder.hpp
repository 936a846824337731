// Builds Registry.pol bytes by hand for tests, including deliberately malformed ones (the fixtures
// written by Samba cover well-formed files; see tests/fixtures/registry_pol/make_fixtures.py).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace mpa::test {

// UTF-16LE of ASCII/UTF-8-free text (tests use ASCII here; non-ASCII comes from Samba's fixtures).
inline std::string utf16(std::string_view ascii) {
    std::string out;
    for (const char c : ascii) {
        out += c;
        out += '\0';
    }
    return out;
}

inline std::string dwordBytes(std::uint32_t v) {
    std::string out;
    for (int i = 0; i < 4; ++i) out += static_cast<char>((v >> (8 * i)) & 0xFF);
    return out;
}

inline std::string pregHeader() {
    return std::string("PReg\x01\x00\x00\x00", 8);
}

// One record; `size` defaults to data.size() and can be set to lie.
inline std::string pregRecord(std::string_view key, std::string_view name, std::uint32_t type,
                              const std::string& data, long long size = -1) {
    std::string out = utf16("[") + utf16(key) + std::string(2, '\0') + utf16(";") + utf16(name) +
                      std::string(2, '\0') + utf16(";") + dwordBytes(type) + utf16(";") +
                      dwordBytes(static_cast<std::uint32_t>(
                          size < 0 ? static_cast<long long>(data.size()) : size)) +
                      utf16(";") + data + utf16("]");
    return out;
}

inline std::string pregSz(std::string_view text) {
    return utf16(text) + std::string(2, '\0');
}

}  // namespace mpa::test
