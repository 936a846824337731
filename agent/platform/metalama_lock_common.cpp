// The mutex name is computed the same way on every OS so it is tested on Linux too.
#include <Poco/MD5Engine.h>

#include "platform/metalama_lock.hpp"

namespace mpa::platform {

std::string metalamaDirectoryMutexName(const std::string& dataDirectory) {
    std::string windowsPath = dataDirectory;
    for (char& c : windowsPath)
        if (c == '/') c = '\\';
    Poco::MD5Engine md5;
    md5.update(windowsPath.data(), windowsPath.size());
    static const char kHex[] = "0123456789abcdef";
    std::string name = "Global\\Metalama_";
    for (const unsigned char byte : md5.digest()) {
        name += kHex[byte >> 4];
        name += kHex[byte & 0xF];
    }
    return name;
}

}  // namespace mpa::platform
