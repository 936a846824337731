// Account selection: the parsers on text, listLoginUsers on a scratch root.
#include "platform/users.hpp"

#include <gtest/gtest.h>

#include "support/account_lists.hpp"
#include "support/scratch_dir.hpp"

namespace mpa::platform {
namespace {

using test::accountList;

std::vector<std::string> names(const AccountList& users) {
    return test::accountNames(users);
}

TEST(LoginDefs, DefaultsWhenEmptyOrKeysMissing) {
    const LoginRange empty = parseLoginDefs("");
    EXPECT_EQ(empty.uidMin, 1000u);
    EXPECT_EQ(empty.uidMax, 60000u);
    const LoginRange other = parseLoginDefs("MAIL_DIR /var/mail\nGID_MIN 500\n");
    EXPECT_EQ(other.uidMin, 1000u);
    EXPECT_EQ(other.uidMax, 60000u);
}

TEST(LoginDefs, ReadsValuesWithCommentsTabsAndSpaces) {
    const LoginRange range = parseLoginDefs(
        "# UID_MIN 1\n"
        "  #UID_MAX 2\n"
        "UID_MIN\t\t500   # local policy\r\n"
        "\tUID_MAX   \t 0x7530\n"
        "SYS_UID_MIN 100\n");
    EXPECT_EQ(range.uidMin, 500u);
    EXPECT_EQ(range.uidMax, 30000u);
}

TEST(LoginDefs, IgnoresUnparsableValuesAndTakesTheLastValidOne) {
    const LoginRange range = parseLoginDefs(
        "UID_MIN 2000\nUID_MIN abc\nUID_MAX\nUID_MAX -5\nUID_MAX 99999999999\nUID_MIN_X 7\n");
    EXPECT_EQ(range.uidMin, 2000u);
    EXPECT_EQ(range.uidMax, 60000u);
}

TEST(Passwd, ParsesFieldsAndReportsMalformedLinesWithNumbers) {
    std::vector<std::string> errors;
    const AccountList accounts = parsePasswd(
        "root:x:0:0:root:/root:/bin/bash\n"
        "alice:x:1000:1000:Alice,,,:/home/alice:/bin/bash\n"
        "broken line without colons\n"
        "bob:x:notanumber:1000::/home/bob:/bin/sh\n"
        "\n"
        "# a comment\n"
        "carol:x:1001:1001::/home/carol:\n"
        "dave:x:1002:1002::relative/home:/bin/sh\n"
        "+@nisgroup::::::\n"
        ":x:1003:1003::/home/empty:/bin/sh\n"
        "erin:x:1004:4294967295::/home/erin:/bin/sh\n"
        "frank:x:1005:1005::/home/frank:/bin/sh:extra\n"
        "gina:x:1006:1006::/home/gina:/bin/zsh\r\n"
        "hank:x:1007:1007::/home/hank:/bin/sh",
        &errors);
    ASSERT_EQ(names(accounts),
              (std::vector<std::string>{"root", "alice", "carol", "gina", "hank"}));
    EXPECT_EQ(accounts[1].uid, 1000u);
    EXPECT_EQ(accounts[1].gid, 1000u);
    EXPECT_EQ(accounts[1].home, "/home/alice");
    EXPECT_EQ(accounts[2].home, "/home/carol");  // an empty shell is a field all the same
    EXPECT_EQ(accounts[3].home, "/home/gina");   // a line ending in "\r\n" parses
    EXPECT_EQ(accounts[4].uid, 1007u);           // the last line needs no newline
    EXPECT_EQ(errors, (std::vector<std::string>{
                          "line 3: expected 7 colon-separated fields, found 1",
                          "line 4: invalid uid 'notanumber'",
                          "line 8: home directory 'relative/home' is not an absolute path",
                          "line 10: empty user name",
                          "line 11: invalid gid '4294967295'",
                          "line 12: expected 7 colon-separated fields, found 8",
                      }));
}

// An account as added is the account given back, whatever the lengths; what the list cannot
// hold is refused, not cut; keepIf asks once for each account, in order, with its position.
TEST(AccountList, GivesBackEachAccountAsAddedAndKeepsAndSortsInPlace) {
    AccountList list;
    const std::string longHome = "/home/" + std::string(5000, 'h');
    ASSERT_TRUE(list.add("carol", 1002, 2002, "/home/carol"));
    ASSERT_TRUE(list.add("", 7, 8, longHome));
    ASSERT_TRUE(list.add({"a-rather-long-account-name-from-a-directory", 1001, 100, "/h/a"}));
    EXPECT_FALSE(list.add("x", 1, 1, "/" + std::string(70000, 'x')));
    EXPECT_FALSE(list.add(std::string(70000, 'n'), 1, 1, "/home/n"));
    ASSERT_EQ(list.size(), 3u);
    EXPECT_EQ(list[1].home, longHome);
    EXPECT_EQ(list[1].gid, 8u);
    EXPECT_EQ(list.view(2).name, "a-rather-long-account-name-from-a-directory");
    std::vector<std::string> homes;
    for (const auto& account : list) homes.push_back(account.home);
    EXPECT_EQ(homes, (std::vector<std::string>{"/home/carol", longHome, "/h/a"}));

    std::vector<std::size_t> asked;
    list.keepIf([&](const AccountList::View& a, std::size_t i) {
        asked.push_back(i);
        return !a.name.empty();
    });
    EXPECT_EQ(asked, (std::vector<std::size_t>{0, 1, 2}));
    list.sort([](const AccountList::View& a, const AccountList::View& b) { return a.uid < b.uid; });
    EXPECT_EQ(names(list),
              (std::vector<std::string>{"a-rather-long-account-name-from-a-directory", "carol"}));
    EXPECT_EQ(list[1].uid, 1002u);
    EXPECT_EQ(list[1].gid, 2002u);
}

TEST(Passwd, SelectionFiltersDeduplicatesAndSorts) {
    const AccountList accounts = accountList({
        {"zed", 1500, 1500, "/home/zed"},
        {"root", 0, 0, "/root"},
        {"amy", 1500, 1500, "/home/amy"},
        {"nobody", 65534, 65534, "/nonexistent"},
        {"bob", 1000, 1000, "/home/bob"},
        {"bob", 1001, 1001, "/home/bob2"},
        {"edge", 60000, 60000, "/home/edge"},
        {"sys", 999, 999, "/var/sys"},
    });
    const AccountList selected = selectLoginUsers(accounts, LoginRange{});
    EXPECT_EQ(names(selected), (std::vector<std::string>{"bob", "amy", "zed", "edge"}));
    EXPECT_EQ(selected[0].home, "/home/bob");  // the first "bob" wins, as in NSS
    EXPECT_EQ(names(selectLoginUsers(accounts, LoginRange{1500, 1500})),
              (std::vector<std::string>{"amy", "zed"}));
}

// A passwd file is read in pieces of 16 KiB: lines split between two pieces, a "\r\n" split
// between them, malformed lines and a last line without a newline give what the same text gives
// read whole.
TEST(ListLoginUsers, APasswdFileReadInPiecesGivesWhatItsTextGives) {
    test::ScratchDir root;
    root.write("etc/login.defs", "UID_MIN 1000\nUID_MAX 900000\n");
    std::string text = "root:x:0:0:root:/root:/bin/bash\n";
    for (int i = 0; i < 3000; ++i) {
        const std::string name = "u" + std::to_string(i) + std::string(i % 37, 'n');
        if (i % 101 == 0) text += "broken line " + std::to_string(i) + "\n";
        text += name + ":x:" + std::to_string(1000 + (i * 7919) % 3000) +
                ":100:" + std::string(i % 53, 'g') + ":/home/" + name + ":/bin/sh" +
                (i % 3 == 0 ? "\r\n" : "\n");
    }
    text += "last:x:5000:5000::/home/last:/bin/sh";  // no newline
    ASSERT_GT(text.size(), 8u * 16384);
    root.write("etc/passwd", text);

    std::vector<std::string> textErrors;
    const AccountList expected = selectLoginUsers(parsePasswd(text, &textErrors), {1000, 900000});
    const UserList list = listLoginUsers(root.path() + "/");
    ASSERT_EQ(list.users.size(), expected.size());
    EXPECT_EQ(list.users.size(), 3001u);
    for (std::size_t i = 0; i < expected.size(); ++i) {
        const auto got = list.users.view(i), want = expected.view(i);
        EXPECT_EQ(got.name, want.name);
        EXPECT_EQ(got.uid, want.uid);
        EXPECT_EQ(got.gid, want.gid);
        EXPECT_EQ(got.home, want.home);
    }
    ASSERT_EQ(textErrors.size(), 30u);
    ASSERT_EQ(list.errors.size(), textErrors.size());
    for (std::size_t i = 0; i < textErrors.size(); ++i)
        EXPECT_EQ(list.errors[i], root.abs("etc/passwd") + ": " + textErrors[i]);
}

TEST(ListLoginUsers, ReadsAScratchRoot) {
    test::ScratchDir root;
    root.write("etc/login.defs", "UID_MIN 2000\nUID_MAX 3000\n");
    root.write("etc/passwd",
               "root:x:0:0:root:/root:/bin/bash\n"
               "old:x:1000:1000::/home/old:/bin/sh\n"
               "carol:x:2500:2500::/home/carol:/bin/bash\n"
               "bad:x:2600\n"
               "alice:x:2001:2001::/home/alice:/bin/bash\n"
               "alice:x:2002:2002::/home/alice2:/bin/bash\n"
               "huge:x:3001:3001::/home/huge:/bin/sh\n");
    const UserList list = listLoginUsers(root.path() + "/");
    EXPECT_EQ(list.range.uidMin, 2000u);
    EXPECT_EQ(list.range.uidMax, 3000u);
    EXPECT_EQ(names(list.users), (std::vector<std::string>{"alice", "carol"}));
    EXPECT_EQ(list.users[0].home, "/home/alice");  // as in passwd, not prefixed with the root
    EXPECT_EQ(list.errors,
              std::vector<std::string>{root.abs("etc/passwd") +
                                       ": line 4: expected 7 colon-separated fields, found 3"});
}

// Either would select no one and let the pass report compliant: each is an error instead.
TEST(ListLoginUsers, AnImpossibleRangeOrAnEmptyPasswdIsAnError) {
    test::ScratchDir root;
    root.write("etc/login.defs", "UID_MIN 5000\nUID_MAX 1000\n");
    root.write("etc/passwd", "alice:x:2001:2001::/home/alice:/bin/bash\n");
    const UserList inverted = listLoginUsers(root.path());
    EXPECT_TRUE(inverted.users.empty());
    EXPECT_EQ(inverted.errors, std::vector<std::string>{root.abs("etc/login.defs") +
                                                        ": UID_MIN 5000 is above UID_MAX 1000; "
                                                        "no account can be selected"});
    root.write("etc/login.defs", "");
    root.write("etc/passwd", "\n# nothing\n");
    const UserList empty = listLoginUsers(root.path());
    ASSERT_EQ(empty.errors.size(), 1u);
    EXPECT_NE(empty.errors[0].find("etc/passwd: no account at all"), std::string::npos);
}

TEST(ListLoginUsers, MissingFilesAreDefaultsAndAnError) {
    test::ScratchDir root;
    const UserList list = listLoginUsers(root.path());
    EXPECT_EQ(list.range.uidMin, 1000u);
    EXPECT_TRUE(list.users.empty());
    EXPECT_EQ(list.errors, std::vector<std::string>{root.abs("etc/passwd") + ": does not exist"});
}

#ifndef _WIN32  // Wine 8 cannot create symbolic links; POSIX modes
TEST(ListLoginUsers, RefusesASymlinkedPasswd) {
    test::ScratchDir root;
    root.write("elsewhere/passwd", "alice:x:1000:1000::/home/alice:/bin/bash\n");
    root.symlink(root.abs("elsewhere/passwd"), "etc/passwd");
    const UserList list = listLoginUsers(root.path());
    EXPECT_TRUE(list.users.empty());
    ASSERT_EQ(list.errors.size(), 1u);
    EXPECT_NE(list.errors[0].find("symbolic link"), std::string::npos) << list.errors[0];
}
#endif

TEST(ListLoginUsers, LiveSystemUsesTheNssDatabase) {
    // Only the shape can be checked on an unknown machine: sorted, in range, no duplicates.
    const UserList list = listLoginUsers("/");
    for (const UserAccount& user : list.users) {
        EXPECT_GE(user.uid, list.range.uidMin);
        EXPECT_LE(user.uid, list.range.uidMax);
        EXPECT_EQ(user.home.front(), '/');
    }
    for (std::size_t i = 1; i < list.users.size(); ++i) {
        EXPECT_LE(list.users[i - 1].uid, list.users[i].uid);
        EXPECT_NE(list.users[i - 1].name, list.users[i].name);
    }
}

}  // namespace
}  // namespace mpa::platform
