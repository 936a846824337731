#pragma once
// The catalog of other developer tools' telemetry opt-outs, loaded from
// policies/telemetry-catalog.yaml (embedded at build time). Data only: which environment
// variables and per-user settings turn each tool's telemetry off, where that is documented and
// when it was last checked. The generator (docs/telemetry-catalog.md) reads it from here.
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace mpa {

// One environment variable and the exact value that opts the tool out.
struct CatalogVariable {
    std::string name;      // [A-Z_][A-Z0-9_]*
    std::string value;     // written as is
    std::string versions;  // the versions in which this value opts out; "all" unless it changed
};

enum class SettingsFormat { Json, Ini, Yaml, Text };
std::string_view toString(SettingsFormat format);

// A per-user settings file with the key that opts the user out. Paths are per operating system,
// relative to the user's home ("~/...") or a Windows known folder ("%APPDATA%\...").
struct CatalogUserFile {
    std::string linuxPath, macosPath, windowsPath;  // an empty path: not on that system
    SettingsFormat format = SettingsFormat::Json;
    std::string section;  // Ini only
    std::string key;      // Json: dotted path; Ini, Yaml: the key; Text: empty (whole content)
    std::string value;    // as the tool writes it, e.g. false or "false"
};

struct CatalogTool {
    std::string id;  // [a-z0-9-], stable: policy names are derived from it later
    std::string name, vendor;
    std::vector<CatalogVariable> environment;
    std::vector<CatalogUserFile> userFiles;
    bool machineWide = true;        // can the opt-out be set for every user of the machine?
    std::string machineWideReason;  // why not, when machineWide is false
    std::string source;             // https link to the vendor's own text
    std::string checked;            // YYYY-MM-DD
    std::string notes;              // optional
    // Optional: the name of the tool's policy, when the one derived from the id is not the
    // right one (DO_NOT_TRACK is SetDoNotTrack); [A-Za-z0-9_]. See policy/tool_policies.hpp.
    std::string policy;
};

struct TelemetryCatalog {
    std::vector<CatalogTool> tools;
    const CatalogTool* find(std::string_view id) const;
};

// A bad catalog is a build-time bug: the message names the line, the tool and the field.
struct TelemetryCatalogError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

TelemetryCatalog loadTelemetryCatalog(std::string_view yamlText);
const TelemetryCatalog& builtinTelemetryCatalog();

}  // namespace mpa
