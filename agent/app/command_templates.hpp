#pragma once
// `templates --out DIR [--definitions FILE]`: writes every generated artefact (ADMX/ADML, macOS
// profile and manifest, Linux and .reg examples, docs/policies.md) from the policy definitions,
// and docs/telemetry-catalog.md from the catalog of other tools' opt-outs embedded in the binary.
#include "app/command.hpp"

namespace mpa {

const CommandSpec& templatesCommand();

}  // namespace mpa
