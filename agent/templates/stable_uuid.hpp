#pragma once
// Name-based UUIDs (RFC 4122 version 5, SHA-1) for generated artefacts: the same name always
// gives the same UUID, so a regenerated configuration profile keeps its PayloadUUIDs and MDMs
// see an update of the same profile, not a new one.
#include <string>
#include <string_view>

namespace mpa {

// Upper case, as Apple's tools write PayloadUUIDs. The namespace is RFC 4122's DNS namespace;
// names are reverse-DNS identifiers ("com.postsharp.metalama.policy").
std::string stableUuid(std::string_view name);

}  // namespace mpa
