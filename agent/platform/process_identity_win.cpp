// Privilege on Windows: membership of the local Administrators group in the process token (an
// elevated administrator or SYSTEM), which is what writing HKLM and other users' profiles needs.
#include "platform/process_identity.hpp"
#include "platform/win32_support.hpp"

namespace mpa::platform {

bool isPrivileged() {
    SID_IDENTIFIER_AUTHORITY nt = SECURITY_NT_AUTHORITY;
    PSID administrators = nullptr;
    if (!::AllocateAndInitializeSid(&nt, 2, SECURITY_BUILTIN_DOMAIN_RID, DOMAIN_ALIAS_RID_ADMINS, 0,
                                    0, 0, 0, 0, 0, &administrators))
        return false;
    BOOL member = FALSE;
    if (!::CheckTokenMembership(nullptr, administrators, &member)) member = FALSE;
    ::FreeSid(administrators);
    return member != FALSE;
}

unsigned effectiveUserId() {
    return 0;  // ownership is by SID on Windows
}

}  // namespace mpa::platform
