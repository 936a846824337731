#include "targets/settings_key_editor.hpp"

#include "targets/ini_settings_key.hpp"
#include "targets/json_settings_key.hpp"
#include "targets/yaml_settings_key.hpp"
#include "util/text.hpp"

namespace mpa {
namespace {

class JsonKeyEditor : public SettingsKeyEditor {
  public:
    explicit JsonKeyEditor(const CatalogUserFile& file)
        : dotted_(file.key), path_(splitOn(file.key, '.')), value_(jsonValueFor(file.value)) {}
    std::string keyName() const override { return dotted_; }
    std::string desiredValue() const override { return value_; }
    Status observe(std::string_view text, KeyObservation* out) const override {
        std::optional<std::string> raw;
        if (auto status = readJsonKey(text, path_, &raw); !status) return status;
        *out = {raw.has_value(), raw.value_or(""), raw.value_or("")};
        return Status::success();
    }
    Status set(std::string* text, std::string* undo) const override {
        std::size_t firstCreated = 0;
        auto status = setJsonKey(text, path_, value_, &firstCreated);
        *undo = firstCreated < path_.size() ? "created:" + std::to_string(firstCreated) : "";
        return status;
    }
    Status restore(std::string* text, const std::optional<std::string>& priorRaw,
                   const std::string& undo) const override {
        if (priorRaw) {
            std::size_t ignored = 0;
            return setJsonKey(text, path_, *priorRaw, &ignored);
        }
        long long firstCreated = static_cast<long long>(path_.size()) - 1;
        if (startsWith(undo, "created:")) parseDecimal(undo.substr(8), &firstCreated);
        return removeJsonKey(text, path_, static_cast<std::size_t>(firstCreated));
    }
    bool isEmpty(std::string_view text) const override {
        return trim(text).empty() || isEmptyJsonObject(text);
    }

  private:
    std::string dotted_;
    std::vector<std::string> path_;
    std::string value_;
};

class IniKeyEditor : public SettingsKeyEditor {
  public:
    explicit IniKeyEditor(const CatalogUserFile& file)
        : section_(file.section), key_(file.key), value_(file.value) {}
    std::string keyName() const override { return "[" + section_ + "] " + key_; }
    std::string desiredValue() const override { return value_; }
    Status observe(std::string_view text, KeyObservation* out) const override {
        std::optional<IniKey> key;
        if (auto status = readIniKey(text, section_, key_, &key); !status) return status;
        *out = key ? KeyObservation{true, key->value, key->lines} : KeyObservation{};
        return Status::success();
    }
    Status set(std::string* text, std::string* undo) const override {
        return setIniKey(text, section_, key_, value_, undo);
    }
    Status restore(std::string* text, const std::optional<std::string>& priorRaw,
                   const std::string& undo) const override {
        return restoreIniKey(text, section_, key_, priorRaw, undo);
    }
    bool isEmpty(std::string_view text) const override { return trim(text).empty(); }

  private:
    std::string section_, key_, value_;
};

class YamlKeyEditor : public SettingsKeyEditor {
  public:
    explicit YamlKeyEditor(const CatalogUserFile& file) : key_(file.key), value_(file.value) {}
    std::string keyName() const override { return key_; }
    std::string desiredValue() const override { return value_; }
    Status observe(std::string_view text, KeyObservation* out) const override {
        std::optional<YamlKey> key;
        if (auto status = readYamlKey(text, key_, &key); !status) return status;
        *out = key ? KeyObservation{true, key->value, key->line} : KeyObservation{};
        return Status::success();
    }
    Status set(std::string* text, std::string* undo) const override {
        return setYamlKey(text, key_, value_, undo);
    }
    Status restore(std::string* text, const std::optional<std::string>& priorRaw,
                   const std::string& undo) const override {
        return restoreYamlKey(text, key_, priorRaw, undo);
    }
    bool isEmpty(std::string_view text) const override { return trim(text).empty(); }

  private:
    std::string key_, value_;
};

// A file whose content is the setting: the Go toolchain's telemetry mode file holds "off", or
// "off 2026-01-31" with the date the mode was set, and Go reads it trimmed, up to the first space
// (x/telemetry's Dir.Mode): its first word. The agent writes the value alone (which Go reads
// with no date) and restores the whole prior content.
class TextFileEditor : public SettingsKeyEditor {
  public:
    explicit TextFileEditor(const CatalogUserFile& file) : value_(file.value) {}
    std::string keyName() const override { return "content"; }
    std::string desiredValue() const override { return value_; }
    Status observe(std::string_view text, KeyObservation* out) const override {
        const auto content = trim(text);
        const auto word = content.substr(0, content.find(' '));  // Go's Dir.Mode: to a space
        *out = content.empty() ? KeyObservation{}
                               : KeyObservation{true, std::string(word), std::string(text)};
        return Status::success();
    }
    Status set(std::string* text, std::string* undo) const override {
        *text = value_ + "\n";
        undo->clear();
        return Status::success();
    }
    Status restore(std::string* text, const std::optional<std::string>& priorRaw,
                   const std::string&) const override {
        *text = priorRaw.value_or("");
        return Status::success();
    }
    bool isEmpty(std::string_view text) const override { return trim(text).empty(); }

  private:
    std::string value_;
};

}  // namespace

std::unique_ptr<SettingsKeyEditor> makeSettingsKeyEditor(const CatalogUserFile& file,
                                                         std::string* whyNot) {
    switch (file.format) {
        case SettingsFormat::Json:
            if (file.key.empty()) break;
            return std::make_unique<JsonKeyEditor>(file);
        case SettingsFormat::Ini:
            if (file.section.empty() || file.key.empty()) break;
            return std::make_unique<IniKeyEditor>(file);
        case SettingsFormat::Text:
            if (!file.key.empty()) break;
            return std::make_unique<TextFileEditor>(file);
        case SettingsFormat::Yaml:
            if (file.key.empty()) break;
            return std::make_unique<YamlKeyEditor>(file);
    }
    *whyNot =
        "the catalog entry names no key for this " + std::string(toString(file.format)) + " file";
    return nullptr;
}

}  // namespace mpa
