#include "templates/plist_xml.hpp"

#include <variant>

#include "templates/xml_text.hpp"

namespace mpa {

std::string plistTypeName(const PolicyDefinition& def) {
    switch (def.type) {
        case PolicyType::Boolean:
            return "boolean";
        case PolicyType::Integer:
            return "integer";
        case PolicyType::Enum:
        case PolicyType::String:
            return "string";
    }
    return "string";
}

PlistXmlWriter::PlistXmlWriter() {
    out_ << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
         << "<!DOCTYPE plist PUBLIC \"-//Apple//DTD PLIST 1.0//EN\" "
            "\"http://www.apple.com/DTDs/PropertyList-1.0.dtd\">\n"
         << "<plist version=\"1.0\">\n";
}

void PlistXmlWriter::indent() {
    for (int i = 0; i < depth_; ++i) out_ << '\t';
}

void PlistXmlWriter::beginDict() {
    indent();
    out_ << "<dict>\n";
    ++depth_;
}

void PlistXmlWriter::endDict() {
    --depth_;
    indent();
    out_ << "</dict>\n";
}

void PlistXmlWriter::beginArray() {
    indent();
    out_ << "<array>\n";
    ++depth_;
}

void PlistXmlWriter::endArray() {
    --depth_;
    indent();
    out_ << "</array>\n";
}

void PlistXmlWriter::key(std::string_view name) {
    indent();
    out_ << "<key>" << xmlEscape(name) << "</key>\n";
}

void PlistXmlWriter::string(std::string_view text) {
    indent();
    out_ << "<string>" << xmlEscape(text) << "</string>\n";
}

void PlistXmlWriter::integer(std::int64_t value) {
    indent();
    out_ << "<integer>" << value << "</integer>\n";
}

void PlistXmlWriter::boolean(bool value) {
    indent();
    out_ << (value ? "<true/>\n" : "<false/>\n");
}

void PlistXmlWriter::value(const PolicyValue& v) {
    if (const auto* b = std::get_if<bool>(&v)) {
        boolean(*b);
    } else if (const auto* i = std::get_if<std::int64_t>(&v)) {
        integer(*i);
    } else {
        string(std::get<std::string>(v));
    }
}

void PlistXmlWriter::entry(std::string_view name, std::string_view text) {
    key(name);
    string(text);
}

void PlistXmlWriter::entry(std::string_view name, std::int64_t value) {
    key(name);
    integer(value);
}

void PlistXmlWriter::entryBool(std::string_view name, bool value) {
    key(name);
    boolean(value);
}

std::string PlistXmlWriter::finish() {
    out_ << "</plist>\n";
    return out_.str();
}

}  // namespace mpa
