#pragma once
// macOS artefacts: a configuration profile (.mobileconfig) whose payload, of type
// <macosDomain>, puts every policy at its example value into managed preferences; and a
// ProfileManifests-style manifest describing each key, for MDM consoles and profile editors that
// show key titles, descriptions and ranges (ProfileCreator, iMazing, Jamf's custom settings).
// The manifest is its own file: keys inside the payload would land in managed preferences
// beside the policies.
#include <string>

#include "policy/definitions.hpp"

namespace mpa {

// Stable identifiers: regenerating never changes them, so an MDM updates the same profile.
std::string profilePayloadIdentifier(const PolicyCatalog& catalog);  // "<domain>.profile"
std::string policyPayloadIdentifier(const PolicyCatalog& catalog);   // "<domain>.policy"

std::string writeMobileconfig(const PolicyCatalog& catalog);
std::string writeProfileManifest(const PolicyCatalog& catalog);

}  // namespace mpa
