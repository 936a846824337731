#pragma once
// The smallest layer over libplist the agent needs: parse a property list (XML or binary, as
// macOS writes either) and walk its dictionaries. Used for managed preferences, launchd's
// configuration and the local account database. Only built with libplist (MPA_HAVE_PLIST).
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "util/status.hpp"

namespace mpa::plist {

// A node inside a parsed tree (libplist's plist_t); valid while its Tree lives.
using Node = void*;

struct TreeDeleter {
    void operator()(void* root) const;
};
using Tree = std::unique_ptr<void, TreeDeleter>;

// Parses XML or binary plist bytes; null with a failed *status ("not a readable XML property
// list", "not a readable binary property list (truncated or corrupt)") when libplist cannot read
// them (*status is left as it was on success).
Tree parse(std::string_view data, Status* status);

bool isDict(Node node);
// Entries of a dictionary in the file's order; empty for anything else.
std::vector<std::pair<std::string, Node>> dictEntries(Node dict);
Node dictItem(Node dict, const std::string& key);   // null when absent or not a dict
std::vector<Node> arrayItems(Node array);           // empty for anything else
std::optional<std::string> stringValue(Node node);  // strings only
// "dictionary", "array", "data", "date", ... for messages.
std::string typeName(Node node);

// The scalar kinds, each empty for a node of any other type.
std::optional<bool> boolValue(Node node);
// libplist keeps <integer> as 64 unsigned bits; a negative one comes back as its two's
// complement, which this returns as the negative number again.
std::optional<std::int64_t> integerValue(Node node);
std::optional<double> realValue(Node node);

}  // namespace mpa::plist
