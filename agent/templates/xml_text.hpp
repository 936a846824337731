#pragma once
// Escaping for the XML the template writers emit by hand (ADMX, ADML, plists): writing the text
// directly keeps the output byte-stable and laid out the way administrators expect to read it.
#include <string>
#include <string_view>

namespace mpa {

// Escapes & < > " (enough for element text and double-quoted attributes).
std::string xmlEscape(std::string_view text);

}  // namespace mpa
