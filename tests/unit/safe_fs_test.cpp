// safe_fs against real files: every attack is planted for real in a scratch directory, and the
// file the attacker aimed at is checked byte-for-byte afterwards.
#ifndef _WIN32

#include "platform/safe_fs.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <string>

#include "platform/process_identity.hpp"
#include "support/hang_guard.hpp"
#include "support/scratch_dir.hpp"

namespace mpa::platform {
namespace {

using test::ScratchDir;

constexpr uint32_t kOtherUid = 1234;
constexpr uint32_t kOtherGid = 1234;
const std::string kSecret = "root:$6$secret-hash:19000:0:99999:7:::\n";

#define REQUIRE_ROOT() \
    if (!isPrivileged()) GTEST_SKIP() << "needs root to give files to another uid"

struct stat statOf(const std::string& path) {
    struct stat st {};
    EXPECT_EQ(::lstat(path.c_str(), &st), 0) << path;
    return st;
}

Ownership mine(uint32_t mode) {
    return Ownership{static_cast<uint32_t>(::geteuid()), static_cast<uint32_t>(::getegid()), mode};
}

SafeDir openDir(const std::string& path) {
    Status status;
    std::optional<SafeDir> dir = SafeDir::open(path, &status);
    if (!dir) throw std::runtime_error("cannot open " + path + ": " + status.error);
    return std::move(*dir);
}

class SafeFsTest : public ::testing::Test {
  protected:
    void SetUp() override {
        scratch.mkdirs("home/data");
        scratch.write("outside/secret", kSecret, 0600);  // what an attacker wants us to clobber
    }
    // Entries of home/data: nothing else (no temp file) may be left there.
    std::vector<std::string> dataEntries() {
        Status status;
        std::vector<std::string> names = openDir(scratch.abs("home/data")).list(&status);
        EXPECT_EQ(status.error, "");
        return names;
    }
    void expectSecretUntouched() {
        EXPECT_EQ(scratch.read("outside/secret"), kSecret);
        const struct stat st = statOf(scratch.abs("outside/secret"));
        EXPECT_EQ(st.st_mode & 07777, 0600u);
        EXPECT_EQ(st.st_uid, ::geteuid());
    }

    ScratchDir scratch;
};

TEST_F(SafeFsTest, WritesNewFileWithGivenOwnershipAndLeavesNoTempFile) {
    SafeDir dir = openDir(scratch.abs("home/data"));
    ASSERT_TRUE(dir.writeFileAtomic("telemetry.json", "{}\n", mine(0640)));
    EXPECT_EQ(scratch.read("home/data/telemetry.json"), "{}\n");
    EXPECT_EQ(statOf(scratch.abs("home/data/telemetry.json")).st_mode & 07777, 0640u);
    EXPECT_EQ(dataEntries(), std::vector<std::string>{"telemetry.json"});
}

TEST_F(SafeFsTest, NewFileIsGivenToTheUser) {
    REQUIRE_ROOT();
    SafeDir dir = openDir(scratch.abs("home/data"));
    ASSERT_TRUE(dir.writeFileAtomic("telemetry.json", "{}", Ownership{kOtherUid, kOtherGid, 0600}));
    const struct stat st = statOf(scratch.abs("home/data/telemetry.json"));
    EXPECT_EQ(st.st_uid, kOtherUid);
    EXPECT_EQ(st.st_gid, kOtherGid);
    EXPECT_EQ(st.st_mode & 07777, 0600u);
}

TEST_F(SafeFsTest, ReplaceKeepsOwnerAndModeOfTheExistingFile) {
    REQUIRE_ROOT();
    const std::string path = scratch.abs("home/data/telemetry.json");
    scratch.write("home/data/telemetry.json", "{\"old\": 1}", 0640);
    ASSERT_EQ(::chown(path.c_str(), kOtherUid, kOtherGid), 0);
    const struct stat before = statOf(path);

    SafeDir dir = openDir(scratch.abs("home/data"));
    const Ownership owner = dir.ownershipFor("telemetry.json", Ownership{0, 0, 0600});
    EXPECT_EQ(owner.uid, kOtherUid);
    EXPECT_EQ(owner.mode, 0640u);
    ASSERT_TRUE(dir.writeFileAtomic("telemetry.json", "{\"new\": 2}", owner));

    const struct stat after = statOf(path);
    EXPECT_EQ(scratch.read("home/data/telemetry.json"), "{\"new\": 2}");
    EXPECT_EQ(after.st_uid, kOtherUid);
    EXPECT_EQ(after.st_gid, kOtherGid);
    EXPECT_EQ(after.st_mode & 07777, 0640u);
    EXPECT_NE(after.st_ino, before.st_ino) << "must be a new inode (renamed), not written in place";
    EXPECT_EQ(dataEntries(), std::vector<std::string>{"telemetry.json"});
}

TEST_F(SafeFsTest, FreeFunctionsReadAndWriteByAbsolutePath) {
    const std::string path = scratch.abs("home/data/telemetry.json");
    ASSERT_TRUE(writeFileAtomic(path, "abc", mine(0644)));
    const ReadResult read = readFileNoFollow(path, 100);
    ASSERT_TRUE(read.status) << read.status.error;
    EXPECT_FALSE(read.missing);
    EXPECT_EQ(read.data, "abc");
    EXPECT_EQ(read.info.kind, FileKind::Regular);
    EXPECT_EQ(read.info.size, 3u);
}

// A replacement whose rename is not waited for is the same atomic replacement in every other
// respect: a new inode with the whole content, the mode asked for, no temporary file left, and
// a planted link refused.
TEST_F(SafeFsTest, ReplacementWithoutWaitingForTheRenameIsStillAtomicAndRefusesLinks) {
    const std::string path = scratch.abs("home/data/summary.json");
    ASSERT_TRUE(writeFileAtomic(path, "old", mine(0644)));
    struct stat before {};
    ASSERT_EQ(::stat(path.c_str(), &before), 0);
    ASSERT_TRUE(writeFileAtomic(path, "new content", mine(0640), RenameDurability::WholeOnly));
    struct stat after {};
    ASSERT_EQ(::stat(path.c_str(), &after), 0);
    EXPECT_NE(after.st_ino, before.st_ino) << "must be renamed into place, not written in place";
    EXPECT_EQ(after.st_mode & 07777, 0640u);
    EXPECT_EQ(readFileNoFollow(path, 100).data, "new content");
    EXPECT_EQ(dataEntries(), std::vector<std::string>{"summary.json"});

    scratch.symlink(scratch.abs("outside/secret"), "home/data/telemetry.json");
    const Status written = writeFileAtomic(scratch.abs("home/data/telemetry.json"), "pwned",
                                           mine(0644), RenameDurability::WholeOnly);
    EXPECT_FALSE(written);
    EXPECT_NE(written.error.find("symbolic link"), std::string::npos) << written.error;
    expectSecretUntouched();
}

TEST_F(SafeFsTest, MissingFileAndMissingDirectoryReadAsMissing) {
    ReadResult read = readFileNoFollow(scratch.abs("home/data/none.json"), 100);
    EXPECT_TRUE(read.status);
    EXPECT_TRUE(read.missing);
    read = readFileNoFollow(scratch.abs("home/nodir/none.json"), 100);
    EXPECT_TRUE(read.status);
    EXPECT_TRUE(read.missing);
}

TEST_F(SafeFsTest, SymlinkPlantedAsTheFileIsRefused) {
    scratch.symlink(scratch.abs("outside/secret"), "home/data/telemetry.json");
    SafeDir dir = openDir(scratch.abs("home/data"));

    const ReadResult read = dir.readFile("telemetry.json", 1 << 20);
    EXPECT_FALSE(read.status);
    EXPECT_EQ(read.status.error, scratch.abs("home/data/telemetry.json") +
                                     ": is a symbolic link; refusing to follow it");
    EXPECT_EQ(read.data, "");

    const Status written = dir.writeFileAtomic("telemetry.json", "pwned", mine(0644));
    EXPECT_FALSE(written);
    EXPECT_NE(written.error.find("symbolic link"), std::string::npos) << written.error;
    EXPECT_FALSE(writeFileAtomic(scratch.abs("home/data/telemetry.json"), "pwned", mine(0644)));
    EXPECT_FALSE(dir.renameEntry("telemetry.json", "other"));

    expectSecretUntouched();
    EXPECT_EQ(dataEntries(), std::vector<std::string>{"telemetry.json"});
}

TEST_F(SafeFsTest, SymlinkAsADirectoryInThePathIsRefused) {
    scratch.symlink(scratch.abs("outside"), "home/link");
    Status status;
    EXPECT_FALSE(SafeDir::open(scratch.abs("home/link/sub"), &status));
    EXPECT_EQ(status.error,
              scratch.abs("home/link") + ": is a symbolic link; refusing to follow it");

    const Status written = writeFileAtomic(scratch.abs("home/link/secret"), "pwned", mine(0644));
    EXPECT_FALSE(written);
    EXPECT_NE(written.error.find("symbolic link"), std::string::npos) << written.error;
    const ReadResult read = readFileNoFollow(scratch.abs("home/link/secret"), 1 << 20);
    EXPECT_FALSE(read.status);
    EXPECT_EQ(read.data, "");
    expectSecretUntouched();
}

TEST_F(SafeFsTest, SymlinkAsTheDirectoryItselfIsRefused) {
    scratch.symlink(scratch.abs("outside"), "home/data/Metalama");
    Status status;
    EXPECT_FALSE(SafeDir::open(scratch.abs("home/data/Metalama"), &status));
    EXPECT_NE(status.error.find("symbolic link"), std::string::npos) << status.error;

    SafeDir data = openDir(scratch.abs("home/data"));
    bool created = true;
    EXPECT_FALSE(data.openChild("Metalama", true, mine(0755), std::nullopt, &created, &status));
    EXPECT_FALSE(created);
    EXPECT_EQ(status.error,
              scratch.abs("home/data/Metalama") + ": is a symbolic link; refusing to follow it");
    EXPECT_FALSE(writeFileAtomic(scratch.abs("home/data/Metalama/secret"), "pwned", mine(0644)));
    expectSecretUntouched();
    EXPECT_EQ(data.stat("Metalama").kind, FileKind::Symlink);
}

TEST_F(SafeFsTest, HardLinkIsRefusedAndTheOtherFileUnchanged) {
    const std::string link = scratch.abs("home/data/telemetry.json");
    ASSERT_EQ(::link(scratch.abs("outside/secret").c_str(), link.c_str()), 0);
    SafeDir dir = openDir(scratch.abs("home/data"));

    const ReadResult read = dir.readFile("telemetry.json", 1 << 20);
    EXPECT_FALSE(read.status);
    EXPECT_NE(read.status.error.find("2 hard links"), std::string::npos) << read.status.error;
    EXPECT_EQ(read.data, "");

    const Status written = dir.writeFileAtomic("telemetry.json", "pwned", mine(0644));
    EXPECT_FALSE(written);
    EXPECT_NE(written.error.find("hard links"), std::string::npos) << written.error;

    expectSecretUntouched();
    EXPECT_EQ(statOf(link).st_nlink, 2u);
    EXPECT_EQ(dataEntries(), std::vector<std::string>{"telemetry.json"});
}

TEST_F(SafeFsTest, FifoDoesNotHang) {
    const std::string fifo = scratch.abs("home/data/telemetry.json");
    ASSERT_EQ(::mkfifo(fifo.c_str(), 0644), 0);
    SafeDir dir = openDir(scratch.abs("home/data"));

    ReadResult read;
    // A read that opened the FIFO would block until a writer comes: the guard plays that writer
    // after a generous wait, so a regression fails here instead of hanging the run.
    ASSERT_TRUE(test::returnsWithoutHanging([&] { read = dir.readFile("telemetry.json", 1 << 20); },
                                            [&] {
                                                const int writer =
                                                    ::open(fifo.c_str(), O_WRONLY | O_NONBLOCK);
                                                if (writer >= 0) ::close(writer);
                                            }))
        << "reading a FIFO blocked";
    EXPECT_FALSE(read.status);
    EXPECT_NE(read.status.error.find("not a regular file"), std::string::npos) << read.status.error;
    EXPECT_EQ(read.info.kind, FileKind::Other);

    EXPECT_FALSE(dir.writeFileAtomic("telemetry.json", "{}", mine(0644)));
    EXPECT_EQ(dataEntries(), std::vector<std::string>{"telemetry.json"});
}

TEST_F(SafeFsTest, OversizedFileIsRefused) {
    scratch.write("home/data/big.json", std::string(101, 'x'));
    SafeDir dir = openDir(scratch.abs("home/data"));
    EXPECT_FALSE(dir.readFile("big.json", 100).status);
    EXPECT_TRUE(dir.readFile("big.json", 101).status);
}

TEST_F(SafeFsTest, FailedWriteRemovesTheTempFileAndKeepsTheOriginal) {
    scratch.write("home/data/telemetry.json", "original");
    SafeDir dir = openDir(scratch.abs("home/data"));
    // A file-size limit makes write() fail half-way, after the temp file exists.
    struct rlimit saved {};
    ASSERT_EQ(::getrlimit(RLIMIT_FSIZE, &saved), 0);
    const auto previousHandler = ::signal(SIGXFSZ, SIG_IGN);
    struct rlimit small = saved;
    small.rlim_cur = 16;
    ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &small), 0);
    const Status written =
        dir.writeFileAtomic("telemetry.json", std::string(4096, 'y'), mine(0644));
    ::setrlimit(RLIMIT_FSIZE, &saved);
    ::signal(SIGXFSZ, previousHandler);

    EXPECT_FALSE(written);
    EXPECT_NE(written.error.find("cannot write"), std::string::npos) << written.error;
    EXPECT_EQ(scratch.read("home/data/telemetry.json"), "original");
    EXPECT_EQ(dataEntries(), std::vector<std::string>{"telemetry.json"});
}

TEST_F(SafeFsTest, DirectoryOwnedByAnotherUidIsRefused) {
    // Our own uid stands in for "another user" unless we are root, who is always accepted.
    const uint32_t self = static_cast<uint32_t>(::geteuid());
    if (self == 0) {
        ASSERT_EQ(::chown(scratch.abs("home/data").c_str(), kOtherUid, kOtherGid), 0);
    }
    const uint32_t owner = self == 0 ? kOtherUid : self;
    SafeDir home = openDir(scratch.abs("home"));
    Status status;
    EXPECT_FALSE(home.openChild("data", false, mine(0755), owner + 1, nullptr, &status));
    EXPECT_EQ(status.error, scratch.abs("home/data") + ": is owned by uid " +
                                std::to_string(owner) + ", not by uid " +
                                std::to_string(owner + 1) + " or root; refusing to use it");
    EXPECT_TRUE(home.openChild("data", false, mine(0755), owner, nullptr, &status)) << status.error;
    EXPECT_TRUE(home.openChild("data", false, mine(0755), std::nullopt, nullptr, &status))
        << status.error;
}

// What openChild read to check the owner is kept: the pass's later question about the same
// directory (may its user write here?) costs no second fstat. self() asks again.
TEST_F(SafeFsTest, InfoWhenOpenedIsWhatTheOwnerCheckRead) {
    ASSERT_EQ(::chmod(scratch.abs("home/data").c_str(), 0750), 0);
    SafeDir home = openDir(scratch.abs("home"));
    Status status;
    auto checked = home.openChild("data", false, mine(0755), static_cast<uint32_t>(::geteuid()),
                                  nullptr, &status);
    ASSERT_TRUE(checked) << status.error;
    const auto unchecked =
        home.openChild("data", false, mine(0755), std::nullopt, nullptr, &status);
    ASSERT_TRUE(unchecked) << status.error;
    ASSERT_EQ(::chmod(scratch.abs("home/data").c_str(), 0700), 0);
    EXPECT_EQ(checked->infoWhenOpened().mode, 0750u);
    EXPECT_EQ(checked->self().mode, 0700u);
    EXPECT_EQ(unchecked->infoWhenOpened().mode, 0700u);  // nothing was read: asked now
    const SafeDir moved = std::move(*checked);
    EXPECT_EQ(moved.infoWhenOpened().mode, 0750u);
}

TEST_F(SafeFsTest, RootOwnedDirectoryIsAccepted) {
    REQUIRE_ROOT();
    SafeDir home = openDir(scratch.abs("home"));
    Status status;
    EXPECT_TRUE(home.openChild("data", false, mine(0755), kOtherUid, nullptr, &status))
        << status.error;
}

TEST_F(SafeFsTest, CreatedDirectoriesGetTheGivenOwnerAndExactMode) {
    const bool root = isPrivileged();
    const Ownership owner = root ? Ownership{kOtherUid, kOtherGid, 0775} : mine(0775);
    const mode_t previousMask = ::umask(022);  // the exact mode must win over the umask
    SafeDir data = openDir(scratch.abs("home/data"));
    bool created = false;
    Status status;
    std::optional<SafeDir> child =
        data.openChild("Metalama", true, owner, owner.uid, &created, &status);
    ::umask(previousMask);
    ASSERT_TRUE(child) << status.error;
    EXPECT_TRUE(created);
    EXPECT_EQ(child->path(), scratch.abs("home/data/Metalama"));
    const FileInfo info = child->self();
    EXPECT_EQ(info.kind, FileKind::Directory);
    EXPECT_EQ(info.uid, owner.uid);
    EXPECT_EQ(info.gid, owner.gid);
    EXPECT_EQ(info.mode, 0775u);

    std::optional<SafeDir> again =
        data.openChild("Metalama", true, owner, owner.uid, &created, &status);
    ASSERT_TRUE(again) << status.error;
    EXPECT_FALSE(created);
}

TEST_F(SafeFsTest, RefusesPathsThatLeaveTheTree) {
    Status status;
    EXPECT_FALSE(SafeDir::open("relative/path", &status));
    EXPECT_FALSE(SafeDir::open(scratch.abs("home/../outside"), &status));
    EXPECT_NE(status.error.find("'..'"), std::string::npos) << status.error;
    SafeDir data = openDir(scratch.abs("home/data"));
    EXPECT_FALSE(
        data.openChild("../../outside", false, mine(0755), std::nullopt, nullptr, &status));
    EXPECT_FALSE(data.readFile("../../outside/secret", 1 << 20).status);
    EXPECT_FALSE(data.writeFileAtomic("..", "x", mine(0644)));
    expectSecretUntouched();
}

TEST_F(SafeFsTest, OpenReportsMissingSeparatelyAndHandlesTheRoot) {
    Status status;
    bool missing = false;
    EXPECT_FALSE(SafeDir::open(scratch.abs("home/none/deeper"), &status, &missing));
    EXPECT_TRUE(missing);
    EXPECT_EQ(status.error, scratch.abs("home/none") + ": No such file or directory");
    scratch.write("home/file", "x");
    EXPECT_FALSE(SafeDir::open(scratch.abs("home/file"), &status, &missing));
    EXPECT_FALSE(missing);
    EXPECT_EQ(status.error, scratch.abs("home/file") + ": is not a directory");

    std::optional<SafeDir> root = SafeDir::open("/", &status);
    ASSERT_TRUE(root) << status.error;
    EXPECT_EQ(root->path(), "/");
    std::optional<SafeDir> normalised = SafeDir::open(scratch.abs("home//./data/"), &status);
    ASSERT_TRUE(normalised) << status.error;
    EXPECT_EQ(normalised->path(), scratch.abs("home/data"));
}

TEST_F(SafeFsTest, ListRenameAndRemove) {
    scratch.write("home/data/b.json", "b");
    scratch.write("home/data/a.json", "a");
    scratch.mkdirs("home/data/empty");
    scratch.mkdirs("home/data/full/x");
    scratch.symlink("a.json", "home/data/link");
    SafeDir dir = openDir(scratch.abs("home/data"));
    EXPECT_EQ(dataEntries(),
              (std::vector<std::string>{"a.json", "b.json", "empty", "full", "link"}));

    EXPECT_TRUE(dir.renameEntry("a.json", "c.json"));
    EXPECT_EQ(scratch.read("home/data/c.json"), "a");
    EXPECT_FALSE(dir.renameEntry("link", "d.json"));   // a symlink is not a regular file
    EXPECT_FALSE(dir.renameEntry("empty", "d.json"));  // nor is a directory
    EXPECT_FALSE(dir.renameEntry("missing", "d.json"));

    EXPECT_TRUE(dir.removeFile("link"));  // removes the link, not a.json's successor
    EXPECT_EQ(scratch.read("home/data/c.json"), "a");
    EXPECT_TRUE(dir.removeFile("link"));  // already gone: still fine
    EXPECT_FALSE(dir.removeFile("empty"));
    EXPECT_TRUE(dir.removeEmptyDir("empty"));
    EXPECT_TRUE(dir.removeEmptyDir("empty"));
    EXPECT_FALSE(dir.removeEmptyDir("full"));
    EXPECT_EQ(dataEntries(), (std::vector<std::string>{"b.json", "c.json", "full"}));
}

// Every entry once, in whatever order the directory gives, with none held by the listing; the
// sorted list is the same names.
TEST_F(SafeFsTest, ForEachEntryVisitsEveryNameOnce) {
    for (int i = 0; i < 300; ++i) scratch.write("home/data/f" + std::to_string(i), "x");
    scratch.mkdirs("home/data/sub");
    scratch.symlink("f1", "home/data/link");
    SafeDir dir = openDir(scratch.abs("home/data"));
    std::vector<std::string> visited;
    ASSERT_TRUE(dir.forEachEntry([&](std::string_view name) { visited.emplace_back(name); }));
    std::sort(visited.begin(), visited.end());
    EXPECT_EQ(visited.size(), 302u);
    EXPECT_EQ(std::adjacent_find(visited.begin(), visited.end()), visited.end());
    EXPECT_EQ(visited, dataEntries());
    EXPECT_TRUE(std::binary_search(visited.begin(), visited.end(), "sub"));
    EXPECT_TRUE(std::binary_search(visited.begin(), visited.end(), "link"));
}

// The first listing reads the directory's own descriptor; every later one, one inside it and one
// after the SafeDir was moved must still see every name (a listing that went on from where the
// first stopped would see none).
TEST_F(SafeFsTest, ListingAgainAndInsideAListingSeesEveryName) {
    for (int i = 0; i < 300; ++i) scratch.write("home/data/f" + std::to_string(i), "x");
    SafeDir dir = openDir(scratch.abs("home/data"));
    const auto names = [](const SafeDir& d) {
        std::vector<std::string> seen;
        EXPECT_TRUE(d.forEachEntry([&](std::string_view name) { seen.emplace_back(name); }));
        std::sort(seen.begin(), seen.end());
        return seen;
    };
    std::vector<std::string> outer;
    std::size_t innerCalls = 0;
    ASSERT_TRUE(dir.forEachEntry([&](std::string_view name) {
        outer.emplace_back(name);
        if (innerCalls++ < 3) {
            EXPECT_EQ(names(dir), dataEntries());
        }
    }));
    std::sort(outer.begin(), outer.end());
    EXPECT_EQ(outer, dataEntries());
    EXPECT_EQ(names(dir), dataEntries());
    EXPECT_EQ(dir.list(nullptr), dataEntries());
    SafeDir moved = std::move(dir);
    EXPECT_EQ(names(moved), dataEntries());
}

// Read in pieces, a file is the same bytes as read whole, each piece told the size the file was
// opened with; a link is refused before anything is handed over.
TEST_F(SafeFsTest, ReadInPiecesGivesTheWholeFileAndRefusesLinks) {
    std::string content;
    for (int i = 0; i < 5000; ++i) content += std::to_string(i) + "\n";
    scratch.write("home/data/big", content);
    scratch.symlink("big", "home/data/link");
    SafeDir dir = openDir(scratch.abs("home/data"));
    std::string joined;
    std::size_t pieces = 0;
    const ReadResult read =
        dir.readFileInPieces("big", 1 << 20, [&](std::string_view piece, std::uint64_t size) {
            EXPECT_EQ(size, content.size());
            joined.append(piece);
            ++pieces;
        });
    ASSERT_TRUE(read.status) << read.status.error;
    EXPECT_TRUE(read.data.empty());
    EXPECT_EQ(joined, content);
    EXPECT_GT(pieces, 1u);
    EXPECT_EQ(dir.readFile("big", 1 << 20).data, content);
    bool handed = false;
    const ReadResult link = dir.readFileInPieces(
        "link", 1 << 20, [&](std::string_view, std::uint64_t) { handed = true; });
    EXPECT_FALSE(link.status);
    EXPECT_FALSE(handed);
    EXPECT_FALSE(dir.readFile("big", 100).status);  // larger than allowed: refused, not cut
}

TEST_F(SafeFsTest, StatDoesNotFollowLinks) {
    scratch.symlink(scratch.abs("outside/secret"), "home/data/link");
    SafeDir dir = openDir(scratch.abs("home/data"));
    EXPECT_EQ(dir.stat("link").kind, FileKind::Symlink);
    EXPECT_EQ(dir.stat("missing").kind, FileKind::Missing);
    EXPECT_EQ(dir.self().kind, FileKind::Directory);
    EXPECT_EQ(replacementOwnership(dir.stat("link"), mine(0600)).mode, 0600u);
}

TEST_F(SafeFsTest, InvalidOwnerIsRefused) {
    SafeDir dir = openDir(scratch.abs("home/data"));
    EXPECT_FALSE(dir.writeFileAtomic("x.json", "{}", Ownership{0xFFFFFFFFu, 0, 0644}));
    EXPECT_EQ(dataEntries(), std::vector<std::string>{});
}

TEST_F(SafeFsTest, MovedDirectoryKeepsWorking) {
    std::optional<SafeDir> moved = openDir(scratch.abs("home/data"));
    SafeDir target = std::move(*moved);
    moved.reset();
    EXPECT_TRUE(target.writeFileAtomic("x.json", "{}", mine(0644)));
    EXPECT_EQ(scratch.read("home/data/x.json"), "{}");
}

}  // namespace
}  // namespace mpa::platform

#endif  // _WIN32
