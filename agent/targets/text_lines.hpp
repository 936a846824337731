#pragma once
// Lines of a settings file with their own endings, for the line editors of other tools' files
// (ini_settings_key today): what they add they can take back byte for byte, and a
// file's mix of "\n", "\r\n" and a last line without an ending is kept as it is.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace mpa {

struct LineSpan {
    std::size_t begin = 0, end = 0, next = 0;  // content [begin, end), its ending [end, next)
};

std::vector<LineSpan> lineSpans(std::string_view text);

// The ending new lines get: "\r\n" when the file has one, else "\n".
std::string newlineOf(std::string_view text);

// Takes off exactly the ending `added` names, when the text ends with it (the text's own last
// byte may be a '\r' that only looked like half of one).
void dropAddedEnding(std::string* text, const std::string& added);

// Removes lines [first, last] with their endings. A last line of the text without an ending takes
// the ending before it along: the one `added` names, else the previous line's.
void eraseLines(std::string* text, const std::vector<LineSpan>& lines, std::size_t first,
                std::size_t last, const std::string& added);

}  // namespace mpa
