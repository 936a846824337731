// The launchd that is not there (on Linux and Windows, and for passes over a scratch root), and
// the reading of launchctl's output, which is plain text and tested on every platform.
#include "platform/launchd.hpp"

namespace mpa::platform {
namespace {

class UnavailableLaunchd final : public Launchd {
  public:
    bool isRunning() const override { return false; }
    Status setUserConfigEnvironment(const std::string&, const std::string&) override {
        return notHere();
    }
    Status unsetUserConfigEnvironment(const std::string&) override { return notHere(); }
    std::optional<uint32_t> consoleUser() const override { return std::nullopt; }
    Status getSessionEnvironment(uint32_t, const std::string&,
                                 std::optional<std::string>*) override {
        return notHere();
    }
    Status setSessionEnvironment(uint32_t, const std::string&, const std::string&) override {
        return notHere();
    }
    Status unsetSessionEnvironment(uint32_t, const std::string&) override { return notHere(); }

  private:
    static Status notHere() { return Status::failure("launchd is not running here"); }
};

}  // namespace

std::shared_ptr<Launchd> unavailableLaunchd() {
    return std::make_shared<UnavailableLaunchd>();
}

std::vector<std::string> parseLaunchctlEnvironment(const std::string& printed) {
    std::vector<std::string> entries;
    bool inside = false;
    std::size_t start = 0;
    while (start < printed.size()) {
        auto end = printed.find('\n', start);
        if (end == std::string::npos) end = printed.size();
        std::string line = printed.substr(start, end - start);
        start = end + 1;
        const auto first = line.find_first_not_of(" \t");
        if (first == std::string::npos) continue;
        line.erase(0, first);
        while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
        if (!inside) {
            inside = line == "environment = {";
            continue;
        }
        if (line == "}") break;  // the first block only: the domain's own
        const auto arrow = line.find(" => ");
        if (arrow == std::string::npos || arrow == 0) continue;
        entries.push_back(line.substr(0, arrow) + "=" + line.substr(arrow + 4));
    }
    return entries;
}

}  // namespace mpa::platform
