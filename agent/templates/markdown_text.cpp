#include "templates/markdown_text.hpp"

namespace mpa {

std::string markdownCell(const std::string& text) {
    std::string out;
    for (char c : text) {
        if (c == '|') {
            out += "\\|";
        } else if (c == '\n') {
            out += ' ';
        } else {
            out += c;
        }
    }
    return out;
}

std::string markdownCode(const std::string& text) {
    return "`" + text + "`";
}

}  // namespace mpa
