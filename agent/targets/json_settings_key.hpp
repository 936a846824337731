#pragma once
// One key of another tool's JSON settings file (~/.angular-config.json's cli.analytics), read and
// edited in the text itself: the value is spliced in place, so every other byte of the file (the
// tool's formatting, the members the agent does not manage) stays as it was, and removing what
// the agent inserted gives the previous text back byte for byte. Pure: text in, text out.
//
// A key is a dotted path of object members ("cli.analytics"); members are matched exactly, and
// of repeated members the last one counts (JavaScript's JSON.parse keeps the last).
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/status.hpp"

namespace mpa {

// The raw JSON text of the value at `path`, or nullopt when a member on the way is missing. An
// empty (or blank) text is an empty object: a file the tool has not written yet. Fails when the
// text is not a strict JSON object, or a member on the way is not an object.
Status readJsonKey(std::string_view text, const std::vector<std::string>& path,
                   std::optional<std::string>* raw);

// Sets the value at `path` to `rawValue` (valid JSON), creating the objects on the way.
// *firstCreated: the index in `path` of the first member this call created (path.size() when the
// member existed and only its value was replaced); removeJsonKey takes it back.
Status setJsonKey(std::string* text, const std::vector<std::string>& path,
                  std::string_view rawValue, std::size_t* firstCreated);

// Removes the member at `path` (nothing when it is missing). With firstCreated below the last
// index, the objects the agent created for it go too, while they hold nothing else.
Status removeJsonKey(std::string* text, const std::vector<std::string>& path,
                     std::size_t firstCreated);

// True when the text is an object without members (what is left of a file the agent created
// once its key is removed).
bool isEmptyJsonObject(std::string_view text);

// The JSON for a catalog value: itself when it is a JSON value (false, 0, "x"), else a string.
std::string jsonValueFor(std::string_view catalogValue);

}  // namespace mpa
