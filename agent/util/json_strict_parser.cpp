// A recursive-descent scanner that accepts exactly what System.Text.Json's default reader accepts
// and explains the first deviation with a line and column, for a finding an admin can act on.
#include "util/json_strict_parser.hpp"

#include <cstdio>

#include "util/utf8.hpp"

namespace mpa::json::detail {

namespace {

bool isDigit(char c) {
    return c >= '0' && c <= '9';
}

int hexValue(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

class Parser {
  public:
    Parser(std::string_view text, ParseError* error) : s_(text), error_(error) {}

    bool document(std::vector<MemberSpan>* members) {
        // File.ReadAllText strips a UTF-8 BOM before Metalama parses, so accept one, once.
        if (s_.substr(0, 3) == "\xEF\xBB\xBF") pos_ = bomEnd_ = 3;
        skipWhitespace();
        if (atEnd()) return fail(pos_, "empty input");
        if (members && peek() != '{') {
            if (peek() == '[')
                return fail(pos_, "the top-level value must be an object, not an array");
            if (peek() != '/' && peek() != '\'')
                return fail(pos_, "the top-level value must be an object");
        }
        if (!value(0, members)) return false;
        skipWhitespace();
        if (!atEnd()) return unexpected(pos_, "after the top-level value");
        return true;
    }

    // `pos_` is at the opening quote.
    bool string(std::string* decoded) {
        const std::size_t start = pos_;
        ++pos_;
        while (true) {
            if (atEnd()) return fail(start, "unterminated string");
            const unsigned char c = static_cast<unsigned char>(s_[pos_]);
            if (c == '"') {
                ++pos_;
                return true;
            }
            if (c == '\\') {
                if (!escape(decoded)) return false;
            } else if (c < 0x20) {
                return fail(pos_, "control character in a string (it must be escaped)");
            } else if (c < 0x80) {
                // A run of plain ASCII at once: appending it byte by byte was most of the time
                // spent parsing a settings file.
                const std::size_t run = plainAsciiEnd(pos_ + 1);
                if (decoded) decoded->append(s_.substr(pos_, run - pos_));
                pos_ = run;
            } else {
                const std::size_t length = utf8SequenceLength(s_, pos_);
                if (length == 0) return fail(pos_, "invalid UTF-8");
                if (decoded) decoded->append(s_.substr(pos_, length));
                pos_ += length;
            }
        }
    }

  private:
    // The end of the printable ASCII bytes from `from` that need no decoding: no quote,
    // backslash, control character or byte of a multi-byte sequence.
    std::size_t plainAsciiEnd(std::size_t from) const {
        while (from < s_.size()) {
            const unsigned char c = static_cast<unsigned char>(s_[from]);
            if (c == '"' || c == '\\' || c < 0x20 || c >= 0x80) break;
            ++from;
        }
        return from;
    }
    bool atEnd() const { return pos_ >= s_.size(); }
    char peek() const { return s_[pos_]; }
    bool startsWith(std::string_view word) const { return s_.substr(pos_, word.size()) == word; }

    void skipWhitespace() {
        while (!atEnd() && (peek() == ' ' || peek() == '\t' || peek() == '\n' || peek() == '\r'))
            ++pos_;
    }

    bool fail(std::size_t at, std::string message) {
        if (error_) {
            std::size_t line = 1, lineStart = bomEnd_;
            for (std::size_t i = 0; i < at && i < s_.size(); ++i) {
                if (s_[i] == '\n') {
                    ++line;
                    lineStart = i + 1;
                }
            }
            error_->line = line;
            error_->column = at >= lineStart ? at - lineStart + 1 : 1;
            error_->offset = at;
            error_->message = std::move(message);
        }
        return false;
    }

    // Names the usual non-JSON habits (JSON5, JavaScript) so the message says what to fix.
    bool unexpected(std::size_t at, const char* where) {
        if (at >= s_.size()) return fail(at, "unexpected end of input");
        const std::string_view rest = s_.substr(at);
        if (rest.substr(0, 2) == "//" || rest.substr(0, 2) == "/*")
            return fail(at, "comments are not allowed");
        if (rest[0] == '\'') return fail(at, "single-quoted strings are not allowed");
        if (rest.substr(0, 3) == "NaN" || rest.substr(0, 8) == "Infinity" ||
            rest.substr(0, 9) == "-Infinity")
            return fail(at, "NaN and Infinity are not allowed");
        const unsigned char c = static_cast<unsigned char>(rest[0]);
        char text[64];
        if (c >= 0x21 && c < 0x7F)
            std::snprintf(text, sizeof text, "unexpected character '%c' %s", c, where);
        else
            std::snprintf(text, sizeof text, "unexpected byte 0x%02X %s", c, where);
        return fail(at, text);
    }

    bool value(int depth, std::vector<MemberSpan>* members) {
        if (atEnd()) return fail(pos_, "unexpected end of input, expected a value");
        const char c = peek();
        if (c == '{') return object(depth + 1, members);
        if (c == '[') return array(depth + 1);
        if (c == '"') return string(nullptr);
        if (c == '-' || isDigit(c)) return number();
        if (c == 't') return literal("true");
        if (c == 'f') return literal("false");
        if (c == 'n') return literal("null");
        if (c == '+') return fail(pos_, "a number must not start with '+'");
        return unexpected(pos_, "where a value was expected");
    }

    bool enter(int depth) {
        if (depth > kMaxDepth)
            return fail(pos_, "nesting is deeper than " + std::to_string(kMaxDepth) + " levels");
        return true;
    }

    bool object(int depth, std::vector<MemberSpan>* members) {
        if (!enter(depth)) return false;
        ++pos_;  // '{'
        skipWhitespace();
        if (!atEnd() && peek() == '}') {
            ++pos_;
            return true;
        }
        while (true) {
            if (atEnd()) return fail(pos_, "unexpected end of input inside an object");
            if (peek() != '"') return unexpected(pos_, "where a property name was expected");
            const std::size_t keyBegin = pos_;
            std::string key;
            if (!string(members ? &key : nullptr)) return false;
            skipWhitespace();
            if (atEnd() || peek() != ':') return unexpected(pos_, "where ':' was expected");
            ++pos_;
            skipWhitespace();
            const std::size_t begin = pos_;
            // Only the top level records members; nested objects are validated only.
            if (!value(depth, nullptr)) return false;
            if (members) members->push_back(MemberSpan{std::move(key), begin, pos_, keyBegin});
            skipWhitespace();
            if (atEnd()) return fail(pos_, "unexpected end of input inside an object");
            if (peek() == '}') {
                ++pos_;
                return true;
            }
            if (peek() != ',') return unexpected(pos_, "where ',' or '}' was expected");
            const std::size_t comma = pos_++;
            skipWhitespace();
            if (!atEnd() && peek() == '}') return fail(comma, "trailing comma");
        }
    }

    bool array(int depth) {
        if (!enter(depth)) return false;
        ++pos_;  // '['
        skipWhitespace();
        if (!atEnd() && peek() == ']') {
            ++pos_;
            return true;
        }
        while (true) {
            if (!value(depth, nullptr)) return false;
            skipWhitespace();
            if (atEnd()) return fail(pos_, "unexpected end of input inside an array");
            if (peek() == ']') {
                ++pos_;
                return true;
            }
            if (peek() != ',') return unexpected(pos_, "where ',' or ']' was expected");
            const std::size_t comma = pos_++;
            skipWhitespace();
            if (!atEnd() && peek() == ']') return fail(comma, "trailing comma");
        }
    }

    bool digits() {
        if (atEnd() || !isDigit(peek())) return false;
        while (!atEnd() && isDigit(peek())) ++pos_;
        return true;
    }

    bool number() {
        if (peek() == '-') {
            if (startsWith("-Infinity")) return fail(pos_, "NaN and Infinity are not allowed");
            ++pos_;
        }
        if (atEnd() || !isDigit(peek())) return fail(pos_, "expected a digit");
        if (peek() == '0' && pos_ + 1 < s_.size() && isDigit(s_[pos_ + 1]))
            return fail(pos_, "leading zeros are not allowed");
        digits();
        if (!atEnd() && peek() == '.') {
            ++pos_;
            if (!digits()) return fail(pos_, "expected a digit after the decimal point");
        }
        if (!atEnd() && (peek() == 'e' || peek() == 'E')) {
            ++pos_;
            if (!atEnd() && (peek() == '+' || peek() == '-')) ++pos_;
            if (!digits()) return fail(pos_, "expected a digit in the exponent");
        }
        return true;
    }

    bool literal(std::string_view word) {
        if (!startsWith(word))
            return fail(pos_, "invalid literal (expected " + std::string(word) + ")");
        pos_ += word.size();
        return true;
    }

    bool hex4(unsigned* unit) {
        if (s_.size() - pos_ < 4) return fail(pos_, "invalid \\u escape: expected 4 hex digits");
        unsigned result = 0;
        for (int i = 0; i < 4; ++i) {
            const int digit = hexValue(s_[pos_ + static_cast<std::size_t>(i)]);
            if (digit < 0) return fail(pos_, "invalid \\u escape: expected 4 hex digits");
            result = result * 16 + static_cast<unsigned>(digit);
        }
        pos_ += 4;
        *unit = result;
        return true;
    }

    // `pos_` is at the backslash.
    bool escape(std::string* decoded) {
        const std::size_t start = pos_++;
        if (atEnd()) return fail(start, "unterminated string");
        const char c = s_[pos_++];
        char simple = 0;
        switch (c) {
            case '"':
                simple = '"';
                break;
            case '\\':
                simple = '\\';
                break;
            case '/':
                simple = '/';
                break;
            case 'b':
                simple = '\b';
                break;
            case 'f':
                simple = '\f';
                break;
            case 'n':
                simple = '\n';
                break;
            case 'r':
                simple = '\r';
                break;
            case 't':
                simple = '\t';
                break;
            case 'u':
                break;
            default:
                return fail(start, std::string("invalid escape '\\") + c + "'");
        }
        if (c != 'u') {
            if (decoded) *decoded += simple;
            return true;
        }
        unsigned unit = 0;
        if (!hex4(&unit)) return false;
        if (unit >= 0xDC00 && unit <= 0xDFFF)
            return fail(start, "lone low surrogate in \\u escape");
        unsigned codePoint = unit;
        if (unit >= 0xD800 && unit <= 0xDBFF) {
            // A high surrogate is only valid when a \u low surrogate follows immediately.
            if (!startsWith("\\u")) return fail(start, "lone high surrogate in \\u escape");
            pos_ += 2;
            unsigned low = 0;
            if (!hex4(&low)) return false;
            if (low < 0xDC00 || low > 0xDFFF)
                return fail(start, "lone high surrogate in \\u escape");
            codePoint = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
        }
        if (decoded) appendUtf8(decoded, codePoint);
        return true;
    }

    std::string_view s_;
    ParseError* error_;
    std::size_t pos_ = 0;
    std::size_t bomEnd_ = 0;
};

}  // namespace

bool parseStrict(std::string_view text, std::vector<MemberSpan>* members, ParseError* error) {
    return Parser(text, error).document(members);
}

std::string decodeStringLiteral(std::string_view literal) {
    std::string decoded;
    Parser(literal, nullptr).string(&decoded);
    return decoded;
}

}  // namespace mpa::json::detail
