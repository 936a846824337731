#pragma once
// A minimal writer of XML property lists (Apple's plist 1.0 DTD) with tab indentation, as
// Apple's tools write them. Enough for configuration profiles and profile manifests.
#include <cstdint>
#include <sstream>
#include <string>
#include <string_view>

#include "policy/definitions.hpp"
#include "policy/policy_value.hpp"

namespace mpa {

// The plist type a policy's value has in managed preferences: boolean, integer, or string
// (enums are stored by item name).
std::string plistTypeName(const PolicyDefinition& def);

class PlistXmlWriter {
  public:
    PlistXmlWriter();
    void beginDict();
    void endDict();
    void beginArray();
    void endArray();
    void key(std::string_view name);
    void string(std::string_view text);
    void integer(std::int64_t value);
    void boolean(bool value);
    void value(const PolicyValue& v);  // bool, integer or string
    // Shorthands for one key with a scalar value.
    void entry(std::string_view name, std::string_view text);
    void entry(std::string_view name, std::int64_t value);
    void entryBool(std::string_view name, bool value);
    std::string finish();  // closes the document

  private:
    void indent();
    std::ostringstream out_;
    int depth_ = 0;
};

}  // namespace mpa
