// The floor: the least file-system work a correct per-user pass needs, with nothing else (no
// policy, no store, no findings), so the agent's `apply` can be compared with what the machine
// itself costs (bench/run-floor-comparison.sh, docs/performance.md).
//
// For every login account of ROOT/etc/passwd (UID_MIN..UID_MAX of ROOT/etc/login.defs, 1000..60000
// when it has none; make-profiles-root.py writes the range its accounts need):
// open the home and each Metalama data directory one component at a time without following
// links (O_NOFOLLOW), read telemetry.json, parse the three reporting actions. A profile whose
// actions are not all "no" (2) gets a new file: a temporary file in the same directory (owner and
// mode kept), then, per batch of 256 as the agent does, one syncfs before the renames and one
// after. A profile with no data directory gets the current one created, owned by the user.
// Only POSIX calls and the C library: no part of the agent is linked.
//
// With --checked it also makes the checks the agent promises for each profile, each the one
// system call it needs, and nothing else: the home's owner is the account's (fstat), the home is
// not a locked eCryptfs lower directory (.Private), each data-directory component is the user's
// or root's (fstat after each open; the open itself refuses links), and the license audit's
// licensing.json is looked for in each data directory. The agent's system calls against this
// floor are what it spends beyond the checks it promises (docs/performance.md).
//
// Usage: floor_pass [--checked] ROOT     prints "profiles=N read=N written=N created=N"
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

constexpr int kDirFlags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
constexpr std::size_t kBatch = 256;
constexpr const char* kKeys[] = {"\"ExceptionReportingAction\"",
                                 "\"PerformanceProblemReportingAction\"",
                                 "\"UsageReportingAction\""};

struct Staged {
    int dir;
    std::string temp;
};

struct Counts {
    long profiles = 0, read = 0, written = 0, created = 0;
};

bool checked = false;  // --checked: the agent's per-profile checks as well

// With --checked: whether the open directory FD belongs to UID or root.
bool ownedByUserOrRoot(int fd, uid_t uid) {
    struct stat st;
    return ::fstat(fd, &st) == 0 && (st.st_uid == uid || st.st_uid == 0);
}

// Opens PATH (relative, '/'-separated) below DIR one component at a time, refusing links (and,
// with --checked, a component that is neither UID's nor root's).
int openNoFollow(int dir, const char* path, uid_t uid = 0) {
    int fd = -1;  // -1: still at DIR, which stays the caller's
    std::string component;
    for (const char* p = path;; ++p) {
        if (*p != '/' && *p != '\0') {
            component += *p;
            continue;
        }
        if (!component.empty()) {
            const int next = ::openat(fd < 0 ? dir : fd, component.c_str(), kDirFlags);
            if (fd >= 0) ::close(fd);
            if (next < 0) return -1;
            fd = next;
            if (checked && !ownedByUserOrRoot(fd, uid)) return ::close(fd), -1;
            component.clear();
        }
        if (*p == '\0') return fd < 0 ? ::dup(dir) : fd;
    }
}

// The value of KEY as an integer, or -1 when absent or not a number.
long actionOf(const std::string& text, const char* key) {
    const auto at = text.find(key);
    if (at == std::string::npos) return -1;
    const char* p = text.c_str() + at + std::strlen(key);
    while (*p == ' ' || *p == ':' || *p == '\n' || *p == '\t' || *p == '\r') ++p;
    char* end = nullptr;
    const long value = std::strtol(p, &end, 10);
    return end == p ? -1 : value;
}

// Text with the three actions set to 2: each present value replaced, each absent key inserted.
std::string optedOut(std::string text) {
    for (const char* key : kKeys) {
        const auto at = text.find(key);
        if (at == std::string::npos) {
            const auto brace = text.find('{');
            text.insert(
                brace == std::string::npos ? 0 : brace + 1,
                std::string(key) + ": 2" + (text.find(':') != std::string::npos ? "," : ""));
            continue;
        }
        auto p = at + std::strlen(key);
        while (p < text.size() && (text[p] == ' ' || text[p] == ':')) ++p;
        auto end = p;
        while (end < text.size() && (text[end] == '-' || (text[end] >= '0' && text[end] <= '9')))
            ++end;
        text.replace(p, end - p, "2");
    }
    return text;
}

bool readAll(int fd, std::string* out, struct stat& st) {
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) return false;
    out->resize(static_cast<std::size_t>(st.st_size));
    std::size_t done = 0;
    while (done < out->size()) {
        const auto n = ::read(fd, &(*out)[done], out->size() - done);
        if (n <= 0) break;
        done += static_cast<std::size_t>(n);
    }
    out->resize(done);
    return true;
}

// Writes TEXT to a temporary file in DIR owned like the file it replaces; staged for the rename.
bool stage(int dir, const std::string& text, uid_t uid, gid_t gid, mode_t mode,
           std::vector<Staged>& staged) {
    const std::string temp = ".telemetry.json.floor-" + std::to_string(staged.size());
    const int fd =
        ::openat(dir, temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) return false;
    const bool ok = ::fchown(fd, uid, gid) == 0 && ::fchmod(fd, mode) == 0 &&
                    ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
    ::close(fd);
    if (!ok) return ::unlinkat(dir, temp.c_str(), 0), false;
    staged.push_back({::dup(dir), temp});
    return true;
}

// One syncfs before the renames (the contents are durable before they replace anything) and one
// after (the renames are durable); every data directory of the root is on one file system.
void commit(std::vector<Staged>& staged, Counts& counts) {
    if (staged.empty()) return;
    ::syncfs(staged.front().dir);
    for (auto& s : staged) {
        if (::renameat(s.dir, s.temp.c_str(), s.dir, "telemetry.json") == 0) ++counts.written;
    }
    ::syncfs(staged.front().dir);
    for (auto& s : staged) ::close(s.dir);
    staged.clear();
}

// Reads DIR/telemetry.json; stages the opted-out text when it is not compliant.
void settingsFile(int dir, std::vector<Staged>& staged, Counts& counts) {
    if (checked) {  // the license audit's look for a license file
        const int license = ::openat(dir, "licensing.json", O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
        if (license >= 0) ::close(license);
    }
    const int fd = ::openat(dir, "telemetry.json", O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) return;
    std::string text;
    struct stat st;
    const bool ok = readAll(fd, &text, st);
    ::close(fd);
    if (!ok) return;
    ++counts.read;
    bool compliant = true;
    for (const char* key : kKeys) compliant = compliant && actionOf(text, key) == 2;
    if (!compliant) stage(dir, optedOut(text), st.st_uid, st.st_gid, st.st_mode & 07777, staged);
}

// Creates .local/share/Metalama in the home (each missing level owned by the home's owner).
int createDataDirectory(int home, const struct stat& st, Counts& counts) {
    int fd = -1;  // -1: still at the home
    for (const char* name : {".local", "share", "Metalama"}) {
        const int at = fd < 0 ? home : fd;
        if (::mkdirat(at, name, 0700) == 0) {
            ::fchownat(at, name, st.st_uid, st.st_gid, AT_SYMLINK_NOFOLLOW);
        } else if (errno != EEXIST) {
            if (fd >= 0) ::close(fd);
            return -1;
        }
        const int next = ::openat(at, name, kDirFlags);
        if (fd >= 0) ::close(fd);
        if (next < 0) return -1;
        fd = next;
    }
    ++counts.created;
    return fd;
}

void profile(int homes, const char* name, uid_t uid, std::vector<Staged>& staged, Counts& counts) {
    const int home = ::openat(homes, name, kDirFlags);
    if (home < 0) return;
    struct stat st;
    if (checked) {
        struct stat priv;
        if (::fstat(home, &st) != 0 || st.st_uid != uid ||
            ::fstatat(home, ".Private", &priv, AT_SYMLINK_NOFOLLOW) == 0)
            return void(::close(home));
    }
    ++counts.profiles;
    bool any = false;
    for (const char* data : {".local/share/Metalama", ".config/.metalama"}) {
        const int dir = openNoFollow(home, data, uid);
        if (dir < 0) continue;
        any = true;
        settingsFile(dir, staged, counts);
        ::close(dir);
    }
    if (!any && (checked || ::fstat(home, &st) == 0)) {
        const int dir = createDataDirectory(home, st, counts);
        if (dir >= 0) {
            stage(dir,
                  "{\"ExceptionReportingAction\": 2, \"PerformanceProblemReportingAction\": "
                  "2, \"UsageReportingAction\": 2}\n",
                  st.st_uid, st.st_gid, 0600, staged);
            ::close(dir);
        }
    }
    ::close(home);
    if (staged.size() >= kBatch) commit(staged, counts);
}

}  // namespace

int main(int argc, char** argv) {
    checked = argc == 3 && std::strcmp(argv[1], "--checked") == 0;
    if (argc != 2 + (checked ? 1 : 0)) {
        std::fprintf(stderr, "usage: floor_pass [--checked] ROOT\n");
        return 2;
    }
    argv += checked ? 1 : 0;
    const int root = ::open(argv[1], kDirFlags);
    if (root < 0) return std::perror(argv[1]), 1;
    long uidMin = 1000, uidMax = 60000;
    if (FILE* defs = ::fdopen(::openat(root, "etc/login.defs", O_RDONLY | O_CLOEXEC), "r")) {
        char text[256];
        while (std::fgets(text, sizeof text, defs)) {
            long value = 0;
            if (std::sscanf(text, "UID_MIN %ld", &value) == 1) uidMin = value;
            if (std::sscanf(text, "UID_MAX %ld", &value) == 1) uidMax = value;
        }
        std::fclose(defs);
    }
    FILE* passwd = ::fdopen(::openat(root, "etc/passwd", O_RDONLY | O_CLOEXEC), "r");
    if (!passwd) return std::perror("etc/passwd"), 1;
    Counts counts;
    std::vector<Staged> staged;
    std::string parentPath;
    int parent = -1;
    char line[4096];
    while (std::fgets(line, sizeof line, passwd)) {
        // name:x:uid:gid:gecos:home:shell
        char* fields[7] = {};
        char* p = line;
        for (int i = 0; i < 7 && p; ++i) {
            fields[i] = p;
            p = std::strchr(p, ':');
            if (p) *p++ = '\0';
        }
        if (!fields[5] || fields[5][0] != '/') continue;
        const long uid = std::strtol(fields[2], nullptr, 10);
        if (uid < uidMin || uid > uidMax) continue;
        std::string home = fields[5] + 1;
        const auto slash = home.rfind('/');
        const std::string dir = slash == std::string::npos ? "" : home.substr(0, slash);
        if (dir != parentPath || parent < 0) {
            if (parent >= 0) ::close(parent);
            parent = dir.empty() ? ::dup(root) : openNoFollow(root, dir.c_str());
            parentPath = dir;
        }
        if (parent >= 0)
            profile(parent, home.c_str() + slash + 1, static_cast<uid_t>(uid), staged, counts);
    }
    commit(staged, counts);
    std::printf("profiles=%ld read=%ld written=%ld created=%ld\n", counts.profiles, counts.read,
                counts.written, counts.created);
    return 0;
}
