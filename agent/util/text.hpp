#pragma once
// Small ASCII text helpers shared by parsers (locale-independent on purpose).
#include <string>
#include <string_view>
#include <vector>

namespace mpa {

bool isAsciiAlnum(char c);
char lowerAscii(char c);
std::string lowerAscii(std::string_view s);
bool equalsIgnoringCase(std::string_view a, std::string_view b);
bool startsWith(std::string_view s, std::string_view prefix);
bool endsWith(std::string_view s, std::string_view suffix);
std::string_view trim(std::string_view s);
std::vector<std::string_view> splitLines(std::string_view text);  // keeps no terminators
// Every part between separators, empty ones included: "a.b" -> {"a", "b"}, "" -> {""}.
std::vector<std::string> splitOn(std::string_view text, char separator);
// Parses a whole string as a signed decimal integer ("+5", "-3", "42"); nothing else.
bool parseDecimal(std::string_view s, long long* out);

}  // namespace mpa
