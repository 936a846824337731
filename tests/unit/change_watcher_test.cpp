// The Linux change watcher on real directories: what is reported (and what is not), paths that
// appear later, directories replaced under it, queue overflow, signals, and the timeout.
#include "platform/change_watcher.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <set>
#include <thread>
#include <vector>

#include "support/hang_guard.hpp"
#include "support/scratch_dir.hpp"

namespace mpa::platform {
namespace {

using namespace std::chrono_literals;

class Watcher : public ::testing::Test {
  protected:
    void SetUp() override {
        Status status;
        watcher = ChangeWatcher::create(&status);
        ASSERT_TRUE(watcher) << status.error;
    }
    // Every path reported until nothing more arrives for 50 ms (or 2 s in all).
    std::set<std::string> collect() {
        std::set<std::string> changed;
        const auto deadline = std::chrono::steady_clock::now() + 2s;
        while (std::chrono::steady_clock::now() < deadline) {
            const auto events = watcher->wait(changed.empty() ? 200ms : 50ms);
            overflow |= events.overflow;
            if (events.changed.empty()) break;
            changed.insert(events.changed.begin(), events.changed.end());
        }
        return changed;
    }
    void rename(const std::string& from, const std::string& to) {
        ASSERT_EQ(std::rename(dir.abs(from).c_str(), dir.abs(to).c_str()), 0);
    }

    test::ScratchDir dir;
    std::unique_ptr<ChangeWatcher> watcher;
    bool overflow = false;
};

// The service keeps the list it watches (two paths per user profile) and the watcher refers to
// it: one copy of each path in the process, not two. Two directories of the same name prefix
// each get a watch of their own, and a change in either is reported once, by its own path.
TEST_F(Watcher, SharesTheCallersListAndWatchesEachDirectoryOnce) {
    dir.mkdirs("home/a/.local");
    dir.mkdirs("home/a.b/.local");
    const auto list = std::make_shared<const std::vector<std::string>>(std::vector<std::string>{
        dir.abs("home/a/.local/telemetry.json"), dir.abs("home/a.b/.local/telemetry.json")});
    ASSERT_TRUE(watcher->watch(list));
    EXPECT_EQ(list.use_count(), 2) << "the watcher copied the list";
    EXPECT_EQ(watcher->watchCount(), 2u);
    dir.write("home/a.b/.local/telemetry.json", "{}\n");
    EXPECT_EQ(collect(), std::set<std::string>{(*list)[1]});
    dir.write("home/a/.local/telemetry.json", "{}\n");
    EXPECT_EQ(collect(), std::set<std::string>{(*list)[0]});
    ASSERT_TRUE(watcher->watch(std::vector<std::string>{}));
    EXPECT_EQ(list.use_count(), 1);
    EXPECT_EQ(watcher->watchCount(), 0u);
}

// Root's inotify watches are shared with systemd, udev and every other root service: past its
// share, the watcher watches the paths listed first (the caller lists the machine's files before
// the users') and names the rest, which report nothing; a list that fits has every path watched.
TEST_F(Watcher, WatchesThePathsListedFirstWhenItsShareRunsOut) {
    watcher.reset();
    Status status;
    watcher = ChangeWatcher::create(&status, 2);
    ASSERT_TRUE(watcher) << status.error;
    for (const char* user : {"a", "b", "c"}) dir.mkdirs(std::string("home/") + user + "/.local");
    // Not in the directories' order: the list's order is what counts.
    const std::vector<std::string> paths{dir.abs("home/c/.local/telemetry.json"),
                                         dir.abs("home/a/.local/telemetry.json"),
                                         dir.abs("home/b/.local/telemetry.json")};
    ASSERT_TRUE(watcher->watch(paths));
    EXPECT_EQ(watcher->watchCount(), 2u);
    EXPECT_EQ(watcher->shortfall().unwatched, std::vector<std::uint32_t>{2});
    EXPECT_EQ(watcher->shortfall().share, 2u);
    dir.write("home/b/.local/telemetry.json", "{}\n");
    EXPECT_EQ(collect(), std::set<std::string>{}) << "a path past the share has no watch";
    dir.write("home/c/.local/telemetry.json", "{}\n");
    dir.write("home/a/.local/telemetry.json", "{}\n");
    EXPECT_EQ(collect(), (std::set<std::string>{paths[0], paths[1]}));

    ASSERT_TRUE(watcher->watch({paths[2], paths[1]}));
    EXPECT_TRUE(watcher->shortfall().unwatched.empty());
    dir.write("home/b/.local/telemetry.json", "{\"x\": 1}\n");
    EXPECT_EQ(collect(), std::set<std::string>{paths[2]});
}

// Without a share of its own the watcher takes half of what its user may hold: the lower of its
// user namespace's limit and the system's.
TEST_F(Watcher, TakesHalfOfTheUsersInotifyLimit) {
    std::size_t limit = 0;
    for (const char* file :
         {"/proc/sys/user/max_inotify_watches", "/proc/sys/fs/inotify/max_user_watches"}) {
        std::ifstream in(file);
        std::size_t value = 0;
        if (in >> value && value > 0 && (limit == 0 || value < limit)) limit = value;
    }
    ASSERT_GT(limit, 0u) << "no inotify limit to read on this machine";
    dir.mkdirs("etc");
    ASSERT_TRUE(watcher->watch({dir.abs("etc/environment")}));
    EXPECT_EQ(watcher->shortfall().limit, limit);
    EXPECT_EQ(watcher->shortfall().share, limit / 2);
    EXPECT_TRUE(watcher->shortfall().unwatched.empty());
}

// "DIR/*" reports the entries of DIR coming and going (a new home under a home root, a login's
// /run/user/<uid>), not what happens inside them (users' own activity).
TEST_F(Watcher, ShallowPathReportsEntriesOfTheDirectoryOnly) {
    dir.mkdirs("home/EXAMPLE/alice");
    const auto shallow = dir.abs("home/EXAMPLE") + "/*";
    ASSERT_TRUE(watcher->watch({shallow}));
    dir.write("home/EXAMPLE/alice/notes.txt", "busy\n");
    dir.mkdirs("home/EXAMPLE/alice/project/src");
    EXPECT_EQ(collect(), std::set<std::string>{});
    dir.mkdirs("home/EXAMPLE/bob");
    EXPECT_EQ(collect(), std::set<std::string>{shallow});
    dir.write("home/EXAMPLE/bob/.profile", "x\n");
    EXPECT_EQ(collect(), std::set<std::string>{});
    ASSERT_EQ(::rmdir(dir.abs("home/EXAMPLE/alice/project/src").c_str()), 0);
    EXPECT_EQ(collect(), std::set<std::string>{});
}

// A shallow path whose directory does not exist yet is reported when it appears.
TEST_F(Watcher, ShallowPathOfAMissingDirectoryIsReportedWhenItAppears) {
    dir.mkdirs("run");
    const auto shallow = dir.abs("run/user") + "/*";
    ASSERT_TRUE(watcher->watch({shallow}));
    dir.mkdirs("run/user");
    EXPECT_EQ(collect(), std::set<std::string>{shallow});
    dir.mkdirs("run/user/1000");
    EXPECT_EQ(collect(), std::set<std::string>{shallow});
    dir.write("run/user/1000/bus", "");
    EXPECT_EQ(collect(), std::set<std::string>{});
}

TEST_F(Watcher, FileRenamedIntoPlaceIsReportedAndItsSiblingsAreNot) {
    dir.write("etc/environment", "A=1\n");
    ASSERT_TRUE(watcher->watch({dir.abs("etc/environment")}));
    dir.write("etc/hostname", "box\n");  // same directory, not watched
    EXPECT_EQ(collect(), std::set<std::string>{});
    dir.write("etc/.environment.new", "A=2\n");
    rename("etc/.environment.new", "etc/environment");
    EXPECT_EQ(collect(), std::set<std::string>{dir.abs("etc/environment")});
    ASSERT_EQ(::unlink(dir.abs("etc/environment").c_str()), 0);
    EXPECT_EQ(collect(), std::set<std::string>{dir.abs("etc/environment")});
}

TEST_F(Watcher, FileWrittenInPlaceIsReported) {
    dir.write("policies/managed/a.json", "{}");
    ASSERT_TRUE(watcher->watch({dir.abs("policies/managed")}));
    const int fd = ::open(dir.abs("policies/managed/a.json").c_str(), O_WRONLY | O_APPEND);
    ASSERT_GE(fd, 0);
    ASSERT_EQ(::write(fd, " ", 1), 1);
    ::close(fd);
    EXPECT_EQ(collect(), std::set<std::string>{dir.abs("policies/managed")});
}

// The next batch that reports something: the events of everything done before, which the
// kernel queued before the call that caused them returned. The patience only ends a test in
// which nothing comes.
WatchEvents nextReport(ChangeWatcher& watcher) {
    const auto deadline = std::chrono::steady_clock::now() + test::kHangPatience;
    while (std::chrono::steady_clock::now() < deadline) {
        auto events = watcher.wait(200ms);
        if (!events.changed.empty()) return events;
    }
    return {};
}

TEST_F(Watcher, AFileIsBeingWrittenFromItsFirstWriteUntilItIsClosed) {
    dir.write("policies/managed/b.json", "{}");
    ASSERT_TRUE(watcher->watch({dir.abs("policies/managed")}));
    const int fd =
        ::open(dir.abs("policies/managed/b.json").c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC);
    ASSERT_GE(fd, 0);
    ASSERT_EQ(::write(fd, "{\"Telemetry", 11), 11);
    auto events = nextReport(*watcher);
    ASSERT_FALSE(events.changed.empty());
    EXPECT_TRUE(events.writing) << "written, not closed";
    // Another file renamed into place meanwhile is complete, but b.json is still being written.
    dir.write("policies/managed/.c.json.new", "{}");
    rename("policies/managed/.c.json.new", "policies/managed/c.json");
    events = nextReport(*watcher);
    ASSERT_FALSE(events.changed.empty());
    EXPECT_TRUE(events.writing);
    ASSERT_EQ(::write(fd, "OptOut\": true}", 15), 15);
    ::close(fd);
    events = nextReport(*watcher);
    ASSERT_FALSE(events.changed.empty());
    EXPECT_FALSE(events.writing) << "closed: the write is complete";
}

TEST_F(Watcher, ANewFileIsCompleteOnlyOnceRenamedIntoPlace) {
    dir.mkdirs("policies/managed");
    ASSERT_TRUE(watcher->watch({dir.abs("policies/managed")}));
    dir.write("policies/managed/.a.json.new", "{}");  // created, written, closed
    auto events = nextReport(*watcher);
    ASSERT_FALSE(events.changed.empty());
    EXPECT_TRUE(events.writing) << "a temporary file until it is renamed";
    ASSERT_EQ(::chmod(dir.abs("policies/managed/.a.json.new").c_str(), 0644), 0);
    events = nextReport(*watcher);
    ASSERT_FALSE(events.changed.empty());
    EXPECT_TRUE(events.writing) << "its mode changed, still not renamed";
    rename("policies/managed/.a.json.new", "policies/managed/a.json");
    events = nextReport(*watcher);
    ASSERT_FALSE(events.changed.empty());
    EXPECT_FALSE(events.writing);
}

TEST_F(Watcher, AfterAQuietWaitAFileCreatedInPlaceCountsAsComplete) {
    dir.write("policies/managed/a.json", "{}");
    ASSERT_TRUE(watcher->watch({dir.abs("policies/managed")}));
    dir.write("policies/managed/b.json", "{}");  // created in place, never renamed
    EXPECT_TRUE(nextReport(*watcher).writing);
    // The caller waited and nothing came: what it waited for (the settle time) is over.
    EXPECT_TRUE(watcher->wait(50ms).changed.empty());
    const int fd =
        ::open(dir.abs("policies/managed/a.json").c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC);
    ASSERT_GE(fd, 0);
    ASSERT_EQ(::write(fd, "{ }", 3), 3);
    ::close(fd);
    const auto events = nextReport(*watcher);
    ASSERT_FALSE(events.changed.empty());
    EXPECT_FALSE(events.writing);
}

TEST_F(Watcher, RenameIntoPlaceAndRemovalAreCompleteOnArrival) {
    dir.write("etc/environment", "A=1\n");
    ASSERT_TRUE(watcher->watch({dir.abs("etc/environment")}));
    dir.write("etc/.environment.new", "A=2\n");
    rename("etc/.environment.new", "etc/environment");
    auto events = nextReport(*watcher);
    ASSERT_EQ(events.changed, std::vector<std::string>{dir.abs("etc/environment")});
    EXPECT_FALSE(events.writing);
    // Written in place and removed before it was closed: nothing is left being written.
    const int fd = ::open(dir.abs("etc/environment").c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
    ASSERT_GE(fd, 0);
    ASSERT_EQ(::write(fd, "B=1\n", 4), 4);
    EXPECT_TRUE(nextReport(*watcher).writing);
    ASSERT_EQ(::unlink(dir.abs("etc/environment").c_str()), 0);
    events = nextReport(*watcher);
    ::close(fd);
    ASSERT_FALSE(events.changed.empty());
    EXPECT_FALSE(events.writing);
}

TEST_F(Watcher, MissingDirectoriesAreWatchedFromTheNearestAncestorUntilTheyAppear) {
    const auto managed = dir.abs("etc/metalama/policies/managed");
    ASSERT_TRUE(watcher->watch({managed}));
    const auto watchesBefore = watcher->watchCount();
    dir.mkdirs("etc/metalama/policies/managed");
    EXPECT_EQ(collect(), std::set<std::string>{managed});
    EXPECT_GT(watcher->watchCount(), watchesBefore);
    dir.write("etc/metalama/policies/managed/10.json", "{}");
    EXPECT_EQ(collect(), std::set<std::string>{managed});
    dir.write("etc/metalama/unrelated.txt", "x");
    EXPECT_EQ(collect(), std::set<std::string>{});
}

// The gap between looking and watching: a chain made one level at a time by another thread
// while this one re-arms as fast as it can, then a file at once. Whatever the interleaving, the
// file's directory ends up watched, and a whole tree removed under the watches leaves the
// nearest remaining ancestor watched.
TEST_F(Watcher, ChainCreatedWhileReArmingIsAlwaysWatchedToTheEnd) {
    dir.mkdirs("etc");
    const auto managed = dir.abs("etc/metalama/policies/managed");
    ASSERT_TRUE(watcher->watch({managed}));
    for (int i = 0; i < 20; ++i) {
        std::atomic<bool> done{false};
        std::thread creator([&] {
            std::string at = dir.abs("etc");
            for (const char* part : {"metalama", "policies", "managed"}) {
                at += std::string("/") + part;
                (void)::mkdir(at.c_str(), 0755);
            }
            done = true;
        });
        while (!done) (void)watcher->wait(std::chrono::milliseconds(0));
        creator.join();
        collect();
        dir.write("etc/metalama/policies/managed/10.json", "{}");
        EXPECT_EQ(collect(), std::set<std::string>{managed}) << "try " << i;
        ASSERT_EQ(std::system(("rm -rf '" + dir.abs("etc/metalama") + "'").c_str()), 0);
        EXPECT_EQ(collect(), std::set<std::string>{managed}) << "try " << i;
    }
}

TEST_F(Watcher, ReplacedDirectoryIsWatchedAgainAndTheOldOneIsNot) {
    const auto managed = dir.abs("policies/managed");
    dir.write("policies/managed/a.json", "{}");
    dir.write("policies/managed.new/a.json", "{\"x\": 1}");
    ASSERT_TRUE(watcher->watch({managed}));
    rename("policies/managed", "policies/managed.old");
    rename("policies/managed.new", "policies/managed");
    EXPECT_EQ(collect(), std::set<std::string>{managed});
    dir.write("policies/managed.old/b.json", "{}");
    EXPECT_EQ(collect(), std::set<std::string>{});
    dir.write("policies/managed/b.json", "{}");
    EXPECT_EQ(collect(), std::set<std::string>{managed});
}

TEST_F(Watcher, SubdirectoriesOfAWatchedDirectoryAreWatchedToo) {
    const auto cache = dir.abs("gpo_cache");
    dir.mkdirs("gpo_cache");
    ASSERT_TRUE(watcher->watch({cache}));
    dir.mkdirs("gpo_cache/example.com/Policies/{GUID}/Machine");
    collect();
    dir.write("gpo_cache/example.com/Policies/{GUID}/Machine/Registry.pol", "PReg");
    EXPECT_EQ(collect(), std::set<std::string>{cache});
}

// Overflow says that any path may have changed, without listing them all (the caller looks):
// what it lists, from the events before the queue filled, are real changes.
TEST_F(Watcher, QueueOverflowIsReported) {
    const auto busy = dir.abs("busy");
    dir.mkdirs("busy");
    ASSERT_TRUE(watcher->watch({busy, dir.abs("etc/environment")}));
    // Two events per file, more than the kernel queues (16384 by default).
    for (int i = 0; i < 9000; ++i) {
        const int fd = ::open((busy + "/" + std::to_string(i)).c_str(), O_CREAT | O_WRONLY, 0644);
        ASSERT_GE(fd, 0);
        ::close(fd);
    }
    const auto changed = collect();
    EXPECT_TRUE(overflow);
    EXPECT_EQ(changed.count(dir.abs("etc/environment")), 0u) << "not changed, yet listed";
}

// Not before its time: the wait lasts at least the timeout (a lower bound, which a loaded
// machine cannot break). That it returns is guarded; how soon after is for bench/.
TEST_F(Watcher, TimeoutReturnsNothingOnTime) {
    ASSERT_TRUE(watcher->watch({dir.abs("quiet")}));
    WatchEvents events;
    auto took = std::chrono::steady_clock::duration::zero();
    ASSERT_TRUE(test::returnsWithoutHanging(
        [&] {
            const auto before = std::chrono::steady_clock::now();
            events = watcher->wait(100ms);
            took = std::chrono::steady_clock::now() - before;
        },
        [] { ::raise(SIGHUP); }))
        << "wait(100ms) did not return";
    EXPECT_TRUE(events.changed.empty());
    EXPECT_FALSE(events.stop);
    EXPECT_GE(took, 100ms);
}

TEST_F(Watcher, SighupAsksForAReloadAndSigtermForAStop) {
    ASSERT_TRUE(watcher->watch(std::vector<std::string>{}));
    ASSERT_EQ(::raise(SIGHUP), 0);
    auto events = watcher->wait(2000ms);
    EXPECT_TRUE(events.reload);
    EXPECT_FALSE(events.stop);
    EXPECT_FALSE(watcher->wait(0ms).reload) << "a reload is reported once";
    ASSERT_EQ(::raise(SIGTERM), 0);
    EXPECT_TRUE(watcher->stopRequested());
    // Without a timeout, only the stop request can end this wait: it must return at once (a
    // second SIGTERM wakes a wait that missed the first, so a failure does not hang the run).
    events = {};
    EXPECT_TRUE(test::returnsWithoutHanging([&] { events = watcher->wait(std::nullopt); },
                                            [] { ::raise(SIGTERM); }))
        << "a stop requested before wait() was not reported";
    EXPECT_TRUE(events.stop);
}

TEST_F(Watcher, OnlyOneWatcherAtATime) {
    Status status;
    EXPECT_FALSE(ChangeWatcher::create(&status));
    EXPECT_NE(status.error.find("already"), std::string::npos);
}

}  // namespace
}  // namespace mpa::platform
