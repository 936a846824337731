#include "targets/user_settings_paths.hpp"

#include "util/text.hpp"

namespace mpa {

const std::string& userFilePathFor(const CatalogUserFile& file, PlatformProfile platform) {
    switch (platform) {
        case PlatformProfile::Linux:
            return file.linuxPath;
        case PlatformProfile::MacOS:
            return file.macosPath;
        case PlatformProfile::Windows:
            return file.windowsPath;
    }
    return file.linuxPath;
}

Status userFileComponents(const std::string& catalogPath, std::vector<std::string>* components) {
    components->clear();
    std::string rest;
    if (startsWith(catalogPath, "~/")) {
        rest = catalogPath.substr(2);
    } else if (startsWith(catalogPath, "%")) {
        const auto close = catalogPath.find('%', 1);
        const auto folder =
            close == std::string::npos ? std::string() : catalogPath.substr(1, close - 1);
        if (close == std::string::npos || close + 1 >= catalogPath.size() ||
            (catalogPath[close + 1] != '\\' && catalogPath[close + 1] != '/'))
            return Status::failure(catalogPath + ": not a known folder followed by a path");
        if (folder == "APPDATA")
            *components = {"AppData", "Roaming"};
        else if (folder == "LOCALAPPDATA")
            *components = {"AppData", "Local"};
        else if (folder != "USERPROFILE")
            return Status::failure(catalogPath + ": %" + folder +
                                   "% is not a folder of the user's profile");
        rest = catalogPath.substr(close + 2);
    } else {
        return Status::failure(catalogPath +
                               ": not relative to the user's home (~/ or %FOLDER%\\)");
    }
    std::string component;
    for (std::size_t i = 0; i <= rest.size(); ++i) {
        if (i < rest.size() && rest[i] != '/' && rest[i] != '\\') {
            component += rest[i];
            continue;
        }
        if (component.empty() || component == "." || component == "..")
            return Status::failure(catalogPath + ": an empty, '.' or '..' component");
        components->push_back(std::move(component));
        component.clear();
    }
    return Status::success();
}

}  // namespace mpa
