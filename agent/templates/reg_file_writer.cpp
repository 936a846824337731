#include "templates/reg_file_writer.hpp"

#include <cstdio>
#include <variant>

#include "policy/policy_set.hpp"
#include "policy/registry_names.hpp"

namespace mpa {
namespace {

std::string dword(std::int64_t value) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "dword:%08llx",
                  static_cast<unsigned long long>(value) & 0xFFFFFFFFULL);
    return buf;
}

// .reg strings escape backslashes and double quotes.
std::string regString(const std::string& text) {
    std::string out = "\"";
    for (char c : text) {
        if (c == '\\' || c == '"') out += '\\';
        out += c;
    }
    return out + "\"";
}

std::string regData(const PolicyDefinition& def) {
    const auto& v = def.example;
    if (const auto* b = std::get_if<bool>(&v)) return dword(*b ? 1 : 0);
    if (const auto* i = std::get_if<std::int64_t>(&v)) return dword(*i);
    const auto& text = std::get<std::string>(v);
    if (def.type == PolicyType::Enum) {
        const auto* item = def.findItem(text);
        return dword(item ? item->value : 0);
    }
    return regString(text);
}

}  // namespace

std::string writeRegFile(const PolicyCatalog& catalog) {
    const std::string eol = "\r\n";
    std::string out = "Windows Registry Editor Version 5.00" + eol + eol;
    out += "; " + catalog.product + " telemetry policy: example values for lab machines." + eol;
    out +=
        "; Generated from policies/metalama.yaml; see docs/policies.md. In production, set" + eol;
    out += "; policy with Group Policy or Intune (admx/Metalama.admx) instead." + eol;
    out += "; Recommended (user-overridable) values go under the same names in" + eol;
    out += "; [HKEY_LOCAL_MACHINE\\" + registryKeyFor(catalog, PolicyLevel::Recommended) + "]." +
           eol + eol;
    out += "[HKEY_LOCAL_MACHINE\\" + registryKeyFor(catalog, PolicyLevel::Mandatory) + "]" + eol;
    for (const auto& def : catalog.policies)
        out += regString(registryValueName(def)) + "=" + regData(def) + eol;
    return out;
}

}  // namespace mpa
