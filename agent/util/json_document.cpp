#include "util/json_document.hpp"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <map>
#include <stdexcept>

#include "util/json_strict_parser.hpp"
#include "util/utf8.hpp"

namespace mpa::json {

namespace {

char asciiLower(char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

bool equalsIgnoreAsciiCase(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (asciiLower(a[i]) != asciiLower(b[i])) return false;
    }
    return true;
}

bool isIntegerLiteral(std::string_view raw) {
    std::size_t i = raw.empty() || raw[0] != '-' ? 0 : 1;
    if (i == raw.size()) return false;
    return std::all_of(raw.begin() + static_cast<std::ptrdiff_t>(i), raw.end(),
                       [](char c) { return c >= '0' && c <= '9'; });
}

// 1-based line and column of increasing byte offsets, counted as the strict parser counts them
// (the BOM excluded from the first line). Incremental, so locating every member is linear.
class LineCounter {
  public:
    explicit LineCounter(std::string_view text)
        : text_(text), lineStart_(text.substr(0, 3) == "\xEF\xBB\xBF" ? 3 : 0) {}
    void locate(std::size_t offset, std::size_t* line, std::size_t* column) {
        for (; pos_ < offset && pos_ < text_.size(); ++pos_) {
            if (text_[pos_] == '\n') {
                ++line_;
                lineStart_ = pos_ + 1;
            }
        }
        *line = line_;
        *column = offset >= lineStart_ ? offset - lineStart_ + 1 : 1;
    }

  private:
    std::string_view text_;
    std::size_t pos_ = 0, line_ = 1, lineStart_;
};

}  // namespace

std::optional<std::vector<LocatedMember>> parseObjectWithUniqueKeys(std::string_view text,
                                                                    ParseError* error) {
    std::vector<detail::MemberSpan> spans;
    if (!detail::parseStrict(text, &spans, error)) return std::nullopt;
    std::vector<LocatedMember> members;
    members.reserve(spans.size());
    std::map<std::string, std::size_t> firstLine;  // a map: a hostile file may hold many keys
    LineCounter lines(text);
    for (detail::MemberSpan& span : spans) {
        LocatedMember member;
        lines.locate(span.keyBegin, &member.line, &member.column);
        if (const auto earlier = firstLine.find(span.key); earlier != firstLine.end()) {
            if (error) {
                error->line = member.line;
                error->column = member.column;
                error->offset = span.keyBegin;
                error->message = "duplicate key \"" + span.key + "\" (first at line " +
                                 std::to_string(earlier->second) + ")";
            }
            return std::nullopt;
        }
        firstLine.emplace(span.key, member.line);
        member.key = std::move(span.key);
        member.rawValue =
            std::string(text.substr(span.valueBegin, span.valueEnd - span.valueBegin));
        members.push_back(std::move(member));
    }
    return members;
}

std::optional<std::string> decodeStringValue(std::string_view raw) {
    if (raw.size() < 2 || raw.front() != '"' || !validate(raw, nullptr)) return std::nullopt;
    return detail::decodeStringLiteral(raw);
}

std::string ParseError::describe() const {
    return "line " + std::to_string(line) + ", column " + std::to_string(column) + ": " + message;
}

std::optional<ObjectDocument> ObjectDocument::parse(std::string_view text, ParseError* error) {
    std::vector<detail::MemberSpan> spans;
    if (!detail::parseStrict(text, &spans, error)) return std::nullopt;
    ObjectDocument document;
    document.members_.reserve(spans.size());
    for (detail::MemberSpan& span : spans) {
        document.members_.push_back(
            Member{std::move(span.key),
                   std::string(text.substr(span.valueBegin, span.valueEnd - span.valueBegin))});
    }
    return document;
}

const ObjectDocument::Member* ObjectDocument::find(std::string_view key) const {
    for (auto it = members_.rbegin(); it != members_.rend(); ++it) {
        if (equalsIgnoreAsciiCase(it->key, key)) return &*it;
    }
    return nullptr;
}

std::optional<std::int64_t> ObjectDocument::getInteger(std::string_view key) const {
    const Member* member = find(key);
    if (!member || !isIntegerLiteral(member->rawValue)) return std::nullopt;
    std::int64_t value = 0;
    const char* first = member->rawValue.data();
    const char* last = first + member->rawValue.size();
    const auto [end, ec] = std::from_chars(first, last, value);
    if (ec != std::errc() || end != last) return std::nullopt;  // out of range
    return value;
}

std::optional<std::string> ObjectDocument::getString(std::string_view key) const {
    const Member* member = find(key);
    if (!member || member->rawValue.empty() || member->rawValue[0] != '"') return std::nullopt;
    return detail::decodeStringLiteral(member->rawValue);
}

void ObjectDocument::setRaw(std::string_view key, std::string rawJsonValue) {
    ParseError error;
    if (!validate(rawJsonValue, &error))
        throw std::invalid_argument("ObjectDocument::setRaw: invalid JSON value for \"" +
                                    std::string(key) + "\": " + error.describe());
    bool found = false;
    for (Member& member : members_) {
        if (equalsIgnoreAsciiCase(member.key, key)) {
            member.rawValue = rawJsonValue;
            found = true;
        }
    }
    if (!found) members_.push_back(Member{std::string(key), std::move(rawJsonValue)});
}

void ObjectDocument::setInteger(std::string_view key, std::int64_t value) {
    setRaw(key, std::to_string(value));
}

void ObjectDocument::setString(std::string_view key, std::string_view value) {
    setRaw(key, quote(value));
}

bool ObjectDocument::remove(std::string_view key) {
    const auto end = std::remove_if(members_.begin(), members_.end(), [&](const Member& member) {
        return equalsIgnoreAsciiCase(member.key, key);
    });
    const bool removed = end != members_.end();
    members_.erase(end, members_.end());
    return removed;
}

std::string ObjectDocument::serialize() const {
    if (members_.empty()) return "{}\n";
    std::string out = "{\n";
    for (std::size_t i = 0; i < members_.size(); ++i) {
        out += "  ";
        out += quote(members_[i].key);
        out += ": ";
        out += members_[i].rawValue;
        out += i + 1 < members_.size() ? ",\n" : "\n";
    }
    out += "}\n";
    // Grown by doubling, a 1 KB file kept up to 2 KB of capacity, and a first pass holds a batch
    // of 256 serialized files until they are written.
    out.shrink_to_fit();
    return out;
}

namespace {

// Printable ASCII other than '"' and '\\': copied as it is.
bool plainAscii(unsigned char c) {
    return c >= 0x20 && c < 0x80 && c != '"' && c != '\\';
}

}  // namespace

std::string quote(std::string_view utf8) {
    std::string out;
    appendQuoted(out, utf8);
    return out;
}

void appendQuoted(std::string& out, std::string_view utf8) {
    // Only when it starts the text: reserving the exact size on every append to a long text
    // could give up the string's geometric growth.
    if (out.empty()) out.reserve(utf8.size() + 2);
    out += '"';
    std::size_t i = 0;
    while (i < utf8.size()) {
        // A run of plain characters (nearly all of a path or a finding's text) at once.
        std::size_t run = i;
        while (run < utf8.size() && plainAscii(static_cast<unsigned char>(utf8[run]))) ++run;
        if (run > i) {
            out.append(utf8.data() + i, run - i);
            i = run;
            continue;
        }
        const unsigned char c = static_cast<unsigned char>(utf8[i]);
        if (c >= 0x80) {
            const std::size_t length = utf8SequenceLength(utf8, i);
            if (length == 0) {
                out += "\xEF\xBF\xBD";  // U+FFFD: keep the output valid JSON
                ++i;
            } else {
                out.append(utf8.substr(i, length));
                i += length;
            }
            continue;
        }
        switch (c) {
            case '"':
                out += "\\\"";
                break;
            case '\\':
                out += "\\\\";
                break;
            case '\b':
                out += "\\b";
                break;
            case '\f':
                out += "\\f";
                break;
            case '\n':
                out += "\\n";
                break;
            case '\r':
                out += "\\r";
                break;
            case '\t':
                out += "\\t";
                break;
            default: {
                char escaped[8];
                std::snprintf(escaped, sizeof escaped, "\\u%04X", c);
                out += escaped;
            }
        }
        ++i;
    }
    out += '"';
}

bool validate(std::string_view text, ParseError* error) {
    return detail::parseStrict(text, nullptr, error);
}

std::optional<std::vector<MemberRange>> parseObjectRanges(std::string_view text,
                                                          ParseError* error) {
    std::vector<detail::MemberSpan> spans;
    if (!detail::parseStrict(text, &spans, error)) return std::nullopt;
    std::vector<MemberRange> out;
    out.reserve(spans.size());
    for (auto& s : spans) out.push_back({std::move(s.key), s.keyBegin, s.valueBegin, s.valueEnd});
    return out;
}

}  // namespace mpa::json
