#pragma once
// The auditor's report of the event history: one line per event with time, kind, subject and
// details, as text (people), JSON (tools) or CSV (spreadsheets). Library code so the CLI stays
// thin and tests can round-trip every format.
#include <iosfwd>
#include <string>
#include <vector>

#include "store/event_chain.hpp"

namespace mpa {

enum class ReportFormat { Text, Json, Csv };
bool reportFormatFromString(const std::string& text, ReportFormat* out);

struct ReportContext {
    std::string database;
    std::string since;        // as given (ISO-8601 UTC), empty = from the start
    std::string until;        // empty = up to now
    std::string chainStatus;  // verifyEventChain's message
};

// Said plainly wherever compliance is reported: the opt-out does not cover the license audit.
extern const char* const kLicenseAuditStatement;

void writeEventReport(std::ostream& out, const std::vector<ChainEvent>& events,
                      const ReportContext& context, ReportFormat format);

// One CSV field, RFC 4180: quoted when it holds a comma, a quote or a line break.
std::string csvField(const std::string& text);

}  // namespace mpa
