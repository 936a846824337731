#include "app/agent_config.hpp"

#include <yaml-cpp/yaml.h>

#include <tuple>

#include "platform/process_identity.hpp"
#include "platform/safe_fs.hpp"
#include "util/text.hpp"

namespace mpa {
namespace {

// Empty when `value` is valid for `key`, else what is valid: an invalid setting is an error that
// names the file, the key and the valid values, never silently a default.
std::string invalidValue(const std::string& key, const std::string& value) {
    if (key == "database" || key == "policy_directory" || key == "samba_gpo_cache")
        return !value.empty() && (value[0] == '/' || (value.size() > 2 && value[1] == ':'))
                   ? ""
                   : "expected an absolute path";
    if (key == "log_format") return value == "text" || value == "json" ? "" : "text or json";
    if (key == "log_destination")
        return value == "console" || value == "syslog" || value == "journal" ||
                       (value.rfind("file:", 0) == 0 && value.size() > 5)
                   ? ""
                   : "console, syslog, journal or file:PATH";
    if (key == "log_level") {
        for (const char* level : {"trace", "debug", "information", "notice", "warning", "error",
                                  "critical", "fatal", "none"})
            if (value == level) return "";
        return "trace, debug, information, notice, warning, error, critical, fatal or none";
    }
    return "";
}

}  // namespace

Status loadAgentConfig(const std::string& hostPath, const std::string& displayPath,
                       AgentSettings& settings) {
    auto read = platform::readFileNoFollow(hostPath, 64 * 1024);
    if (read.missing) return Status::success();
    if (!read.status) return read.status;
    if ((read.info.uid != 0 && read.info.uid != platform::effectiveUserId()) ||
        (read.info.mode & 022)) {
        return Status::failure(displayPath +
                               ": must be owned by root and not writable by group or others; "
                               "refused");
    }
    // Whoever may write its directory may replace the file: refused like the file itself.
    if (const auto slash = hostPath.find_last_of('/'); slash != std::string::npos && slash > 0) {
        Status dirStatus;
        const auto dir = platform::SafeDir::open(hostPath.substr(0, slash), &dirStatus);
        const auto info = dir ? dir->self() : platform::FileInfo{};
        if (!dir || (info.uid != 0 && info.uid != platform::effectiveUserId()) ||
            (info.mode & 022)) {
            return Status::failure(
                displayPath + ": its directory " +
                (dir ? std::string("must be owned by root and not writable by group or "
                                   "others")
                     : dirStatus.error) +
                "; refused");
        }
    }
    YAML::Node root;
    try {
        root = YAML::Load(read.data);
    } catch (const YAML::ParserException& e) {
        return Status::failure(displayPath + ": line " + std::to_string(e.mark.line + 1) +
                               ", column " + std::to_string(e.mark.column + 1) + ": " + e.msg);
    }
    if (root.IsNull()) return Status::success();
    if (!root.IsMap()) {
        return Status::failure(displayPath + ": expected a map of setting to value");
    }
    const std::pair<const char*, std::string AgentSettings::*> keys[] = {
        {"database", &AgentSettings::database},
        {"policy_directory", &AgentSettings::policyDirectory},
        {"samba_gpupdate_policy", &AgentSettings::sambaGpupdatePolicy},
        {"samba_gpo_cache", &AgentSettings::sambaGpoCache},
        {"log_level", &AgentSettings::logLevel},
        {"log_destination", &AgentSettings::logDestination},
        {"log_format", &AgentSettings::logFormat},
        {"audit_group", &AgentSettings::auditGroup},
    };
    for (const auto& entry : root) {
        const auto key = entry.first.as<std::string>("");
        if (key == "database_outside_state_directory") {
            if (!entry.second.IsScalar() ||
                (entry.second.Scalar() != "true" && entry.second.Scalar() != "false")) {
                return Status::failure(
                    displayPath + ": database_outside_state_directory: expected true or false");
            }
            settings.databaseOutsideStateDirectory = entry.second.Scalar() == "true";
            continue;
        }
        const std::tuple<const char*, std::int64_t AgentSettings::*, long long> numbers[] = {
            {"settle_milliseconds", &AgentSettings::settleMilliseconds, kMaxSettleMilliseconds},
            {"policy_removal_grace_hours", &AgentSettings::removalGraceHours,
             kMaxRemovalGraceHours},
        };
        bool isNumber = false;
        for (const auto& [name, member, maximum] : numbers) {
            if (key != name) continue;
            isNumber = true;
            long long value = 0;
            if (!entry.second.IsScalar() || !parseDecimal(entry.second.Scalar(), &value) ||
                value < 0 || value > maximum) {
                return Status::failure(displayPath + ": " + key +
                                       ": expected a whole number from 0 to " +
                                       std::to_string(maximum));
            }
            settings.*member = value;
        }
        if (isNumber) continue;
        bool known = false;
        for (const auto& [name, member] : keys) {
            if (key != name) continue;
            known = true;
            if (!entry.second.IsScalar()) {
                return Status::failure(displayPath + ": " + key + ": expected a text value");
            }
            const auto& value = entry.second.Scalar();
            if (const auto problem = invalidValue(key, value); !problem.empty()) {
                return Status::failure(displayPath + ": " + key + ": '" + value +
                                       "' is not valid (" + problem + ")");
            }
            settings.*member = value;
            if (member == &AgentSettings::logLevel) settings.logLevelChosen = true;
        }
        if (!known) {
            return Status::failure(
                displayPath + ": unknown setting '" + key +
                "' (known: database, policy_directory, samba_gpupdate_policy, "
                "samba_gpo_cache, log_level, log_destination, log_format, audit_group, "
                "settle_milliseconds, policy_removal_grace_hours, "
                "database_outside_state_directory)");
        }
    }
    return Status::success();
}

}  // namespace mpa
