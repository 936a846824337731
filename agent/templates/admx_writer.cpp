#include "templates/admx_writer.hpp"

#include <sstream>

#include "policy/registry_names.hpp"
#include "templates/admx_layout.hpp"
#include "templates/xml_text.hpp"

namespace mpa {
namespace {

std::string stringRef(const std::string& id) {
    return "$(string." + id + ")";
}

void writeElements(std::ostream& out, const PolicyDefinition& def, const std::string& key) {
    const auto id = xmlEscape(admxElementId(def));
    const auto value = xmlEscape(registryValueName(def));
    out << "      <elements>\n";
    switch (def.type) {
        case PolicyType::Integer:
            out << "        <decimal id=\"" << id << "\" key=\"" << key << "\" valueName=\""
                << value << "\" required=\"true\" minValue=\"" << def.min << "\" maxValue=\""
                << def.max << "\"/>\n";
            break;
        case PolicyType::String:
            out << "        <text id=\"" << id << "\" key=\"" << key << "\" valueName=\"" << value
                << "\" required=\"true\" maxLength=\"" << def.maxLength << "\"/>\n";
            break;
        case PolicyType::Enum:
            out << "        <enum id=\"" << id << "\" key=\"" << key << "\" valueName=\"" << value
                << "\" required=\"true\">\n";
            for (const auto& item : def.items) {
                out << "          <item displayName=\""
                    << stringRef(admxEnumItemStringId(def, item)) << "\">\n"
                    << "            <value>\n"
                    << "              <decimal value=\"" << item.value << "\"/>\n"
                    << "            </value>\n"
                    << "          </item>\n";
            }
            out << "        </enum>\n";
            break;
        case PolicyType::Boolean:
            break;
    }
    out << "      </elements>\n";
}

void writePolicy(std::ostream& out, const PolicyCatalog& catalog, const AdmxLayout& layout,
                 const AdmxPolicy& policy) {
    const auto& def = *policy.definition;
    const auto key = xmlEscape(registryKeyFor(catalog, policy.level));
    out << "    <policy name=\"" << policy.id << "\" class=\"Machine\" displayName=\""
        << stringRef(policy.displayName) << "\" explainText=\"" << stringRef(policy.explainText)
        << "\"";
    if (!policy.presentation.empty())
        out << " presentation=\"$(presentation." << policy.presentation << ")\"";
    out << " key=\"" << key << "\"";
    if (def.type == PolicyType::Boolean)
        out << " valueName=\"" << xmlEscape(registryValueName(def)) << "\"";
    out << ">\n"
        << "      <parentCategory ref=\"" << policy.category << "\"/>\n";
    // supportedOn references our own definition: no `using` of Microsoft's namespaces, so
    // Intune can ingest this file on its own.
    out << "      <supportedOn ref=\"" << layout.supportedOn << "\"/>\n";
    if (def.type == PolicyType::Boolean) {
        out << "      <enabledValue>\n        <decimal value=\"1\"/>\n      </enabledValue>\n"
            << "      <disabledValue>\n        <decimal value=\"0\"/>\n      </disabledValue>\n";
    } else {
        writeElements(out, def, key);
    }
    out << "    </policy>\n";
}

}  // namespace

std::string writeAdmx(const PolicyCatalog& catalog) {
    const auto layout = buildAdmxLayout(catalog);
    std::ostringstream out;
    out << "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
        << "<!-- Generated from policies/metalama.yaml by metalama-policy-agent templates. "
           "Do not edit. -->\n"
        << "<policyDefinitions xmlns=\"" << kAdmxNamespaceUri << "\" revision=\""
        << xmlEscape(catalog.admxRevision) << "\" schemaVersion=\"1.0\">\n"
        << "  <policyNamespaces>\n"
        << "    <target prefix=\"" << layout.prefix << "\" namespace=\""
        << xmlEscape(catalog.admxNamespace) << "\"/>\n"
        << "  </policyNamespaces>\n"
        << "  <resources minRequiredRevision=\"" << xmlEscape(catalog.admxRevision) << "\"/>\n"
        << "  <supportedOn>\n"
        << "    <definitions>\n"
        << "      <definition name=\"" << layout.supportedOn << "\" displayName=\""
        << stringRef(layout.supportedOn) << "\"/>\n"
        << "    </definitions>\n"
        << "  </supportedOn>\n"
        << "  <categories>\n";
    for (const auto& category : layout.categories) {
        out << "    <category name=\"" << category.id << "\" displayName=\""
            << stringRef(category.id) << "\"";
        if (category.parent.empty()) {
            out << "/>\n";
        } else {
            out << ">\n      <parentCategory ref=\"" << category.parent
                << "\"/>\n    </category>\n";
        }
    }
    out << "  </categories>\n"
        << "  <policies>\n";
    for (const auto& policy : layout.policies) writePolicy(out, catalog, layout, policy);
    out << "  </policies>\n"
        << "</policyDefinitions>\n";
    return out.str();
}

}  // namespace mpa
