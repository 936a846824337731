// A pass's findings are logged encoded and, past a budget, in an unlinked temporary file
// (model/finding_log.hpp, platform/spill_file.hpp): every field comes back as it went in, in
// order, however many times the log is read, and a log that spills holds no more than its budget.
#include "model/finding_log.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "platform/spill_file.hpp"
#include "support/scratch_dir.hpp"

namespace mpa {
namespace {

Finding numbered(int i) {
    Finding f =
        Finding::about("telemetry-json", "/home/user" + std::to_string(i) + "/telemetry.json",
                       "user" + std::to_string(i), "opted out");
    f.observed = i % 3 ? "opted out" : "";
    f.outcome = static_cast<Outcome>(i % 9);
    f.reason =
        i % 5 ? "" : "reason " + std::to_string(i) + std::string(" with \n and \0 inside", 21);
    f.diff = i % 7 ? "" : std::string(static_cast<std::size_t>(i % 200), 'd');
    f.tool = i % 2 ? "" : "dotnet-sdk";
    return f;
}

void expectSame(const Finding& got, const Finding& want, int i) {
    EXPECT_EQ(got.target, want.target) << i;
    EXPECT_EQ(got.subject, want.subject) << i;
    EXPECT_EQ(got.user, want.user) << i;
    EXPECT_EQ(got.desired, want.desired) << i;
    EXPECT_EQ(got.observed, want.observed) << i;
    EXPECT_EQ(got.outcome, want.outcome) << i;
    EXPECT_EQ(got.reason, want.reason) << i;
    EXPECT_EQ(got.diff, want.diff) << i;
    EXPECT_EQ(got.tool, want.tool) << i;
}

void expectNumbered(const FindingLog& log, int from, int count) {
    ASSERT_EQ(log.size(), static_cast<std::size_t>(count));
    int i = from;
    for (const auto& f : log) {
        expectSame(f, numbered(i), i);
        ++i;
    }
    EXPECT_EQ(i, from + count);
}

// Counts the spill files a log opens, all in `dir`.
struct CountingSpill {
    std::string dir;
    int opened = 0;
    FindingLog::SpillFile opener() {
        return [this] {
            ++opened;
            return platform::openSpillFile(dir);
        };
    }
};

std::size_t entriesIn(const std::string& dir) {
    std::size_t n = 0;
    for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir)) ++n;
    return n;
}

TEST(FindingLog, EveryFieldComesBackInOrderFromMemory) {
    FindingLog log;
    for (int i = 0; i < 500; ++i) log.push_back(numbered(i));
    expectNumbered(log, 0, 500);
    expectNumbered(log, 0, 500);  // read again: the same
    EXPECT_EQ(log[499].subject, numbered(499).subject);
    EXPECT_TRUE(log.spillProblem().empty());
}

TEST(FindingLog, PastItsBudgetItSpillsToAFileWithNoNameAndReadsBackTheSame) {
    test::ScratchDir scratch;
    CountingSpill spill{scratch.path()};
    auto log = std::make_unique<FindingLog>(spill.opener());
    // About 150 bytes each: several budgets' worth, and a finding larger than a read piece.
    for (int i = 0; i < 5000; ++i) log->push_back(numbered(i));
    auto huge = numbered(5000);
    huge.diff = std::string(200 * 1024, 'x');
    log->push_back(huge);
    for (int i = 5001; i < 6000; ++i) log->push_back(numbered(i));
    EXPECT_EQ(spill.opened, 1);
    EXPECT_TRUE(log->spillProblem().empty()) << log->spillProblem();
#ifndef _WIN32
    // The file is open and has no name: nothing to leave behind if the agent is killed.
    EXPECT_EQ(entriesIn(scratch.path()), 0u);
#endif
    ASSERT_EQ(log->size(), 6000u);
    int i = 0;
    for (const auto& f : *log) {
        expectSame(f, i == 5000 ? huge : numbered(i), i);
        ++i;
    }
    EXPECT_EQ(i, 6000);
    log.reset();
    EXPECT_EQ(entriesIn(scratch.path()), 0u);  // on Windows too: deleted when closed
}

// A spilling log holds its budget and no more: the memory it keeps does not grow past it by the
// doubling of a string, whatever the number of findings.
TEST(FindingLog, ASpillingLogHoldsNoMoreThanItsBudget) {
    test::ScratchDir scratch;
    CountingSpill spill{scratch.path()};
    FindingLog log(spill.opener());
    std::size_t most = 0;
    for (int i = 0; i < 20000; ++i) {
        log.push_back(numbered(i));
        most = std::max(most, log.memoryHeld());
    }
    EXPECT_EQ(spill.opened, 1);
    EXPECT_LE(most, FindingLog::kMemoryBudget + 1024);
    EXPECT_GE(most, FindingLog::kMemoryBudget / 2);  // it filled half its budget before spilling
    expectNumbered(log, 0, 20000);

    // Appended to the pass's log when the target is done, it keeps nothing in memory; a log
    // that never spilled (a target's few findings) stays as it is.
    FindingLog pass(spill.opener());
    pass.push_back(numbered(20000));
    const auto small = pass.memoryHeld();
    pass.append(std::move(log));
    EXPECT_LE(pass.memoryHeld(), small + 64);
    FindingLog few(spill.opener());
    few.push_back(numbered(20001));
    pass.append(std::move(few));
    EXPECT_GT(pass.memoryHeld(), small);
    ASSERT_EQ(pass.size(), 20002u);
    std::vector<int> order{20000};
    for (int i = 0; i <= 20001; ++i)
        if (i != 20000) order.push_back(i);
    std::size_t k = 0;
    for (const auto& f : pass) {
        ASSERT_LT(k, order.size());
        expectSame(f, numbered(order[k]), order[k]);
        ++k;
    }
    EXPECT_EQ(k, order.size());
}

TEST(FindingLog, TwoReadersOfASpilledLogKeepTheirOwnPlaces) {
    test::ScratchDir scratch;
    CountingSpill spill{scratch.path()};
    FindingLog log(spill.opener());
    for (int i = 0; i < 4000; ++i) log.push_back(numbered(i));
    ASSERT_EQ(spill.opened, 1);
    auto a = log.begin();
    auto b = log.begin();
    for (int i = 0; i < 3000; ++i) ++a;  // a reads well into the file, then b starts
    for (int i = 0; i < 4000; ++i, ++b) {
        ASSERT_NE(b, log.end());
        expectSame(*b, numbered(i), i);
        if (i >= 3000) continue;
        ASSERT_NE(a, log.end());
        expectSame(*a, numbered(3000 + i / 3), 3000 + i / 3);
        if (i % 3 == 2) ++a;
    }
    EXPECT_EQ(b, log.end());
}

TEST(FindingLog, WithoutASpillFileItKeepsEverythingAndSaysWhy) {
    FindingLog log([] { return static_cast<std::FILE*>(nullptr); });
    for (int i = 0; i < 3000; ++i) log.push_back(numbered(i));
    expectNumbered(log, 0, 3000);
    EXPECT_NE(log.spillProblem().find("kept in memory"), std::string::npos) << log.spillProblem();
}

TEST(FindingLog, AppendingKeepsTheOrderAndCopiesShareWithoutChangingEachOther) {
    test::ScratchDir scratch;
    CountingSpill spill{scratch.path()};
    FindingLog first(spill.opener()), second(spill.opener());
    for (int i = 0; i < 10; ++i) first.push_back(numbered(i));
    for (int i = 10; i < 3010; ++i) second.push_back(numbered(i));  // spills
    first.append(std::move(second));
    EXPECT_TRUE(second.empty());  // NOLINT(bugprone-use-after-move): append empties it
    expectNumbered(first, 0, 3010);

    const FindingLog copy = first;
    first.push_back(numbered(3010));
    expectNumbered(copy, 0, 3010);
    expectNumbered(first, 0, 3011);
}

TEST(FindingLog, AVectorOfATargetsFewFindingsBecomesALog) {
    std::vector<Finding> few{numbered(1), numbered(2)};
    const FindingLog log = few;
    expectNumbered(log, 1, 2);
    EXPECT_EQ(log.toVector().size(), 2u);
    EXPECT_TRUE(FindingLog().empty());
    EXPECT_EQ(FindingLog().begin(), FindingLog().end());
}

}  // namespace
}  // namespace mpa
