// Strict JSON for Metalama's telemetry.json.
//
// From 2026.1 Metalama reads the file with System.Text.Json: a comment, a trailing comma or any
// other deviation makes it discard the WHOLE file (and with it the user's opt-out). So the
// validator accepts exactly RFC 8259 (plus a leading UTF-8 BOM, which File.ReadAllText drops), and
// ObjectDocument rewrites the top-level object while keeping every value it does not touch
// byte-for-byte. Poco::JSON is lenient (comments) and does not keep source text, hence this file.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mpa::json {

// Where and why a document was rejected. Line and column are 1-based; the column counts bytes
// from the start of the line (the BOM excluded); offset is the byte offset in the input.
struct ParseError {
    std::size_t line = 0, column = 0, offset = 0;
    std::string message;
    std::string describe() const;  // "line 3, column 5: trailing comma"
};

class ObjectDocument {
  public:
    struct Member {
        std::string key;       // decoded
        std::string rawValue;  // exact source text of the value
    };

    // Strict RFC 8259: the top level must be an object; no comments, trailing commas, single
    // quotes, NaN/Infinity or leading zeros; valid escapes including surrogate pairs; valid
    // UTF-8; nesting depth at most 64 (System.Text.Json's default). Nested values are validated.
    static std::optional<ObjectDocument> parse(std::string_view text, ParseError* error);

    const std::vector<Member>& members() const { return members_; }

    // Key look-ups ignore ASCII case, as Metalama's deserializer matches property names. With
    // duplicate keys, find() and the getters see the LAST match, which is the one the
    // deserializer keeps; set* and remove() act on every match.
    const Member* find(std::string_view key) const;
    // Only when the raw value is an integer literal (no fraction, no exponent) in range.
    std::optional<std::int64_t> getInteger(std::string_view key) const;
    // Decoded, only for string values.
    std::optional<std::string> getString(std::string_view key) const;
    bool has(std::string_view key) const { return find(key) != nullptr; }

    // Replaces the value in place (keeping its position and the key's spelling) or appends.
    // Throws std::invalid_argument when rawJsonValue is not a valid JSON value: writing it would
    // make Metalama discard the file.
    void setRaw(std::string_view key, std::string rawJsonValue);
    void setInteger(std::string_view key, std::int64_t value);
    void setString(std::string_view key, std::string_view value);
    bool remove(std::string_view key);

    // {"Key": <raw>, ...} with two-space indentation, one member per line, keys re-escaped, raw
    // values verbatim, trailing newline. No BOM.
    std::string serialize() const;

  private:
    std::vector<Member> members_;
};

// A top-level member of a configuration object, with where its key starts (1-based; the column
// counts bytes from the start of the line, the BOM excluded).
struct LocatedMember {
    std::string key;       // decoded
    std::string rawValue;  // exact source text of the value
    std::size_t line = 0, column = 0;
};

// For configuration files (policy drop-ins): the same strictness as ObjectDocument::parse, and
// every key distinct (compared exactly). A repeated key is an error at the repeat: silently
// keeping the last value would hide that two writers disagree.
std::optional<std::vector<LocatedMember>> parseObjectWithUniqueKeys(std::string_view text,
                                                                    ParseError* error);

// A top-level member of an object with where its key and value sit in the text (byte offsets),
// for editors that change one value of another tool's settings file and keep every other byte.
struct MemberRange {
    std::string key;             // decoded
    std::size_t keyBegin = 0;    // the key's opening quote
    std::size_t valueBegin = 0;  // the value's first byte
    std::size_t valueEnd = 0;    // one past its last byte
};

// The same strictness as ObjectDocument::parse; the members in source order, repeats included.
std::optional<std::vector<MemberRange>> parseObjectRanges(std::string_view text, ParseError* error);

// The decoded text of a raw string value ("\"a\\u00e9\"" gives "aé"); nullopt when `raw` is not a
// string literal.
std::optional<std::string> decodeStringValue(std::string_view raw);

// JSON string literal for UTF-8 text, quotes included. Invalid UTF-8 becomes U+FFFD so the
// output is always valid JSON.
std::string quote(std::string_view utf8);
// The same literal appended to `out`: a writer of many fields (the sealed findings, the event
// chain) makes no string per field.
void appendQuoted(std::string& out, std::string_view utf8);
// Any JSON value at the top level, same strictness as ObjectDocument::parse.
bool validate(std::string_view text, ParseError* error);

}  // namespace mpa::json
