// A throw-away directory tree for tests: real files on the real file system, removed afterwards.
#pragma once

#include <string>

namespace mpa::test {

class ScratchDir {
  public:
    // Creates a fresh, uniquely named directory under $TMPDIR (or /tmp). The path is canonical
    // (no symlinks), so code that refuses symlinked paths can run inside it.
    ScratchDir();
    // Same, under `base` (created 0755 when missing). The agent follows a symbolic link only
    // where nobody but root can change it, which excludes everything under the world-writable
    // /tmp: a test of a root-made link needs its tree under a directory that is root's alone.
    explicit ScratchDir(const std::string& base);
    // Removes the tree without following symlinks, so a link planted by a test never lets the
    // clean-up touch anything outside the scratch directory.
    ~ScratchDir();
    ScratchDir(const ScratchDir&) = delete;
    ScratchDir& operator=(const ScratchDir&) = delete;

    const std::string& path() const { return path_; }
    // Absolute path of `rel` inside the scratch directory ("" gives the directory itself).
    std::string abs(const std::string& rel) const;
    // Writes `content` to `rel`, creating parent directories, and sets the permission bits.
    void write(const std::string& rel, const std::string& content, unsigned mode = 0644) const;
    // Whole content of `rel`; throws when it cannot be read.
    std::string read(const std::string& rel) const;
    void mkdirs(const std::string& rel, unsigned mode = 0755) const;
    // Creates a symlink at `rel` pointing to `target` (taken verbatim, may be relative).
    void symlink(const std::string& target, const std::string& rel) const;
    // True when `rel` exists as any kind of entry, including a dangling symlink.
    bool exists(const std::string& rel) const;

  private:
    std::string path_;
};

}  // namespace mpa::test
