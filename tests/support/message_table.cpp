#include "support/message_table.hpp"

#include <fstream>

namespace mpa::test {

std::map<unsigned, std::string> readMessageTable(const std::string& mcPath) {
    std::map<unsigned, std::string> table;
    std::ifstream in(mcPath);
    std::string line;
    unsigned id = 0;
    bool inText = false;
    std::string text;
    while (std::getline(in, line)) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (inText) {
            if (line == ".") {
                table[id] = text;
                inText = false;
            } else {
                text += (text.empty() ? "" : "\n") + line;
            }
        } else if (line.rfind("MessageId=", 0) == 0) {
            id = static_cast<unsigned>(std::stoul(line.substr(10)));
        } else if (line.rfind("Language=", 0) == 0) {
            inText = true;
            text.clear();
        }
    }
    return table;
}

}  // namespace mpa::test
