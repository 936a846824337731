#pragma once
// A small, strict XML reader for the ADMX reader (templates/admx_reader.cpp): the elements and
// their attributes, nothing else (text, comments and processing instructions are checked and
// dropped). It replaces a full XML library that only this reader used, which the service mapped
// for nothing (docs/performance.md, "Where the idle service's memory goes").
//
// What it accepts is well-formed XML 1.0 without a document type: UTF-8 (a byte order mark
// allowed), one root element, matching end tags, quoted attributes without '<' and without
// duplicates, the five predefined entities and character references, CDATA sections, comments,
// processing instructions, and namespace prefixes that are declared. A DOCTYPE is refused (no
// DTD, no entities of the document's own: nothing expands), and so is nesting deeper than 256
// levels (libxml2's limit too). Anything else is an error naming the line and column.
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "util/status.hpp"

namespace mpa {

struct XmlElement {
    std::string name;       // as written, with its prefix ("xs:element")
    std::string localName;  // without the prefix ("element")
    // As written, values with their references decoded and white space normalised (XML 1.0
    // section 3.3.3: a literal tab, line feed or carriage return reads as a space).
    std::vector<std::pair<std::string, std::string>> attributes;
    std::vector<XmlElement> children;  // elements only

    // Null when the element has no attribute of that (qualified) name.
    const std::string* findAttribute(std::string_view attributeName) const;
    // The attribute's value, or "" when absent (the DOM's getAttribute).
    std::string attribute(std::string_view attributeName) const;
};

// The root element of `xml`, or nullopt with *status failed ("line 3, column 7: end tag
// </policy> does not match <policies>") when it is not well-formed.
std::optional<XmlElement> parseXml(std::string_view xml, Status* status);

}  // namespace mpa
