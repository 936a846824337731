#include "support/scratch_dir.hpp"

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>
#include <system_error>

namespace mpa::test {

namespace fs = std::filesystem;

namespace {

std::string randomSuffix() {
    static const char kAlphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
    std::random_device device;
    std::uniform_int_distribution<std::size_t> pick(0, sizeof(kAlphabet) - 2);
    std::string suffix;
    for (int i = 0; i < 12; ++i) suffix += kAlphabet[pick(device)];
    return suffix;
}

void setMode(const fs::path& p, unsigned mode) {
    fs::permissions(p, static_cast<fs::perms>(mode), fs::perm_options::replace);
}

}  // namespace

ScratchDir::ScratchDir()
    // temp_directory_path() honours $TMPDIR; canonical() resolves e.g. macOS's /tmp ->
    // /private/tmp.
    : ScratchDir(fs::canonical(fs::temp_directory_path()).string()) {}

ScratchDir::ScratchDir(const std::string& baseDirectory) {
    if (fs::create_directories(baseDirectory)) setMode(baseDirectory, 0755);
    const fs::path base = fs::canonical(baseDirectory);
    for (int attempt = 0; attempt < 100; ++attempt) {
        const fs::path candidate = base / ("mpa-test-" + randomSuffix());
        // create_directory() returns false when the name is taken: try another one.
        if (fs::create_directory(candidate)) {
            setMode(candidate, 0755);
            path_ = candidate.generic_string();  // forward slashes on Windows too
            return;
        }
    }
    throw std::runtime_error("ScratchDir: could not create a unique directory under " +
                             base.string());
}

ScratchDir::~ScratchDir() {
    // remove_all() removes symlinks themselves rather than what they point to. Errors are
    // swallowed: a destructor must not throw, and a leftover temp dir is harmless.
    std::error_code ignored;
    fs::remove_all(path_, ignored);
}

std::string ScratchDir::abs(const std::string& rel) const {
    if (rel.empty()) return path_;
    return (fs::path(path_) / rel).generic_string();
}

void ScratchDir::write(const std::string& rel, const std::string& content, unsigned mode) const {
    const fs::path p = abs(rel);
    if (p.has_parent_path()) fs::create_directories(p.parent_path());
    std::ofstream out(p, std::ios::binary | std::ios::trunc);
    if (!out) throw std::runtime_error("ScratchDir::write: cannot open " + p.string());
    out << content;
    out.close();
    if (!out) throw std::runtime_error("ScratchDir::write: cannot write " + p.string());
    setMode(p, mode);
}

std::string ScratchDir::read(const std::string& rel) const {
    std::ifstream in(abs(rel), std::ios::binary);
    if (!in) throw std::runtime_error("ScratchDir::read: cannot open " + abs(rel));
    std::ostringstream content;
    content << in.rdbuf();
    return content.str();
}

void ScratchDir::mkdirs(const std::string& rel, unsigned mode) const {
    const fs::path p = abs(rel);
    fs::create_directories(p);
    setMode(p, mode);
}

void ScratchDir::symlink(const std::string& target, const std::string& rel) const {
    const fs::path p = abs(rel);
    if (p.has_parent_path()) fs::create_directories(p.parent_path());
    fs::create_symlink(target, p);
}

bool ScratchDir::exists(const std::string& rel) const {
    std::error_code ec;
    return fs::exists(fs::symlink_status(abs(rel), ec));
}

}  // namespace mpa::test
