// The mutex name is computed the same way on every OS so it is tested on Linux too.
#include <openssl/evp.h>

#include "platform/metalama_lock.hpp"

namespace mpa::platform {

std::string metalamaDirectoryMutexName(const std::string& dataDirectory) {
    std::string windowsPath = dataDirectory;
    for (char& c : windowsPath)
        if (c == '/') c = '\\';
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    EVP_Digest(windowsPath.data(), windowsPath.size(), digest, &length, EVP_md5(), nullptr);
    static const char kHex[] = "0123456789abcdef";
    std::string name = "Global\\Metalama_";
    for (unsigned int i = 0; i < length; ++i) {
        name += kHex[digest[i] >> 4];
        name += kHex[digest[i] & 0xF];
    }
    return name;
}

}  // namespace mpa::platform
