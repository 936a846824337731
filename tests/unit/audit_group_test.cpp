// The audit group's read access to the compliance database: the store gives a new database, its
// -wal and -shm the group of their directory, read-only, when that directory is shared with a
// group (0751 root:metalama-audit from the packages; here the group nogroup, 65534), also when it
// starts a new database after moving a corrupt one aside; a directory of root's group keeps them
// private.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>

#include "store/audit_access.hpp"
#include "store/compliance_store.hpp"
#include "support/scratch_dir.hpp"
#include "support/status_assert.hpp"
#include "support/store_samples.hpp"

namespace mpa {
namespace {

constexpr gid_t kAuditGid = 65534;

// "0640 65534" for each of the database, -wal and -shm.
std::string modes(const std::string& db) {
    std::string out;
    for (const char* suffix : {"", "-wal", "-shm"}) {
        struct stat st {};
        if (::stat((db + suffix).c_str(), &st) != 0) {
            out += "missing ";
            continue;
        }
        char text[32];
        std::snprintf(text, sizeof text, "%04o %u ", static_cast<unsigned>(st.st_mode & 07777),
                      static_cast<unsigned>(st.st_gid));
        out += text;
    }
    return out;
}

class AuditGroup : public ::testing::Test {
  protected:
    void SetUp() override {
        if (::geteuid() != 0) GTEST_SKIP() << "giving files to a group needs root";
        scratch.mkdirs("state", 0700);
    }
    void shareDirectory(mode_t mode = 0751) const {
        ASSERT_EQ(::chown(scratch.abs("state").c_str(), 0, kAuditGid), 0);
        ASSERT_EQ(::chmod(scratch.abs("state").c_str(), mode), 0);
    }
    std::string db() const { return scratch.abs("state/compliance.db"); }
    void recordOnePass() const {
        auto store = test::openStore(db());
        ASSERT_TRUE(store);
        std::string error;
        ASSERT_TRUE(succeeded(store->recordPass(test::samplePass("2026-03-01T10:00:00Z"))));
    }

    test::ScratchDir scratch;
};

TEST_F(AuditGroup, ANewDatabaseInASharedDirectoryIsReadableByTheGroup) {
    shareDirectory();
    recordOnePass();
    EXPECT_EQ(modes(db()), "0640 65534 0640 65534 0640 65534 ");
}

TEST_F(AuditGroup, ADirectoryOfRootsGroupKeepsTheDatabasePrivate) {
    recordOnePass();
    EXPECT_EQ(modes(db()), "0600 0 0600 0 0600 0 ");
    // A directory root's group may read is not a shared one either.
    ASSERT_EQ(::chmod(scratch.abs("state").c_str(), 0750), 0);
    recordOnePass();
    EXPECT_EQ(modes(db()), "0600 0 0600 0 0600 0 ");
}

TEST_F(AuditGroup, AccessTakenAwayByHandComesBackAtTheNextOpen) {
    shareDirectory();
    recordOnePass();
    // What a package upgrade or a restore from backup may leave: root's group, private.
    for (const char* suffix : {"", "-wal", "-shm"}) {
        ASSERT_EQ(::chown((db() + suffix).c_str(), 0, 0), 0);
        ASSERT_EQ(::chmod((db() + suffix).c_str(), 0600), 0);
    }
    recordOnePass();
    EXPECT_EQ(modes(db()), "0640 65534 0640 65534 0640 65534 ");
}

TEST_F(AuditGroup, ARecoveredDatabaseKeepsTheGroup) {
    shareDirectory();
    recordOnePass();
    {
        std::ofstream garbage(db(), std::ios::binary | std::ios::trunc);
        // The agent's file (its SQLite header) with everything after the header destroyed.
        garbage << std::string("SQLite format 3", 16) << std::string(8176, 'x');
    }
    ::unlink((db() + "-wal").c_str());
    ::unlink((db() + "-shm").c_str());
    auto store = test::openStore(db());
    ASSERT_TRUE(store);
    ASSERT_FALSE(store->openNotes().empty()) << "the corrupt database was not noticed";
    EXPECT_NE(store->openNotes().front().find("corrupt"), std::string::npos);
    EXPECT_EQ(modes(db()), "0640 65534 0640 65534 0640 65534 ");
}

TEST_F(AuditGroup, AGroupThatMayWriteIsRefusedNotShared) {
    shareDirectory(0771);
    Status opened;
    auto store = ComplianceStore::open(db(), StoreMode::ReadWrite, builtinCatalog(), &opened);
    EXPECT_FALSE(store);
    EXPECT_NE(opened.error.find("lets group or others write it"), std::string::npos)
        << opened.error;
}

// agent.yaml's audit_group: the group named there gets the directory (0751) and the files at
// every recorded pass, whatever a package upgrade or a recovery left.
TEST_F(AuditGroup, TheNamedAuditGroupGetsTheDirectoryAndTheFiles) {
    recordOnePass();
    EXPECT_EQ(modes(db()), "0600 0 0600 0 0600 0 ");
    std::string error;
    ASSERT_TRUE(succeeded(shareStoreWithAuditGroup(db(), "nogroup")));
    struct stat dir {};
    ASSERT_EQ(::stat(scratch.abs("state").c_str(), &dir), 0);
    EXPECT_EQ(dir.st_mode & 07777, 0751u);
    EXPECT_EQ(dir.st_gid, kAuditGid);
    EXPECT_EQ(modes(db()), "0640 65534 0640 65534 0640 65534 ");
    // Taken back by hand (what an upgrade's defaults do): given again.
    ASSERT_EQ(::chown(scratch.abs("state").c_str(), 0, 0), 0);
    ASSERT_EQ(::chmod(scratch.abs("state").c_str(), 0700), 0);
    ASSERT_TRUE(succeeded(shareStoreWithAuditGroup(db(), "nogroup")));
    EXPECT_EQ(modes(db()), "0640 65534 0640 65534 0640 65534 ");
}

TEST_F(AuditGroup, AnUnknownAuditGroupIsAnErrorNamingItAndChangesNothing) {
    recordOnePass();
    const auto shared = shareStoreWithAuditGroup(db(), "no-such-group-mpa");
    EXPECT_FALSE(shared);
    EXPECT_NE(shared.error.find("audit group 'no-such-group-mpa': no such group"),
              std::string::npos)
        << shared.error;
    EXPECT_EQ(modes(db()), "0600 0 0600 0 0600 0 ");
}

TEST_F(AuditGroup, NoAuditGroupNamedChangesNothing) {
    recordOnePass();
    std::string error;
    EXPECT_TRUE(succeeded(shareStoreWithAuditGroup(db(), "")));
    EXPECT_EQ(modes(db()), "0600 0 0600 0 0600 0 ");
}

}  // namespace
}  // namespace mpa
