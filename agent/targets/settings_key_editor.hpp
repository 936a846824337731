#pragma once
// One key of a per-user settings file in the format the catalog names (json: a dotted path, ini:
// a section and a key, yaml: a top-level key, text: the whole content, read by its first word),
// behind one interface so that the user-settings-file target knows no format.
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "policy/telemetry_catalog.hpp"
#include "util/status.hpp"

namespace mpa {

struct KeyObservation {
    bool present = false;
    std::string value;  // what the tool reads, to compare with desiredValue() and to show
    std::string raw;    // what restore() writes back: the value (json), the line(s) (ini, yaml),
                        // the file (text)
};

class SettingsKeyEditor {
  public:
    virtual ~SettingsKeyEditor() = default;
    // "cli.analytics", "[core] collect_telemetry", "content": names the key in findings and the
    // ledger.
    virtual std::string keyName() const = 0;
    // The value the key must hold, in the form observe() reports it.
    virtual std::string desiredValue() const = 0;
    // An empty text is a file the tool has not written yet. Fails on a malformed file.
    virtual Status observe(std::string_view text, KeyObservation* out) const = 0;
    // Sets the desired value; *undo: what restore() needs to take back what was added.
    virtual Status set(std::string* text, std::string* undo) const = 0;
    // The prior raw (observe()'s), or nullopt: the key did not exist, remove what set() added.
    virtual Status restore(std::string* text, const std::optional<std::string>& priorRaw,
                           const std::string& undo) const = 0;
    // Nothing left but the empty shell set() made from an empty text: the file can go.
    virtual bool isEmpty(std::string_view text) const = 0;
};

// nullptr with *whyNot when the format has no editor.
std::unique_ptr<SettingsKeyEditor> makeSettingsKeyEditor(const CatalogUserFile& file,
                                                         std::string* whyNot);

}  // namespace mpa
