// The real service (`run`) against scratch demo roots: it passes at start, reacts to policy
// files renamed into place and to drift, never reads a half-written file, keeps the last good
// policy while a file is broken, passes on SIGHUP, stops on SIGTERM, refuses a second instance,
// backs off while the database is unusable, and stays idle when nothing changes. Every wait is
// for an observable result (a log line, a file, the exit) with a generous timeout that only
// fails a test that would otherwise hang; the only fixed waits are the short ones that show
// nothing happens. How fast the service reacts and stops is measured in bench/ (service_bench),
// never asserted here: a loaded machine must not fail a test.
#include <dirent.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/file.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <thread>

#include "policy/definitions.hpp"
#include "store/compliance_store.hpp"
#include "support/agent_process.hpp"
#include "support/missing_tool.hpp"
#include "support/proc_smaps.hpp"
#include "support/scratch_dir.hpp"

namespace mpa::test {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// How long a test waits for what it expects before it fails (a failure guard, not a bound: the
// usual wait is a fraction of a second).
constexpr double kPatience = 30;

constexpr const char* kPolicy = "etc/metalama/policies/managed/10-telemetry.json";
constexpr const char* kOptOutLine = "\nMETALAMA_TELEMETRY_OPT_OUT=1\n";
constexpr auto npos = std::string::npos;

class Service : public ::testing::Test {
  protected:
    void SetUp() override {
        if (::geteuid() != 0) GTEST_SKIP() << "the demo root gives files to users: needs root";
        const auto made = runProcess({sourceDir() + "/scripts/make-demo-root.sh", dir()});
        ASSERT_EQ(made.exitCode, 0) << made.err;
    }
    void TearDown() override {
        if (service && service->running()) {
            service->signal(SIGTERM);
            service->waitForExit(5);
        }
    }

    std::string dir() const { return scratch.abs("r"); }
    std::string path(const std::string& rel) const { return dir() + "/" + rel; }
    std::string read(const std::string& rel) const { return scratch.read("r/" + rel); }
    bool optedOut() const { return read("etc/environment").find(kOptOutLine) != npos; }

    // Starts the service and waits for its first pass.
    void start(std::vector<std::string> extra = {}) {
        std::vector<std::string> args{"run", "--settle-ms", "100"};
        args.insert(args.end(), extra.begin(), extra.end());
        service = startAgent(dir(), args);
        mark = service->waitForOutput("pass 1: trigger start", kPatience);
        ASSERT_NE(mark, npos) << service->output();
        mark = service->waitForOutput("\n", kPatience, mark);
    }
    // Waits for pass `n` and returns its log line.
    std::string waitPass(int n, double timeout = kPatience) {
        const auto at = service->waitForOutput("pass " + std::to_string(n) + ": ", timeout, mark);
        EXPECT_NE(at, npos) << "no pass " << n << " in:\n" << service->output();
        if (at == npos) return {};
        const auto end = service->waitForOutput("\n", kPatience, at);
        mark = end;
        const auto all = service->output();
        return all.substr(at, end - at);
    }
    // Asserts that no further pass happens for `quiet` (the only fixed waits in this file).
    void expectIdle(std::chrono::milliseconds quiet) {
        std::this_thread::sleep_for(quiet);
        EXPECT_EQ(service->countOutput("pass ", mark), 0u) << service->output().substr(mark);
    }
    // Writes a file beside `rel` and renames it into place, as editors and config tools do.
    void replace(const std::string& rel, const std::string& content) {
        const auto slash = rel.find_last_of('/');
        const auto temp = rel.substr(0, slash + 1) + "." + rel.substr(slash + 1) + ".new";
        scratch.write("r/" + temp, content, 0644);
        ASSERT_EQ(std::rename(path(temp).c_str(), path(rel).c_str()), 0);
    }
    std::optional<StoredPass> lastStoredPass() const {
        Status opened;
        auto store = ComplianceStore::open(path("var/lib/metalama-policy-agent/compliance.db"),
                                           StoreMode::ReadOnly, builtinCatalog(), &opened);
        EXPECT_TRUE(store) << opened.error;
        return store ? store->lastPass() : std::nullopt;
    }
    std::vector<std::string> leftoverTemporaryFiles(const std::string& rel) const {
        std::vector<std::string> found;
        if (DIR* d = ::opendir(path(rel).c_str())) {
            while (const dirent* e = ::readdir(d))
                if (std::string(e->d_name).find(".mpa-") != npos) found.push_back(e->d_name);
            ::closedir(d);
        }
        return found;
    }

    ScratchDir scratch;
    std::unique_ptr<BackgroundProcess> service;
    std::size_t mark = 0;  // output before this position has been looked at
};

TEST_F(Service, EnforcesAtStartThenGoesIdleDespiteItsOwnWrites) {
    start();
    const auto first = service->output();
    // The start pass rewrote /etc/environment (and more): inotify saw those writes.
    EXPECT_NE(first.find("etc-environment /etc/environment: remediated"), npos) << first;
    EXPECT_NE(first.find("verdict compliant"), npos) << first;
    EXPECT_NE(first.find("; compliance chain head: event "), npos) << first;
    EXPECT_TRUE(optedOut());
    expectIdle(600ms);  // six settle times
}

// What a pass maps in of the binary's and its libraries' code is given back before the service
// sleeps (platform::releaseMappedCode). Without that, about three quarters of the read-only
// mapped files stay resident after the start pass on this root (10.0 of 13.1 MB), until the next
// pass.
TEST_F(Service, GivesBackTheCodeItRanBeforeSleeping) {
    start();
    expectIdle(600ms);  // its own writes seen and dismissed: asleep
    std::uint64_t sizeKb = 0;
    std::uint64_t residentKb = 0;
    for (const auto& mapping : readSmaps(std::to_string(service->pid()))) {
        // Read-only: what the release gives back (a sanitizer's build also writes megabytes of
        // its own file-backed data, which stays).
        if (!mapping.isFile() || mapping.writable()) continue;
        sizeKb += mapping.sizeKb;
        residentKb += mapping.residentKb;
    }
    ASSERT_GT(sizeKb, 4096u) << "the agent and its libraries map more than 4 MB";
    EXPECT_LT(residentKb * 4, sizeKb) << residentKb << " of " << sizeKb << " kB resident";
}

TEST_F(Service, PolicyRenamedIntoPlaceIsEnforcedThenIdle) {
    start();
    replace(kPolicy, R"({"TelemetryOptOut": false})");
    const auto line = waitPass(2);
    EXPECT_NE(line.find("trigger policy change (/etc/metalama/policies/managed)"), npos) << line;
    EXPECT_FALSE(optedOut()) << read("etc/environment");
    // One change, one pass: the service's own rewrite of /etc/environment is not a trigger.
    expectIdle(500ms);
}

TEST_F(Service, DriftInEtcEnvironmentIsRepairedAndRecorded) {
    start();
    ASSERT_TRUE(optedOut());
    replace("etc/environment", "PATH=\"/usr/bin:/bin\"\nLANG=en_US.UTF-8\n");
    const auto line = waitPass(2);
    EXPECT_NE(line.find("trigger drift (/etc/environment)"), npos) << line;
    EXPECT_TRUE(optedOut()) << read("etc/environment");
    EXPECT_NE(service->output().find("etc-environment /etc/environment: drift repaired"), npos);
    const auto stored = lastStoredPass();
    ASSERT_TRUE(stored);
    EXPECT_EQ(stored->report.trigger, "drift");
    bool repaired = false;
    for (const auto& f : stored->report.findings)
        repaired |= f.target == "etc-environment" && f.outcome == Outcome::DriftRepaired;
    EXPECT_TRUE(repaired);
    const auto history = runAgent(dir(), {"report"});
    EXPECT_NE(history.out.find("drift repaired  /etc/environment"), npos) << history.out;
    EXPECT_NE(history.out.find("agent started"), npos) << history.out;
    expectIdle(400ms);
}

// Every managed file at once: the /etc files and every profile's telemetry.json, written in
// place (owner and mode kept) while the service is stopped, so that it takes all the events in
// one read and compares all the files in one go.
constexpr const char* kManagedFiles[] = {
    "etc/environment",
    "etc/environment.d/zz-metalama-telemetry.conf",
    "etc/profile.d/zz-metalama-telemetry.sh",
    "etc/systemd/system.conf.d/zz-metalama-telemetry.conf",
    "etc/skel/.local/share/Metalama/telemetry.json",
    "home/alice/.local/share/Metalama/telemetry.json",
    "home/bob/.config/.metalama/telemetry.json",
    "home/bob/.local/share/Metalama/telemetry.json",
    "home/carol/.local/share/Metalama/telemetry.json",
    "home/dave/.local/share/Metalama/telemetry.json",
    "home/erin/.local/share/Metalama/telemetry.json",
};

void rewriteInPlace(const std::string& file, const std::string& content) {
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out << content;
    ASSERT_TRUE(out.good()) << file;
}

TEST_F(Service, EveryManagedFileRewrittenAsItWasAtOnceNeedsNoPass) {
    start({"--log-level", "debug"});
    service->signal(SIGSTOP);
    for (const auto* file : kManagedFiles) rewriteInPlace(path(file), read(file));
    service->signal(SIGCONT);
    const auto dismissed = service->waitForOutput(
        "managed files are as the last pass left them; no pass", kPatience, mark);
    ASSERT_NE(dismissed, npos) << service->output().substr(mark);
    for (const auto* file : kManagedFiles)
        EXPECT_NE(service->output().find(std::string("changed: ") + path(file), mark), npos)
            << file << " was not reported changed:\n"
            << service->output().substr(mark);
    mark = service->waitForOutput("\n", kPatience, dismissed);
    expectIdle(400ms);
}

TEST_F(Service, DriftInEveryManagedFileAtOnceIsRepairedInOnePass) {
    start();
    service->signal(SIGSTOP);
    for (const auto* file : kManagedFiles)
        rewriteInPlace(path(file), std::string(file).find("telemetry.json") != npos
                                       ? "{}\n"
                                       : "# edited by hand\n");
    service->signal(SIGCONT);
    const auto line = waitPass(2);
    EXPECT_NE(line.find("trigger drift (/etc/environment, "), npos) << line;
    EXPECT_TRUE(optedOut()) << read("etc/environment");
    for (const auto* file : kManagedFiles) {
        if (std::string(file).find("telemetry.json") == npos) continue;
        EXPECT_NE(read(file).find("\"UsageReportingAction\": 2"), npos)
            << file << ": " << read(file);
    }
    EXPECT_NE(line.find(std::to_string(std::size(kManagedFiles)) + " changed, 0 failed"), npos)
        << line;
    expectIdle(400ms);
}

TEST_F(Service, HalfWrittenPolicyIsNeverReadAsPolicy) {
    start({"--settle-ms", "300"});
    // Written in place, in two parts, the first of which alone is not valid.
    const int fd = ::open(path(kPolicy).c_str(), O_WRONLY | O_TRUNC);
    ASSERT_GE(fd, 0);
    const std::string part1 = "{\"TelemetryOptOut\": fal", part2 = "se}\n";
    ASSERT_EQ(::write(fd, part1.data(), part1.size()), static_cast<ssize_t>(part1.size()));
    std::this_thread::sleep_for(150ms);  // half the settle time: the writer is "slow"
    ASSERT_EQ(::write(fd, part2.data(), part2.size()), static_cast<ssize_t>(part2.size()));
    ::close(fd);
    const auto line = waitPass(2);
    EXPECT_NE(line.find("trigger policy change"), npos) << line;
    EXPECT_FALSE(optedOut());
    EXPECT_EQ(service->output().find("not parseable"), npos) << service->output();
    expectIdle(400ms);
}

// Driven by events: the settle time is a minute, so only the close can start the pass the test
// waits for; a complete change elsewhere while the policy is half-written must not start one.
TEST_F(Service, PolicyWrittenInSlowPiecesIsReadOnlyOnceClosedWhateverElseChanges) {
    start({"--settle-ms", "60000", "--log-level", "debug"});
    const int fd = ::open(path(kPolicy).c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC);
    ASSERT_GE(fd, 0);
    const std::string managed = "changed: " + path("etc/metalama/policies/managed");
    const std::vector<std::string> pieces{"{\"Telemetry", "OptOut\": ", "fal", "se}\n"};
    for (std::size_t i = 0; i + 1 < pieces.size(); ++i) {
        ASSERT_EQ(::write(fd, pieces[i].data(), pieces[i].size()),
                  static_cast<ssize_t>(pieces[i].size()));
        // The service has seen this piece being written before the next one comes.
        const auto seen =
            service->waitForOutput(managed + " (a write is in progress)", kPatience, mark);
        ASSERT_NE(seen, npos) << service->output().substr(mark);
        mark = service->waitForOutput("\n", kPatience, seen);
        if (i == 0) {
            // A drift renamed into place (complete) while the policy is half-written.
            replace("etc/environment", "PATH=\"/usr/bin:/bin\"\n");
            const auto drift = service->waitForOutput(
                "changed: " + path("etc/environment") + " (a write is in progress)", kPatience,
                mark);
            ASSERT_NE(drift, npos) << service->output().substr(mark);
            mark = service->waitForOutput("\n", kPatience, drift);
        }
    }
    ASSERT_EQ(::write(fd, pieces.back().data(), pieces.back().size()),
              static_cast<ssize_t>(pieces.back().size()));
    ::close(fd);
    const auto since = mark;
    const auto line = waitPass(2);
    EXPECT_NE(line.find("trigger policy change"), npos) << line;
    EXPECT_EQ(service->output().find("not parseable"), npos) << service->output();
    // Pass 2 was the first since the writes began: the close, not the rename, started it.
    EXPECT_EQ(service->countOutput("pass 3: ", since), 0u) << service->output().substr(since);
    EXPECT_FALSE(optedOut()) << read("etc/environment");
}

TEST_F(Service, BrokenPolicyKeepsTheLastGoodOneAndIsRetriedAfterTheNextChange) {
    start();
    replace(kPolicy, "{\"TelemetryOptOut\": \n");
    const auto broken = waitPass(2);
    EXPECT_NE(service->output().find("not parseable"), npos) << service->output();
    EXPECT_TRUE(optedOut()) << "the last known good policy must stay in force";
    EXPECT_NE(broken.find("verdict compliant"), npos) << broken;
    replace(kPolicy, "{\"TelemetryOptOut\": false}\n");
    waitPass(3);
    EXPECT_FALSE(optedOut());
}

TEST_F(Service, ReplacedPolicyDirectoryIsWatchedAgain) {
    start();
    // A configuration tool swaps the whole directory.
    scratch.write("r/etc/metalama/policies/managed.new/10-telemetry.json",
                  "{\"TelemetryOptOut\": false}\n", 0644);
    ASSERT_EQ(std::rename(path("etc/metalama/policies/managed").c_str(),
                          path("etc/metalama/policies/managed.old").c_str()),
              0);
    ASSERT_EQ(std::rename(path("etc/metalama/policies/managed.new").c_str(),
                          path("etc/metalama/policies/managed").c_str()),
              0);
    waitPass(2);
    EXPECT_FALSE(optedOut());
    // The new directory is watched: a change inside it is seen.
    replace(kPolicy, "{\"TelemetryOptOut\": true}\n");
    waitPass(3);
    EXPECT_TRUE(optedOut());
}

TEST_F(Service, SighupReloadsTheConfigurationAndPassesAtOnce) {
    start();
    scratch.write("r/etc/metalama/agent.yaml", "settle_milliseconds: 40\n", 0644);
    service->signal(SIGHUP);
    const auto line = waitPass(2);
    EXPECT_NE(line.find("trigger signal"), npos) << line;
    EXPECT_NE(service->output().find("configuration reloaded: settle 100 ms"), npos)
        << "--settle-ms on the command line still wins:\n"
        << service->output();
    scratch.write("r/etc/metalama/agent.yaml", "settle_milliseconds: soon\n", 0644);
    service->signal(SIGHUP);
    waitPass(3);
    EXPECT_NE(service->output().find("settle_milliseconds: expected a whole number"), npos)
        << service->output();
    EXPECT_NE(service->output().find("keeping the configuration in force"), npos);
}

TEST_F(Service, SigtermStopsCleanlyAndReleasesTheLock) {
    start();
    service->signal(SIGTERM);
    EXPECT_EQ(service->waitForExit(kPatience), 0) << service->output();
    EXPECT_NE(service->output().find("service stopping"), npos);
    const auto history = runAgent(dir(), {"report"});
    EXPECT_NE(history.out.find("agent stopped  stop requested"), npos) << history.out;
    EXPECT_EQ(leftoverTemporaryFiles("etc"), std::vector<std::string>{});
    const int fd = ::open(path("run/metalama-policy-agent/agent.lock").c_str(), O_RDWR);
    ASSERT_GE(fd, 0);
    EXPECT_EQ(::flock(fd, LOCK_EX | LOCK_NB), 0) << "the lock is still held";
    ::close(fd);
}

// The pass stops between profiles, not at its end: proven by the profiles reported as not
// checked, whatever the speed of the machine.
TEST_F(Service, SigtermDuringALongPassStopsBetweenProfiles) {
    // Thousands of accounts without Metalama settings yet: the first pass writes every one.
    std::string passwd = read("etc/passwd");
    for (int i = 0; i < 1000; ++i) {
        const auto name = "u" + std::to_string(i);
        const auto uid = 20000 + i;
        passwd += name + ":x:" + std::to_string(uid) + ":" + std::to_string(uid) + "::/home/" +
                  name + ":/bin/bash\n";
        scratch.mkdirs("r/home/" + name, 0750);
        ASSERT_EQ(::chown(path("home/" + name).c_str(), uid, uid), 0);
    }
    scratch.write("r/etc/passwd", passwd);
    service = startAgent(dir(), {"run"});
    ASSERT_NE(service->waitForOutput("service started", kPatience), npos) << service->output();
    // Signal once the pass has visibly written its first batch of profiles (256 at a time): the
    // other batches are still to come, whatever the speed of the machine.
    const auto firstWritten = path("home/u0/.local/share/Metalama/telemetry.json");
    const auto deadline = Clock::now() + std::chrono::seconds(static_cast<int>(kPatience));
    while (!std::filesystem::exists(firstWritten) && Clock::now() < deadline)
        std::this_thread::sleep_for(5ms);
    ASSERT_TRUE(std::filesystem::exists(firstWritten)) << service->output();
    service->signal(SIGTERM);
    EXPECT_EQ(service->waitForExit(kPatience), 0) << service->output();
    const auto output = service->output();
    EXPECT_NE(output.find("not checked: the service stopped during the pass"), npos) << output;
    EXPECT_NE(output.find("verdict non-compliant"), npos) << output;
    std::size_t temporary = 0;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(path("home")))
        temporary += entry.path().filename().string().find(".mpa-") != npos ? 1 : 0;
    EXPECT_EQ(temporary, 0u);
}

TEST_F(Service, SecondInstanceExitsWithFiveNamingTheLockAndTheHolder) {
    start();
    const auto second = runAgent(dir(), {"run"});
    EXPECT_EQ(second.exitCode, 5) << second.err;
    EXPECT_NE(second.err.find("already running"), npos) << second.err;
    EXPECT_NE(second.err.find("process " + std::to_string(service->pid())), npos) << second.err;
    EXPECT_NE(second.err.find("/run/metalama-policy-agent/agent.lock"), npos) << second.err;
    EXPECT_TRUE(service->running());
}

TEST_F(Service, UnusableDatabaseBacksOffAndTheServiceRecoversOnItsOwn) {
    scratch.write("r/blocked", "a file where the database directory should be\n");
    service = startAgent(dir(), {"--db", path("blocked/compliance.db"), "run"});
    ASSERT_NE(service->waitForOutput("retrying in 1 s", kPatience), npos) << service->output();
    const auto second = service->waitForOutput("retrying in 2 s", kPatience);
    ASSERT_NE(second, npos) << service->output();
    EXPECT_TRUE(service->running());
    EXPECT_FALSE(optedOut()) << "nothing is enforced without the store (no prior values kept)";
    ASSERT_EQ(::unlink(path("blocked").c_str()), 0);
    ASSERT_NE(service->waitForOutput("pass 1: trigger retry", kPatience, second), npos)
        << service->output();
    EXPECT_TRUE(optedOut());
}

// The service logs as it is configured from its first line: nothing between the command line
// and the service loop puts another channel in place.
TEST_F(Service, LogsInTheFormatItIsGivenFromTheFirstLine) {
    service = startAgent(dir(), {"run", "--settle-ms", "100", "--log-format", "json"});
    const auto at = service->waitForOutput("pass 1: trigger start", kPatience);
    ASSERT_NE(at, npos) << service->output();
    ASSERT_NE(service->waitForOutput("\n", kPatience, at), npos);
    const auto out = service->output();
    std::size_t lines = 0;
    for (std::size_t start = 0, end; (end = out.find('\n', start)) != npos; start = end + 1) {
        const auto line = out.substr(start, end - start);
        EXPECT_TRUE(line.size() > 2 && line.front() == '{' && line.back() == '}') << line;
        ++lines;
    }
    EXPECT_GE(lines, 3u) << out;
    const auto first = out.substr(0, out.find('\n'));
    EXPECT_NE(first.find("service started"), npos) << first;
    EXPECT_NE(first.find("\"level\":\"information\""), npos) << first;
}

// The inotify watches a process of `pid` holds, counted as the kernel lists them.
std::size_t inotifyWatchesOf(int pid) {
    std::size_t watches = 0;
    const auto proc = "/proc/" + std::to_string(pid);
    for (const auto& entry : std::filesystem::directory_iterator(proc + "/fd")) {
        std::error_code error;
        if (std::filesystem::read_symlink(entry.path(), error).string() != "anon_inode:inotify")
            continue;
        std::ifstream info(proc + "/fdinfo/" + entry.path().filename().string());
        for (std::string line; std::getline(info, line);)
            if (line.rfind("inotify wd:", 0) == 0) ++watches;
    }
    return watches;
}

// Root's inotify watches are one pool for every root process (systemd, udev, the agent): the
// service takes at most half, says which paths went without and what limit would cover them,
// still reacts at once to what it watches, and repairs the rest with its next timer or reload
// pass (a SIGHUP here), which names them as found without a watch, not as missed events. Run in
// a user namespace whose limit is 32 (tests/helpers/with_inotify_limit), so the machine's own
// limit is not touched; the demo root wants 19 watches.
TEST_F(Service, KeepsToHalfOfRootsInotifyWatchesAndRepairsTheRestByItsPasses) {
    service = std::make_unique<BackgroundProcess>(std::vector<std::string>{
        MPA_WITH_INOTIFY_LIMIT, "32", agentBinary(), "--root", dir(), "run", "--settle-ms", "100"});
    mark = service->waitForOutput("pass 1: trigger start", kPatience);
    ASSERT_NE(mark, npos) << service->output();
    mark = service->waitForOutput("\n", kPatience, mark);
    auto out = service->output();
    EXPECT_NE(out.find("at most 16 of the 32 inotify watches"), npos) << out;
    // A limit that covers every path: twice the 19 watches the root wants, at least.
    const std::string raise = "Raise fs.inotify.max_user_watches to at least ";
    ASSERT_NE(out.find(raise), npos) << out;
    EXPECT_GE(std::stoul(out.substr(out.find(raise) + raise.size())), 38u) << out;
    const auto named = out.find("have no watch (the first: ");
    ASSERT_NE(named, npos) << out;
    const auto from = named + std::string("have no watch (the first: ").size();
    const auto unwatched = out.substr(from, out.find(')', from) - from);
    ASSERT_EQ(unwatched.rfind("/home/", 0), 0u) << "machine files come before users' files";
    ASSERT_TRUE(std::filesystem::exists(path(unwatched.substr(1)))) << unwatched;
    const auto watches = inotifyWatchesOf(service->pid());
    EXPECT_GT(watches, 0u);
    EXPECT_LE(watches, 16u);
    expectIdle(300ms);

    // A watched file: repaired at once.
    replace("etc/environment", "PATH=\"/usr/bin:/bin\"\n");
    EXPECT_NE(waitPass(2).find("trigger drift"), npos) << service->output();
    EXPECT_TRUE(optedOut());

    // A file without a watch: nothing happens until a pass that is not about it...
    replace(unwatched.substr(1), "{\"UsageReportingAction\": 1}\n");
    expectIdle(500ms);
    // ...which finds and repairs it.
    service->signal(SIGHUP);
    EXPECT_NE(waitPass(3).find("trigger signal"), npos) << service->output();
    out = service->output();
    EXPECT_NE(out.find("1 change(s) found in paths without a watch before the signal pass"), npos)
        << out;
    EXPECT_EQ(out.find("was not announced by any event"), npos) << out;
    EXPECT_NE(read(unwatched.substr(1)).find("\"UsageReportingAction\": 2"), npos)
        << read(unwatched.substr(1));
    EXPECT_LE(inotifyWatchesOf(service->pid()), 16u);
    service->signal(SIGTERM);
    EXPECT_EQ(service->waitForExit(kPatience), 0) << service->output();
}

// A pass that rewrites thousands of profiles' files fills the kernel's event queue with its own
// writes (a few events a file; fs.inotify.max_queued_events, 16,384 by default). The service
// then looks at what changed instead of passing again: nothing had, so there is no second pass,
// and a change made after it is still repaired at once.
TEST(ServiceOverflow, ItsOwnWritesFillingTheEventQueueRunNoSecondPass) {
    if (::geteuid() != 0) GTEST_SKIP() << "the profiles root gives files to users: needs root";
    MPA_SKIP_IF_MISSING(missingTool("/usr/bin/python3", "python3"));
    std::size_t queued = 0;
    std::ifstream("/proc/sys/fs/inotify/max_queued_events") >> queued;
    ASSERT_GT(queued, 0u);
    ASSERT_LE(queued, 65536u) << "a root big enough to fill this queue takes too long to make";
    ScratchDir scratch;
    const auto root = scratch.abs("r");
    const auto made = runProcess(
        {sourceDir() + "/bench/make-profiles-root.py", root, std::to_string(queued / 3 + 1000)});
    ASSERT_EQ(made.exitCode, 0) << made.err;
    constexpr double kFirstPass = 300;  // thousands of profiles, in the sanitizer build too
    auto service = startAgent(root, {"--log-level", "debug", "run", "--settle-ms", "100"});
    auto mark = service->waitForOutput("pass 1: trigger start", kFirstPass);
    ASSERT_NE(mark, npos) << service->output().substr(0, 4000);
    mark =
        service->waitForOutput("queue overflowed; looking at every watched path", kPatience, mark);
    ASSERT_NE(mark, npos) << "the start pass did not fill the queue";
    mark = service->waitForOutput("as the last pass left them; no pass", kPatience, mark);
    ASSERT_NE(mark, npos) << service->output().substr(service->output().size() - 4000);
    std::this_thread::sleep_for(500ms);
    EXPECT_EQ(service->countOutput("pass 2:"), 0u);

    // The first account's settings, changed by hand.
    std::ifstream passwd(root + "/etc/passwd");
    std::string home;
    for (std::string line; home.empty() && std::getline(passwd, line);) {
        std::vector<std::string> fields;
        for (std::size_t start = 0, end = 0; end != npos; start = end + 1)
            fields.push_back(line.substr(start, (end = line.find(':', start)) - start));
        if (fields.size() > 5 && std::stoul(fields[2]) >= 1000) home = fields[5];
    }
    ASSERT_FALSE(home.empty());
    const auto settings = root + home + "/.local/share/Metalama/telemetry.json";
    { std::ofstream(settings + ".new") << "{\"UsageReportingAction\": 1}\n"; }
    ASSERT_EQ(std::rename((settings + ".new").c_str(), settings.c_str()), 0);
    const auto at = service->waitForOutput("pass 2: trigger drift", kPatience, mark);
    EXPECT_NE(at, npos) << service->output().substr(mark);
    service->signal(SIGTERM);
    EXPECT_EQ(service->waitForExit(kPatience), 0);
}

TEST_F(Service, UnderSystemdEachLogLineCarriesItsSyslogLevel) {
    // systemd passes the journal stream's device:inode; the agent checks it is its stderr.
    const std::string script =
        "JOURNAL_STREAM=$(stat -L -c %d:%i /proc/self/fd/2) exec \"$0\" --root \"$1\" "
        "--log-level information apply";
    const auto result = runProcess({"/bin/sh", "-c", script, agentBinary(), dir()});
    EXPECT_EQ(result.exitCode, 0) << result.err;
    EXPECT_EQ(result.err.rfind("<6>", 0), 0u) << result.err;
    EXPECT_EQ(result.err.find("Information:"), npos) << result.err;
    // Anywhere else (a terminal, a file, a pipe) the level is spelled out.
    const auto plain = runAgent(dir(), {"--log-level", "information", "apply"});
    EXPECT_EQ(plain.err.rfind("Information: ", 0), 0u) << plain.err;
}

}  // namespace
}  // namespace mpa::test
