#include "app/report_printer.hpp"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <array>
#include <map>
#include <string_view>

#include "app/exit_codes.hpp"
#include "model/target_names.hpp"
#include "model/tool_compliance.hpp"

namespace mpa {

namespace {

std::string describeProvenance(const Provenance& from) {
    return std::string(toString(from.level)) + ", " + from.source + " " + from.origin;
}

Poco::Dynamic::Var valueToJson(const PolicyValue& value) {
    if (auto b = std::get_if<bool>(&value)) return *b;
    if (auto i = std::get_if<std::int64_t>(&value)) return static_cast<Poco::Int64>(*i);
    return std::get<std::string>(value);
}

Poco::SharedPtr<Poco::JSON::Object> provenanceToJson(const Provenance& from) {
    Poco::SharedPtr<Poco::JSON::Object> o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    o->set("source", from.source);
    o->set("origin", from.origin);
    o->set("level", std::string(toString(from.level)));
    return o;
}

bool needsAttention(Outcome outcome) {
    return outcome != Outcome::Compliant && outcome != Outcome::NotApplicable;
}

}  // namespace

void printPolicy(std::ostream& out, const PolicySet& policy) {
    out << "Effective policy\n";
    if (policy.empty()) out << "  (none: no policy is configured)\n";
    for (const auto& [name, effective] : policy.values) {
        out << "  " << name << " = " << describeValue(effective.value) << "  ("
            << describeProvenance(effective.from) << ")\n";
        if (effective.keptFromLastKnownGood)
            out << "      kept from the last known good policy because: " << effective.keptBecause
                << "\n";
        for (const auto& o : effective.overridden)
            out << "      " << (o.superseded ? "supersedes " : "overrides ")
                << describeValue(o.value) << "  (" << describeProvenance(o.from) << ")\n";
    }
    if (!policy.issues.empty()) {
        out << "Policy errors\n";
        for (const auto& issue : policy.issues) out << "  " << issue.describe() << "\n";
    }
    for (const auto& info : policy.informational) out << "  note: " << info << "\n";
}

namespace {

constexpr std::size_t kOutcomes = static_cast<std::size_t>(Outcome::Failed) + 1;

// Everything the text report counts, from one reading of the findings: a pass over many
// profiles holds them encoded, and every reading decodes each one.
struct FindingCounts {
    std::map<std::string, std::array<int, kOutcomes>> byTarget;
    int licenseProfiles = 0;
    int licenseRegistered = 0;
    int notCompliant = 0;   // not a compliant outcome: what the verdict counts
    int needAttention = 0;  // what is listed without --all
    ToolTally tools;
};

FindingCounts countFindings(const FindingLog& findings) {
    FindingCounts c;
    std::array<int, kOutcomes>* target = nullptr;
    std::string_view targetName;
    for (const auto& f : findings) {
        // Findings come grouped by target: one look-up per group, not per finding.
        if (!target || targetName != f.target) {
            auto [it, added] = c.byTarget.try_emplace(f.target);
            if (added) it->second.fill(0);
            target = &it->second;
            targetName = it->first;
        }
        ++(*target)[static_cast<std::size_t>(f.outcome)];
        if (f.target == target_name::kLicenseAudit) {
            ++c.licenseProfiles;
            if (f.observed == kLicenseKeyRegistered) ++c.licenseRegistered;
        }
        if (!isCompliantOutcome(f.outcome)) ++c.notCompliant;
        if (needsAttention(f.outcome)) ++c.needAttention;
        c.tools.add(f);
    }
    return c;
}

void printCounts(std::ostream& out, const FindingCounts& counts) {
    out << "Targets\n";
    for (const auto& [target, byOutcome] : counts.byTarget) {
        // Outcomes by name, as they always were listed.
        std::map<std::string_view, int> named;
        for (std::size_t i = 0; i < kOutcomes; ++i)
            if (byOutcome[i] > 0) named.emplace(toString(static_cast<Outcome>(i)), byOutcome[i]);
        out << "  " << target << ":";
        for (const auto& [outcome, n] : named) out << " " << n << " " << outcome << ";";
        out << "\n";
    }
}

void printDetails(std::ostream& out, const FindingLog& findings, const FindingCounts& counts,
                  const PrintOptions& options) {
    if (!options.listCompliant && counts.needAttention == 0) return;
    for (const auto& f : findings) {
        if (!options.listCompliant && !needsAttention(f.outcome)) continue;
        out << "  [" << toString(f.outcome) << "] " << f.target << " " << f.subject;
        if (!f.user.empty() && f.subject.find(f.user) == std::string::npos)
            out << (f.user.front() == '(' ? " " + f.user : " (" + f.user + ")");
        out << "\n";
        if (!f.observed.empty()) out << "      observed: " << f.observed << "\n";
        if (!f.desired.empty()) out << "      desired:  " << f.desired << "\n";
        if (!f.reason.empty()) out << "      " << f.reason << "\n";
        if (options.showDiffs && !f.diff.empty()) {
            std::size_t start = 0;
            while (start < f.diff.size()) {
                const auto end = f.diff.find('\n', start);
                out << "        " << f.diff.substr(start, end - start) << "\n";
                if (end == std::string::npos) break;
                start = end + 1;
            }
        }
    }
}

// Administrators ask about the license audit first: say plainly how many profiles it applies to.
void printLicenseAudit(std::ostream& out, const FindingCounts& counts) {
    if (counts.licenseProfiles == 0) return;
    out << "License audit: applies to " << counts.licenseRegistered << " of "
        << counts.licenseProfiles
        << " Metalama profile(s) (a registered license key). The telemetry opt-out does not stop "
           "it and no policy can; only a license key issued with an audit waiver does.\n";
}

// Compliance per tool (model/tool_compliance.hpp): the machine is compliant when every tool the
// policy names is, so each one is listed with the policy that names it.
void printTools(std::ostream& out, ToolTally&& tally, const DesiredState& desired) {
    const auto tools = std::move(tally).result(desired);
    if (tools.empty()) return;
    out << "Tools\n";
    for (const auto& t : tools) {
        out << "  " << t.tool << ": " << toString(t.verdict) << ", " << t.compliant << " of "
            << t.findings << " finding(s) compliant";
        if (!t.policy.empty()) out << " (policy " << t.policy << ")";
        if (!t.reason.empty()) out << "; " << t.reason;
        out << "\n";
    }
}

void printVerdict(std::ostream& out, Verdict verdict, const FindingCounts& counts) {
    out << "Verdict: " << toString(verdict);
    if (verdict == Verdict::NonCompliant)
        out << " (" << counts.notCompliant << " finding(s) need attention)";
    out << "\n";
}

}  // namespace

void printFindings(std::ostream& out, const FindingLog& findings, const PrintOptions& options) {
    const auto counts = countFindings(findings);
    printCounts(out, counts);
    printDetails(out, findings, counts, options);
}

namespace {

Poco::SharedPtr<Poco::JSON::Object> policyToJson(const PolicySet& policy) {
    Poco::SharedPtr<Poco::JSON::Object> o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    Poco::SharedPtr<Poco::JSON::Object> values =
        new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    for (const auto& [name, effective] : policy.values) {
        Poco::SharedPtr<Poco::JSON::Object> v =
            new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
        v->set("value", valueToJson(effective.value));
        v->set("from", provenanceToJson(effective.from));
        v->set("keptFromLastKnownGood", effective.keptFromLastKnownGood);
        if (effective.keptFromLastKnownGood) v->set("keptBecause", effective.keptBecause);
        if (!effective.removedAt.empty()) v->set("removedAt", effective.removedAt);
        Poco::JSON::Array::Ptr overridden = new Poco::JSON::Array;
        for (const auto& loser : effective.overridden) {
            Poco::SharedPtr<Poco::JSON::Object> l =
                new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
            l->set("value", valueToJson(loser.value));
            l->set("from", provenanceToJson(loser.from));
            l->set("relation", loser.superseded ? "superseded" : "overridden");
            overridden->add(l);
        }
        v->set("overridden", overridden);
        values->set(name, v);
    }
    o->set("values", values);
    Poco::JSON::Array::Ptr issues = new Poco::JSON::Array;
    for (const auto& issue : policy.issues) {
        Poco::SharedPtr<Poco::JSON::Object> i =
            new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
        i->set("origin", issue.origin);
        i->set("policy", issue.policy);
        i->set("message", issue.message);
        i->set("blocksSource", issue.blocksSource);
        issues->add(i);
    }
    o->set("errors", issues);
    Poco::JSON::Array::Ptr info = new Poco::JSON::Array;
    for (const auto& note : policy.informational) info->add(note);
    o->set("informational", info);
    return o;
}

// What the policy asks of the machine-environment and per-user settings-file targets, so an
// administrator (and a test) sees every variable and key a tool policy adds, with its tool.
Poco::SharedPtr<Poco::JSON::Object> desiredToJson(const DesiredState& desired) {
    Poco::SharedPtr<Poco::JSON::Object> o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    Poco::JSON::Array::Ptr environment = new Poco::JSON::Array;
    for (const auto& e : desired.environment) {
        Poco::SharedPtr<Poco::JSON::Object> v =
            new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
        v->set("name", e.name);
        v->set("value", e.value);
        v->set("tool", e.tool);
        v->set("policy", e.policy);
        environment->add(v);
    }
    o->set("environment", environment);
    Poco::JSON::Array::Ptr files = new Poco::JSON::Array;
    for (const auto& u : desired.userFiles) {
        Poco::SharedPtr<Poco::JSON::Object> f =
            new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
        f->set("tool", u.tool);
        f->set("policy", u.policy);
        f->set("linux", u.file.linuxPath);
        f->set("macos", u.file.macosPath);
        f->set("windows", u.file.windowsPath);
        f->set("format", std::string(toString(u.file.format)));
        if (!u.file.section.empty()) f->set("section", u.file.section);
        f->set("key", u.file.key);
        f->set("value", u.file.value);
        f->set("force", u.force);
        files->add(f);
    }
    o->set("userFiles", files);
    return o;
}

Poco::SharedPtr<Poco::JSON::Object> findingToJson(const Finding& f) {
    Poco::SharedPtr<Poco::JSON::Object> o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    o->set("target", f.target);
    o->set("subject", f.subject);
    o->set("user", f.user);
    o->set("desired", f.desired);
    o->set("observed", f.observed);
    o->set("outcome", std::string(toString(f.outcome)));
    o->set("reason", f.reason);
    if (!f.diff.empty()) o->set("diff", f.diff);
    o->set("tool", std::string(toolOf(f)));
    return o;
}

Poco::JSON::Array::Ptr toolsToJson(const PassReport& report) {
    Poco::JSON::Array::Ptr tools = new Poco::JSON::Array;
    for (const auto& t : complianceByTool(report.desired, report.findings)) {
        Poco::SharedPtr<Poco::JSON::Object> o =
            new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
        o->set("tool", t.tool);
        o->set("policy", t.policy);
        o->set("named", t.named);
        o->set("verdict", std::string(toString(t.verdict)));
        o->set("findings", static_cast<Poco::Int64>(t.findings));
        o->set("compliant", static_cast<Poco::Int64>(t.compliant));
        o->set("nonCompliant", static_cast<Poco::Int64>(t.nonCompliant));
        o->set("reason", t.reason);
        tools->add(o);
    }
    return tools;
}

Poco::SharedPtr<Poco::JSON::Object> passToJson(const PassReport& report) {
    Poco::SharedPtr<Poco::JSON::Object> o = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    o->set("verdict", std::string(toString(report.verdict)));
    o->set("trigger", report.trigger);
    o->set("mode", std::string(toString(report.mode)));
    o->set("startedAt", report.startedAt);
    o->set("finishedAt", report.finishedAt);
    o->set("policy", policyToJson(report.policy));
    o->set("desired", desiredToJson(report.desired));
    Poco::JSON::Array::Ptr findings = new Poco::JSON::Array;
    for (const auto& f : report.findings) findings->add(findingToJson(f));
    o->set("findings", findings);
    o->set("tools", toolsToJson(report));
    Poco::JSON::Array::Ptr notes = new Poco::JSON::Array;
    for (const auto& n : report.notes) notes->add(n);
    o->set("notes", notes);
    Poco::JSON::Array::Ptr deferred = new Poco::JSON::Array;
    for (const auto& d : report.deferred) deferred->add(d);
    o->set("not_recorded", deferred);
    return o;
}

}  // namespace

void printPassJson(std::ostream& out, const PassReport& report,
                   const std::vector<std::pair<std::string, std::string>>& extra) {
    auto o = passToJson(report);
    for (const auto& [name, text] : extra) o->set(name, text);
    o->stringify(out, 2);
}

void printPass(std::ostream& out, const PassReport& report, const PrintOptions& options) {
    out << "Pass " << report.startedAt << " (" << report.trigger << ", " << toString(report.mode)
        << ")\n";
    printPolicy(out, report.policy);
    auto counts = countFindings(report.findings);  // read once for every part below
    printCounts(out, counts);
    printDetails(out, report.findings, counts, options);
    printLicenseAudit(out, counts);
    printTools(out, std::move(counts.tools), report.desired);
    for (const auto& note : report.notes) out << "Note: " << note << "\n";
    for (const auto& d : report.deferred) out << "Store: " << d << "\n";
    printVerdict(out, report.verdict, counts);
}

int exitCodeFor(Verdict verdict) {
    switch (verdict) {
        case Verdict::Compliant:
            return exit_code::kCompliant;
        case Verdict::NonCompliant:
            return exit_code::kNonCompliant;
        case Verdict::NotManaged:
            return exit_code::kNotManaged;
    }
    return exit_code::kError;
}

}  // namespace mpa
