#include "targets/yaml_settings_key.hpp"

#include <vector>

#include "targets/text_lines.hpp"

namespace mpa {
namespace {

constexpr std::size_t kNone = static_cast<std::size_t>(-1);

bool blank(char c) {
    return c == ' ' || c == '\t';
}

Status refuse(std::size_t line, const std::string& what) {
    return Status::failure("line " + std::to_string(line + 1) + ": " + what);
}

// One past the closing quote of the quoted scalar `s` opens, on this line; kNone when it goes on.
std::size_t quotedEnd(std::string_view s) {
    const char quote = s[0];
    for (std::size_t i = 1; i < s.size(); ++i) {
        if (quote == '"' && s[i] == '\\') {
            ++i;
            continue;
        }
        if (s[i] != quote) continue;
        if (quote == '\'' && i + 1 < s.size() && s[i + 1] == '\'') {  // '' is a quote inside
            ++i;
            continue;
        }
        return i + 1;
    }
    return kNone;
}

// A column-0 "key: value" line: the key as written (quotes included) and where its ':' is.
bool parseEntry(std::string_view raw, std::string_view* key, std::size_t* colon) {
    std::size_t keyEnd = 0;
    if (raw[0] == '"' || raw[0] == '\'') {
        keyEnd = quotedEnd(raw);
        if (keyEnd == kNone) return false;
    } else {  // a plain key ends at the first ':' followed by a blank or the end of the line
        for (; keyEnd < raw.size(); ++keyEnd) {
            if (raw[keyEnd] == ':' && (keyEnd + 1 == raw.size() || blank(raw[keyEnd + 1]))) break;
            if (raw[keyEnd] == '#' && keyEnd > 0 && blank(raw[keyEnd - 1])) return false;
        }
        if (keyEnd == raw.size()) return false;
    }
    auto c = keyEnd;
    while (c < raw.size() && blank(raw[c])) ++c;
    if (c == raw.size() || raw[c] != ':' || (c + 1 < raw.size() && !blank(raw[c + 1])))
        return false;
    *key = raw.substr(0, keyEnd);
    while (!key->empty() && blank(key->back())) key->remove_suffix(1);
    *colon = c;
    return true;
}

bool namesKey(std::string_view written, const std::string& key) {
    if (written.size() >= 2 && (written[0] == '"' || written[0] == '\''))
        written = written.substr(1, written.size() - 2);
    return written == key;
}

// Where the key is, in lines and in the text.
struct Located {
    std::vector<LineSpan> lines;
    std::size_t keyLine = kNone;
    std::size_t colonEnd = 0;                  // in the text: just after the key's ':'
    std::size_t valueBegin = 0, valueEnd = 0;  // in the text: the scalar as written
    bool commentFollows = false;               // an empty value with a comment after it
    std::string value;
};

// The key's own value: a scalar on its line, else a refusal naming the line.
Status readValue(std::string_view raw, std::size_t at, std::size_t line, const std::string& key,
                 Located* out) {
    const auto rest = raw.substr(at);
    if (rest.empty() || rest[0] == '#') {  // no value (null), maybe a comment
        out->value.clear();
        out->commentFollows = !rest.empty();
        return Status::success();
    }
    if (std::string_view("[]{}|>&*!%@`,").find(rest[0]) != std::string_view::npos)
        return refuse(line, key + " holds a value starting with '" + std::string(1, rest[0]) +
                                "' (a block, flow, anchored or tagged value the agent does not "
                                "edit)");
    if ((rest[0] == '-' || rest[0] == '?' || rest[0] == ':') &&
        (rest.size() == 1 || blank(rest[1])))
        return refuse(line, key + " holds a block value on its own line");
    std::size_t end = 0;
    if (rest[0] == '"' || rest[0] == '\'') {
        end = quotedEnd(rest);
        if (end == kNone)
            return refuse(line, "the quoted value of " + key + " goes on past its line");
        const auto inner = rest.substr(1, end - 2);
        if (rest[0] == '"' && inner.find('\\') != std::string_view::npos)
            return refuse(line, "the value of " + key + " has escapes the agent does not read");
        out->value.clear();
        for (std::size_t i = 0; i < inner.size(); ++i) {
            out->value += inner[i];
            if (rest[0] == '\'' && inner[i] == '\'') ++i;  // '' stands for '
        }
        auto after = end;
        while (after < rest.size() && blank(rest[after])) ++after;
        if (after < rest.size() && (rest[after] != '#' || after == end))
            return refuse(line, "text follows the quoted value of " + key);
    } else {
        end = rest.size();
        for (std::size_t i = 1; i < rest.size(); ++i)
            if (rest[i] == '#' && blank(rest[i - 1])) {
                end = i;
                break;
            }
        while (end > 0 && blank(rest[end - 1])) --end;
        const auto plain = rest.substr(0, end);
        if (plain.back() == ':' || plain.find(": ") != std::string_view::npos ||
            plain.find(":\t") != std::string_view::npos)
            return refuse(line, "the value of " + key + " holds a mapping");
        out->value = std::string(plain);
        // YAML 1.2's core schema reads these three spellings of each as the boolean.
        if (plain == "false" || plain == "False" || plain == "FALSE") out->value = "false";
        if (plain == "true" || plain == "True" || plain == "TRUE") out->value = "true";
    }
    out->valueEnd = out->valueBegin + end;
    return Status::success();
}

// Another key's value: only what could hide a line at column 0 from the agent is refused.
Status checkOtherValue(std::string_view rest, std::size_t line) {
    if (rest.empty()) return Status::success();
    if ((rest[0] == '"' || rest[0] == '\'') && quotedEnd(rest) == kNone)
        return refuse(line, "a quoted value goes on past its line");
    if (rest[0] == '[' || rest[0] == '{') {
        auto end = rest.size();
        while (end > 0 && blank(rest[end - 1])) --end;
        if (rest[end - 1] != (rest[0] == '[' ? ']' : '}'))
            return refuse(line, "a flow collection does not end on its line");
    }
    return Status::success();
}

Status locate(std::string_view text, const std::string& key, Located* out) {
    out->lines = lineSpans(text);
    const auto& lines = out->lines;
    bool content = false, documentStart = false;
    std::size_t lastEntry = kNone;
    for (std::size_t i = 0; i < lines.size(); ++i) {
        auto begin = lines[i].begin;
        if (i == 0 && text.substr(0, 3) == "\xEF\xBB\xBF") begin += 3;  // a byte order mark
        const auto raw = text.substr(begin, lines[i].end - begin);
        if (raw.find('\r') != std::string_view::npos)
            return refuse(i, "a carriage return without a line feed (YAML reads a line break)");
        std::size_t first = 0;
        while (first < raw.size() && blank(raw[first])) ++first;
        if (first == raw.size() || raw[first] == '#') continue;  // blank or comment
        if (first > 0) {
            if (raw.substr(0, first).find('\t') != std::string_view::npos)
                return refuse(i, "a tab in the indentation (YAML forbids it)");
            if (lastEntry == kNone)
                return refuse(i,
                              "indented content before any top-level key: the top level is "
                              "not a mapping at column 0");
            if (lastEntry == out->keyLine)
                return refuse(i, "the value of " + key + " (line " +
                                     std::to_string(out->keyLine + 1) +
                                     ") goes on here: a block or multi-line value the agent does "
                                     "not edit");
            continue;  // the value of another key
        }
        const auto marker = [&](std::string_view m) {
            return raw.substr(0, 3) == m && (raw.size() == 3 || blank(raw[3]));
        };
        if (marker("---")) {
            if (content || documentStart) return refuse(i, "a second document (---)");
            auto after = std::size_t{3};
            while (after < raw.size() && blank(raw[after])) ++after;
            if (after < raw.size() && raw[after] != '#')
                return refuse(i, "content on the document start line");
            documentStart = true;
            continue;
        }
        if (marker("...")) return refuse(i, "a document end marker (...)");
        if (raw[0] == '%') return refuse(i, "a directive");
        if (raw[0] == '-' && (raw.size() == 1 || blank(raw[1])))
            return refuse(i, lastEntry == kNone
                                 ? "a sequence entry at the top level: the file is not a mapping"
                                 : "a sequence entry at column 0 (the value of the key above, "
                                   "which the agent does not read)");
        if (raw[0] == '?' && (raw.size() == 1 || blank(raw[1])))
            return refuse(i, "an explicit key (?) the agent does not read");
        if (std::string_view("[]{}|>&*!@`,").find(raw[0]) != std::string_view::npos)
            return refuse(i, "the top level starts with '" + std::string(1, raw[0]) +
                                 "': not a block mapping the agent edits");
        std::string_view written;
        std::size_t colon = 0;
        if (!parseEntry(raw, &written, &colon))
            return refuse(i, "not a key: value line (the top level must be a mapping)");
        if (written[0] == '"' && written.find('\\') != std::string_view::npos)
            return refuse(i, "a quoted key with escapes the agent does not read");
        content = true;
        lastEntry = i;
        auto v = colon + 1;
        while (v < raw.size() && blank(raw[v])) ++v;
        if (!namesKey(written, key)) {
            if (auto status = checkOtherValue(raw.substr(v), i); !status) return status;
            continue;
        }
        if (out->keyLine != kNone)
            return refuse(
                i, key + " appears twice (first on line " + std::to_string(out->keyLine + 1) + ")");
        out->keyLine = i;
        out->colonEnd = begin + colon + 1;
        out->valueBegin = out->valueEnd = begin + v;
        if (auto status = readValue(raw, v, i, key, out); !status) return status;
    }
    return Status::success();
}

}  // namespace

Status readYamlKey(std::string_view text, const std::string& key, std::optional<YamlKey>* out) {
    Located at;
    if (auto status = locate(text, key, &at); !status) return status;
    out->reset();
    if (at.keyLine == kNone) return Status::success();
    const auto& line = at.lines[at.keyLine];
    *out = YamlKey{at.value, std::string(text.substr(line.begin, line.end - line.begin))};
    return Status::success();
}

Status setYamlKey(std::string* text, const std::string& key, const std::string& value,
                  std::string* added) {
    Located at;
    if (auto status = locate(*text, key, &at); !status) return status;
    added->clear();
    if (at.keyLine != kNone) {  // the value replaced, the key and any comment as the user wrote
        if (at.valueBegin != at.valueEnd)
            text->replace(at.valueBegin, at.valueEnd - at.valueBegin, value);
        else if (at.valueBegin == at.colonEnd)  // "key:" at the end of its line
            text->insert(at.colonEnd, " " + value);
        else
            text->insert(at.valueBegin, at.commentFollows ? value + " " : value);
        return Status::success();
    }
    const auto nl = newlineOf(*text);
    const auto keyLine = key + ": " + value;
    if (text->empty() || text->back() == '\n') {
        *text += keyLine + nl;
    } else {  // the last line had no ending: it gets one, the new line none (as the file was)
        *text += nl + keyLine;
        *added = nl == "\n" ? "+eol" : "+crlf";
    }
    return Status::success();
}

Status restoreYamlKey(std::string* text, const std::string& key,
                      const std::optional<std::string>& priorLine, const std::string& added) {
    Located at;
    if (auto status = locate(*text, key, &at); !status) return status;
    if (at.keyLine == kNone) {
        if (!priorLine) return Status::success();
        return Status::failure(key + " is missing; cannot give it back");
    }
    const auto& line = at.lines[at.keyLine];
    if (priorLine) {
        text->replace(line.begin, line.end - line.begin, *priorLine);
        return Status::success();
    }
    eraseLines(text, at.lines, at.keyLine, at.keyLine, added);
    return Status::success();
}

}  // namespace mpa
