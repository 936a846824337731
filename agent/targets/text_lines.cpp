#include "targets/text_lines.hpp"

namespace mpa {

std::vector<LineSpan> lineSpans(std::string_view text) {
    std::vector<LineSpan> lines;
    std::size_t pos = 0;
    while (pos < text.size()) {
        const auto nl = text.find('\n', pos);
        if (nl == std::string_view::npos) {
            lines.push_back({pos, text.size(), text.size()});
            break;
        }
        const auto end = nl > pos && text[nl - 1] == '\r' ? nl - 1 : nl;
        lines.push_back({pos, end, nl + 1});
        pos = nl + 1;
    }
    return lines;
}

std::string newlineOf(std::string_view text) {
    return text.find("\r\n") != std::string_view::npos ? "\r\n" : "\n";
}

void dropAddedEnding(std::string* text, const std::string& added) {
    const std::string eol = added.find("+crlf") != std::string::npos  ? "\r\n"
                            : added.find("+eol") != std::string::npos ? "\n"
                                                                      : "";
    if (!eol.empty() && text->size() >= eol.size() &&
        text->compare(text->size() - eol.size(), eol.size(), eol) == 0)
        text->resize(text->size() - eol.size());
}

void eraseLines(std::string* text, const std::vector<LineSpan>& lines, std::size_t first,
                std::size_t last, const std::string& added) {
    if (lines[last].next > lines[last].end || first == 0) {
        text->erase(lines[first].begin, lines[last].next - lines[first].begin);
    } else if (added.find("+eol") != std::string::npos ||
               added.find("+crlf") != std::string::npos) {
        text->erase(lines[first].begin);
        dropAddedEnding(text, added);
    } else {
        text->erase(lines[first - 1].end, lines[last].next - lines[first - 1].end);
    }
}

}  // namespace mpa
