#include "model/agent_context.hpp"

namespace mpa {

std::string_view toString(PlatformProfile profile) {
    switch (profile) {
        case PlatformProfile::Linux:
            return "linux";
        case PlatformProfile::MacOS:
            return "macos";
        case PlatformProfile::Windows:
            return "windows";
    }
    return "?";
}

PlatformProfile hostPlatformProfile() {
#if defined(_WIN32)
    return PlatformProfile::Windows;
#elif defined(__APPLE__)
    return PlatformProfile::MacOS;
#else
    return PlatformProfile::Linux;
#endif
}

bool isDrivePath(std::string_view path) {
    return path.size() >= 2 && path[1] == ':' &&
           ((path[0] >= 'A' && path[0] <= 'Z') || (path[0] >= 'a' && path[0] <= 'z')) &&
           (path.size() == 2 || path[2] == '/' || path[2] == '\\');
}

bool isAbsoluteLogicalPath(std::string_view path) {
    return (!path.empty() && path.front() == '/') || isDrivePath(path);
}

std::string AgentContext::resolve(std::string_view absolutePath) const {
    const auto& root = settings.root;
    if (root.empty() || root == "/") return std::string(absolutePath);
    std::string out = root;
    if (out.back() == '/' || out.back() == '\\') out.pop_back();
    if (isDrivePath(absolutePath)) {
        // A Windows path below a scratch root: "C:\Users\bob" -> "<root>/C/Users/bob".
        out += '/';
        out += absolutePath.front();
        for (const char c : absolutePath.substr(2)) out += c == '\\' ? '/' : c;
        return out;
    }
    if (absolutePath.empty() || absolutePath.front() != '/') out += '/';
    out += absolutePath;
    return out;
}

void applyDefaultSettings(AgentSettings& settings, PlatformProfile platform) {
    if (settings.root.empty()) settings.root = "/";
    if (platform == PlatformProfile::Windows) {
        if (settings.database.empty())
            settings.database = "C:/ProgramData/Metalama/PolicyAgent/compliance.db";
        return;
    }
    if (settings.database.empty())
        settings.database = platform == PlatformProfile::MacOS
                                ? "/Library/Application Support/Metalama/PolicyAgent/compliance.db"
                                : "/var/lib/metalama-policy-agent/compliance.db";
    if (settings.policyDirectory.empty()) settings.policyDirectory = "/etc/metalama/policies";
    if (settings.sambaGpupdatePolicy.empty())
        settings.sambaGpupdatePolicy = "/etc/metalama/group-policy/samba-gpupdate.json";
    // sambaGpoCache stays empty unless agent.yaml names it: reading Samba's cache directly is a
    // fallback for machines where the samba-gpupdate extension cannot be registered.
}

}  // namespace mpa
