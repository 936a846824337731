// libFuzzer target for the per-user settings-file editors (another tool's JSON, INI or YAML file):
// any bytes in, no crash or undefined behaviour, and the promise the target makes to users: once
// the key is set, reading it gives the value, and taking the key back gives the text back byte for
// byte (INI and YAML always; JSON whenever the key existed or went into an object that had
// members). The first byte chooses the format: odd INI, 2 mod 4 YAML, else JSON (the seeds
// committed before YAML start with 0 or 1).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include "targets/ini_settings_key.hpp"
#include "targets/json_settings_key.hpp"
#include "targets/yaml_settings_key.hpp"
#include "util/json_document.hpp"

namespace {

void check(bool condition) {
    if (!condition) std::abort();
}

void ini(const std::string& before) {
    std::optional<mpa::IniKey> prior;
    if (!mpa::readIniKey(before, "core", "collect_telemetry", &prior)) return;
    std::string text = before;
    std::string added;
    if (!mpa::setIniKey(&text, "core", "collect_telemetry", "false", &added)) {
        check(text == before);  // a refusal (a line the new key would swallow) changes nothing
        return;
    }
    std::optional<mpa::IniKey> now;
    check(static_cast<bool>(mpa::readIniKey(text, "core", "collect_telemetry", &now)));
    check(now && now->value == "false");
    const auto priorLines = prior ? std::optional<std::string>(prior->lines) : std::nullopt;
    check(static_cast<bool>(
        mpa::restoreIniKey(&text, "core", "collect_telemetry", priorLines, added)));
    check(text == before);
}

void yaml(const std::string& before) {
    std::optional<mpa::YamlKey> prior;
    if (!mpa::readYamlKey(before, "enableTelemetry", &prior)) return;
    std::string text = before;
    std::string added;
    check(static_cast<bool>(mpa::setYamlKey(&text, "enableTelemetry", "false", &added)));
    std::optional<mpa::YamlKey> now;
    check(static_cast<bool>(mpa::readYamlKey(text, "enableTelemetry", &now)));
    check(now && now->value == "false");
    const auto priorLine = prior ? std::optional<std::string>(prior->line) : std::nullopt;
    check(static_cast<bool>(mpa::restoreYamlKey(&text, "enableTelemetry", priorLine, added)));
    check(text == before);
}

void json(const std::string& before) {
    const std::vector<std::string> path{"cli", "analytics"};
    std::optional<std::string> prior;
    if (!mpa::readJsonKey(before, path, &prior)) return;
    std::string text = before;
    std::size_t firstCreated = 0;
    check(static_cast<bool>(mpa::setJsonKey(&text, path, "false", &firstCreated)));
    check(mpa::json::validate(text, nullptr));
    std::optional<std::string> now;
    check(static_cast<bool>(mpa::readJsonKey(text, path, &now)));
    check(now == std::optional<std::string>("false"));
    if (prior) {
        check(static_cast<bool>(mpa::setJsonKey(&text, path, *prior, &firstCreated)));
        check(text == before);
        return;
    }
    check(static_cast<bool>(mpa::removeJsonKey(&text, path, firstCreated)));
    check(mpa::json::validate(text, nullptr));
    check(static_cast<bool>(mpa::readJsonKey(text, path, &now)));
    check(!now);
    // Into an object with members, the insertion is taken back exactly.
    std::optional<std::string> cli;
    mpa::readJsonKey(before, {"cli"}, &cli);
    const auto members = mpa::json::parseObjectRanges(cli ? *cli : before, nullptr);
    if (members && !members->empty()) check(text == before);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const std::string text(reinterpret_cast<const char*>(data) + 1, size - 1);
    if (data[0] & 1)
        ini(text);
    else if ((data[0] & 3) == 2)
        yaml(text);
    else
        json(text);
    return 0;
}
