// The mappings of a process as Linux's /proc/PID/smaps lists them, with the sizes the memory
// tests weigh: what is mapped, what is resident, and what of it the process wrote.
#pragma once

#if defined(__linux__)
#include <cstdint>
#include <string>
#include <vector>

namespace mpa::test {

struct SmapsMapping {
    std::uintptr_t begin = 0;  // the mapped addresses, [begin, end)
    std::uintptr_t end = 0;
    std::string perms;  // "r-xp"
    std::string name;   // a file's path, "[heap]", "[stack]", or "" for anonymous memory
    std::uint64_t sizeKb = 0;
    std::uint64_t residentKb = 0;
    std::uint64_t anonymousKb = 0;  // pages the process wrote (or copied on writing)

    bool isFile() const { return !name.empty() && name[0] == '/'; }
    bool readable() const { return !perms.empty() && perms[0] == 'r'; }
    bool writable() const { return perms.find('w') != std::string::npos; }
};

// `process` is a process id or "self".
std::vector<SmapsMapping> readSmaps(const std::string& process = "self");

}  // namespace mpa::test
#endif
