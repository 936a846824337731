#include "templates/template_tree.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "policy/policy_set.hpp"
#include "templates/adml_writer.hpp"
#include "templates/admx_writer.hpp"
#include "templates/linux_examples_writer.hpp"
#include "templates/mobileconfig_writer.hpp"
#include "templates/policies_doc_writer.hpp"
#include "templates/reg_file_writer.hpp"
#include "templates/telemetry_catalog_doc_writer.hpp"

namespace mpa {

std::vector<GeneratedFile> generateTemplateTree(const PolicyCatalog& catalog,
                                                const TelemetryCatalog& tools) {
    const auto& m = PolicyLevel::Mandatory;
    const auto& r = PolicyLevel::Recommended;
    const auto domain = catalog.macosDomain;
    return {
        {"admx/Metalama.admx", writeAdmx(catalog)},
        {"admx/en-US/Metalama.adml", writeAdml(catalog)},
        {"installer/macos/" + domain + ".mobileconfig", writeMobileconfig(catalog)},
        {"installer/macos/" + domain + ".manifest.plist", writeProfileManifest(catalog)},
        {"policies/examples/managed/metalama.json", writeLinuxExampleJson(catalog, m)},
        {"policies/examples/managed/metalama.yaml", writeLinuxExampleYaml(catalog, m)},
        {"policies/examples/recommended/metalama.json", writeLinuxExampleJson(catalog, r)},
        {"policies/examples/metalama-policy.reg", writeRegFile(catalog)},
        {"docs/policies.md", writePoliciesDoc(catalog)},
        {kTelemetryCatalogDocPath, writeTelemetryCatalogDoc(tools)},
    };
}

std::vector<GeneratedFile> generateTemplateTree(const PolicyCatalog& catalog) {
    // A catalog with the tool policies merged documents its own tools; the product's definitions
    // alone (loadCatalog) are documented with the tools embedded in this binary.
    return generateTemplateTree(
        catalog, catalog.tools.tools.empty() ? builtinTelemetryCatalog() : catalog.tools);
}

std::string writeTemplateTree(const std::vector<GeneratedFile>& files,
                              const std::string& directory) {
    namespace fs = std::filesystem;
    for (const auto& file : files) {
        const fs::path target = fs::path(directory) / fs::path(file.path);
        std::error_code ec;
        fs::create_directories(target.parent_path(), ec);
        if (ec) return "cannot create " + target.parent_path().string() + ": " + ec.message();
        const fs::path temporary = target.string() + ".tmp";
        {
            std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
            out.write(file.content.data(), static_cast<std::streamsize>(file.content.size()));
            out.close();
            if (!out) return "cannot write " + temporary.string() + ": " + std::strerror(errno);
        }
        fs::rename(temporary, target, ec);
        if (ec) return "cannot replace " + target.string() + ": " + ec.message();
    }
    return {};
}

}  // namespace mpa
