#pragma once
// The smallest layer over libplist the agent needs: parse a property list (XML or binary, as
// macOS writes either) and walk its dictionaries. Used for managed preferences, launchd's
// configuration and the local account database. Only built with libplist (MPA_HAVE_PLIST).
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "policy/policy_value.hpp"

namespace mpa::plist {

// A node inside a parsed tree (libplist's plist_t); valid while its Tree lives.
using Node = void*;

struct TreeDeleter {
    void operator()(void* root) const;
};
using Tree = std::unique_ptr<void, TreeDeleter>;

// Parses XML or binary plist bytes; null with *error ("not a property list", "truncated binary
// property list") when libplist cannot read them.
Tree parse(std::string_view data, std::string* error);

bool isDict(Node node);
// Entries of a dictionary in the file's order; empty for anything else.
std::vector<std::pair<std::string, Node>> dictEntries(Node dict);
Node dictItem(Node dict, const std::string& key);   // null when absent or not a dict
std::vector<Node> arrayItems(Node array);           // empty for anything else
std::optional<std::string> stringValue(Node node);  // strings only
// "dictionary", "array", "data", "date", ... for messages.
std::string typeName(Node node);

// A plist value as a policy source hands it to coercion: booleans, integers, reals and strings
// keep their type; arrays, dictionaries, data, dates and UIDs become RawValue::other naming what
// they were (coercion then reports "expected boolean, got an array").
RawValue toRawValue(Node node);

}  // namespace mpa::plist
