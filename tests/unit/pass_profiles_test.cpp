// The profiles of a pass are listed once for both per-user targets: the list the first one made
// is taken once by the second, and anything after that lists the accounts anew. And the walk
// over a list stops when the service asks.
#include <gtest/gtest.h>

#include "model/ledger.hpp"
#include "support/scratch_dir.hpp"
#include "targets/metalama_profiles.hpp"

namespace mpa {
namespace {

std::vector<std::string> accounts(const ProfileList& profiles) {
    std::vector<std::string> out;
    out.reserve(profiles.size());
    for (const auto& p : profiles) out.push_back(p.account);
    return out;
}

TEST(PassProfiles, TheListOfferedIsTakenOnceThenListedAnew) {
    test::ScratchDir root;
    root.write("etc/passwd", "alice:x:1001:1001::/home/alice:/bin/bash\n");
    root.write("etc/login.defs", "UID_MIN 1000\nUID_MAX 60000\n");
    AgentContext context;
    context.settings.root = root.path();
    context.platform = PlatformProfile::Linux;

    PassProfiles pass;
    std::vector<std::string> errors;
    const auto listed = pass.list(context, errors);
    EXPECT_EQ(errors, std::vector<std::string>{});
    EXPECT_EQ(accounts(*listed), (std::vector<std::string>{"alice", "(new profiles)"}));
    // An account added now is not in this pass's list: the second target sees what the first
    // one enforced.
    root.write("etc/passwd",
               "alice:x:1001:1001::/home/alice:/bin/bash\nbob:x:1002:1002::/home/bob:/bin/bash\n");
    EXPECT_EQ(pass.take(context), listed);
    // Taken once: the next take lists again and sees bob.
    const auto again = pass.take(context);
    EXPECT_NE(again, listed);
    EXPECT_EQ(accounts(*again), (std::vector<std::string>{"alice", "bob", "(new profiles)"}));
}

TEST(PassProfiles, WithoutAnOfferTakeListsTheAccounts) {
    test::ScratchDir root;
    root.write("etc/passwd", "carol:x:1003:1003::/home/carol:/bin/bash\n");
    root.write("etc/login.defs", "UID_MIN 1000\nUID_MAX 60000\n");
    AgentContext context;
    context.settings.root = root.path();
    context.platform = PlatformProfile::Linux;
    EXPECT_EQ(accounts(*PassProfiles().take(context)),
              (std::vector<std::string>{"carol", "(new profiles)"}));
}

// Profiles come in the order of the paths under their homes, the order of the ledger's index,
// not in the order of their uids: each look-up in a pass then goes on from the one before it.
TEST(PassProfiles, ProfilesComeInTheOrderOfThePathsUnderTheirHomes) {
    test::ScratchDir root;
    root.write("etc/passwd",
               "zed:x:1001:1001::/home/zed:/bin/bash\n"
               "ann:x:1002:1002::/home/ann:/bin/bash\n"
               "bob:x:1003:1003::/home/bob:/bin/bash\n"
               "ann.lee:x:1004:1004::/home/ann.lee:/bin/bash\n");
    root.write("etc/login.defs", "UID_MIN 1000\nUID_MAX 60000\n");
    AgentContext context;
    context.settings.root = root.path();
    context.platform = PlatformProfile::Linux;
    std::vector<std::string> errors;
    // "/home/ann.lee/..." sorts before "/home/ann/...": '.' is below '/'.
    EXPECT_EQ(accounts(listMetalamaProfiles(context, errors)),
              (std::vector<std::string>{"ann.lee", "ann", "bob", "zed", "(new profiles)"}));
    EXPECT_EQ(errors, std::vector<std::string>{});
}

// The per-user targets' walk: every profile in order, or, once the service asks to stop, none
// after that and one not-checked finding saying how many were left.
TEST(PassProfiles, TheWalkStopsWhenAskedAndSaysHowManyProfilesWereLeft) {
    AgentContext context;
    MemoryLedger ledger;
    TargetRun run{context, ledger, RunMode::Enforce};
    ProfileList profiles;
    for (int i = 0; i < 4; ++i) profiles.add("u" + std::to_string(i), 0, 0, "/home/u");
    std::vector<std::string> visited;
    auto visit = [&](const MetalamaProfile& p) { visited.push_back(p.account); };

    EXPECT_FALSE(visitProfilesUntilStopped(run, "some-target", profiles, visit));
    EXPECT_EQ(visited, (std::vector<std::string>{"u0", "u1", "u2", "u3"}));

    visited.clear();
    run.stopRequested = [&] { return visited.size() == 1; };  // asked while the first is done
    const auto stopped = visitProfilesUntilStopped(run, "some-target", profiles, visit);
    EXPECT_EQ(visited, (std::vector<std::string>{"u0"}));
    ASSERT_TRUE(stopped);
    EXPECT_EQ(stopped->target, "some-target");
    EXPECT_EQ(stopped->subject, "(3 more profiles)");
    EXPECT_EQ(stopped->outcome, Outcome::Failed);
    EXPECT_EQ(stopped->observed, "not checked");
    EXPECT_EQ(stopped->reason,
              "not checked: the service stopped during the pass with 3 of 4 profiles left");
}

// A profile as listed is the profile visited: name, ids, home, template and data directories,
// whatever their lengths; what the list cannot hold is refused, not cut.
TEST(ProfileList, GivesBackEachProfileAsAddedAndRefusesWhatItCannotHold) {
    const auto dirs =
        std::make_shared<const DataDirectories>(metalamaDataDirectories(PlatformProfile::Linux));
    ProfileList list(dirs);
    const std::string longHome = "/home/a" + std::string(300, 'h');
    ASSERT_TRUE(list.add("bob", 1002, 2002, "/home/bob"));
    ASSERT_TRUE(list.add("", 7, 8, longHome));
    ASSERT_TRUE(list.add("a-rather-long-account-name-from-a-directory", 1001, 100, "/h/a"));
    EXPECT_FALSE(list.add("x", 1, 1, "/" + std::string(70000, 'x')));
    EXPECT_FALSE(list.add(std::string(70000, 'n'), 1, 1, "/home/n"));
    list.sortByHome();
    ASSERT_TRUE(list.add(kTemplateAccount, 0, 0, "/etc/skel", true));
    EXPECT_FALSE(list.add("late", 1, 1, "/home/late"));  // the template stays the last profile
    ASSERT_EQ(list.size(), 4u);
    const auto first = list[0];
    EXPECT_EQ(first.account, "a-rather-long-account-name-from-a-directory");
    EXPECT_EQ(first.uid, 1001u);
    EXPECT_EQ(first.gid, 100u);
    EXPECT_EQ(first.home, "/h/a");
    EXPECT_FALSE(first.isTemplate);
    EXPECT_EQ(first.dataDirectories, dirs);
    EXPECT_EQ(list[1].home, longHome);
    EXPECT_EQ(list[1].account, "");
    EXPECT_EQ(list[1].gid, 8u);
    EXPECT_EQ(list[2].account, "bob");
    EXPECT_EQ(list.back().account, kTemplateAccount);
    EXPECT_TRUE(list.back().isTemplate);
    EXPECT_TRUE(list.isTemplate(3));
    EXPECT_FALSE(list.isTemplate(2));
    std::vector<std::string> homes;
    for (const auto& p : list) homes.push_back(p.home);
    EXPECT_EQ(homes, (std::vector<std::string>{"/h/a", longHome, "/home/bob", "/etc/skel"}));
}

}  // namespace
}  // namespace mpa
