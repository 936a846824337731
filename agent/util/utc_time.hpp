#pragma once
// UTC timestamps in the two spellings the agent writes: ISO-8601 for records and reports, and a
// compact form that is safe in file names (e.g. compliance.db.corrupt-20260131T120000Z).
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace mpa {

std::string formatUtcIso8601(std::chrono::system_clock::time_point when);  // 2026-01-31T12:00:00Z
std::string formatUtcCompact(std::chrono::system_clock::time_point when);  // 20260131T120000Z
// Parses "YYYY-MM-DDTHH:MM:SSZ" (also "YYYY-MM-DD", meaning midnight UTC); nothing else.
std::optional<std::chrono::system_clock::time_point> parseUtcIso8601(std::string_view text);

}  // namespace mpa
