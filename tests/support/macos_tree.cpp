#include "support/macos_tree.hpp"

#include <unistd.h>

#include <cstdio>
#include <stdexcept>

#include "support/agent_process.hpp"

namespace mpa::test {
namespace {

constexpr unsigned kStaffGid = 20;

// "<base>/<path>" relative to the scratch directory, whatever slashes the parts carry (a leading
// slash would make ScratchDir::abs leave the scratch directory).
std::string under(const std::string& base, const std::string& path) {
    std::string out = base;
    while (!out.empty() && out.back() == '/') out.pop_back();
    std::size_t start = 0;
    while (start < path.size() && path[start] == '/') ++start;
    out += (out.empty() ? "" : "/") + path.substr(start);
    while (!out.empty() && out.front() == '/') out.erase(0, 1);
    return out;
}

void chownOrThrow(const std::string& path, unsigned uid, unsigned gid) {
    if (::chown(path.c_str(), uid, gid) != 0) throw std::runtime_error("chown " + path);
}

std::string strings(const std::string& key, const std::string& value) {
    return "\t<key>" + key + "</key>\n\t<array>\n\t\t<string>" + value + "</string>\n\t</array>\n";
}

}  // namespace

std::string xmlPlist(const std::string& body) {
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
           "<!DOCTYPE plist PUBLIC \"-//Apple//DTD PLIST 1.0//EN\" "
           "\"http://www.apple.com/DTDs/PropertyList-1.0.dtd\">\n"
           "<plist version=\"1.0\">\n" +
           body + "</plist>\n";
}

void writeMacUserRecord(const ScratchDir& dir, const std::string& base, const std::string& name,
                        unsigned uid, const std::string& home) {
    dir.write(under(base, "private/var/db/dslocal/nodes/Default/users/" + name + ".plist"),
              xmlPlist("<dict>\n" + strings("name", name) + strings("uid", std::to_string(uid)) +
                       strings("gid", std::to_string(kStaffGid)) + strings("home", home) +
                       strings("shell", "/bin/zsh") + strings("realname", name) + "</dict>\n"),
              0600);
}

void makeMacHome(const ScratchDir& dir, const std::string& base, const std::string& home,
                 unsigned uid) {
    const auto rel = under(base, home);
    dir.mkdirs(rel + "/Library", 0750);
    chownOrThrow(dir.abs(rel), uid, kStaffGid);
    chownOrThrow(dir.abs(rel + "/Library"), uid, kStaffGid);
}

void writeAsUser(const ScratchDir& dir, const std::string& base, const std::string& home,
                 unsigned uid, const std::string& rel, const std::string& content) {
    const auto homeRel = under(base, home);
    dir.write(homeRel + "/" + rel, content);
    for (std::size_t slash = rel.find('/'); slash != std::string::npos;
         slash = rel.find('/', slash + 1))
        chownOrThrow(dir.abs(homeRel + "/" + rel.substr(0, slash)), uid, kStaffGid);
    chownOrThrow(dir.abs(homeRel + "/" + rel), uid, kStaffGid);
}

std::string convertToBinaryPlist(const ScratchDir& dir, const std::string& rel) {
    const auto out = dir.abs(rel + ".bin");
    const auto r = runProcess({"/usr/bin/plistutil", "-i", dir.abs(rel), "-o", out, "-f", "bin"});
    if (r.exitCode != 0) return "plistutil failed: " + r.err + r.out;
    if (std::rename(out.c_str(), dir.abs(rel).c_str()) != 0) return "rename failed";
    return {};
}

}  // namespace mpa::test
