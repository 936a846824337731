#include "policy/yaml_subset.hpp"

#include <algorithm>
#include <cstddef>
#include <string>
#include <vector>

#include "util/text.hpp"
#include "util/utf8.hpp"

namespace mpa {

namespace {

// Thrown where the text leaves the subset; readYamlSubset answers nullopt.
struct Outside {};
[[noreturn]] void outside() {
    throw Outside{};
}

bool isKeyStart(char c) {
    return isAsciiAlnum(c) || c == '_';
}
bool isKeyChar(char c) {
    return isKeyStart(c) || c == '-' || c == '.' || c == '/';
}

// Where a "key:" at the start of `text` ends (the colon), or npos when `text` does not start with
// a key of the subset followed by ':' and then a space or the end of the line.
std::size_t keyColon(std::string_view text) {
    if (text.empty() || !isKeyStart(text[0])) return std::string_view::npos;
    std::size_t i = 1;
    while (i < text.size() && isKeyChar(text[i])) ++i;
    if (i == text.size() || text[i] != ':') return std::string_view::npos;
    if (i + 1 < text.size() && text[i + 1] != ' ') return std::string_view::npos;
    return i;
}

// What yaml-cpp reads as a null, not as a word, where a key or plain scalar may stand.
bool isNullWord(std::string_view text) {
    return text == "~" || text == "null" || text == "Null" || text == "NULL";
}

bool isSequenceEntry(std::string_view text) {
    return !text.empty() && text[0] == '-' && (text.size() == 1 || text[1] == ' ');
}

std::string_view skipSpaces(std::string_view text) {
    const auto start = text.find_first_not_of(' ');
    return start == std::string_view::npos ? std::string_view() : text.substr(start);
}

// What may follow a scalar or a block scalar's header on its line: spaces, then a comment
// (which needs a space before its '#'), or nothing.
void onlyCommentAfter(std::string_view rest) {
    const auto after = skipSpaces(rest);
    if (after.empty()) return;
    if (after[0] != '#' || after.size() == rest.size()) outside();
}

YAML::Node scalarNode(const std::string& value, const char* tag) {
    YAML::Node node(value);
    node.SetTag(tag);  // yaml-cpp's own: "?" for plain scalars, "!" for quoted and block ones
    return node;
}

YAML::Node doubleQuoted(std::string_view text) {
    std::string value;
    for (std::size_t i = 1; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '"') {
            onlyCommentAfter(text.substr(i + 1));
            return scalarNode(value, "!");
        }
        if (c != '\\') {
            value += c;
            continue;
        }
        if (++i == text.size()) outside();
        switch (text[i]) {
            case '\\':
            case '"':
            case '/':
                value += text[i];
                break;
            case 'n':
                value += '\n';
                break;
            case 't':
                value += '\t';
                break;
            case 'r':
                value += '\r';
                break;
            default:
                outside();
        }
    }
    outside();  // closed on a later line
}

YAML::Node singleQuoted(std::string_view text) {
    std::string value;
    for (std::size_t i = 1; i < text.size(); ++i) {
        if (text[i] != '\'') {
            value += text[i];
            continue;
        }
        if (i + 1 < text.size() && text[i + 1] == '\'') {
            value += '\'';
            ++i;
            continue;
        }
        onlyCommentAfter(text.substr(i + 1));
        return scalarNode(value, "!");
    }
    outside();
}

YAML::Node plain(std::string_view text) {
    // Indicators that would make it something else (flow, anchor, alias, tag, block scalar,
    // quote, directive, reserved); '-' only when a space follows, which would be an entry.
    static constexpr std::string_view kIndicators = "[]{},#&*!|>'\"%@`?:";
    if (kIndicators.find(text[0]) != std::string_view::npos || isSequenceEntry(text)) outside();
    const auto comment = text.find(" #");
    auto value = text.substr(0, comment);
    value = value.substr(0, value.find_last_not_of(' ') + 1);
    // A second "key: value" on the line, a tab (yaml-cpp trims it), or a null.
    if (value.find(": ") != std::string_view::npos || value.back() == ':' ||
        value.find('\t') != std::string_view::npos || isNullWord(value))
        outside();
    return scalarNode(std::string(value), "?");
}

class Reader {
  public:
    explicit Reader(std::string_view text) {
        checkCharacters(text);
        // yaml-cpp reads a last line without a line break its own way (blank ones in a block
        // scalar become a space).
        if (text.empty() || text.back() != '\n') outside();
        lines_ = splitLines(text);
        for (auto& line : lines_) {
            if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
            if (line.find('\r') != std::string_view::npos) outside();
        }
    }

    YAML::Node document() {
        Line first;
        if (!peek(&first) || first.indent != 0) outside();
        auto root = block(take());
        if (peek(&first)) outside();  // something after the root, less indented than it
        return root;
    }

  private:
    // Well-formed UTF-8 without control characters (tab, line feed and carriage return aside),
    // byte order marks, or the characters YAML 1.1 also breaks lines at (U+0085, U+2028, U+2029).
    static void checkCharacters(std::string_view text) {
        for (std::size_t i = 0; i < text.size();) {
            const auto c = static_cast<unsigned char>(text[i]);
            if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F) outside();
            const auto length = utf8SequenceLength(text, i);
            if (length == 0) outside();
            const auto sequence = text.substr(i, length);
            if (sequence == "\xC2\x85" || sequence == "\xE2\x80\xA8" ||
                sequence == "\xE2\x80\xA9" || sequence == "\xEF\xBB\xBF")
                outside();
            i += length;
        }
    }

    struct Line {
        std::size_t indent = 0;
        std::string_view text;  // after the indentation
    };

    // The next line with content, skipping blank lines and comments; false at the end.
    bool peek(Line* line) {
        for (; next_ < lines_.size(); ++next_) {
            const auto raw = lines_[next_];
            const auto start = raw.find_first_not_of(' ');
            if (start == std::string_view::npos) continue;
            if (raw[start] == '\t') outside();  // a tab in the indentation, even of a blank line
            if (raw[start] == '#') continue;
            if (start == 0 &&
                (raw.substr(0, 3) == "---" || raw.substr(0, 3) == "..." || raw[0] == '%'))
                outside();  // document markers and directives
            *line = {start, raw.substr(start)};
            return true;
        }
        return false;
    }
    Line take() {
        Line line;
        peek(&line);
        ++next_;
        return line;
    }

    YAML::Node block(Line first) {
        return isSequenceEntry(first.text) ? sequence(first) : mapping(first);
    }

    YAML::Node sequence(Line line) {
        YAML::Node sequence(YAML::NodeType::Sequence);
        sequence.SetTag("?");
        for (;;) {
            const auto rest = skipSpaces(line.text.substr(1));
            const auto column = line.indent + (line.text.size() - rest.size());
            if (isSequenceEntry(rest)) outside();  // "- - x"
            if (!rest.empty() && keyColon(rest) != std::string_view::npos)
                sequence.push_back(mapping({column, rest}));
            else
                sequence.push_back(value(line.indent, rest, false));
            Line next;
            if (!peek(&next) || next.indent < line.indent) break;
            if (next.indent > line.indent) outside();
            if (!isSequenceEntry(next.text)) break;  // its key's next sibling
            line = take();
        }
        return sequence;
    }

    YAML::Node mapping(Line line) {
        YAML::Node mapping(YAML::NodeType::Map);
        mapping.SetTag("?");
        std::vector<std::string_view> keys;
        for (;;) {
            const auto colon = keyColon(line.text);
            if (colon == std::string_view::npos) outside();
            const auto key = line.text.substr(0, colon);
            if (isNullWord(key)) outside();
            for (const auto& k : keys)
                if (k == key) outside();  // a duplicate: yaml-cpp's to judge
            keys.push_back(key);
            auto keyNode = scalarNode(std::string(key), "?");
            mapping.force_insert(keyNode, value(line.indent, line.text.substr(colon + 1), true));
            Line next;
            if (!peek(&next) || next.indent < line.indent) break;
            if (next.indent > line.indent || isSequenceEntry(next.text)) outside();
            line = take();
        }
        return mapping;
    }

    // The value after "key:" or "-" on a line indented by `indent`.
    YAML::Node value(std::size_t indent, std::string_view rest, bool sequenceMayFollow) {
        rest = skipSpaces(rest);
        if (!rest.empty() && rest[0] == '#') rest = {};
        Line next;
        if (rest.empty()) {
            if (peek(&next)) {
                if (next.indent > indent) return block(take());
                if (sequenceMayFollow && next.indent == indent && isSequenceEntry(next.text))
                    return sequence(take());
            }
            return YAML::Node(YAML::NodeType::Null);
        }
        if (rest[0] == '>' || rest[0] == '|') return blockScalar(indent, rest);
        auto node = rest[0] == '"'    ? doubleQuoted(rest)
                    : rest[0] == '\'' ? singleQuoted(rest)
                                      : plain(rest);
        // A more indented line after it would continue it (a multi-line scalar).
        if (peek(&next) && next.indent > indent) outside();
        return node;
    }

    YAML::Node blockScalar(std::size_t parentIndent, std::string_view header) {
        const bool folded = header[0] == '>';
        header.remove_prefix(1);
        const bool strip = !header.empty() && header[0] == '-';
        if (strip) header.remove_prefix(1);
        onlyCommentAfter(header);  // keep chomping (+) and indentation indicators are outside
        std::string value;
        std::size_t indent = 0, blanks = 0;
        bool any = false;
        for (; next_ < lines_.size(); ++next_) {
            const auto raw = lines_[next_];
            const auto spaces = std::min(raw.find_first_not_of(' '), raw.size());
            if (spaces == raw.size()) {  // blank
                // Leading blank lines, and spaces past the indentation, change what yaml-cpp
                // reads in ways the subset leaves to it.
                if (!any || raw.size() > indent) outside();
                ++blanks;
                continue;
            }
            if (!any) {
                if (spaces <= parentIndent) break;
                indent = spaces;
            } else if (spaces < indent) {
                break;
            }
            if (spaces > indent || raw[spaces] == '\t') outside();  // more indented lines
            const auto text = raw.substr(indent);
            if (!any) {
                value = text;
            } else if (folded && blanks == 0) {
                value += ' ';
                value += text;
            } else {
                // Folded: each blank line is a line break; literal: every line break is kept.
                value.append(folded ? blanks : blanks + 1, '\n');
                value += text;
            }
            any = true;
            blanks = 0;
        }
        if (!any) outside();  // empty
        if (!strip) value += '\n';
        return scalarNode(value, "!");
    }

    std::vector<std::string_view> lines_;
    std::size_t next_ = 0;
};

}  // namespace

std::optional<YAML::Node> readYamlSubset(std::string_view text) {
    try {
        return Reader(text).document();
    } catch (const Outside&) {
        return std::nullopt;
    }
}

bool sameYamlTree(const YAML::Node& a, const YAML::Node& b) {
    if (a.Type() != b.Type() || a.Tag() != b.Tag()) return false;
    switch (a.Type()) {
        case YAML::NodeType::Scalar:
            return a.Scalar() == b.Scalar();
        case YAML::NodeType::Sequence:
            if (a.size() != b.size()) return false;
            for (std::size_t i = 0; i < a.size(); ++i)
                if (!sameYamlTree(a[i], b[i])) return false;
            return true;
        case YAML::NodeType::Map: {
            if (a.size() != b.size()) return false;
            auto ia = a.begin();
            for (auto ib = b.begin(); ib != b.end(); ++ia, ++ib)
                if (!sameYamlTree(ia->first, ib->first) || !sameYamlTree(ia->second, ib->second))
                    return false;
            return true;
        }
        default:
            return true;
    }
}

}  // namespace mpa
