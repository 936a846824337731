#pragma once
// How the user-settings-file target keeps the prior state of each key it sets, in the ledger. A
// stored format (a revert after an upgrade, or after the policy and even the catalog entry are
// gone, needs it): never change a name.
//
// Subject: "<file>#<key>" (the file's logical path, the editor's key name). PriorState::existed:
// whether the key existed; the value is a PriorRecord: fields
//   file: <logical path>          tool: <catalog id>
//   format: json|ini|text  section: <ini section>  key: <key as the catalog names it>
//   written: <the value the agent set>        file-existed: yes|no
//   created-dirs: <logical paths, outermost first, tab separated>   undo: <the editor's>
// and, as body, the key's prior raw text (json: its value; ini: its line(s); text: the file),
// byte for byte.
// Everything needed to restore is in the entry, so no catalog or policy is needed to undo.
#include <string>
#include <vector>

#include "model/ledger.hpp"
#include "policy/telemetry_catalog.hpp"
#include "util/status.hpp"

namespace mpa {

struct UserSettingPrior {
    std::string file;  // logical path
    std::string tool;
    CatalogUserFile spec;  // format, section, key; value: what the agent wrote
    bool keyExisted = false;
    std::string priorRaw;
    bool fileExisted = true;
    std::vector<std::string> createdDirectories;
    std::string undo;
};

std::string userSettingSubject(const std::string& file, const std::string& keyName);

PriorState encodeUserSettingPrior(const std::string& target, const std::string& subject,
                                  const UserSettingPrior& prior);
// Fails on an entry this code did not write (it is then never restored from).
Status decodeUserSettingPrior(const PriorState& entry, UserSettingPrior* out);

}  // namespace mpa
