#include "store/event_report.hpp"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <ostream>

namespace mpa {

const char* const kLicenseAuditStatement =
    "No policy can disable Metalama's license audit: the telemetry opt-out does not stop it. "
    "It is waived only by a license key issued with the audit-waiver flag, or for processes "
    "Metalama considers unattended (CI, Docker, services). Profiles with a registered license "
    "key are counted by `compliance`.";

bool reportFormatFromString(const std::string& text, ReportFormat* out) {
    if (text == "text")
        *out = ReportFormat::Text;
    else if (text == "json")
        *out = ReportFormat::Json;
    else if (text == "csv")
        *out = ReportFormat::Csv;
    else
        return false;
    return true;
}

std::string csvField(const std::string& text) {
    if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
    std::string out = "\"";
    for (const char c : text) {
        if (c == '"') out += '"';
        out += c;
    }
    return out + "\"";
}

namespace {

void writeText(std::ostream& out, const std::vector<ChainEvent>& events,
               const ReportContext& context) {
    out << "Compliance history of " << context.database << "\n";
    out << "Period: " << (context.since.empty() ? "start of the kept history" : context.since)
        << " to " << (context.until.empty() ? "now" : context.until) << "\n";
    out << "Chain: " << context.chainStatus << "\n\n";
    if (events.empty()) out << "(no events in this period)\n";
    for (const auto& e : events) {
        out << e.event.at << "  " << e.event.kind;
        if (!e.event.subject.empty()) out << "  " << e.event.subject;
        if (!e.event.details.empty()) out << "  " << e.event.details;
        out << "\n";
    }
    out << "\n" << kLicenseAuditStatement << "\n";
}

void writeJson(std::ostream& out, const std::vector<ChainEvent>& events,
               const ReportContext& context) {
    Poco::JSON::Object root(Poco::JSON_PRESERVE_KEY_ORDER);
    root.set("database", context.database);
    root.set("since", context.since);
    root.set("until", context.until);
    root.set("chain", context.chainStatus);
    root.set("license_audit", std::string(kLicenseAuditStatement));
    Poco::JSON::Array list;
    Poco::JSON::Parser parser;
    for (const auto& e : events) {
        Poco::JSON::Object item(Poco::JSON_PRESERVE_KEY_ORDER);
        item.set("id", static_cast<Poco::Int64>(e.id));
        item.set("at", e.event.at);
        item.set("kind", e.event.kind);
        item.set("subject", e.event.subject);
        item.set("details", e.event.details);
        try {
            item.set("data", parser.parse(e.event.data));
        } catch (const Poco::Exception&) {
            item.set("data", e.event.data);  // shown as stored; verify reports the damage
        }
        parser.reset();
        item.set("run", e.event.runId ? Poco::Dynamic::Var(static_cast<Poco::Int64>(*e.event.runId))
                                      : Poco::Dynamic::Var());
        item.set("hash", e.hash);
        list.add(item);
    }
    root.set("events", list);
    root.stringify(out, 2);
    out << "\n";
}

void writeCsv(std::ostream& out, const std::vector<ChainEvent>& events) {
    out << "id,at,kind,subject,details,hash\r\n";
    for (const auto& e : events)
        out << e.id << ',' << csvField(e.event.at) << ',' << csvField(e.event.kind) << ','
            << csvField(e.event.subject) << ',' << csvField(e.event.details) << ','
            << csvField(e.hash) << "\r\n";
}

}  // namespace

void writeEventReport(std::ostream& out, const std::vector<ChainEvent>& events,
                      const ReportContext& context, ReportFormat format) {
    switch (format) {
        case ReportFormat::Text:
            return writeText(out, events, context);
        case ReportFormat::Json:
            return writeJson(out, events, context);
        case ReportFormat::Csv:
            return writeCsv(out, events);
    }
}

}  // namespace mpa
