#include "store/pass_report_json.hpp"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <sstream>

#include "store/policy_record_json.hpp"

namespace mpa {
namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;

Object::Ptr provenanceToJson(const Provenance& from) {
    Object::Ptr o = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
    o->set("source", from.source);
    o->set("origin", from.origin);
    o->set("level", std::string(toString(from.level)));
    o->set("precedence", static_cast<int>(from.precedence));
    o->set("order", from.order);
    return o;
}

Status provenanceFromJson(const Object::Ptr& o, Provenance* from) {
    from->source = o->getValue<std::string>("source");
    from->origin = o->getValue<std::string>("origin");
    if (!policyLevelFromString(o->getValue<std::string>("level"), &from->level))
        return Status::failure("unknown level " + o->getValue<std::string>("level"));
    from->precedence = sourcePrecedenceFromInt(o->getValue<Poco::Int64>("precedence"));
    from->order = o->getValue<int>("order");
    return Status::success();
}

Array::Ptr stringsToJson(const std::vector<std::string>& list) {
    Array::Ptr a = new Array;
    for (const auto& s : list) a->add(s);
    return a;
}

std::vector<std::string> stringsFromJson(const Array::Ptr& a) {
    std::vector<std::string> out;
    if (a)
        for (std::size_t i = 0; i < a->size(); ++i)
            out.push_back(a->getElement<std::string>(static_cast<unsigned>(i)));
    return out;
}

RunMode runModeFromString(const std::string& text) {
    if (text == toString(RunMode::AuditOnly)) return RunMode::AuditOnly;
    if (text == toString(RunMode::DryRun)) return RunMode::DryRun;
    return RunMode::Enforce;
}

}  // namespace

std::string passReportToJson(const PassReport& report) {
    Object root(Poco::JSON_PRESERVE_KEY_ORDER);
    root.set("started_at", report.startedAt);
    root.set("finished_at", report.finishedAt);
    root.set("trigger", report.trigger);
    root.set("mode", std::string(toString(report.mode)));
    root.set("verdict", std::string(toString(report.verdict)));
    root.set("notes", stringsToJson(report.notes));
    Array::Ptr values = new Array;
    for (const auto& [name, effective] : report.policy.values) {
        Object::Ptr v = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
        v->set("name", name);
        v->set("value", policyValueToJson(effective.value));
        v->set("from", provenanceToJson(effective.from));
        v->set("overridden", overriddenValuesToJson(effective.overridden));
        v->set("kept", effective.keptFromLastKnownGood);
        v->set("kept_because", effective.keptBecause);
        values->add(v);
    }
    root.set("policy", values);
    Array::Ptr issues = new Array;
    for (const auto& issue : report.policy.issues) {
        Object::Ptr i = new Object(Poco::JSON_PRESERVE_KEY_ORDER);
        i->set("origin", issue.origin);
        i->set("policy", issue.policy);
        i->set("message", issue.message);
        i->set("blocks", issue.blocksSource);
        i->set("level", std::string(toString(issue.level)));
        i->set("precedence", static_cast<int>(issue.precedence));
        issues->add(i);
    }
    root.set("issues", issues);
    root.set("informational", stringsToJson(report.policy.informational));
    Array::Ptr findings = new Array;
    for (const auto& f : report.findings) {
        Array::Ptr row = new Array;
        for (const auto* field : {&f.target, &f.subject, &f.user, &f.desired, &f.observed})
            row->add(*field);
        row->add(std::string(toString(f.outcome)));
        row->add(f.reason);
        row->add(f.diff);
        row->add(f.tool);
        findings->add(row);
    }
    root.set("findings", findings);
    std::ostringstream out;
    root.stringify(out);
    return out.str();
}

Status passReportFromJson(const std::string& json, const PolicyCatalog& catalog, PassReport* out) {
    try {
        const auto root = Poco::JSON::Parser().parse(json).extract<Object::Ptr>();
        PassReport report;
        report.startedAt = root->getValue<std::string>("started_at");
        report.finishedAt = root->getValue<std::string>("finished_at");
        report.trigger = root->getValue<std::string>("trigger");
        report.mode = runModeFromString(root->getValue<std::string>("mode"));
        if (!verdictFromString(root->getValue<std::string>("verdict"), &report.verdict))
            return Status::failure("unknown verdict " + root->getValue<std::string>("verdict"));
        report.notes = stringsFromJson(root->getArray("notes"));
        const auto values = root->getArray("policy");
        for (std::size_t i = 0; values && i < values->size(); ++i) {
            const auto v = values->getObject(static_cast<unsigned>(i));
            const auto name = v->getValue<std::string>("name");
            const auto* definition = catalog.find(name);
            EffectivePolicy effective;
            Status read = policyValueFromJson(v->getValue<std::string>("value"), definition,
                                              &effective.value);
            if (read) read = provenanceFromJson(v->getObject("from"), &effective.from);
            if (read)
                read = overriddenValuesFromJson(v->getValue<std::string>("overridden"), definition,
                                                &effective.overridden);
            if (!read) return read;
            effective.keptFromLastKnownGood = v->getValue<bool>("kept");
            effective.keptBecause = v->getValue<std::string>("kept_because");
            report.policy.values.emplace(name, std::move(effective));
        }
        const auto issues = root->getArray("issues");
        for (std::size_t i = 0; issues && i < issues->size(); ++i) {
            const auto o = issues->getObject(static_cast<unsigned>(i));
            PolicyIssue issue;
            issue.origin = o->getValue<std::string>("origin");
            issue.policy = o->getValue<std::string>("policy");
            issue.message = o->getValue<std::string>("message");
            issue.blocksSource = o->getValue<bool>("blocks");
            policyLevelFromString(o->getValue<std::string>("level"), &issue.level);
            issue.precedence = sourcePrecedenceFromInt(o->getValue<Poco::Int64>("precedence"));
            report.policy.issues.push_back(std::move(issue));
        }
        report.policy.informational = stringsFromJson(root->getArray("informational"));
        const auto findings = root->getArray("findings");
        for (std::size_t i = 0; findings && i < findings->size(); ++i) {
            const auto row = findings->getArray(static_cast<unsigned>(i));
            // 8 fields: queued by an agent before per-tool findings (the tool is Metalama).
            if (!row || (row->size() != 8 && row->size() != 9))
                return Status::failure("finding " + std::to_string(i + 1) +
                                       " is not 8 or 9 fields");
            const auto field = [&](unsigned n) { return row->getElement<std::string>(n); };
            auto f = Finding::about(field(0), field(1), field(2), field(3)).withObserved(field(4));
            if (!outcomeFromString(field(5), &f.outcome))
                return Status::failure("unknown outcome " + field(5));
            f.reason = field(6);
            f.diff = field(7);
            if (row->size() == 9) f.tool = field(8);
            report.findings.push_back(std::move(f));
        }
        report.desired = decideDesiredState(report.policy, catalog);
        *out = std::move(report);
        return Status::success();
    } catch (const Poco::Exception& e) {
        return Status::failure("not a queued pass: " + e.displayText());
    } catch (const std::exception& e) {
        return Status::failure(std::string("not a queued pass: ") + e.what());
    }
}

}  // namespace mpa
