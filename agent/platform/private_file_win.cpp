// The compliance database on Windows: its directory gets a protected ACL that only SYSTEM and
// Administrators can write (full control, inherited by the files in it); a database or
// directory whose ACL lets anyone else write, or that is a junction or symbolic link, is
// refused. Ownership by uid (the POSIX rule) has no equivalent: the ACL is what matters here.
#include <aclapi.h>
#include <sddl.h>

#include <vector>

#include "platform/private_file.hpp"
#include "platform/win32_support.hpp"
#include "util/path_text.hpp"

namespace mpa {
namespace {

using platform::win32::errorText;
using platform::win32::nativePath;

// SYSTEM and BUILTIN\Administrators, full control, inherited by files and subdirectories; the
// P flag blocks inheritance from %ProgramData% (where Users may create folders).
constexpr const wchar_t* kPrivateDirectorySddl = L"D:P(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)";

constexpr ACCESS_MASK kWriteRights = FILE_WRITE_DATA | FILE_APPEND_DATA | FILE_WRITE_EA |
                                     FILE_WRITE_ATTRIBUTES | WRITE_DAC | WRITE_OWNER | DELETE |
                                     GENERIC_WRITE | GENERIC_ALL;

// Windows paths take either separator (and a drive root keeps its own: "C:\\").
constexpr const char* kSeparators = "/\\";

std::string sidText(PSID sid) {
    wchar_t* text = nullptr;
    if (!::ConvertSidToStringSidW(sid, &text)) return "(unknown SID)";
    std::string out = platform::win32::narrow(text);
    ::LocalFree(text);
    return out;
}

// The SIDs that may write: SYSTEM, Administrators, and the account running the agent.
bool isTrustedWriter(PSID sid) {
    const std::string text = sidText(sid);
    if (text == "S-1-5-18" || text == "S-1-5-32-544") return true;
    HANDLE token = nullptr;
    if (!::OpenProcessToken(::GetCurrentProcess(), TOKEN_QUERY, &token)) return false;
    alignas(TOKEN_USER) unsigned char buffer[256];
    DWORD size = 0;
    bool self = false;
    if (::GetTokenInformation(token, TokenUser, buffer, sizeof buffer, &size))
        self = ::EqualSid(reinterpret_cast<TOKEN_USER*>(buffer)->User.Sid, sid) != FALSE;
    ::CloseHandle(token);
    return self;
}

Status checkPrivate(const std::string& path, bool directory) {
    const char* what = directory ? "directory" : "file";
    const DWORD attributes = ::GetFileAttributesW(nativePath(path).c_str());
    if (attributes == INVALID_FILE_ATTRIBUTES) {
        return Status::failure(path + ": " + errorText(::GetLastError()));
    }
    if (attributes & FILE_ATTRIBUTE_REPARSE_POINT) {
        return Status::failure(path + ": is a symbolic link or junction; the compliance " +
                               std::string(what) + " must be a real " + what + " (refused)");
    }
    if (((attributes & FILE_ATTRIBUTE_DIRECTORY) != 0) != directory) {
        return Status::failure(path + ": is not a " + std::string(what) + " (refused)");
    }
    PACL dacl = nullptr;
    PSECURITY_DESCRIPTOR descriptor = nullptr;
    const DWORD rc =
        ::GetNamedSecurityInfoW(nativePath(path).c_str(), SE_FILE_OBJECT, DACL_SECURITY_INFORMATION,
                                nullptr, nullptr, &dacl, nullptr, &descriptor);
    if (rc != ERROR_SUCCESS) {
        return Status::failure(path + ": cannot read its ACL: " + errorText(rc));
    }
    Status ok;
    if (dacl == nullptr)
        ok = Status::failure(path + ": has no ACL (everyone may write it); refused");
    for (DWORD i = 0; ok && i < dacl->AceCount; ++i) {
        void* ace = nullptr;
        if (!::GetAce(dacl, i, &ace)) continue;
        auto* header = static_cast<ACE_HEADER*>(ace);
        if (header->AceType != ACCESS_ALLOWED_ACE_TYPE || (header->AceFlags & INHERIT_ONLY_ACE))
            continue;
        auto* allowed = static_cast<ACCESS_ALLOWED_ACE*>(ace);
        PSID sid = &allowed->SidStart;
        if ((allowed->Mask & kWriteRights) != 0 && !isTrustedWriter(sid)) {
            ok = Status::failure(path + ": its ACL lets " + sidText(sid) +
                                 " write it; refused: only SYSTEM and Administrators may change "
                                 "the compliance evidence");
        }
    }
    ::LocalFree(descriptor);
    return ok;
}

// Sets the protected ACL again on the directory just created: CreateDirectoryW's security
// attributes are not honoured everywhere (Wine keeps its default ACL).
Status protectDirectory(const std::string& dir) {
    PSECURITY_DESCRIPTOR descriptor = nullptr;
    if (!::ConvertStringSecurityDescriptorToSecurityDescriptorW(
            kPrivateDirectorySddl, SDDL_REVISION_1, &descriptor, nullptr)) {
        return Status::failure(dir + ": cannot build its ACL: " + errorText(::GetLastError()));
    }
    BOOL present = FALSE, defaulted = FALSE;
    PACL dacl = nullptr;
    ::GetSecurityDescriptorDacl(descriptor, &present, &dacl, &defaulted);
    std::wstring path = nativePath(dir);
    const DWORD rc =
        ::SetNamedSecurityInfoW(path.data(), SE_FILE_OBJECT,
                                DACL_SECURITY_INFORMATION | PROTECTED_DACL_SECURITY_INFORMATION,
                                nullptr, nullptr, dacl, nullptr);
    ::LocalFree(descriptor);
    if (rc != ERROR_SUCCESS) {
        return Status::failure(dir + ": cannot set its ACL: " + errorText(rc));
    }
    return Status::success();
}

Status makeDirectories(const std::string& dir, bool isFinal) {
    if (pathExists(dir)) return Status::success();
    const std::string parent = parentOf(dir, kSeparators);
    if (!parent.empty() && parent != dir)
        if (Status ok = makeDirectories(parent, false); !ok) return ok;
    SECURITY_ATTRIBUTES attributes{sizeof(SECURITY_ATTRIBUTES), nullptr, FALSE};
    if (isFinal &&
        !::ConvertStringSecurityDescriptorToSecurityDescriptorW(
            kPrivateDirectorySddl, SDDL_REVISION_1, &attributes.lpSecurityDescriptor, nullptr)) {
        return Status::failure(dir + ": cannot build its ACL: " + errorText(::GetLastError()));
    }
    const BOOL made = ::CreateDirectoryW(nativePath(dir).c_str(), isFinal ? &attributes : nullptr);
    const DWORD err = ::GetLastError();
    if (attributes.lpSecurityDescriptor) ::LocalFree(attributes.lpSecurityDescriptor);
    if (!made && err != ERROR_ALREADY_EXISTS) {
        return Status::failure(dir + ": cannot create the directory: " + errorText(err));
    }
    if (!made || !isFinal) return Status::success();
    return protectDirectory(dir);
}

}  // namespace

bool pathExists(const std::string& path) {
    return ::GetFileAttributesW(nativePath(path).c_str()) != INVALID_FILE_ATTRIBUTES;
}

Status preparePrivateFile(const std::string& filePath) {
    const std::string dir = parentOf(filePath, kSeparators);
    if (Status ok = makeDirectories(dir, true); !ok) return ok;
    if (Status ok = checkPrivate(dir, true); !ok) return ok;
    if (!pathExists(filePath)) {
        // CREATE_NEW never opens something planted; the file inherits the directory's ACL.
        HANDLE file = ::CreateFileW(nativePath(filePath).c_str(), GENERIC_WRITE, 0, nullptr,
                                    CREATE_NEW, FILE_ATTRIBUTE_NORMAL, nullptr);
        if (file == INVALID_HANDLE_VALUE && ::GetLastError() != ERROR_FILE_EXISTS) {
            return Status::failure(filePath +
                                   ": cannot create the file: " + errorText(::GetLastError()));
        }
        if (file != INVALID_HANDLE_VALUE) ::CloseHandle(file);
    }
    return checkPrivateFile(filePath);
}

// The database's directory ACL is inherited by its files, an audit group's read access included.
Status shareWithDirectoryGroup(const std::string&) {
    return Status::success();
}

Status grantDirectoryToAuditGroup(const std::string& directory, const std::string& group) {
    const std::wstring name = platform::win32::widen(group);
    DWORD sidSize = 0, domainSize = 0;
    SID_NAME_USE use{};
    ::LookupAccountNameW(nullptr, name.c_str(), nullptr, &sidSize, nullptr, &domainSize, &use);
    std::vector<unsigned char> sid(sidSize ? sidSize : 1);
    std::wstring domain(domainSize ? domainSize : 1, L'\0');
    if (!sidSize || !::LookupAccountNameW(nullptr, name.c_str(), sid.data(), &sidSize,
                                          domain.data(), &domainSize, &use)) {
        return Status::failure("audit group '" + group + "': " + errorText(::GetLastError()));
    }
    PACL dacl = nullptr;
    PSECURITY_DESCRIPTOR descriptor = nullptr;
    DWORD rc = ::GetNamedSecurityInfoW(nativePath(directory).c_str(), SE_FILE_OBJECT,
                                       DACL_SECURITY_INFORMATION, nullptr, nullptr, &dacl, nullptr,
                                       &descriptor);
    if (rc != ERROR_SUCCESS) {
        return Status::failure(directory + ": cannot read its ACL: " + errorText(rc));
    }
    // Already there: an allow entry for that SID, inherited by files, with read and execute.
    constexpr ACCESS_MASK kRead = FILE_GENERIC_READ | FILE_GENERIC_EXECUTE;
    bool present = false;
    for (DWORD i = 0; dacl && i < dacl->AceCount && !present; ++i) {
        void* ace = nullptr;
        if (!::GetAce(dacl, i, &ace)) continue;
        const auto* header = static_cast<ACE_HEADER*>(ace);
        if (header->AceType != ACCESS_ALLOWED_ACE_TYPE) continue;
        const auto* allowed = static_cast<ACCESS_ALLOWED_ACE*>(ace);
        present = ::EqualSid(const_cast<DWORD*>(&allowed->SidStart), sid.data()) &&
                  (allowed->Mask & kRead) == kRead && (header->AceFlags & OBJECT_INHERIT_ACE);
    }
    PACL updated = nullptr;
    if (!present) {
        EXPLICIT_ACCESSW grant{};
        grant.grfAccessPermissions = kRead;
        grant.grfAccessMode = GRANT_ACCESS;
        grant.grfInheritance = SUB_CONTAINERS_AND_OBJECTS_INHERIT;
        grant.Trustee.TrusteeForm = TRUSTEE_IS_SID;
        grant.Trustee.TrusteeType = TRUSTEE_IS_UNKNOWN;
        grant.Trustee.ptstrName = reinterpret_cast<LPWSTR>(sid.data());
        rc = ::SetEntriesInAclW(1, &grant, dacl, &updated);
        if (rc == ERROR_SUCCESS)
            // PROTECTED: still nothing inherited from %ProgramData%; the new entry reaches the
            // files already in the directory by inheritance.
            rc = ::SetNamedSecurityInfoW(
                const_cast<wchar_t*>(nativePath(directory).c_str()), SE_FILE_OBJECT,
                DACL_SECURITY_INFORMATION | PROTECTED_DACL_SECURITY_INFORMATION, nullptr, nullptr,
                updated, nullptr);
    }
    if (updated) ::LocalFree(updated);
    ::LocalFree(descriptor);
    if (rc != ERROR_SUCCESS) {
        return Status::failure(directory + ": cannot give the audit group '" + group +
                               "' read access: " + errorText(rc));
    }
    return Status::success();
}

Status checkPrivateFile(const std::string& filePath) {
    if (Status ok = checkPrivate(parentOf(filePath, kSeparators), true); !ok) return ok;
    if (Status ok = checkPrivate(filePath, false); !ok) return ok;
    for (const char* suffix : {"-wal", "-shm"}) {
        const std::string companion = filePath + suffix;
        if (!pathExists(companion)) continue;
        if (Status ok = checkPrivate(companion, false); !ok) return ok;
    }
    return Status::success();
}

}  // namespace mpa
