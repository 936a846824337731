#include "sources/policy_file_trust.hpp"

#include <cstdio>

#include "platform/process_identity.hpp"

namespace mpa {

std::string policyFileTrustProblem(const platform::FileInfo& info) {
    if (info.uid != 0 && info.uid != platform::effectiveUserId())
        return "is owned by uid " + std::to_string(info.uid) + ", not by root; refused";
    if (info.mode & 022) {
        char mode[8];
        std::snprintf(mode, sizeof mode, "%04o", info.mode & 07777);
        return std::string("is writable by group or others (mode ") + mode + "); refused";
    }
    return {};
}

}  // namespace mpa
