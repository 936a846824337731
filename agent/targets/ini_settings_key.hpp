#pragma once
// One key of another tool's INI settings file (the Azure CLI's ~/.azure/config, [core]
// collect_telemetry), read and edited line by line: every other line, comment, blank line and
// line ending stays byte for byte, and taking back what the agent added gives the previous text
// back byte for byte. Pure: text in, text out.
//
// The dialect is Python's configparser (what the Azure CLI reads with): "key = value" or
// "key: value", keys compared without case, section names exactly, '#' and ';' start a comment
// line, an indented line continues the value above it. What configparser refuses (a section or a
// key given twice, a key before any section) is refused here too, naming the line.
#include <optional>
#include <string>
#include <string_view>

#include "util/status.hpp"

namespace mpa {

struct IniKey {
    std::string value;  // after the delimiter, surrounding blanks stripped (as configparser)
    std::string lines;  // the key's whole line(s) as written, without the last line ending
};

// The key in its section, nullopt when the section or the key is missing.
Status readIniKey(std::string_view text, const std::string& section, const std::string& key,
                  std::optional<IniKey>* out);

// *added: what this call added, for restoreIniKey: "" (only the key line), or "section" (the
// section too, "+blank": with a blank line before it), and "+eol" or "+crlf" (the line ending it
// gave the file's last line).
Status setIniKey(std::string* text, const std::string& section, const std::string& key,
                 const std::string& value, std::string* added);

// Gives the key back its prior line(s) (`priorLines` from readIniKey), or, with nullopt, removes
// it and what `added` says setIniKey added with it, while the section holds nothing else.
Status restoreIniKey(std::string* text, const std::string& section, const std::string& key,
                     const std::optional<std::string>& priorLines, const std::string& added);

}  // namespace mpa
