#include "util/time_text.hpp"

#include <cstdio>
#include <ctime>

namespace mpa {
namespace {

std::tm utcParts(std::chrono::system_clock::time_point t) {
    const auto seconds = std::chrono::system_clock::to_time_t(t);
    std::tm parts{};
#if defined(_WIN32)
    gmtime_s(&parts, &seconds);
#else
    gmtime_r(&seconds, &parts);
#endif
    return parts;
}

std::string format(std::chrono::system_clock::time_point t, const char* pattern) {
    const auto parts = utcParts(t);
    char buffer[32];
    std::strftime(buffer, sizeof buffer, pattern, &parts);
    return buffer;
}

// Days from 1970-01-01 to a civil date (Howard Hinnant's algorithm), so parsing needs no
// time-zone state (timegm is not portable).
long long daysFromCivil(long long y, unsigned m, unsigned d) {
    y -= m <= 2;
    const long long era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<long long>(doe) - 719468;
}

}  // namespace

std::string isoUtc(std::chrono::system_clock::time_point t) {
    return format(t, "%Y-%m-%dT%H:%M:%SZ");
}

std::string compactUtc(std::chrono::system_clock::time_point t) {
    return format(t, "%Y%m%dT%H%M%SZ");
}

std::optional<std::chrono::system_clock::time_point> parseIsoUtc(const std::string& text) {
    int y, mo, d, h, mi, s;
    char z = 0;
    if (std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%c", &y, &mo, &d, &h, &mi, &s, &z) != 7 ||
        z != 'Z' || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60)
        return std::nullopt;
    const auto days = daysFromCivil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d));
    const auto seconds = days * 86400 + h * 3600 + mi * 60 + s;
    return std::chrono::system_clock::time_point{std::chrono::seconds{seconds}};
}

}  // namespace mpa
