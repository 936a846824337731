#include "app/agent_config.hpp"

#include <yaml-cpp/yaml.h>

#include "platform/process_identity.hpp"
#include "platform/safe_fs.hpp"
#include "util/text.hpp"

namespace mpa {

bool loadAgentConfig(const std::string& hostPath, const std::string& displayPath,
                     AgentSettings& settings, std::string* error) {
    auto read = platform::readFileNoFollow(hostPath, 64 * 1024);
    if (read.missing) return true;
    if (!read.status) {
        *error = read.status.error;
        return false;
    }
    if ((read.info.uid != 0 && read.info.uid != platform::effectiveUserId()) ||
        (read.info.mode & 022)) {
        *error = displayPath +
                 ": must be owned by root and not writable by group or others; "
                 "refused";
        return false;
    }
    YAML::Node root;
    try {
        root = YAML::Load(read.data);
    } catch (const YAML::ParserException& e) {
        *error = displayPath + ": line " + std::to_string(e.mark.line + 1) + ", column " +
                 std::to_string(e.mark.column + 1) + ": " + e.msg;
        return false;
    }
    if (root.IsNull()) return true;
    if (!root.IsMap()) {
        *error = displayPath + ": expected a map of setting to value";
        return false;
    }
    const std::pair<const char*, std::string AgentSettings::*> keys[] = {
        {"database", &AgentSettings::database},
        {"policy_directory", &AgentSettings::policyDirectory},
        {"samba_gpupdate_policy", &AgentSettings::sambaGpupdatePolicy},
        {"samba_gpo_cache", &AgentSettings::sambaGpoCache},
        {"log_level", &AgentSettings::logLevel},
        {"log_destination", &AgentSettings::logDestination},
        {"log_format", &AgentSettings::logFormat},
    };
    for (const auto& entry : root) {
        const auto key = entry.first.as<std::string>("");
        if (key == "settle_milliseconds") {
            long long value = 0;
            if (!entry.second.IsScalar() || !parseDecimal(entry.second.Scalar(), &value) ||
                value < 0 || value > kMaxSettleMilliseconds) {
                *error = displayPath + ": settle_milliseconds: expected a whole number from 0 to " +
                         std::to_string(kMaxSettleMilliseconds);
                return false;
            }
            settings.settleMilliseconds = value;
            continue;
        }
        bool known = false;
        for (const auto& [name, member] : keys) {
            if (key != name) continue;
            known = true;
            if (!entry.second.IsScalar()) {
                *error = displayPath + ": " + key + ": expected a text value";
                return false;
            }
            settings.*member = entry.second.Scalar();
            if (member == &AgentSettings::logLevel) settings.logLevelChosen = true;
        }
        if (!known) {
            *error =
                displayPath + ": unknown setting '" + key +
                "' (known: database, policy_directory, samba_gpupdate_policy, samba_gpo_cache, "
                "log_level, "
                "log_destination, log_format, settle_milliseconds)";
            return false;
        }
    }
    return true;
}

}  // namespace mpa
