// Where directory (SSSD, winbind) users' homes are, from smb.conf, sssd.conf and useradd, and
// the accounts found under them (the real winbind case runs in scripts/test-ad.sh).
#include <gtest/gtest.h>
#ifndef _WIN32
#include <unistd.h>
#endif

#include "platform/users.hpp"
#include "support/scratch_dir.hpp"

namespace mpa::platform {
namespace {

using Roots = std::vector<std::string>;

TEST(DirectoryHomeRoots, NothingConfiguredIsTheLocalHome) {
    EXPECT_EQ(directoryHomeRoots({}), Roots{"/home"});
    EXPECT_EQ(directoryHomeRoots({"", "", "# useradd\nHOME=/srv/home\n"}), Roots{"/srv/home"});
}

TEST(DirectoryHomeRoots, WinbindTemplateAndItsDefault) {
    EXPECT_EQ(directoryHomeRoots({"[global]\n  workgroup = EXAMPLE\n  realm = EXAMPLE.COM\n"
                                  "  template homedir = /home/%D/%U\n[homes]\n  path = /x\n",
                                  "", ""}),
              (Roots{"/home/EXAMPLE", "/home/example.com", "/home"}));
    // No template: winbind's default /home/%D/%U; spaces and case in names do not matter.
    EXPECT_EQ(directoryHomeRoots({"[Global]\nWorkGroup=CORP\n", "", ""}),
              (Roots{"/home/CORP", "/home"}));
    EXPECT_EQ(directoryHomeRoots({"[global]\nworkgroup=CORP\ntemplatehomedir=/users/%U\n", "", ""}),
              (Roots{"/users", "/home/CORP", "/home"}));
}

TEST(DirectoryHomeRoots, SssdOverrideAndFallbackPerDomain) {
    const std::string sssd =
        "[sssd]\ndomains = ad.example.com\n"
        "[domain/ad.example.com]\nid_provider = ad\nfallback_homedir = /home/%d/%u\n"
        "override_homedir = %H/ad/%l/%u\nhomedir_substring = /export\n";
    EXPECT_EQ(directoryHomeRoots({"", sssd, ""}),
              (Roots{"/export/ad", "/home/ad.example.com", "/home"}));
    // A code the agent cannot resolve before the user part: that template is left out.
    EXPECT_EQ(directoryHomeRoots({"", "[domain/x]\nfallback_homedir = /home/%Z/%u\n", ""}),
              (Roots{"/home/x", "/home"}));
}

#ifndef _WIN32
// Under a scratch root: a directory whose owner NSS does not know, or whose passwd home is
// elsewhere, is nobody's profile; root's own (uid 0 < UID_MIN) is never a login user.
TEST(DirectoryUsers, OnlyOwnersWhoseHomeItIsCount) {
    test::ScratchDir root;
    root.write("etc/samba/smb.conf", "[global]\nworkgroup = EXAMPLE\n");
    root.mkdirs("home/EXAMPLE/ghost");
    root.mkdirs("run/user/0");
    std::vector<std::string> errors;
    EXPECT_TRUE(findDirectoryUsers(root.path(), LoginRange{}, &errors).empty());
    EXPECT_TRUE(errors.empty());
    const auto watched = directoryUserWatchPaths(root.path());
    EXPECT_EQ(watched, (Roots{"/home/EXAMPLE/*", "/run/user/*"}));
}

// An account the user database already listed is not looked up again through NSS (a dozen
// system calls each, for every profile of every pass): its session does not make it a directory
// user a second time. nobody (65534) stands for an account NSS knows.
TEST(DirectoryUsers, AccountsTheDatabaseListedAreNotLookedUpAgain) {
    test::ScratchDir root;
    root.mkdirs("run/user/65534");
    std::vector<std::string> errors;
    const auto found = findDirectoryUsers(root.path(), LoginRange{}, &errors);
    ASSERT_EQ(found.size(), 1u) << "NSS on this machine has no uid 65534 (Debian's nobody)";
    EXPECT_EQ(found[0].account.uid, 65534u);
    EXPECT_EQ(found[0].foundBy, "login session /run/user/65534");
    EXPECT_TRUE(
        findDirectoryUsers(root.path(), LoginRange{}, &errors, KnownAccounts{{65534}, {}}).empty());
    EXPECT_TRUE(errors.empty());
}

// A directory under a home root whose owner's NSS entry names it is that owner's profile, unless
// it is the home of an account the database listed: then it is that account's, and not looked at
// (its owner is checked by the profile's own walk). man (uid 6, home /var/cache/man, from Debian's
// base-passwd) stands for a directory account, with useradd's HOME=/var/cache as the home root.
TEST(DirectoryUsers, AHomeTheDatabaseListedIsNotTakenForADirectoryUser) {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root to give a directory to man";
    test::ScratchDir root;
    root.write("etc/default/useradd", "HOME=/var/cache\n");
    root.mkdirs("var/cache/man");
    ASSERT_EQ(::chown((root.path() + "/var/cache/man").c_str(), 6, 12), 0);
    const LoginRange range{1, 60000};
    std::vector<std::string> errors;
    const auto found = findDirectoryUsers(root.path(), range, &errors);
    ASSERT_EQ(found.size(), 1u) << "NSS on this machine has no uid 6 homed at /var/cache/man";
    EXPECT_EQ(found[0].foundBy, "home directory /var/cache/man");
    KnownAccounts known;
    known.homes = {KnownAccounts::homeKey("/var/cache/man/")};
    EXPECT_TRUE(findDirectoryUsers(root.path(), range, &errors, known).empty());
    EXPECT_TRUE(known.hasHome("/var/cache/man"));
    EXPECT_FALSE(known.hasHome("/var/cache/mandb"));
    EXPECT_TRUE(errors.empty());
}
#endif

}  // namespace
}  // namespace mpa::platform
