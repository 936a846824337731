#include "targets/effective_environment.hpp"

#include <algorithm>
#include <cctype>
#include <map>

#include "util/text.hpp"

namespace mpa {
namespace {

std::string trimmed(const std::string& s) {
    std::size_t b = 0, e = s.size();
    while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
    while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
    return s.substr(b, e - b);
}

// Lines without their endings (LF or CRLF), numbered from 1.
std::vector<std::string> linesOf(const std::string& text) {
    std::vector<std::string> lines;
    std::size_t pos = 0;
    while (pos < text.size()) {
        std::size_t end = text.find('\n', pos);
        if (end == std::string::npos) end = text.size();
        std::string line = text.substr(pos, end - pos);
        if (!line.empty() && line.back() == '\r') line.pop_back();
        lines.push_back(std::move(line));
        pos = end + 1;
    }
    return lines;
}

std::string unquoted(const std::string& v) {
    if (v.size() >= 2 && (v.front() == '"' || v.front() == '\'') && v.back() == v.front())
        return v.substr(1, v.size() - 2);
    return v;
}

std::string origin(const EnvSourceFile& f, std::size_t index) {
    return f.path + ":" + std::to_string(index + 1);
}

bool startsWithWord(const std::string& line, const std::string& word) {
    return line.size() > word.size() && line.compare(0, word.size(), word) == 0 &&
           std::isspace(static_cast<unsigned char>(line[word.size()]));
}

// Splits on blanks outside quotes; quotes are kept (callers unquote what they need).
std::vector<std::string> words(const std::string& text) {
    std::vector<std::string> out;
    std::string current;
    char quote = 0;
    bool inWord = false;
    for (char c : text) {
        if (quote) {
            current += c;
            if (c == quote) quote = 0;
        } else if (std::isspace(static_cast<unsigned char>(c))) {
            if (inWord) out.push_back(current);
            current.clear();
            inWord = false;
        } else {
            if (c == '"' || c == '\'') quote = c;
            current += c;
            inWord = true;
        }
    }
    if (inWord) out.push_back(current);
    return out;
}

// Quotes removed wherever they appear in one word (`A="b c"` -> `A=b c`), as systemd does.
std::string dequoteWord(const std::string& w) {
    std::string out;
    char quote = 0;
    for (char c : w) {
        if (quote) {
            if (c == quote)
                quote = 0;
            else
                out += c;
        } else if (c == '"' || c == '\'') {
            quote = c;
        } else {
            out += c;
        }
    }
    return out;
}

// systemd's environment.d expansion: $NAME, ${NAME}, ${NAME:-default}, ${NAME:+alternative}.
std::string expand(const std::string& value, const std::map<std::string, std::string>& env) {
    std::string out;
    auto lookup = [&](const std::string& name) {
        const auto it = env.find(name);
        return it == env.end() ? std::string() : it->second;
    };
    for (std::size_t i = 0; i < value.size(); ++i) {
        if (value[i] == '\\' && i + 1 < value.size()) {
            out += value[++i];
            continue;
        }
        if (value[i] != '$' || i + 1 >= value.size()) {
            out += value[i];
            continue;
        }
        if (value[i + 1] == '{') {
            const auto close = value.find('}', i + 2);
            if (close == std::string::npos) {
                out += value.substr(i);
                break;
            }
            const std::string inner = value.substr(i + 2, close - i - 2);
            const auto colon = inner.find(':');
            const std::string name = inner.substr(0, colon);
            const std::string current = lookup(name);
            if (colon != std::string::npos && colon + 1 < inner.size()) {
                const std::string word = inner.substr(colon + 2);
                if (inner[colon + 1] == '-')
                    out += current.empty() ? word : current;
                else if (inner[colon + 1] == '+')
                    out += current.empty() ? std::string() : word;
            } else {
                out += current;
            }
            i = close;
            continue;
        }
        std::size_t j = i + 1;
        while (j < value.size() &&
               (std::isalnum(static_cast<unsigned char>(value[j])) || value[j] == '_'))
            ++j;
        if (j == i + 1) {
            out += '$';
            continue;
        }
        out += lookup(value.substr(i + 1, j - i - 1));
        i = j - 1;
    }
    return out;
}

// pam_env's env file (/etc/environment, /etc/default/locale): KEY=VALUE, `export ` allowed, a
// bare KEY unsets; the last line wins.
void applyPamEnvFile(const EnvSourceFile& f, const std::string& key, EffectiveValue* v) {
    const auto lines = linesOf(f.content);
    for (std::size_t i = 0; i < lines.size(); ++i) {
        std::string line = trimmed(lines[i]);
        if (line.empty() || line.front() == '#') continue;
        if (startsWithWord(line, "export")) line = trimmed(line.substr(6));
        const auto eq = line.find('=');
        const std::string name = eq == std::string::npos ? line : line.substr(0, eq);
        if (name != key) continue;
        if (eq == std::string::npos) {
            *v = {std::nullopt, origin(f, i), false};
        } else {
            *v = {unquoted(line.substr(eq + 1)), origin(f, i), false};
        }
    }
}

// pam_env.conf: `VAR [DEFAULT=[value]] [OVERRIDE=[value]]`; OVERRIDE when it is not empty, else
// DEFAULT, else the variable is removed. ${VAR} and @{ITEM} are expressions.
void applyPamEnvConf(const EnvSourceFile& f, const std::string& key, EffectiveValue* v) {
    const auto lines = linesOf(f.content);
    for (std::size_t i = 0; i < lines.size(); ++i) {
        const std::string line = trimmed(lines[i]);
        if (line.empty() || line.front() == '#') continue;
        const auto parts = words(line);
        if (parts.empty() || parts.front() != key) continue;
        std::string def, over;
        for (std::size_t p = 1; p < parts.size(); ++p) {
            if (startsWith(parts[p], "DEFAULT=")) def = unquoted(parts[p].substr(8));
            if (startsWith(parts[p], "OVERRIDE=")) over = unquoted(parts[p].substr(9));
        }
        const std::string chosen = !over.empty() ? over : def;
        if (chosen.empty()) {
            *v = {std::nullopt, origin(f, i), false};
        } else {
            const bool expression =
                chosen.find("${") != std::string::npos || chosen.find("@{") != std::string::npos;
            *v = {chosen, origin(f, i), expression};
        }
    }
}

}  // namespace

bool optsOutEverywhere(const EffectiveValue& v) {
    if (!v.value || v.computed || v.value->empty()) return false;
    std::string lower = *v.value;
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return lower != "0" && lower != "false";
}

EffectiveValue pamEnvValue(const PamEnvFiles& files, const std::string& key) {
    EffectiveValue v;
    if (files.environment) applyPamEnvFile(*files.environment, key, &v);
    if (files.conf) applyPamEnvConf(*files.conf, key, &v);
    if (files.locale) applyPamEnvFile(*files.locale, key, &v);
    return v;
}

EffectiveValue environmentDValue(const std::vector<EnvSourceFile>& files, const std::string& key) {
    EffectiveValue v;
    std::map<std::string, std::string> env;
    for (const auto& f : files) {
        const auto lines = linesOf(f.content);
        for (std::size_t i = 0; i < lines.size(); ++i) {
            const std::string line = trimmed(lines[i]);
            if (line.empty() || line.front() == '#' || line.front() == ';') continue;
            const auto eq = line.find('=');
            if (eq == std::string::npos) continue;
            const std::string name = trimmed(line.substr(0, eq));
            const std::string value = expand(unquoted(trimmed(line.substr(eq + 1))), env);
            env[name] = value;
            if (name == key) v = {value, origin(f, i), false};
        }
    }
    return v;
}

EffectiveValue systemdDefaultEnvironmentValue(const std::vector<EnvSourceFile>& files,
                                              const std::string& key) {
    EffectiveValue v;
    for (const auto& f : files) {
        const auto lines = linesOf(f.content);
        std::string section;
        for (std::size_t i = 0; i < lines.size(); ++i) {
            const std::string line = trimmed(lines[i]);
            if (line.empty() || line.front() == '#' || line.front() == ';') continue;
            if (line.front() == '[') {
                section = line;
                continue;
            }
            if (section != "[Manager]") continue;
            const auto eq = line.find('=');
            if (eq == std::string::npos || trimmed(line.substr(0, eq)) != "DefaultEnvironment")
                continue;
            const std::string list = trimmed(line.substr(eq + 1));
            if (list.empty()) {  // an empty assignment resets the list
                if (v.value) v = {std::nullopt, origin(f, i), false};
                continue;
            }
            for (const auto& word : words(list)) {
                const std::string assignment = dequoteWord(word);
                const auto weq = assignment.find('=');
                if (weq != std::string::npos && assignment.substr(0, weq) == key)
                    v = {assignment.substr(weq + 1), origin(f, i), false};
            }
        }
    }
    return v;
}

EffectiveValue profileDValue(const std::vector<EnvSourceFile>& scripts, const std::string& key) {
    EffectiveValue v;
    for (const auto& f : scripts) {
        const auto lines = linesOf(f.content);
        for (std::size_t i = 0; i < lines.size(); ++i) {
            const std::string line = trimmed(lines[i]);
            if (line.empty() || line.front() == '#') continue;
            // Every place the key is assigned or unset on the line, in order: `KEY=`, after a
            // start, a blank or a shell separator (`export KEY=0`, `[ -n "$CI" ] && KEY=0`).
            for (std::size_t at = line.find(key); at != std::string::npos;
                 at = line.find(key, at + 1)) {
                const bool wordStart =
                    at == 0 || std::string(" \t;&|(`").find(line[at - 1]) != std::string::npos;
                if (!wordStart) continue;
                const std::size_t after = at + key.size();
                if (after < line.size() && line[after] == '=') {
                    std::size_t end = after + 1;
                    char quote = 0;
                    while (end < line.size()) {
                        const char c = line[end];
                        if (quote) {
                            if (c == quote) quote = 0;
                        } else if (c == '"' || c == '\'') {
                            quote = c;
                        } else if (std::string(" \t;&|)`").find(c) != std::string::npos) {
                            break;
                        }
                        ++end;
                    }
                    const std::string value = dequoteWord(line.substr(after + 1, end - after - 1));
                    const bool expression = value.find('$') != std::string::npos ||
                                            value.find('`') != std::string::npos;
                    v = {value, origin(f, i), expression};
                } else if (line.rfind("unset ", at) != std::string::npos) {
                    const bool alone =
                        after == line.size() ||
                        std::string(" \t;&|)").find(line[after]) != std::string::npos;
                    if (alone) v = {std::nullopt, origin(f, i), false};
                }
            }
        }
    }
    return v;
}

std::vector<DropInEntry> systemdDropInOrder(const std::vector<std::vector<std::string>>& names,
                                            const std::string& suffix) {
    std::map<std::string, std::size_t> firstDir;
    for (std::size_t d = 0; d < names.size(); ++d)
        for (const auto& name : names[d])
            if (name.size() > suffix.size() &&
                name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0 &&
                name.front() != '.')
                firstDir.emplace(name, d);  // an earlier directory hides the same name
    std::vector<DropInEntry> order;
    order.reserve(firstDir.size());
    for (const auto& [name, dir] : firstDir) order.push_back({dir, name});  // map: name order
    return order;
}

bool mayRunAfter(const std::string& script, const std::string& ours) {
    if (script > ours) return true;
    auto lower = [](std::string s) {
        std::transform(s.begin(), s.end(), s.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        return s;
    };
    return lower(script) > lower(ours);
}

}  // namespace mpa
