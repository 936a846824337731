// The /etc files a pass writes together (targets/pass_file_batch.hpp), against real files in a
// scratch root: every prior state before any file is replaced, a failure that keeps its file (and
// only its file) as it was, and the entries a file lets go forgotten only once it is written.
#include "targets/pass_file_batch.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "model/agent_context.hpp"
#include "model/ledger.hpp"
#include "platform/process_identity.hpp"
#include "support/scratch_dir.hpp"

namespace mpa::test {
namespace {

using ::testing::HasSubstr;

// Records what each commit of the ledger saw of the files, and can refuse to commit.
class SeeingLedger final : public MemoryLedger {
  public:
    SeeingLedger(const ScratchDir& scratch, std::vector<std::string> watched)
        : files(std::move(watched)), scratch_(scratch) {}
    Status beginBatch() override { return Status::success(); }
    Status commitBatch() override {
        std::string seen;
        for (const auto& f : files)
            seen += (seen.empty() ? "" : " | ") +
                    (scratch_.exists(f) ? scratch_.read(f) : std::string("absent"));
        commitsSaw.push_back(seen);
        return refuse ? Status::failure("database is locked") : Status::success();
    }
    bool refuse = false;
    std::vector<std::string> commitsSaw;
    std::vector<std::string> files;  // what each commit looks at, under the scratch root

  private:
    const ScratchDir& scratch_;
};

PriorState priorOf(const std::string& subject) {
    PriorState p;
    p.target = "test";
    p.subject = subject;
    p.value = "before";
    return p;
}

struct Settled {
    bool called = false;
    Status written, forgotten;
};

class PassFileBatchTest : public ::testing::Test {
  protected:
    void SetUp() override {
        if (!platform::isPrivileged())
            GTEST_SKIP() << "needs root: the files are given to root, as the agent's are";
        context.settings.root = scratch.path();
        scratch.mkdirs("etc/a");
        scratch.mkdirs("etc/b");
        scratch.mkdirs("etc/c");
        scratch.write("etc/a/file", "a before\n");
        scratch.write("etc/b/file", "b before\n");
        scratch.write("etc/c/file", "c before\n");
    }

    StagedEtcFile file(const std::string& dir, std::vector<PriorState> priors, Settled* settled) {
        StagedEtcFile f;
        f.logicalPath = "/etc/" + dir + "/file";
        f.content = dir + " after\n";
        f.owner = platform::Ownership{0, 0, 0644};
        f.priors = std::move(priors);
        f.settled = [settled](const Status& written, const Status& forgotten) {
            settled->called = true;
            settled->written = written;
            settled->forgotten = forgotten;
        };
        return f;
    }

    ScratchDir scratch;
    AgentContext context;
    SeeingLedger ledger{scratch, {"etc/a/file", "etc/b/file", "etc/c/file"}};
};

TEST_F(PassFileBatchTest, EveryPriorStateIsCommittedOnceBeforeAnyFileIsReplaced) {
    Settled a, b, c;
    PassFileBatch batch(context, ledger);
    batch.stage(file("a", {priorOf("a1"), priorOf("a2")}, &a));
    batch.stage(file("b", {priorOf("b")}, &b));
    batch.stage(file("c", {}, &c));  // drift repaired: its prior state is already held
    EXPECT_EQ(scratch.read("etc/a/file"), "a before\n");  // nothing happens before the commit
    batch.commit();
    EXPECT_EQ(ledger.commitsSaw, std::vector<std::string>{"a before\n | b before\n | c before\n"});
    for (const auto* s : {&a, &b, &c}) {
        EXPECT_TRUE(s->called);
        EXPECT_TRUE(s->written) << s->written.error;
    }
    EXPECT_EQ(scratch.read("etc/a/file"), "a after\n");
    EXPECT_EQ(scratch.read("etc/b/file"), "b after\n");
    EXPECT_EQ(scratch.read("etc/c/file"), "c after\n");
    EXPECT_TRUE(ledger.find("test", "a2"));
    EXPECT_TRUE(ledger.find("test", "b"));
    batch.commit();  // empty again: nothing is committed twice
    EXPECT_EQ(ledger.commitsSaw.size(), 1u);
}

// The commit of the prior states fails: every file that needed one stays as it was and says why;
// a file whose prior state was already held does not depend on it and is written.
TEST_F(PassFileBatchTest, FilesWhosePriorStateIsNotDurableAreNotTouched) {
    ledger.refuse = true;
    Settled a, b, c;
    PassFileBatch batch(context, ledger);
    batch.stage(file("a", {priorOf("a")}, &a));
    auto withNewDirectory = file("b", {priorOf("b")}, &b);
    withNewDirectory.logicalPath = "/etc/b/new/file";
    withNewDirectory.newDirectories = {"/etc/b/new"};
    batch.stage(std::move(withNewDirectory));
    batch.stage(file("c", {}, &c));
    batch.commit();
    for (const auto* s : {&a, &b}) {
        EXPECT_FALSE(s->written);
        EXPECT_THAT(s->written.error,
                    HasSubstr("could not record the prior state, so nothing was changed: "
                              "database is locked"));
    }
    EXPECT_THAT(a.written.error, HasSubstr("/etc/a/file"));
    EXPECT_EQ(scratch.read("etc/a/file"), "a before\n");
    EXPECT_FALSE(scratch.exists("etc/b/new"));  // not even its directory
    EXPECT_TRUE(c.written) << c.written.error;
    EXPECT_EQ(scratch.read("etc/c/file"), "c after\n");
}

// A link planted at one file's name (Wine has no links: a directory there), which is never
// replaced: that file fails and the link and what it points to stay; the others are written, and
// only the written ones' entries are let go, in one commit after the writes.
TEST_F(PassFileBatchTest, AFileThatCannotBeReplacedFailsAloneAndKeepsItsEntries) {
    ledger.record(priorOf("a-line"));
    ledger.record(priorOf("b-line"));
    scratch.write("secret", "root:secret\n", 0600);
    std::remove(scratch.abs("etc/a/file").c_str());
#ifdef _WIN32
    scratch.write("etc/a/file/secret", "root:secret\n", 0600);
    ledger.files = {"etc/a/file/secret", "etc/b/file", "etc/c/file"};
#else
    scratch.symlink(scratch.abs("secret"), "etc/a/file");
#endif
    Settled a, b;
    PassFileBatch batch(context, ledger);
    auto first = file("a", {}, &a);
    first.forgetWhenWritten = {{"test", "a-line"}};
    batch.stage(std::move(first));
    auto second = file("b", {}, &b);
    second.forgetWhenWritten = {{"test", "b-line"}};
    batch.stage(std::move(second));
    batch.commit();
    EXPECT_FALSE(a.written);
    EXPECT_THAT(a.written.error, HasSubstr(scratch.abs("etc/a/file")));
    EXPECT_EQ(scratch.read("secret"), "root:secret\n");
    EXPECT_TRUE(ledger.find("test", "a-line"));
    EXPECT_TRUE(b.written) << b.written.error;
    EXPECT_TRUE(b.forgotten);
    EXPECT_FALSE(ledger.find("test", "b-line"));
    EXPECT_EQ(ledger.commitsSaw,
              std::vector<std::string>{"root:secret\n | b after\n | c before\n"});
}

// Without a shared batch in the run (the revert command, one target alone) the file is written
// before stageFile returns; with one, only when the engine commits it.
TEST_F(PassFileBatchTest, StageFileWritesAtOnceUnlessTheRunSharesABatch) {
    TargetRun alone{context, ledger, RunMode::Enforce};
    Settled a;
    stageFile(alone, file("a", {priorOf("a")}, &a));
    EXPECT_TRUE(a.called);
    EXPECT_EQ(scratch.read("etc/a/file"), "a after\n");
    EXPECT_FALSE(alone.staged);

    TargetRun shared{context, ledger, RunMode::Enforce};
    shared.shareWrites = true;
    Settled b, c;
    stageFile(shared, file("b", {priorOf("b")}, &b));
    stageFile(shared, file("c", {}, &c), /*share=*/false);  // its caller needs the outcome now
    EXPECT_TRUE(c.called);
    EXPECT_FALSE(b.called);
    EXPECT_EQ(scratch.read("etc/b/file"), "b before\n");
    ASSERT_TRUE(shared.staged);
    shared.staged->commit();
    EXPECT_TRUE(b.called);
    EXPECT_EQ(scratch.read("etc/b/file"), "b after\n");
}

}  // namespace
}  // namespace mpa::test
