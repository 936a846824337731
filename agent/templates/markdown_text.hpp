#pragma once
// Text for the generated Markdown documents (docs/policies.md, docs/telemetry-catalog.md).
#include <string>

namespace mpa {

// A table cell: no line breaks, and a pipe would end the cell.
std::string markdownCell(const std::string& text);
// Inline code.
std::string markdownCode(const std::string& text);

}  // namespace mpa
