#include "templates/xml_reader.hpp"

#include <cstdint>

#include "util/utf8.hpp"

namespace mpa {

const std::string* XmlElement::findAttribute(std::string_view attributeName) const {
    for (const auto& [key, value] : attributes)
        if (key == attributeName) return &value;
    return nullptr;
}

std::string XmlElement::attribute(std::string_view attributeName) const {
    const auto* value = findAttribute(attributeName);
    return value ? *value : std::string();
}

namespace {

bool isSpace(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

// Names are checked byte-wise: ASCII by the XML 1.0 productions, and any non-ASCII character
// (already checked as UTF-8) accepted, which is what the fifth edition allows nearly everywhere.
bool isNameStart(char c) {
    const auto u = static_cast<unsigned char>(c);
    return (u >= 'A' && u <= 'Z') || (u >= 'a' && u <= 'z') || u == '_' || u == ':' || u >= 0x80;
}
bool isNameChar(char c) {
    return isNameStart(c) || (c >= '0' && c <= '9') || c == '-' || c == '.';
}

// The Char production: what a character reference may name.
bool isXmlChar(std::uint32_t c) {
    return c == 0x9 || c == 0xA || c == 0xD || (c >= 0x20 && c <= 0xD7FF) ||
           (c >= 0xE000 && c <= 0xFFFD) || (c >= 0x10000 && c <= 0x10FFFF);
}

std::string prefixOf(const std::string& name) {
    const auto colon = name.find(':');
    return colon == std::string::npos ? std::string() : name.substr(0, colon);
}

class Reader {
  public:
    explicit Reader(std::string_view xml) : s_(xml) {}

    std::optional<XmlElement> document(Status* status) {
        auto root = parse();
        if (!root && status) *status = Status::failure(where(errorPos_) + ": " + error_);
        return root;
    }

  private:
    // One open element, with the namespace prefixes it declares.
    struct Frame {
        XmlElement element;
        std::vector<std::string> prefixes;
        std::size_t openedAt = 0;
    };

    std::optional<XmlElement> parse() {
        if (!checkCharacters()) return std::nullopt;
        if (startsWith("\xEF\xBB\xBF")) pos_ = 3;
        if (startsWith("<?xml") && pos_ + 5 < s_.size() && isSpace(s_[pos_ + 5])) {
            if (!declaration()) return std::nullopt;
        }
        if (!misc()) return std::nullopt;
        if (startsWith("<!DOCTYPE"))
            return fail("a document type declaration is not accepted (no DTD, no entities)");
        if (!startsWith("<") || pos_ + 1 >= s_.size() || !isNameStart(s_[pos_ + 1]))
            return fail(pos_ >= s_.size() ? "no root element" : "expected the root element");
        auto root = elements();
        if (!root || !misc()) return std::nullopt;
        if (pos_ < s_.size()) return fail("content after the root element");
        return root;
    }

    // Every byte: well-formed UTF-8, and no control character XML does not allow.
    bool checkCharacters() {
        for (std::size_t i = 0; i < s_.size();) {
            const auto u = static_cast<unsigned char>(s_[i]);
            if (u < 0x80) {
                if (u < 0x20 && !isSpace(s_[i])) {
                    pos_ = i;
                    return failBool("control character " + std::to_string(u) +
                                    " is not allowed in XML");
                }
                ++i;
                continue;
            }
            const auto length = utf8SequenceLength(s_, i);
            // U+FFFE and U+FFFF (EF BF BE, EF BF BF) are not characters.
            if (length == 0 || (length == 3 && u == 0xEF && s_[i + 1] == '\xBF' &&
                                (s_[i + 2] == '\xBE' || s_[i + 2] == '\xBF'))) {
                pos_ = i;
                return failBool("not valid UTF-8 (or not an XML character)");
            }
            i += length;
        }
        return true;
    }

    // <?xml version="1.0" encoding="UTF-8" standalone="yes"?>: only UTF-8 is read.
    bool declaration() {
        pos_ += 5;
        XmlElement pseudo;
        bool closedEmpty = false;
        if (!attributeList(&pseudo, "?>", &closedEmpty)) return false;
        for (const auto& [name, value] : pseudo.attributes) {
            if (name == "encoding") {
                std::string upper;
                for (char c : value)
                    upper += (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
                if (upper != "UTF-8")
                    return failBool("encoding " + value + " is not read: only UTF-8");
            } else if (name != "version" && name != "standalone") {
                return failBool("unknown pseudo-attribute " + name + " in the XML declaration");
            }
        }
        if (!pseudo.findAttribute("version")) return failBool("the XML declaration has no version");
        return true;
    }

    // White space, comments and processing instructions (before and after the root).
    bool misc() {
        for (;;) {
            while (pos_ < s_.size() && isSpace(s_[pos_])) ++pos_;
            if (startsWith("<!--")) {
                if (!comment()) return false;
            } else if (startsWith("<?")) {
                if (!processingInstruction()) return false;
            } else {
                return true;
            }
        }
    }

    bool comment() {
        const auto end = s_.find("--", pos_ + 4);
        if (end == std::string_view::npos) return failBool("comment not closed");
        if (end + 2 >= s_.size() || s_[end + 2] != '>') {
            pos_ = end;
            return failBool("'--' inside a comment");
        }
        pos_ = end + 3;
        return true;
    }

    bool processingInstruction() {
        pos_ += 2;
        const auto target = name();
        if (target.empty()) return failBool("a processing instruction without a target");
        if (target.size() == 3 && (target[0] | 0x20) == 'x' && (target[1] | 0x20) == 'm' &&
            (target[2] | 0x20) == 'l')
            return failBool("an XML declaration is only allowed at the very start");
        const auto end = s_.find("?>", pos_);
        if (end == std::string_view::npos) return failBool("processing instruction not closed");
        if (end != pos_ && !isSpace(s_[pos_]))
            return failBool("expected white space after the processing instruction's target");
        pos_ = end + 2;
        return true;
    }

    // The tree is freed recursively: its depth is bounded, as libxml2 bounds it (an ADMX file is
    // six levels deep).
    static constexpr std::size_t kMaxDepth = 256;

    // The root element and everything inside it.
    std::optional<XmlElement> elements() {
        std::vector<Frame> open;
        for (;;) {
            if (pos_ >= s_.size()) {
                pos_ = open.back().openedAt;
                return fail("element <" + open.back().element.name + "> is not closed");
            }
            if (startsWith("</")) {
                const auto tagAt = pos_;
                pos_ += 2;
                const auto closing = name();
                while (pos_ < s_.size() && isSpace(s_[pos_])) ++pos_;
                if (closing.empty() || pos_ >= s_.size() || s_[pos_] != '>') {
                    pos_ = tagAt;
                    return fail("malformed end tag");
                }
                if (closing != open.back().element.name) {
                    pos_ = tagAt;
                    return fail("end tag </" + closing + "> does not match <" +
                                open.back().element.name + ">");
                }
                ++pos_;
                auto done = std::move(open.back().element);
                open.pop_back();
                if (open.empty()) return done;
                open.back().element.children.push_back(std::move(done));
            } else if (startsWith("<!--")) {
                if (!comment()) return std::nullopt;
            } else if (startsWith("<![CDATA[")) {
                const auto end = s_.find("]]>", pos_ + 9);
                if (end == std::string_view::npos) return fail("CDATA section not closed");
                pos_ = end + 3;
            } else if (startsWith("<?")) {
                if (!processingInstruction()) return std::nullopt;
            } else if (startsWith("<")) {
                Frame frame;
                frame.openedAt = pos_;
                ++pos_;
                frame.element.name = name();
                if (frame.element.name.empty()) return fail("'<' not followed by a name");
                bool empty = false;
                if (!attributeList(&frame.element, "/>", &empty) ||
                    !resolveNamespaces(&frame, open))
                    return std::nullopt;
                if (!empty) {
                    if (open.size() == kMaxDepth) {
                        pos_ = frame.openedAt;
                        return fail("elements nested deeper than " + std::to_string(kMaxDepth) +
                                    " levels");
                    }
                    open.push_back(std::move(frame));
                } else if (open.empty()) {
                    return std::move(frame.element);
                } else {
                    open.back().element.children.push_back(std::move(frame.element));
                }
            } else if (open.empty()) {
                return fail("expected an element");
            } else if (s_[pos_] == '&') {
                std::string ignored;
                if (!reference(&ignored)) return std::nullopt;
            } else {
                if (startsWith("]]>")) return fail("']]>' in text");
                ++pos_;
            }
        }
    }

    // Attributes up to '>' or `emptyEnd` ("/>" for a tag, "?>" for the declaration).
    bool attributeList(XmlElement* element, std::string_view emptyEnd, bool* closedEmpty) {
        for (;;) {
            const auto before = pos_;
            while (pos_ < s_.size() && isSpace(s_[pos_])) ++pos_;
            if (startsWith(emptyEnd)) {
                pos_ += emptyEnd.size();
                *closedEmpty = true;
                return true;
            }
            if (emptyEnd == "/>" && startsWith(">")) {
                ++pos_;
                return true;
            }
            if (pos_ >= s_.size()) return failBool("tag <" + element->name + "> is not closed");
            if (pos_ == before) return failBool("expected white space before an attribute");
            const auto attributeAt = pos_;
            auto key = name();
            if (key.empty()) return failBool("expected an attribute name");
            while (pos_ < s_.size() && isSpace(s_[pos_])) ++pos_;
            if (!startsWith("=")) return failBool("expected '=' after attribute " + key);
            ++pos_;
            while (pos_ < s_.size() && isSpace(s_[pos_])) ++pos_;
            std::string value;
            if (!quoted(&value)) return false;
            if (element->findAttribute(key)) {
                pos_ = attributeAt;
                return failBool("attribute " + key + " appears twice");
            }
            element->attributes.emplace_back(std::move(key), std::move(value));
        }
    }

    bool quoted(std::string* value) {
        if (pos_ >= s_.size() || (s_[pos_] != '"' && s_[pos_] != '\''))
            return failBool("expected a quoted attribute value");
        const char quote = s_[pos_++];
        for (;;) {
            if (pos_ >= s_.size()) return failBool("attribute value not closed");
            const char c = s_[pos_];
            if (c == quote) {
                ++pos_;
                return true;
            }
            if (c == '<') return failBool("'<' in an attribute value");
            if (c == '&') {
                if (!reference(value)) return false;
                continue;
            }
            if (c == '\r' && pos_ + 1 < s_.size() && s_[pos_ + 1] == '\n') ++pos_;
            *value += isSpace(c) ? ' ' : c;
            ++pos_;
        }
    }

    // &lt; &gt; &amp; &quot; &apos; &#N; &#xN; appended decoded; any other name is an error.
    bool reference(std::string* out) {
        const auto semicolon = s_.find(';', pos_);
        if (semicolon == std::string_view::npos || semicolon - pos_ > 12)
            return failBool("'&' that starts no reference (write &amp;)");
        const auto body = s_.substr(pos_ + 1, semicolon - pos_ - 1);
        if (body.size() > 1 && body[0] == '#') {
            const bool hex = body[1] == 'x';
            const auto digits = body.substr(hex ? 2 : 1);
            std::uint32_t code = 0;
            bool ok = !digits.empty();
            for (char c : digits) {
                std::uint32_t d;
                if (c >= '0' && c <= '9') {
                    d = static_cast<std::uint32_t>(c - '0');
                } else if (hex && ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')) {
                    d = static_cast<std::uint32_t>((c | 0x20) - 'a' + 10);
                } else {
                    ok = false;
                    break;
                }
                code = code * (hex ? 16u : 10u) + d;
                if (code > 0x10FFFF) ok = false;
                if (!ok) break;
            }
            if (!ok || !isXmlChar(code))
                return failBool("character reference &" + std::string(body) +
                                "; names no XML character");
            appendUtf8(out, code);
        } else if (body == "lt") {
            *out += '<';
        } else if (body == "gt") {
            *out += '>';
        } else if (body == "amp") {
            *out += '&';
        } else if (body == "quot") {
            *out += '"';
        } else if (body == "apos") {
            *out += '\'';
        } else {
            return failBool("unknown entity &" + std::string(body) + ";");
        }
        pos_ = semicolon + 1;
        return true;
    }

    // Every prefix used by the element or its attributes is declared on it or an ancestor.
    bool resolveNamespaces(Frame* frame, const std::vector<Frame>& open) {
        auto& element = frame->element;
        for (const auto& [key, value] : element.attributes) {
            if (key.rfind("xmlns:", 0) == 0) {
                if (value.empty())
                    return failAt(frame->openedAt, "namespace prefix " + key.substr(6) +
                                                       " declared with an empty name");
                frame->prefixes.push_back(key.substr(6));
            }
        }
        const auto declared = [&](const std::string& prefix) {
            if (prefix.empty() || prefix == "xml" || prefix == "xmlns") return true;
            for (const auto& p : frame->prefixes)
                if (p == prefix) return true;
            for (const auto& f : open)
                for (const auto& p : f.prefixes)
                    if (p == prefix) return true;
            return false;
        };
        const auto check = [&](const std::string& qualified) {
            const auto colon = qualified.find(':');
            if (colon != std::string::npos && (colon == 0 || colon + 1 == qualified.size() ||
                                               qualified.find(':', colon + 1) != std::string::npos))
                return failAt(frame->openedAt, "name " + qualified + " is not a qualified name");
            if (!declared(prefixOf(qualified)))
                return failAt(frame->openedAt, "namespace prefix " + prefixOf(qualified) + " of " +
                                                   qualified + " is not declared");
            return true;
        };
        if (!check(element.name)) return false;
        for (const auto& attribute : element.attributes)
            if (!check(attribute.first)) return false;
        const auto colon = element.name.find(':');
        element.localName =
            colon == std::string::npos ? element.name : element.name.substr(colon + 1);
        return true;
    }

    std::string name() {
        if (pos_ >= s_.size() || !isNameStart(s_[pos_])) return {};
        const auto start = pos_;
        while (pos_ < s_.size() && isNameChar(s_[pos_])) ++pos_;
        return std::string(s_.substr(start, pos_ - start));
    }

    bool startsWith(std::string_view text) const { return s_.substr(pos_, text.size()) == text; }

    std::nullopt_t fail(std::string message) {
        failBool(std::move(message));
        return std::nullopt;
    }
    bool failBool(std::string message) {
        if (error_.empty()) {
            error_ = std::move(message);
            errorPos_ = pos_;
        }
        return false;
    }
    bool failAt(std::size_t at, std::string message) {
        pos_ = at;
        return failBool(std::move(message));
    }

    std::string where(std::size_t at) const {
        std::size_t line = 1, lineStart = 0;
        for (std::size_t i = 0; i < at && i < s_.size(); ++i)
            if (s_[i] == '\n') {
                ++line;
                lineStart = i + 1;
            }
        return "line " + std::to_string(line) + ", column " + std::to_string(at - lineStart + 1);
    }

    std::string_view s_;
    std::size_t pos_ = 0;
    std::string error_;
    std::size_t errorPos_ = 0;
};

}  // namespace

std::optional<XmlElement> parseXml(std::string_view xml, Status* status) {
    return Reader(xml).document(status);
}

}  // namespace mpa
