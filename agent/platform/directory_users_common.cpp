// Where directory (SSSD, winbind) users' homes are, from the machine's own configuration. Pure
// parsing, so it is tested without a domain; the look-ups are in directory_users_posix.cpp.
#include <algorithm>
#include <cctype>

#include "platform/safe_fs.hpp"
#include "platform/users.hpp"

namespace mpa::platform {
namespace {

std::string lower(std::string s) {
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

std::string trimmed(std::string_view s) {
    const auto b = s.find_first_not_of(" \t\r");
    if (b == std::string_view::npos) return {};
    const auto e = s.find_last_not_of(" \t\r");
    return std::string(s.substr(b, e - b + 1));
}

// Samba ignores spaces and case in parameter names ("template homedir" = "templatehomedir").
std::string parameterName(std::string_view s) {
    std::string out;
    for (char c : s)
        if (c != ' ' && c != '\t' && c != '_')
            out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

// section -> (normalized key -> value), for INI-style files (smb.conf, sssd.conf, useradd).
struct Ini {
    std::vector<std::pair<std::string, std::vector<std::pair<std::string, std::string>>>> sections;
    const std::string* get(const std::string& section, const std::string& key) const {
        for (const auto& [name, values] : sections)
            if (name == section)
                for (const auto& [k, v] : values)
                    if (k == key) return &v;
        return nullptr;
    }
};

Ini parseIni(std::string_view text) {
    Ini ini;
    ini.sections.push_back({"", {}});
    std::size_t at = 0;
    while (at <= text.size()) {
        const auto end = std::min(text.find('\n', at), text.size());
        const auto line = trimmed(text.substr(at, end - at));
        at = end + 1;
        if (line.empty() || line[0] == '#' || line[0] == ';') continue;
        if (line.front() == '[' && line.back() == ']') {
            ini.sections.push_back({lower(trimmed(line.substr(1, line.size() - 2))), {}});
            continue;
        }
        const auto eq = line.find('=');
        if (eq == std::string::npos) continue;
        auto value = trimmed(line.substr(eq + 1));
        if (value.size() >= 2 && value.front() == '"' && value.back() == '"')
            value = value.substr(1, value.size() - 2);
        ini.sections.back().second.push_back({parameterName(line.substr(0, eq)), value});
    }
    return ini;
}

// The template's directory above the per-user part, with the domain codes substituted; empty
// when a component holds a code that is neither a domain nor a user code.
std::string rootOfTemplate(std::string tmpl, const std::vector<std::string>& userCodes,
                           const std::vector<std::pair<std::string, std::string>>& domainCodes) {
    // Domain codes first, on the whole template (SSSD's %H stands for a leading path).
    for (const auto& [code, value] : domainCodes)
        for (auto pos = tmpl.find(code); pos != std::string::npos; pos = tmpl.find(code, pos)) {
            tmpl.replace(pos, code.size(), value);
            pos += value.size();
        }
    if (tmpl.empty() || tmpl[0] != '/') return {};
    std::string root;
    std::size_t at = 1;
    while (at < tmpl.size()) {
        const auto end = std::min(tmpl.find('/', at), tmpl.size());
        const std::string part = tmpl.substr(at, end - at);
        at = end + 1;
        if (part.empty()) continue;
        for (const auto& code : userCodes)
            if (part.find(code) != std::string::npos) return root.empty() ? "/" : root;
        if (part.find('%') != std::string::npos || part == "." || part == "..") return {};
        root += "/" + part;
    }
    return {};  // no per-user component: not a template of one home per user
}

void addRoot(std::vector<std::string>& roots, const std::string& root) {
    if (root.empty() || root == "/") return;
    if (std::find(roots.begin(), roots.end(), root) == roots.end()) roots.push_back(root);
}

}  // namespace

std::vector<std::string> directoryHomeRoots(const HomeRootConfig& config) {
    std::vector<std::string> roots;
    std::vector<std::string> domains;
    if (!config.smbConf.empty()) {
        const auto smb = parseIni(config.smbConf);
        const auto* workgroup = smb.get("global", "workgroup");
        const auto* realm = smb.get("global", "realm");
        const auto* tmpl = smb.get("global", "templatehomedir");
        if (workgroup && !workgroup->empty()) {
            // winbind's default template is /home/%D/%U (%D: the short domain name).
            addRoot(roots, rootOfTemplate(tmpl ? *tmpl : "/home/%D/%U", {"%U", "%u", "%G", "%g"},
                                          {{"%D", *workgroup}}));
            domains.push_back(*workgroup);
        }
        if (realm && !realm->empty()) domains.push_back(lower(*realm));
    }
    if (!config.sssdConf.empty()) {
        const auto sssd = parseIni(config.sssdConf);
        const auto* nss = sssd.get("nss", "homedirsubstring");
        for (const auto& [section, values] : sssd.sections) {
            if (section.rfind("domain/", 0) != 0 && section != "nss") continue;
            const auto domain = section == "nss" ? std::string() : section.substr(7);
            const auto* substring = sssd.get(section, "homedirsubstring");
            const std::string home = substring ? *substring : nss ? *nss : "/home";
            std::vector<std::pair<std::string, std::string>> codes{{"%H", home}};
            if (!domain.empty()) codes.push_back({"%d", domain});
            for (const char* key : {"overridehomedir", "fallbackhomedir"})
                if (const auto* tmpl = sssd.get(section, key))
                    addRoot(roots, rootOfTemplate(*tmpl, {"%u", "%U", "%f", "%l", "%P", "%o", "%h"},
                                                  codes));
            // The AD provider's default fallback_homedir is /home/%d/%u.
            if (!domain.empty()) domains.push_back(domain);
        }
    }
    for (const auto& domain : domains)
        if (domain.find('/') == std::string::npos && domain != "." && domain != "..")
            addRoot(roots, "/home/" + domain);
    std::string localHome = "/home";
    const auto useradd = parseIni(config.useradd);  // kept alive: get() points into it
    if (const auto* home = useradd.get("", "home"); home && !home->empty()) localHome = *home;
    if (!localHome.empty() && localHome[0] == '/') addRoot(roots, localHome);
    return roots;
}

HomeRootConfig readHomeRootConfig(const std::string& root) {
    std::string base = root;
    while (!base.empty() && base.back() == '/') base.pop_back();
    const auto read = [&](const char* path) {
        auto result = readFileNoFollow(base + path, 1024 * 1024);
        return result.status ? std::move(result.data) : std::string();
    };
    return {read("/etc/samba/smb.conf"), read("/etc/sssd/sssd.conf"), read("/etc/default/useradd")};
}

std::vector<std::string> directoryUserWatchPaths(const std::string& root) {
    // Only the entries of each root (a new home, a new session), not the trees below: users'
    // own activity in their homes and runtime directories must not wake the service. The local
    // root (useradd's HOME) is left out: local accounts come with the passwd file, and a
    // template such as /home/%U puts directory users there too (found at the next pass).
    const auto config = readHomeRootConfig(root);
    const auto local = directoryHomeRoots({"", "", config.useradd});
    std::vector<std::string> paths;
    for (const auto& homeRoot : directoryHomeRoots(config))
        if (std::find(local.begin(), local.end(), homeRoot) == local.end())
            paths.push_back(homeRoot + "/*");
    paths.push_back("/run/user/*");
    return paths;
}

}  // namespace mpa::platform
