#include "templates/adml_writer.hpp"

#include <sstream>

#include "templates/admx_layout.hpp"
#include "templates/admx_writer.hpp"
#include "templates/xml_text.hpp"

namespace mpa {
namespace {

void writePresentation(std::ostream& out, const PolicyDefinition& def) {
    const auto id = admxElementId(def);
    const auto label = xmlEscape(admxPresentationLabel(def));
    out << "      <presentation id=\"" << id << "\">\n";
    switch (def.type) {
        case PolicyType::Integer: {
            const auto fallback = std::get_if<std::int64_t>(&def.defaultValue);
            out << "        <decimalTextBox refId=\"" << id << "\" defaultValue=\""
                << (fallback ? *fallback : def.min) << "\">" << label << "</decimalTextBox>\n";
            break;
        }
        case PolicyType::String:
            out << "        <textBox refId=\"" << id << "\">\n"
                << "          <label>" << label << "</label>\n"
                << "        </textBox>\n";
            break;
        case PolicyType::Enum: {
            std::size_t defaultIndex = 0;
            if (const auto* name = std::get_if<std::string>(&def.defaultValue))
                for (std::size_t i = 0; i < def.items.size(); ++i)
                    if (def.items[i].name == *name) defaultIndex = i;
            out << "        <dropdownList refId=\"" << id << "\" noSort=\"true\" defaultItem=\""
                << defaultIndex << "\">" << label << "</dropdownList>\n";
            break;
        }
        case PolicyType::Boolean:
            break;
    }
    out << "      </presentation>\n";
}

}  // namespace

std::string writeAdml(const PolicyCatalog& catalog) {
    const auto layout = buildAdmxLayout(catalog);
    std::ostringstream out;
    out << "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
        << "<!-- Generated from policies/metalama.yaml by metalama-policy-agent templates. "
           "Do not edit. -->\n"
        << "<policyDefinitionResources xmlns=\"" << kAdmxNamespaceUri << "\" revision=\""
        << xmlEscape(catalog.admxRevision) << "\" schemaVersion=\"1.0\">\n"
        << "  <displayName>" << xmlEscape(layout.displayName) << "</displayName>\n"
        << "  <description>" << xmlEscape(layout.description) << "</description>\n"
        << "  <resources>\n"
        << "    <stringTable>\n";
    for (const auto& s : layout.strings)
        out << "      <string id=\"" << s.id << "\">" << xmlEscape(s.text) << "</string>\n";
    out << "    </stringTable>\n";
    bool any = false;
    for (const auto& policy : layout.policies) {
        if (policy.presentation.empty() || policy.level != PolicyLevel::Mandatory) continue;
        if (!any) out << "    <presentationTable>\n";
        any = true;
        writePresentation(out, *policy.definition);
    }
    if (any) out << "    </presentationTable>\n";
    out << "  </resources>\n"
        << "</policyDefinitionResources>\n";
    return out.str();
}

}  // namespace mpa
