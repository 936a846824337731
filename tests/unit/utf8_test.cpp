// The agent's one UTF-8 encoder and checker, against the boundaries RFC 3629 draws.
#include "util/utf8.hpp"

#include <gtest/gtest.h>

#include <string>

namespace mpa::test {
namespace {

std::string encode(std::uint32_t codePoint) {
    std::string out;
    appendUtf8(&out, codePoint);
    return out;
}

TEST(Utf8, EncodesEachLengthAtItsBoundaries) {
    EXPECT_EQ(encode(0x41), "A");
    EXPECT_EQ(encode(0x7F), "\x7F");
    EXPECT_EQ(encode(0x80), "\xC2\x80");
    EXPECT_EQ(encode(0x7FF), "\xDF\xBF");
    EXPECT_EQ(encode(0x800), "\xE0\xA0\x80");
    EXPECT_EQ(encode(0xFFFD), "\xEF\xBF\xBD");
    EXPECT_EQ(encode(0x10000), "\xF0\x90\x80\x80");
    EXPECT_EQ(encode(0x10FFFF), "\xF4\x8F\xBF\xBF");
}

TEST(Utf8, WhatItEncodesIsWellFormedAndCountsAsOneCharacter) {
    for (std::uint32_t cp : {0x24u, 0xA2u, 0x20ACu, 0x10348u}) {
        const std::string s = encode(cp);
        EXPECT_EQ(utf8SequenceLength(s, 0), s.size()) << cp;
        EXPECT_EQ(utf8Length(s), 1u) << cp;
    }
}

TEST(Utf8, RefusesWhatIsNotASequence) {
    EXPECT_EQ(utf8SequenceLength("\x80", 0), 0u) << "a stray continuation byte";
    EXPECT_EQ(utf8SequenceLength("\xC0\xAF", 0), 0u) << "overlong";
    EXPECT_EQ(utf8SequenceLength("\xED\xA0\x80", 0), 0u) << "a surrogate";
    EXPECT_EQ(utf8SequenceLength("\xF4\x90\x80\x80", 0), 0u) << "above U+10FFFF";
    EXPECT_EQ(utf8SequenceLength("\xE2\x82", 0), 0u) << "truncated";
}

TEST(Utf8, LengthCountsCodePoints) {
    EXPECT_EQ(utf8Length(""), 0u);
    EXPECT_EQ(utf8Length("caf\xC3\xA9 \xE2\x82\xAC"), 6u);
}

}  // namespace
}  // namespace mpa::test
