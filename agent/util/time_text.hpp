#pragma once
// Timestamps as the agent writes them: ISO-8601 UTC for people and the store, a compact form
// for file names (telemetry.json.invalid-20261129T113940Z).
#include <chrono>
#include <optional>
#include <string>

namespace mpa {

std::string isoUtc(std::chrono::system_clock::time_point t);      // 2026-11-29T11:39:40Z
std::string compactUtc(std::chrono::system_clock::time_point t);  // 20261129T113940Z
std::optional<std::chrono::system_clock::time_point> parseIsoUtc(const std::string& text);

}  // namespace mpa
