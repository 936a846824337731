// with_inotify_limit LIMIT PROGRAM [ARGUMENT...]: runs PROGRAM (as this process, by exec) in a
// user namespace of its own whose inotify watch limit is LIMIT. Every user and group is mapped
// to itself, so the program is root as before and sees the same files with the same owners;
// only the limit differs. Tests use it to run the service against a small limit without
// touching the machine's, which every root process shares.
//
// A namespace's own mappings must be written from outside it, so a helper forked before the
// unshare writes them, and the program is started once they are in place.
#include <fcntl.h>
#include <sched.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace {

bool writeFile(const std::string& path, const std::string& text) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0) return false;
    const bool written = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
    return ::close(fd) == 0 && written;
}

int fail(const char* what) {
    std::fprintf(stderr, "with_inotify_limit: %s: %s\n", what, std::strerror(errno));
    return 125;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 3) {
        std::fprintf(stderr, "usage: with_inotify_limit LIMIT PROGRAM [ARGUMENT...]\n");
        return 125;
    }
    int toHelper[2], fromHelper[2];
    if (::pipe2(toHelper, O_CLOEXEC) != 0 || ::pipe2(fromHelper, O_CLOEXEC) != 0)
        return fail("pipe");
    const pid_t program = ::getpid();
    const pid_t helper = ::fork();
    if (helper < 0) return fail("fork");
    if (helper == 0) {
        char go = 0;
        const bool unshared = ::read(toHelper[0], &go, 1) == 1;
        const std::string proc = "/proc/" + std::to_string(program);
        const char ok = unshared && writeFile(proc + "/uid_map", "0 0 4294967295\n") &&
                        writeFile(proc + "/gid_map", "0 0 4294967295\n");
        if (!ok) std::perror("with_inotify_limit: writing the namespace's mappings");
        (void)!::write(fromHelper[1], &ok, 1);
        ::_exit(ok ? 0 : 1);
    }
    if (::unshare(CLONE_NEWUSER) != 0) return fail("unshare(CLONE_NEWUSER)");
    char ok = 0;
    if (::write(toHelper[1], "x", 1) != 1 || ::read(fromHelper[0], &ok, 1) != 1 || !ok) return 125;
    ::waitpid(helper, nullptr, 0);
    if (!writeFile("/proc/sys/user/max_inotify_watches", argv[1]))
        return fail("setting /proc/sys/user/max_inotify_watches");
    ::execv(argv[2], argv + 2);
    return fail(argv[2]);
}
