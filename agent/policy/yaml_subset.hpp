#pragma once
// The agent's own YAML files (policies/metalama.yaml and policies/telemetry-catalog.yaml, embedded
// at build time) read without yaml-cpp's parser. Every run of the agent reads both, and yaml-cpp's
// scanner took about 2 ms of it: a fifth of a 10-profile no-op, and of every `status` and
// `compliance` a fleet tool runs (docs/performance.md, "The agent's own YAML read without
// yaml-cpp's parser"). The nodes are still yaml-cpp's, so the loaders and what they accept are
// unchanged.
//
// The subset is what those files are written in, in block style only:
//   - mappings whose keys are plain words ([A-Za-z0-9_] first, then also '-', '.', '/');
//   - sequences ("- " items; an item may open a mapping on its own line; a sequence may sit at
//     its key's indentation);
//   - scalars on one line: plain (no ": ", no " #", not null), 'single' or "double" quoted
//     (escapes \\ \" \/ \n \t \r);
//   - folded (>, >-) and literal (|, |-) block scalars without more-indented lines;
//   - comments and blank lines; LF or CRLF line ends, the last line ended too.
// Anything else (flow style, anchors, tags, documents markers, multi-line plain or quoted
// scalars, tabs in indentation, keep chomping, duplicate keys, ...) is outside the subset: the
// caller then asks yaml-cpp, so no input is read differently, only more slowly. What the subset
// reads is compared with yaml-cpp node for node (tests/unit/yaml_subset_test.cpp, and the
// yaml_subset fuzzer). The nodes carry no position (yaml-cpp's Mark): a loader that finds an
// error in them reads the text again with yaml-cpp to say where.
#include <yaml-cpp/yaml.h>

#include <exception>
#include <optional>
#include <string>
#include <string_view>

namespace mpa {

// The nodes yaml-cpp makes of `text` when `text` keeps to the subset; nullopt when it does not.
std::optional<YAML::Node> readYamlSubset(std::string_view text);

// load(root) over the subset's nodes of `text`; when `text` is outside the subset, or `load`
// throws over them (an error, which those nodes cannot place), over yaml-cpp's, whose
// exceptions say where. yaml-cpp's YAML::Exception for text it cannot parse propagates.
template <typename Load>
auto loadYamlText(std::string_view text, Load&& load) -> decltype(load(YAML::Node())) {
    if (const auto subset = readYamlSubset(text)) {
        try {
            return load(*subset);
        } catch (const std::exception&) {
        }
    }
    return load(YAML::Load(std::string(text)));
}

// Whether two trees hold the same: kinds, tags, scalars, keys and entries in order (positions
// aside). What the tests and the fuzzer compare the subset's nodes with yaml-cpp's by.
bool sameYamlTree(const YAML::Node& a, const YAML::Node& b);

}  // namespace mpa
