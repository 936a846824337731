// gpo inspect FILE [--json]: what a Registry.pol holds, record by record, and what it means for
// Metalama (the policies it sets and the ones it sets wrongly), so an administrator can debug a
// GPO without a Windows machine. FILE is taken as given (not under --root): it is the file the
// administrator names. Exit codes: 0 the file reads cleanly and every Metalama value is valid;
// 3 it has errors or sets a Metalama policy wrongly; 1 it cannot be read; 2 bad command line.
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <filesystem>
#include <ostream>

#include "app/command.hpp"
#include "app/exit_codes.hpp"
#include "platform/safe_fs.hpp"
#include "policy/coercion.hpp"
#include "policy/registry_names.hpp"
#include "sources/gpo_file_source.hpp"

namespace mpa {
namespace {

// One Metalama value of the file, judged against the definitions.
struct Judged {
    RawPolicyValue raw;
    std::optional<PolicyValue> value;  // set when valid
    std::string error;
};

std::vector<Judged> judge(const PolicyCatalog& catalog, const SourceResult& result) {
    std::vector<Judged> out;
    for (const auto& raw : result.values) {
        Judged j{raw, std::nullopt, {}};
        const auto* def = catalog.find(raw.name);
        if (!def) {
            j.error = "unknown policy name";
        } else if (raw.from.level == PolicyLevel::Recommended && !def->recommendable) {
            j.error = "this policy has no recommended form; set it under " +
                      registryKeyFor(catalog, PolicyLevel::Mandatory);
        } else {
            auto coerced = coercePolicyValue(*def, raw.value);
            j.value = std::move(coerced.value);
            j.error = std::move(coerced.error);
        }
        out.push_back(std::move(j));
    }
    return out;
}

Poco::JSON::Object::Ptr recordToJson(const PregRecord& r) {
    Poco::JSON::Object::Ptr o = new Poco::JSON::Object;
    o->set("offset", r.offset);
    o->set("key", r.key);
    o->set("value", r.valueName);
    o->set("type", registryTypeName(r.data.type));
    o->set("size", r.data.bytes.size());
    if (!r.data.decoded || r.data.type == kRegBinary || r.data.type == kRegNone ||
        (!r.data.isString() && !r.data.isInteger() && r.data.type != kRegMultiSz &&
         r.data.type != kRegLink)) {
        o->set("data", r.data.describe());
    } else if (r.data.isInteger()) {
        o->set("data", static_cast<Poco::UInt64>(r.data.number));
    } else if (r.data.type == kRegMultiSz) {
        Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
        for (const auto& s : r.data.strings) list->add(s);
        o->set("data", list);
    } else {
        o->set("data", r.data.text);
    }
    if (r.command != PregCommand::None) o->set("command", std::string(toString(r.command)));
    if (!r.commandArgument.empty()) o->set("commandArgument", r.commandArgument);
    return o;
}

void printText(std::ostream& out, const std::string& path, std::size_t size, const PregFile& file,
               const SourceResult& result, const std::vector<Judged>& judged) {
    out << "Registry.pol: " << path << " (" << size << " bytes)\n";
    out << "Records (" << file.records.size() << "):\n";
    for (const auto& r : file.records) {
        out << "  @" << r.offset << "  [" << r.key << "] "
            << (r.valueName.empty() ? "(default)" : r.valueName) << "  "
            << registryTypeName(r.data.type) << "  " << r.data.describe();
        if (r.command != PregCommand::None) {
            out << "  <" << toString(r.command);
            if (!r.commandArgument.empty()) out << " " << r.commandArgument;
            out << ">";
        }
        out << "\n";
    }
    if (!file.errors.empty()) {
        out << "Errors (" << file.errors.size() << "):\n";
        for (const auto& e : file.errors) out << "  " << e.describe() << "\n";
    }
    out << "Metalama policies it sets (after its delete commands):\n";
    bool any = false;
    for (const auto& j : judged) {
        if (!j.value) continue;
        any = true;
        out << "  " << j.raw.name << " = " << describeValue(*j.value) << " ("
            << toString(j.raw.from.level) << ")\n";
    }
    if (!any) out << "  (none)\n";
    bool wrong = false;
    for (const auto& j : judged) {
        if (j.value) continue;
        if (!wrong) out << "Metalama values it sets wrongly (the agent ignores them):\n";
        wrong = true;
        out << "  " << j.raw.name << " (" << toString(j.raw.from.level) << "): " << j.error << "\n";
    }
    for (const auto& issue : result.issues)
        if (issue.blocksSource)
            out << "The agent would not use this file as a whole: " << issue.message << "\n";
}

int inspect(CommandEnv& env, const std::string& given, bool json) {
    std::error_code ec;
    const auto path = std::filesystem::absolute(given, ec).lexically_normal().string();
    const auto read = platform::readFileNoFollow(ec ? given : path, kMaxFileBytes);
    if (!read.status || read.missing) {
        env.err << "gpo inspect: " << (read.missing ? given + ": no such file" : read.status.error)
                << "\n";
        return exit_code::kError;
    }
    const auto file = parseRegistryPol(read.data);
    SourceResult result;
    collectMetalamaValues(*env.context.catalog, file, path, 0, result);
    const auto judged = judge(*env.context.catalog, result);
    bool wrong = false;
    for (const auto& j : judged) wrong = wrong || !j.value;
    const int code = !file.headerValid                 ? exit_code::kError
                     : (file.errors.empty() && !wrong) ? exit_code::kCompliant
                                                       : exit_code::kNonCompliant;
    if (!json) {
        printText(env.out, path, read.data.size(), file, result, judged);
        return code;
    }
    Poco::JSON::Object root;
    root.set("file", path);
    root.set("size", read.data.size());
    root.set("headerValid", file.headerValid);
    root.set("complete", file.complete());
    Poco::JSON::Array records, errors, policies, wrongValues;
    for (const auto& r : file.records) records.add(recordToJson(r));
    for (const auto& e : file.errors) {
        Poco::JSON::Object::Ptr o = new Poco::JSON::Object;
        o->set("offset", e.offset);
        o->set("message", e.message);
        errors.add(o);
    }
    for (const auto& j : judged) {
        Poco::JSON::Object::Ptr o = new Poco::JSON::Object;
        o->set("policy", j.raw.name);
        o->set("level", std::string(toString(j.raw.from.level)));
        if (j.value) {
            std::visit([&](const auto& v) { o->set("value", v); }, *j.value);
            policies.add(o);
        } else {
            o->set("raw", j.raw.value.describe());
            o->set("error", j.error);
            wrongValues.add(o);
        }
    }
    root.set("records", records);
    root.set("errors", errors);
    root.set("policies", policies);
    root.set("invalid", wrongValues);
    root.stringify(env.out, 2);
    env.out << "\n";
    return code;
}

}  // namespace

int runGpo(CommandEnv& env) {
    CommandArgs args(env.args, {"json"}, {});
    const auto& pos = args.positional();
    if (!args.ok() || pos.size() != 2 || pos[0] != "inspect") {
        env.err << "gpo: " << (args.ok() ? "usage: gpo inspect FILE [--json]" : args.error())
                << "\n";
        return exit_code::kUsage;
    }
    return inspect(env, pos[1], args.flag("json"));
}

}  // namespace mpa
