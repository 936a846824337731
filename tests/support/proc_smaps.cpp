#include "support/proc_smaps.hpp"

#if defined(__linux__)
#include <fstream>
#include <sstream>

namespace mpa::test {

std::vector<SmapsMapping> readSmaps(const std::string& process) {
    std::ifstream smaps("/proc/" + process + "/smaps");
    std::vector<SmapsMapping> mappings;
    std::string line;
    while (std::getline(smaps, line)) {
        std::istringstream fields(line);
        std::string first;
        fields >> first;
        if (first.empty()) continue;
        if (first.back() != ':') {  // "start-end perms offset device inode [name]"
            SmapsMapping& mapping = mappings.emplace_back();
            const auto dash = first.find('-');
            mapping.begin = std::stoull(first.substr(0, dash), nullptr, 16);
            mapping.end = std::stoull(first.substr(dash + 1), nullptr, 16);
            std::string offset, device, inode;
            fields >> mapping.perms >> offset >> device >> inode >> mapping.name;
            continue;
        }
        if (mappings.empty()) continue;
        std::uint64_t kb = 0;
        fields >> kb;
        if (first == "Size:") mappings.back().sizeKb = kb;
        if (first == "Rss:") mappings.back().residentKb = kb;
        if (first == "Anonymous:") mappings.back().anonymousKb = kb;
    }
    return mappings;
}

}  // namespace mpa::test
#endif
