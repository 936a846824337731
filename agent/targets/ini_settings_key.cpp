#include "targets/ini_settings_key.hpp"

#include <set>
#include <vector>

#include "targets/text_lines.hpp"
#include "util/text.hpp"

namespace mpa {
namespace {

constexpr std::size_t kNone = static_cast<std::size_t>(-1);

// Where the section and the key are, in lines.
struct Located {
    std::vector<LineSpan> lines;
    std::size_t header = kNone;      // the section's header line
    std::size_t sectionEnd = kNone;  // one past its last line
    std::size_t lastEntry = kNone;   // its last key or continuation line (else the header)
    std::size_t keyFirst = kNone, keyLast = kNone;
    std::size_t valueBegin = 0;  // in the text: first byte of the value in the key's first line
    std::string value;
};

Status locate(std::string_view text, const std::string& section, const std::string& key,
              Located* out) {
    out->lines = lineSpans(text);
    const auto& lines = out->lines;
    const auto wantedKey = lowerAscii(key);
    std::set<std::string> sections, keys;
    std::string current;
    bool inSection = false, inKey = false, ownKey = false;
    for (std::size_t i = 0; i < lines.size(); ++i) {
        const auto raw = text.substr(lines[i].begin, lines[i].end - lines[i].begin);
        const auto content = trim(raw);
        const auto where = "line " + std::to_string(i + 1) + ": ";
        const bool indented = !raw.empty() && (raw[0] == ' ' || raw[0] == '\t');
        if (content.empty() || content[0] == '#' || content[0] == ';') continue;
        if (indented && inKey) {  // the value of the key above goes on
            if (ownKey) {         // configparser reads it as part of the value: so does the agent
                out->keyLast = i;
                out->value += "\n" + std::string(content);
            }
            if (current == section && inSection) out->lastEntry = i;
            continue;
        }
        if (content.front() == '[' && content.find(']') != std::string_view::npos) {
            const auto close = content.rfind(']');
            current = std::string(content.substr(1, close - 1));
            if (!sections.insert(current).second)
                return Status::failure(where + "section [" + current + "] appears twice");
            keys.clear();
            inSection = true;
            inKey = ownKey = false;
            if (current == section)
                out->header = out->lastEntry = i;
            else if (out->header != kNone && out->sectionEnd == kNone)
                out->sectionEnd = i;
            continue;
        }
        const auto delimiter = raw.find_first_of("=:");
        if (delimiter == std::string_view::npos)
            return Status::failure(where + "neither a section, a key nor a comment");
        if (!inSection) return Status::failure(where + "a key before any section header");
        const auto name = lowerAscii(trim(raw.substr(0, delimiter)));
        if (!keys.insert(name).second)
            return Status::failure(where + "key " + name + " appears twice in [" + current + "]");
        inKey = true;
        ownKey = false;
        if (current != section) continue;
        out->lastEntry = i;
        if (name != wantedKey) continue;
        out->keyFirst = out->keyLast = i;
        ownKey = true;
        auto v = delimiter + 1;
        while (v < raw.size() && (raw[v] == ' ' || raw[v] == '\t')) ++v;
        out->valueBegin = lines[i].begin + v;
        out->value = std::string(trim(raw.substr(delimiter + 1)));
    }
    if (out->header != kNone && out->sectionEnd == kNone) out->sectionEnd = lines.size();
    return Status::success();
}

bool has(const std::string& added, std::string_view flag) {
    return added.find(flag) != std::string::npos;
}

}  // namespace

Status readIniKey(std::string_view text, const std::string& section, const std::string& key,
                  std::optional<IniKey>* out) {
    Located at;
    if (auto status = locate(text, section, key, &at); !status) return status;
    out->reset();
    if (at.keyFirst == kNone) return Status::success();
    const auto begin = at.lines[at.keyFirst].begin;
    *out = IniKey{at.value, std::string(text.substr(begin, at.lines[at.keyLast].end - begin))};
    return Status::success();
}

Status setIniKey(std::string* text, const std::string& section, const std::string& key,
                 const std::string& value, std::string* added) {
    Located at;
    if (auto status = locate(*text, section, key, &at); !status) return status;
    added->clear();
    const auto nl = newlineOf(*text);
    const auto keyLine = key + " = " + value;
    if (at.keyFirst != kNone) {  // the value replaced, the key as the user spelled it
        text->replace(at.valueBegin, at.lines[at.keyLast].end - at.valueBegin, value);
        return Status::success();
    }
    if (at.header != kNone) {  // after the section's last entry
        // An indented line after it would become the new key's value (configparser's rule).
        for (auto i = at.lastEntry + 1; i < at.lines.size(); ++i) {
            const auto& line = at.lines[i];
            const auto raw = std::string_view(*text).substr(line.begin, line.end - line.begin);
            const auto content = trim(raw);
            if (content.empty() || content[0] == '#' || content[0] == ';') continue;
            if (raw[0] == ' ' || raw[0] == '\t')
                return Status::failure("line " + std::to_string(i + 1) +
                                       ": an indented line follows [" + section +
                                       "]; a key added there would read it as its value");
            break;
        }
        const auto& after = at.lines[at.lastEntry];
        if (after.next > after.end) {
            text->insert(after.next, keyLine + text->substr(after.end, after.next - after.end));
        } else {  // the last line had no ending: it gets one
            text->insert(after.next, nl + keyLine);
            *added = nl == "\n" ? "+eol" : "+crlf";
        }
        return Status::success();
    }
    // A new section at the end, set off by a blank line as configparser writes them.
    std::string block;
    *added = "section";
    if (!text->empty() && text->back() != '\n') {
        block += nl;
        *added += nl == "\n" ? "+eol" : "+crlf";
    }
    const auto lines = lineSpans(*text);
    if (!lines.empty() && !trim(std::string_view(*text).substr(
                                    lines.back().begin, lines.back().end - lines.back().begin))
                               .empty()) {
        block += nl;
        *added += "+blank";
    }
    *text += block + "[" + section + "]" + nl + keyLine + nl;
    return Status::success();
}

Status restoreIniKey(std::string* text, const std::string& section, const std::string& key,
                     const std::optional<std::string>& priorLines, const std::string& added) {
    Located at;
    if (auto status = locate(*text, section, key, &at); !status) return status;
    if (at.keyFirst == kNone) {
        if (!priorLines) return Status::success();
        return Status::failure("[" + section + "] " + key + " is missing; cannot give it back");
    }
    const auto& lines = at.lines;
    if (priorLines) {
        const auto begin = lines[at.keyFirst].begin;
        text->replace(begin, lines[at.keyLast].end - begin, *priorLines);
        return Status::success();
    }
    std::size_t first = at.keyFirst;
    const auto last = at.keyLast;
    const bool wholeSection =
        has(added, "section") && at.header + 1 == at.keyFirst && at.sectionEnd == last + 1;
    if (wholeSection) first = at.header;
    const bool atEnd = lines[last].next == text->size();
    if (wholeSection && atEnd) {
        if (has(added, "+blank") && first > 0 &&
            trim(std::string_view(*text).substr(lines[first - 1].begin,
                                                lines[first - 1].end - lines[first - 1].begin))
                .empty())
            --first;
        text->erase(lines[first].begin);
        dropAddedEnding(text, added);
        return Status::success();
    }
    eraseLines(text, lines, first, last, added);
    return Status::success();
}

}  // namespace mpa
