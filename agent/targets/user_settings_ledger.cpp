#include "targets/user_settings_ledger.hpp"

#include "targets/prior_record.hpp"

namespace mpa {

std::string userSettingSubject(const std::string& file, const std::string& keyName) {
    return file + "#" + keyName;
}

PriorState encodeUserSettingPrior(const std::string& target, const std::string& subject,
                                  const UserSettingPrior& prior) {
    PriorRecord record;
    record.setField("file", prior.file);
    record.setField("tool", prior.tool);
    record.setField("format", std::string(toString(prior.spec.format)));
    record.setField("section", prior.spec.section);
    record.setField("key", prior.spec.key);
    record.setField("written", prior.spec.value);
    record.setField("file-existed", prior.fileExisted ? "yes" : "no");
    record.setField("created-dirs", joinPaths(prior.createdDirectories));
    record.setField("undo", prior.undo);
    record.body = prior.priorRaw;
    return {target, subject, prior.keyExisted, encodePriorRecord(record), ""};
}

Status decodeUserSettingPrior(const PriorState& entry, UserSettingPrior* out) {
    PriorRecord record;
    if (auto status = decodePriorRecord(entry.value, &record); !status)
        return Status::failure(entry.subject + ": " + status.error);
    UserSettingPrior prior;
    prior.file = record.field("file");
    prior.tool = record.field("tool");
    const auto format = record.field("format");
    if (format == "json")
        prior.spec.format = SettingsFormat::Json;
    else if (format == "ini")
        prior.spec.format = SettingsFormat::Ini;
    else if (format == "text")
        prior.spec.format = SettingsFormat::Text;
    else if (format == "yaml")
        prior.spec.format = SettingsFormat::Yaml;
    else
        return Status::failure(entry.subject + ": unknown settings format '" + format + "'");
    if (prior.file.empty())
        return Status::failure(entry.subject + ": the prior-state record names no file");
    prior.spec.section = record.field("section");
    prior.spec.key = record.field("key");
    prior.spec.value = record.field("written");
    prior.fileExisted = record.field("file-existed") != "no";
    prior.createdDirectories = splitPaths(record.field("created-dirs"));
    prior.undo = record.field("undo");
    prior.keyExisted = entry.existed;
    prior.priorRaw = record.body;
    *out = std::move(prior);
    return Status::success();
}

}  // namespace mpa
