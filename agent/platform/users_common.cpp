// Parsers for login.defs and passwd, so account selection is testable without a machine, and the
// scratch-root reading of those files (the live database is enumerateUserDatabase, per OS).
#include <algorithm>
#include <array>
#include <charconv>
#include <cstdint>
#include <functional>

#include "platform/safe_fs.hpp"
#include "platform/users.hpp"
#include "util/path_text.hpp"

namespace mpa::platform {

namespace {

// The lines of a text given in pieces (a file read piece by piece, or a whole text as one),
// each numbered from 1 and handed to visit(line, number) whole: a line split between two pieces
// is put together. A trailing '\r' is dropped so files edited on Windows still parse. No list
// of lines: a passwd file of 100,000 accounts made one of 1.6 MB beside the accounts.
template <typename Visit>
class LineSplitter {
  public:
    explicit LineSplitter(Visit visit) : visit_(std::forward<Visit>(visit)) {}
    void feed(std::string_view piece) {
        while (!piece.empty()) {
            const std::size_t newline = piece.find('\n');
            if (newline == std::string_view::npos) {
                carry_.append(piece);
                return;
            }
            if (carry_.empty()) {
                emit(piece.substr(0, newline));
            } else {
                carry_.append(piece.substr(0, newline));
                emit(carry_);
                carry_.clear();
            }
            piece.remove_prefix(newline + 1);
        }
    }
    // The last line, when the text does not end with a newline.
    void finish() {
        if (!carry_.empty()) emit(carry_);
        carry_.clear();
    }

  private:
    void emit(std::string_view line) {
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        visit_(line, ++number_);
    }
    Visit visit_;
    std::string carry_;
    std::size_t number_ = 0;
};

template <typename Visit>
void forEachLine(std::string_view text, Visit&& visit) {
    LineSplitter<Visit&> lines(visit);
    lines.feed(text);
    lines.finish();
}

bool isSpace(char c) {
    return c == ' ' || c == '\t';
}

// A decimal id that fits in 32 bits; (uint32_t)-1 is "no id" for chown and never valid.
bool parseId(std::string_view text, uint32_t* value) {
    if (text.empty()) return false;
    uint64_t parsed = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), parsed);
    if (ec != std::errc() || end != text.data() + text.size() || parsed >= 0xFFFFFFFFull)
        return false;
    *value = static_cast<uint32_t>(parsed);
    return true;
}

// login.defs numbers may be written in hex or octal too (shadow-utils reads them with base 0).
bool parseLoginDefsNumber(std::string_view text, uint32_t* value) {
    int base = 10;
    if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
        base = 16;
        text.remove_prefix(2);
    } else if (text.size() > 1 && text[0] == '0') {
        base = 8;
        text.remove_prefix(1);
    }
    if (text.empty()) return false;
    uint64_t parsed = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), parsed, base);
    if (ec != std::errc() || end != text.data() + text.size() || parsed >= 0xFFFFFFFFull)
        return false;
    *value = static_cast<uint32_t>(parsed);
    return true;
}

// The seven fields of a passwd line into `fields`; returns how many the line has (more than
// seven are counted, not kept).
std::size_t splitPasswdFields(std::string_view line, std::array<std::string_view, 7>* fields) {
    std::size_t count = 0, start = 0;
    while (true) {
        const std::size_t colon = line.find(':', start);
        const std::string_view field =
            line.substr(start, colon == std::string_view::npos ? colon : colon - start);
        if (count < fields->size()) (*fields)[count] = field;
        ++count;
        if (colon == std::string_view::npos) return count;
        start = colon + 1;
    }
}

constexpr uint64_t kMaxAccountFileBytes = 64ull * 1024 * 1024;

// Reads a root-owned system file; a missing one is reported by *missing, other failures in
// `errors`.
std::string readSystemFile(const std::string& path, bool* missing,
                           std::vector<std::string>* errors) {
    ReadResult read = readFileNoFollow(path, kMaxAccountFileBytes);
    *missing = read.missing;
    if (!read.status) errors->push_back(read.status.error);
    return std::move(read.data);
}

bool isFileSystemRoot(const std::string& root) {
    return !root.empty() && root.find_first_not_of('/') == std::string::npos;
}

std::string underRoot(const std::string& root, const std::string& path) {
    std::string trimmed = root;
    while (!trimmed.empty() && trimmed.back() == '/') trimmed.pop_back();
    return trimmed + path;
}

}  // namespace

LoginRange parseLoginDefs(std::string_view text) {
    LoginRange range;
    forEachLine(text, [&](std::string_view line, std::size_t) {
        std::size_t i = 0;
        while (i < line.size() && isSpace(line[i])) ++i;
        if (i == line.size() || line[i] == '#') return;
        std::size_t keyEnd = i;
        while (keyEnd < line.size() && !isSpace(line[keyEnd])) ++keyEnd;
        const std::string_view key = line.substr(i, keyEnd - i);
        std::size_t valueStart = keyEnd;
        while (valueStart < line.size() && isSpace(line[valueStart])) ++valueStart;
        std::size_t valueEnd = valueStart;
        while (valueEnd < line.size() && !isSpace(line[valueEnd]) && line[valueEnd] != '#')
            ++valueEnd;
        const std::string_view value = line.substr(valueStart, valueEnd - valueStart);
        uint32_t number = 0;
        if (key == "UID_MIN" && parseLoginDefsNumber(value, &number)) range.uidMin = number;
        if (key == "UID_MAX" && parseLoginDefsNumber(value, &number)) range.uidMax = number;
    });
    return range;
}

namespace {

// What a passwd text needs of a list: at most one account a line, and at most the names and
// homes of the lines with seven fields. Sized first, the list holds no spare capacity.
struct PasswdSize {
    std::size_t lines = 0, textBytes = 0;
    void operator()(std::string_view line, std::size_t) {
        std::array<std::string_view, 7> fields;
        ++lines;
        if (splitPasswdFields(line, &fields) == fields.size())
            textBytes += fields[0].size() + fields[5].size();
    }
};

// Adds the account of one passwd line, or reports why the line is not one.
struct PasswdLines {
    AccountList* accounts;
    std::vector<std::string>* errors;
    void operator()(std::string_view line, std::size_t number) const {
        auto report = [&](const std::string& reason) {
            if (errors) errors->push_back("line " + std::to_string(number) + ": " + reason);
        };
        if (line.empty() || line[0] == '#' || line[0] == '+' || line[0] == '-') return;
        std::array<std::string_view, 7> fields;
        if (const std::size_t count = splitPasswdFields(line, &fields); count != fields.size()) {
            report("expected 7 colon-separated fields, found " + std::to_string(count));
            return;
        }
        uint32_t uid = 0, gid = 0;
        if (fields[0].empty()) {
            report("empty user name");
            return;
        }
        if (!parseId(fields[2], &uid)) {
            report("invalid uid '" + std::string(fields[2]) + "'");
            return;
        }
        if (!parseId(fields[3], &gid)) {
            report("invalid gid '" + std::string(fields[3]) + "'");
            return;
        }
        if (fields[5].empty() || fields[5][0] != '/') {
            report("home directory '" + std::string(fields[5]) + "' is not an absolute path");
            return;
        }
        // The shell (field 7) is not kept: nothing the agent does depends on it.
        if (!accounts->add(fields[0], uid, gid, fields[5])) report(AccountList::kTooLong);
    }
};

// A passwd file read twice, piece by piece: once to size the list, once to fill it. Kept whole,
// the text was the largest thing listing held (5 MB at 100,000 accounts, more than the list made
// from it). A file changed between the two readings is taken as the second found it; the size
// from the first is only a reservation.
AccountList readPasswdFile(const std::string& path, bool* missing, std::vector<std::string>* errors,
                           std::vector<std::string>* lineErrors) {
    AccountList accounts;
    PasswdSize size;
    LineSplitter<PasswdSize&> sizing(size);
    ReadResult read = readFileNoFollowInPieces(
        path, kMaxAccountFileBytes,
        [&sizing](std::string_view piece, std::uint64_t) { sizing.feed(piece); });
    sizing.finish();
    *missing = read.missing;
    if (read.status && !read.missing) {
        accounts.reserve(size.lines, size.textBytes);
        LineSplitter<PasswdLines> lines(PasswdLines{&accounts, lineErrors});
        read = readFileNoFollowInPieces(
            path, kMaxAccountFileBytes,
            [&lines](std::string_view piece, std::uint64_t) { lines.feed(piece); });
        lines.finish();
        *missing = read.missing;
    }
    if (!read.status) {
        errors->push_back(read.status.error);
        lineErrors->clear();
        return {};
    }
    return accounts;
}

}  // namespace

AccountList parsePasswd(std::string_view text, std::vector<std::string>* errors) {
    PasswdSize size;
    forEachLine(text, size);
    AccountList accounts;
    accounts.reserve(size.lines, size.textBytes);
    forEachLine(text, PasswdLines{&accounts, errors});
    return accounts;
}

AccountList selectLoginUsers(AccountList accounts, const LoginRange& range) {
    accounts.keepIf([&](const AccountList::View& a, std::size_t) {
        return a.uid >= range.uidMin && a.uid <= range.uidMax;
    });
    accounts.dropLaterDuplicates([](const AccountList::View& a) { return a.name; });
    accounts.sortByUid();
    return accounts;
}

uint64_t KnownAccounts::homeKey(std::string_view home) {
    return static_cast<uint64_t>(std::hash<std::string_view>{}(withoutTrailingSlashes(home)));
}

bool KnownAccounts::hasUid(uint32_t uid) const {
    return std::binary_search(uids.begin(), uids.end(), uid);
}

bool KnownAccounts::hasHome(std::string_view home) const {
    return std::binary_search(homes.begin(), homes.end(), homeKey(home));
}

UserList listLoginUsers(const std::string& root) {
    UserList list;
    bool missing = false;
    const std::string loginDefs =
        readSystemFile(underRoot(root, "/etc/login.defs"), &missing, &list.errors);
    list.range = parseLoginDefs(loginDefs);

    AccountList accounts;
    const std::size_t errorsBefore = list.errors.size();
    if (isFileSystemRoot(root)) {
        accounts = enumerateUserDatabase(&list.errors);
    } else {
        const std::string passwdPath = underRoot(root, "/etc/passwd");
        std::vector<std::string> lineErrors;
        accounts = readPasswdFile(passwdPath, &missing, &list.errors, &lineErrors);
        if (missing) list.errors.push_back(passwdPath + ": does not exist");
        for (const std::string& error : lineErrors)
            list.errors.push_back(passwdPath + ": " + error);
    }
    // Neither is a machine without people: an impossible range or an empty account database
    // would select no one and report compliant, so each is an error the pass reports.
    if (list.range.uidMin > list.range.uidMax)
        list.errors.push_back(underRoot(root, "/etc/login.defs") + ": UID_MIN " +
                              std::to_string(list.range.uidMin) + " is above UID_MAX " +
                              std::to_string(list.range.uidMax) + "; no account can be selected");
    if (accounts.empty() && list.errors.size() == errorsBefore)  // else an error says why
        list.errors.push_back(
            (isFileSystemRoot(root) ? std::string("the user database")
                                    : underRoot(root, "/etc/passwd")) +
            ": no account at all (not even root); users' settings were not checked");
    list.users = selectLoginUsers(std::move(accounts), list.range);
    list.foundByDefault = isFileSystemRoot(root) ? "user database" : "passwd file";
    KnownAccounts known;
    known.uids.reserve(list.users.size());
    known.homes.reserve(list.users.size());
    for (std::size_t i = 0; i < list.users.size(); ++i) {
        const auto user = list.users.view(i);
        known.uids.push_back(user.uid);  // sorted already: selectLoginUsers orders by uid
        known.homes.push_back(KnownAccounts::homeKey(user.home));
    }
    std::sort(known.homes.begin(), known.homes.end());
    // Directory users (SSSD, winbind) whom the database did not enumerate, by home and session.
    for (auto& found : findDirectoryUsers(root, list.range, &list.errors, known)) {
        auto& uids = known.uids;
        const auto at = std::lower_bound(uids.begin(), uids.end(), found.account.uid);
        if (at != uids.end() && *at == found.account.uid) continue;
        uids.insert(at, found.account.uid);
        if (!list.users.add(found.account)) {
            list.errors.push_back(found.foundBy + ": " + AccountList::kTooLong);
            continue;
        }
        list.foundBy[found.account.name] = std::move(found.foundBy);
    }
    return list;
}

bool isServiceProfileSid(std::string_view sid) {
    return sid == "S-1-5-18" || sid == "S-1-5-19" || sid == "S-1-5-20";
}

}  // namespace mpa::platform
