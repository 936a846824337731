#include <algorithm>

#include "app/command.hpp"

namespace mpa {

CommandArgs::CommandArgs(const std::vector<std::string>& args,
                         const std::vector<std::string>& flags,
                         const std::vector<std::string>& options) {
    const auto known = [](const std::vector<std::string>& list, const std::string& name) {
        return std::find(list.begin(), list.end(), name) != list.end();
    };
    for (std::size_t i = 0; i < args.size(); ++i) {
        const auto& arg = args[i];
        if (arg.rfind("--", 0) != 0) {
            positional_.push_back(arg);
            continue;
        }
        const auto eq = arg.find('=');
        const auto name = arg.substr(2, eq == std::string::npos ? std::string::npos : eq - 2);
        if (known(flags, name) && eq == std::string::npos) {
            flags_.push_back(name);
        } else if (known(options, name)) {
            if (eq != std::string::npos) {
                options_.emplace_back(name, arg.substr(eq + 1));
            } else if (i + 1 < args.size()) {
                options_.emplace_back(name, args[++i]);
            } else {
                error_ = "option --" + name + " needs a value";
                return;
            }
        } else {
            error_ = "unknown option " + arg;
            return;
        }
    }
}

bool CommandArgs::flag(const std::string& name) const {
    return std::find(flags_.begin(), flags_.end(), name) != flags_.end();
}

std::string CommandArgs::option(const std::string& name, const std::string& fallback) const {
    for (auto it = options_.rbegin(); it != options_.rend(); ++it)
        if (it->first == name) return it->second;
    return fallback;
}

}  // namespace mpa
