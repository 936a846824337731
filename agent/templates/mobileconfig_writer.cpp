#include "templates/mobileconfig_writer.hpp"

#include "templates/plist_xml.hpp"
#include "templates/stable_uuid.hpp"

namespace mpa {
namespace {}  // namespace

std::string profilePayloadIdentifier(const PolicyCatalog& catalog) {
    return catalog.macosDomain + ".profile";
}

std::string policyPayloadIdentifier(const PolicyCatalog& catalog) {
    return catalog.macosDomain + ".policy";
}

std::string writeMobileconfig(const PolicyCatalog& catalog) {
    PlistXmlWriter w;
    w.beginDict();
    w.key("PayloadContent");
    w.beginArray();
    w.beginDict();
    w.entry("PayloadDisplayName", catalog.product + " telemetry policy settings");
    w.entry("PayloadIdentifier", policyPayloadIdentifier(catalog));
    w.entry("PayloadType", catalog.macosDomain);
    w.entry("PayloadUUID", stableUuid(policyPayloadIdentifier(catalog)));
    w.entry("PayloadVersion", std::int64_t{1});
    for (const auto& def : catalog.policies) {
        w.key(def.name);
        w.value(def.example);
    }
    w.endDict();
    w.endArray();
    w.entry("PayloadDescription",
            "Example " + catalog.product + " telemetry policy for the " + catalog.product +
                " policy agent (managed preferences domain " + catalog.macosDomain +
                "). Edit the values, or remove the keys you do not want to enforce, before you "
                "deploy it. Generated from the agent's policy definitions.");
    w.entry("PayloadDisplayName", catalog.product + " telemetry policy");
    w.entry("PayloadIdentifier", profilePayloadIdentifier(catalog));
    w.entry("PayloadOrganization", catalog.vendor);
    w.entry("PayloadScope", "System");
    w.entry("PayloadType", "Configuration");
    w.entry("PayloadUUID", stableUuid(profilePayloadIdentifier(catalog)));
    w.entry("PayloadVersion", std::int64_t{1});
    w.endDict();
    return w.finish();
}

std::string writeProfileManifest(const PolicyCatalog& catalog) {
    PlistXmlWriter w;
    w.beginDict();
    w.entry("pfm_description", "Policies of the " + catalog.product + " telemetry policy agent.");
    w.entry("pfm_domain", catalog.macosDomain);
    w.entry("pfm_format_version", std::int64_t{1});
    w.key("pfm_platforms");
    w.beginArray();
    w.string("macOS");
    w.endArray();
    w.key("pfm_subkeys");
    w.beginArray();
    for (const auto& def : catalog.policies) {
        w.beginDict();
        w.key("pfm_default");
        w.value(def.defaultValue);
        w.entry("pfm_description", def.explanation);
        w.entry("pfm_name", def.name);
        if (def.type == PolicyType::Integer) {
            w.entry("pfm_range_max", def.max);
            w.entry("pfm_range_min", def.min);
        }
        if (def.type == PolicyType::Enum) {
            w.key("pfm_range_list");
            w.beginArray();
            for (const auto& item : def.items) w.string(item.name);
            w.endArray();
            w.key("pfm_range_list_titles");
            w.beginArray();
            for (const auto& item : def.items) w.string(item.caption);
            w.endArray();
        }
        w.entry("pfm_title", def.caption);
        w.entry("pfm_type", plistTypeName(def));
        w.endDict();
    }
    w.endArray();
    w.entry("pfm_title", catalog.product + " telemetry policy");
    w.entryBool("pfm_unique", true);
    w.entry("pfm_version", std::int64_t{1});
    w.endDict();
    return w.finish();
}

}  // namespace mpa
