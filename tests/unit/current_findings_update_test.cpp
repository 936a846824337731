// The store replaces current_findings subject by subject (store/current_findings_update.hpp)
// instead of loading the previous set: checked on a real database against what the whole-set
// comparison gives, over thousands of subjects that move, appear, vanish and change.
#include "store/current_findings_update.hpp"

#include <gtest/gtest.h>

#include <map>
#include <optional>
#include <set>
#include <utility>

#include "platform/spill_file.hpp"
#include "store/sealed_state.hpp"
#include "store/sqlite_compliance_store.hpp"
#include "support/scratch_dir.hpp"
#include "support/status_assert.hpp"
#include "support/store_samples.hpp"

namespace mpa {
namespace {

using test::openStore;
using test::samplePass;

Finding profileFinding(int i, Outcome outcome) {
    auto f = Finding::about("telemetry-json", "/home/user" + std::to_string(i) + "/telemetry.json",
                            "user" + std::to_string(i), "opted out")
                 .withObserved("opted out");
    f.outcome = outcome;
    return f;
}

PassReport passOf(const std::string& startedAt, std::vector<Finding> findings) {
    auto pass = samplePass(startedAt);
    pass.findings = std::move(findings);
    pass.verdict = computeVerdict(pass.policy, pass.findings);
    return pass;
}

struct StoredRow {
    Finding finding;
    std::string since;
};

std::vector<StoredRow> currentRows(const SqliteConnection& db) {
    SqliteStatement s;
    const auto prepared = db.prepare(
        "SELECT target, subject, user, desired, observed, outcome, "
        "reason, tool, state_since, seq FROM current_findings "
        "ORDER BY seq",
        &s);
    EXPECT_TRUE(prepared) << prepared.error;
    std::vector<StoredRow> rows;
    while (s.step()) {
        StoredRow row;
        row.finding =
            Finding::about(s.text(0), s.text(1), s.text(2), s.text(3)).withObserved(s.text(4));
        EXPECT_TRUE(outcomeFromString(s.text(5), &row.finding.outcome));
        row.finding.reason = s.text(6);
        row.finding.tool = s.text(7);
        row.since = s.text(8);
        EXPECT_EQ(s.integer(9), static_cast<std::int64_t>(rows.size())) << "seq is the position";
        rows.push_back(std::move(row));
    }
    EXPECT_FALSE(s.failed()) << s.errorMessage();
    return rows;
}

// run_id's finding rows as subject -> removed.
std::map<std::string, bool> deltaRows(const SqliteConnection& db, std::int64_t runId) {
    SqliteStatement s;
    const auto prepared = db.prepare("SELECT subject, removed FROM findings WHERE run_id = ?", &s);
    EXPECT_TRUE(prepared) << prepared.error;
    s.bind(1, runId);
    std::map<std::string, bool> rows;
    while (s.step()) EXPECT_TRUE(rows.emplace(s.text(0), s.integer(1) != 0).second) << s.text(0);
    return rows;
}

bool same(const Finding& a, const Finding& b) {
    return a.target == b.target && a.subject == b.subject && a.user == b.user &&
           a.desired == b.desired && a.observed == b.observed && a.outcome == b.outcome &&
           a.reason == b.reason && a.tool == b.tool;
}

// Records `first` then `second` and checks current_findings, the second run's deltas and the
// seal against what comparing the whole sets gives.
void expectTheWholeSetComparison(const std::vector<Finding>& first,
                                 const std::vector<Finding>& second) {
    test::ScratchDir scratch;
    const auto path = scratch.abs("compliance.db");
    auto store = openStore(path);
    ASSERT_TRUE(store);
    auto& db = dynamic_cast<SqliteComplianceStore&>(*store).connection();
    ASSERT_TRUE(succeeded(store->recordPass(passOf("2026-01-01T10:00:00Z", first))));
    const auto later = passOf("2026-01-01T11:00:00Z", second);
    ASSERT_TRUE(succeeded(store->recordPass(later)));

    // What comparing the whole sets gives.
    std::map<std::string, const Finding*> before;
    for (const auto& f : first) before[f.subject] = &f;
    const auto rows = currentRows(db);
    ASSERT_EQ(rows.size(), second.size());
    std::set<std::string> wantDelta;
    for (std::size_t i = 0; i < second.size(); ++i) {
        const auto& f = second[i];
        EXPECT_TRUE(same(rows[i].finding, f)) << "row " << i << " " << rows[i].finding.subject;
        const auto it = before.find(f.subject);
        const bool kept = it != before.end() && it->second->outcome == f.outcome;
        EXPECT_EQ(rows[i].since, kept ? "2026-01-01T10:00:00Z" : "2026-01-01T11:00:00Z")
            << f.subject;
        if (it == before.end() || !same(*it->second, f)) wantDelta.insert(f.subject);
    }
    std::set<std::string> wantRemoved;
    std::set<std::string> now;
    for (const auto& f : second) now.insert(f.subject);
    for (const auto& f : first)
        if (!now.count(f.subject)) wantRemoved.insert(f.subject);
    const auto deltas = deltaRows(db, 2);
    std::set<std::string> gotDelta, gotRemoved;
    for (const auto& [subject, removed] : deltas) (removed ? gotRemoved : gotDelta).insert(subject);
    EXPECT_EQ(gotDelta, wantDelta);
    EXPECT_EQ(gotRemoved, wantRemoved);

    // Read back, the state is the one the chain sealed.
    const auto stored = store->lastPass();
    ASSERT_TRUE(stored);
    for (const auto& note : stored->report.notes)
        EXPECT_EQ(note.find("does not match the state sealed"), std::string::npos) << note;
    EXPECT_EQ(stored->report.findings.size(), second.size());
    const auto seal = verifySealedState(db, passFingerprint(stored->report));
    EXPECT_TRUE(seal.intact) << seal.message;
}

constexpr int kProfiles = 3000;  // several chunks of the previous set

std::vector<Finding> firstPass() {
    std::vector<Finding> first;
    first.reserve(kProfiles);
    for (int i = 0; i < kProfiles; ++i) first.push_back(profileFinding(i, Outcome::Remediated));
    return first;
}

// Profile i's finding in the next pass: compliant now, with some outcomes kept (state_since
// kept), some failed with a reason, some another tool's.
Finding changedFinding(int i) {
    auto f = profileFinding(i, Outcome::Compliant);
    if (i % 11 == 0) f.outcome = Outcome::Remediated;
    if (i % 13 == 0) f.outcome = Outcome::Failed, f.reason = "permission denied";
    if (i % 17 == 0) f.tool = "dotnet-sdk";
    return f;
}

TEST(CurrentFindingsUpdate, ManySubjectsMovedAddedRemovedAndChangedMatchTheWholeSetComparison) {
    // The next pass: a block reversed, profiles gone, new ones in the middle (every later
    // position moves), outcomes changed, a reason changed with the outcome kept.
    std::vector<Finding> second;
    for (int i = 0; i < kProfiles; ++i) {
        if (i % 7 == 3) continue;  // gone
        if (i == 1000)
            for (int n = 0; n < 25; ++n)
                second.push_back(profileFinding(100000 + n, Outcome::Remediated));
        second.push_back(changedFinding(i));
    }
    std::reverse(second.begin() + 200, second.begin() + 600);
    expectTheWholeSetComparison(firstPass(), second);
}

// The usual case: the same subjects in the same order for a long way (matched where they stand),
// then profiles added and gone further on (matched by subject from there).
TEST(CurrentFindingsUpdate, InPlaceForAWayThenMovedMatchTheWholeSetComparison) {
    std::vector<Finding> second;
    for (int i = 0; i < kProfiles; ++i) {
        if (i == 2000)
            for (int n = 0; n < 25; ++n)
                second.push_back(profileFinding(100000 + n, Outcome::Remediated));
        if (i > 2500 && i % 5 == 0) continue;  // gone
        second.push_back(changedFinding(i));
    }
    expectTheWholeSetComparison(firstPass(), second);
}

// The previous set ends first (new profiles after the last one), or the pass does (the last
// profiles gone).
TEST(CurrentFindingsUpdate, AddedOrGoneAtTheEndMatchTheWholeSetComparison) {
    std::vector<Finding> longer;
    for (int i = 0; i < kProfiles + 700; ++i) longer.push_back(changedFinding(i));
    expectTheWholeSetComparison(firstPass(), longer);
    std::vector<Finding> shorter;
    for (int i = 0; i < kProfiles - 700; ++i) shorter.push_back(changedFinding(i));
    expectTheWholeSetComparison(firstPass(), shorter);
    expectTheWholeSetComparison(firstPass(), {});
    expectTheWholeSetComparison({}, shorter);
}

// A first pass inserts each row once; a pass that differs from the previous one in one finding
// rewrites that row, not the set.
TEST(CurrentFindingsUpdate, UnchangedRowsInPlaceAreNotWritten) {
    test::ScratchDir scratch;
    auto store = openStore(scratch.abs("compliance.db"));
    ASSERT_TRUE(store);
    auto& db = dynamic_cast<SqliteComplianceStore&>(*store).connection();
    const auto triggers = db.exec(
        "CREATE TEMP TABLE writes (kind TEXT);"
        "CREATE TEMP TRIGGER w_ins AFTER INSERT ON main.current_findings "
        "BEGIN INSERT INTO writes VALUES ('insert'); END;"
        "CREATE TEMP TRIGGER w_upd AFTER UPDATE ON main.current_findings "
        "BEGIN INSERT INTO writes VALUES ('update'); END;"
        "CREATE TEMP TRIGGER w_del AFTER DELETE ON main.current_findings "
        "BEGIN INSERT INTO writes VALUES ('delete'); END;");
    ASSERT_TRUE(triggers) << triggers.error;
    Status error;
    // A first pass writes each row at its place once.
    std::vector<Finding> findings;
    findings.reserve(1500);
    for (int i = 0; i < 1500; ++i) findings.push_back(profileFinding(i, Outcome::Compliant));
    ASSERT_TRUE(succeeded(store->recordPass(passOf("2026-01-01T10:00:00Z", findings))));
    EXPECT_EQ(db.queryInt("SELECT count(*) FROM writes WHERE kind = 'insert'", &error), 1500);
    EXPECT_EQ(db.queryInt("SELECT count(*) FROM writes WHERE kind <> 'insert'", &error), 0);
    ASSERT_TRUE(db.exec("DELETE FROM writes"));
    findings[700].outcome = Outcome::DriftRepaired;
    ASSERT_TRUE(succeeded(store->recordPass(passOf("2026-01-01T11:00:00Z", findings))));
    // Rewritten where it stands: one update of the one row.
    EXPECT_EQ(db.queryInt("SELECT count(*) FROM writes WHERE kind = 'update'", &error), 1);
    EXPECT_EQ(db.queryInt("SELECT count(*) FROM writes WHERE kind <> 'update'", &error), 0);
    const auto rows = currentRows(db);
    ASSERT_EQ(rows.size(), findings.size());
    EXPECT_EQ(rows[700].finding.outcome, Outcome::DriftRepaired);
    EXPECT_EQ(rows[700].since, "2026-01-01T11:00:00Z");
    EXPECT_EQ(rows[699].since, "2026-01-01T10:00:00Z");
}

// The function itself: what the previous set had for each finding, and the deltas it reports.
TEST(CurrentFindingsUpdate, ReportsWhatThePreviousSetHadPerFindingAndDuplicatesPairInOrder) {
    test::ScratchDir scratch;
    auto store = openStore(scratch.abs("compliance.db"));
    ASSERT_TRUE(store);
    auto& db = dynamic_cast<SqliteComplianceStore&>(*store).connection();
    auto failed = profileFinding(2, Outcome::Failed);
    failed.reason = "locked";
    const std::vector<Finding> old{profileFinding(1, Outcome::Compliant), failed,
                                   profileFinding(3, Outcome::Compliant),
                                   profileFinding(3, Outcome::Pending)};
    std::vector<std::pair<std::int64_t, bool>> deltas;
    const FindingDelta collect = [&](std::int64_t seq, const Finding&, bool removed) {
        deltas.emplace_back(seq, removed);
        return Status::success();
    };
    std::vector<PreviousFinding> previous;
    ASSERT_TRUE(db.exec("BEGIN"));
    ASSERT_TRUE(succeeded(updateCurrentFindings(db, old, "t1", collect, &previous)));
    EXPECT_EQ(deltas.size(), 4u);
    for (const auto& p : previous) EXPECT_FALSE(p.present);

    deltas.clear();
    auto stillFailed = profileFinding(2, Outcome::Failed);
    stillFailed.reason = "still locked";
    const std::vector<Finding> now{profileFinding(3, Outcome::Compliant),
                                   profileFinding(3, Outcome::Pending), stillFailed,
                                   profileFinding(4, Outcome::Compliant)};
    ASSERT_TRUE(succeeded(updateCurrentFindings(db, now, "t2", collect, &previous)));
    ASSERT_TRUE(db.exec("COMMIT"));
    ASSERT_EQ(previous.size(), 4u);
    EXPECT_TRUE(previous[0].present);
    EXPECT_EQ(previous[0].outcome, Outcome::Compliant);
    EXPECT_TRUE(previous[1].present);
    EXPECT_EQ(previous[1].outcome, Outcome::Pending);
    EXPECT_TRUE(previous[2].present);
    EXPECT_EQ(previous[2].outcome, Outcome::Failed);
    EXPECT_FALSE(previous[2].sameReason);
    EXPECT_FALSE(previous[3].present);
    // user1 gone (removed, after the pass's findings), user2's reason changed, user4 new.
    std::set<std::pair<std::int64_t, bool>> got(deltas.begin(), deltas.end());
    EXPECT_EQ(got, (std::set<std::pair<std::int64_t, bool>>{{4, true}, {2, false}, {3, false}}));
    const auto rows = currentRows(db);
    ASSERT_EQ(rows.size(), now.size());
    for (std::size_t i = 0; i < now.size(); ++i) EXPECT_TRUE(same(rows[i].finding, now[i])) << i;
    EXPECT_EQ(rows[0].since, "t1");
    EXPECT_EQ(rows[1].since, "t1");
    EXPECT_EQ(rows[2].since, "t1");
    EXPECT_EQ(rows[3].since, "t2");

    // The same subjects in the same order (matched where they stand): user2's reason changes
    // once more, then stays.
    auto again = stillFailed;
    again.reason = "locked again";
    for (const bool changed : {true, false}) {
        deltas.clear();
        const std::vector<Finding> inPlace{now[0], now[1], again, now[3]};
        ASSERT_TRUE(db.exec("BEGIN"));
        ASSERT_TRUE(succeeded(updateCurrentFindings(db, inPlace, "t3", collect, &previous)));
        ASSERT_TRUE(db.exec("COMMIT"));
        for (const auto& p : previous) EXPECT_TRUE(p.present);
        EXPECT_EQ(previous[0].outcome, Outcome::Compliant);
        EXPECT_EQ(previous[1].outcome, Outcome::Pending);
        EXPECT_EQ(previous[2].outcome, Outcome::Failed);
        EXPECT_TRUE(previous[1].sameReason);
        const auto after = currentRows(db);
        ASSERT_EQ(after.size(), inPlace.size());
        for (std::size_t i = 0; i < inPlace.size(); ++i)
            EXPECT_TRUE(same(after[i].finding, inPlace[i])) << i;
        EXPECT_EQ(after[2].since, "t1");  // still failed: its state is as old as before
        if (changed) {
            EXPECT_FALSE(previous[2].sameReason);
            EXPECT_EQ(deltas, (std::vector<std::pair<std::int64_t, bool>>{{2, false}}));
        } else {
            EXPECT_TRUE(previous[2].sameReason);
            EXPECT_TRUE(deltas.empty());
        }
    }
}

// A pass whose findings went to a spill file (what the engine gives a pass over many profiles) is
// recorded, sealed and read back exactly as the same findings held in memory.
TEST(CurrentFindingsUpdate, APassReadFromItsSpillFileIsRecordedAsTheSameFindingsInMemory) {
    test::ScratchDir scratch;
    int spills = 0;
    FindingLog spilled([&] {
        ++spills;
        return platform::openSpillFile(scratch.path());
    });
    std::vector<Finding> held;
    for (int i = 0; i < 4000; ++i) {
        auto f = profileFinding(i, i % 5 ? Outcome::Remediated : Outcome::Failed);
        if (i % 5 == 0) f.reason = "permission denied on " + f.subject;
        spilled.push_back(f);
        held.push_back(std::move(f));
    }
    ASSERT_EQ(spills, 1);
    ASSERT_TRUE(spilled.spillProblem().empty()) << spilled.spillProblem();
    auto fromFile = passOf("2026-01-01T10:00:00Z", {});
    fromFile.findings = spilled;
    fromFile.verdict = computeVerdict(fromFile.policy, fromFile.findings);
    const auto inMemory = passOf("2026-01-01T10:00:00Z", held);
    EXPECT_EQ(passFingerprint(fromFile), passFingerprint(inMemory));

    const auto path = scratch.abs("compliance.db");
    auto store = openStore(path);
    ASSERT_TRUE(store);
    ASSERT_TRUE(succeeded(store->recordPass(fromFile)));
    const auto rows = currentRows(dynamic_cast<SqliteComplianceStore&>(*store).connection());
    ASSERT_EQ(rows.size(), held.size());
    for (std::size_t i = 0; i < rows.size(); ++i) EXPECT_TRUE(same(rows[i].finding, held[i])) << i;
    EXPECT_TRUE(test::verifyFile(path).intact);
    const auto sealed = test::verifySealFile(path);
    EXPECT_TRUE(sealed.intact) << sealed.message;
    // The same pass again is a repeat: nothing new recorded.
    auto again = fromFile;
    again.startedAt = again.finishedAt = "2026-01-01T11:00:00Z";
    ASSERT_TRUE(succeeded(store->recordPass(again)));
    EXPECT_EQ(test::countRows(path, "runs WHERE same_as IS NOT NULL"), 1);
}

}  // namespace
}  // namespace mpa
