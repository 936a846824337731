#pragma once
// Where a catalog tool's per-user settings file is inside a profile, as path components below the
// home. Pure: the catalog's spelling ("~/.azure/config", "%APPDATA%\turborepo\telemetry.json")
// for the platform profile in hand.
//
// A service sees neither a user's environment (XDG_CONFIG_HOME, AZURE_CONFIG_DIR) nor, on
// Windows, another user's known folders (SHGetKnownFolderPath needs that user's token), so the
// defaults are used: "~" and %USERPROFILE% are the profile's home, %APPDATA% is
// <home>\AppData\Roaming and %LOCALAPPDATA% <home>\AppData\Local. A redirected folder is not
// seen (documented in docs/user-settings-files.md).
#include <string>
#include <vector>

#include "model/agent_context.hpp"
#include "policy/telemetry_catalog.hpp"
#include "util/status.hpp"

namespace mpa {

// The catalog's path for the platform ("" when the tool has no such file there).
const std::string& userFilePathFor(const CatalogUserFile& file, PlatformProfile platform);

// The components below the home; a failure names what cannot be placed (an unknown %FOLDER%, a
// path that is not relative to the home, a ".." component).
Status userFileComponents(const std::string& catalogPath, std::vector<std::string>* components);

}  // namespace mpa
