#include "app/command_templates.hpp"

#include <fstream>
#include <ostream>
#include <sstream>

#include "app/exit_codes.hpp"
#include "policy/tool_policies.hpp"
#include "templates/template_tree.hpp"

namespace mpa {
namespace {

int runTemplates(CommandEnv& env) {
    CommandArgs args(env.args, {}, {"out", "definitions"});
    if (!args.ok()) {
        env.err << "templates: " << args.error() << "\n";
        return exit_code::kUsage;
    }
    const auto out = args.option("out");
    if (out.empty() || !args.positional().empty()) {
        env.err << "templates: usage: " << templatesCommand().usage << "\n";
        return exit_code::kUsage;
    }
    // --definitions: generate from another definitions file (tests, or a fork's own policies);
    // by default the definitions embedded in this binary, the ones the agent enforces.
    PolicyCatalog loaded;
    const PolicyCatalog* catalog = env.context.catalog;
    if (const auto path = args.option("definitions"); !path.empty()) {
        std::ifstream in(path, std::ios::binary);
        if (!in) {
            env.err << "templates: cannot read definitions " << path << "\n";
            return exit_code::kError;
        }
        std::ostringstream text;
        text << in.rdbuf();
        try {
            // The tool policies are generated from the embedded telemetry catalog, as in
            // builtinCatalog().
            loaded = mergeToolPolicies(loadCatalog(text.str()), builtinTelemetryCatalog());
        } catch (const DefinitionError& e) {
            env.err << "templates: " << path << ": " << e.what() << "\n";
            return exit_code::kError;
        }
        catalog = &loaded;
    }
    std::vector<GeneratedFile> files;
    try {
        files = generateTemplateTree(*catalog);
    } catch (const DefinitionError& e) {
        env.err << "templates: " << e.what() << "\n";
        return exit_code::kError;
    } catch (const TelemetryCatalogError& e) {
        env.err << "templates: " << e.what() << "\n";
        return exit_code::kError;
    }
    if (const auto error = writeTemplateTree(files, out); !error.empty()) {
        env.err << "templates: " << error << "\n";
        return exit_code::kError;
    }
    for (const auto& file : files)
        env.out << out << "/" << file.path << " (" << file.content.size() << " bytes)\n";
    return exit_code::kCompliant;
}

}  // namespace

const CommandSpec& templatesCommand() {
    static const CommandSpec spec{
        "templates", "templates --out DIR [--definitions FILE]",
        "write the ADMX/ADML, macOS profile, example policy files, docs/policies.md and "
        "docs/telemetry-catalog.md",
        &runTemplates};
    return spec;
}

}  // namespace mpa
