#pragma once
// One top-level scalar key of another tool's YAML settings file (Yarn's ~/.yarnrc.yml,
// enableTelemetry), read and edited line by line in one linear pass: every other line, comment,
// blank line and line ending stays byte for byte, and taking back what the agent added gives the
// previous text back byte for byte. Pure: text in, text out. No YAML library: the agent runs as
// root on files users control, so it reads only the small subset it can edit safely, in time and
// memory linear in the file, and refuses the rest naming the line.
//
// Read: the key at column 0 ("key:", "'key':" or "\"key\":", then a blank or the end of the
// line), its value a scalar on the same line, plain or quoted, with an optional " # comment".
// Refused: a block or flow value (the next content line indented, or the value starting with
// [ { | > & * ! % @ `), several documents ("---" after content, "..."), directives, the key given
// twice, tabs as indentation, a lone carriage return (a line break to YAML, not to the agent), and
// a top level that is not a block mapping (a sequence, a scalar, indented content, "?" keys,
// anchors, tags or escaped quoted keys that could spell the key another way).
#include <optional>
#include <string>
#include <string_view>

#include "util/status.hpp"

namespace mpa {

struct YamlKey {
    // The scalar as the tool reads it: quotes taken off; a plain true/false in any case YAML 1.2's
    // core schema allows (false, False, FALSE) in lower case.
    std::string value;
    std::string line;  // the key's line as written, without its line ending
};

// The key, nullopt when the file does not hold it.
Status readYamlKey(std::string_view text, const std::string& key, std::optional<YamlKey>* out);

// *added: what this call added, for restoreYamlKey: "" (only the key line), "+eol" or "+crlf"
// (the line ending it gave the file's last line).
Status setYamlKey(std::string* text, const std::string& key, const std::string& value,
                  std::string* added);

// Gives the key back its prior line (`priorLine` from readYamlKey), or, with nullopt, removes the
// line setYamlKey added and the ending `added` names.
Status restoreYamlKey(std::string* text, const std::string& key,
                      const std::optional<std::string>& priorLine, const std::string& added);

}  // namespace mpa
