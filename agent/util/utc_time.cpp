#include "util/utc_time.hpp"

#include <cstdio>
#include <ctime>

namespace mpa {
namespace {

std::string format(std::chrono::system_clock::time_point when, const char* pattern) {
    const std::time_t t = std::chrono::system_clock::to_time_t(when);
    std::tm utc{};
    gmtime_r(&t, &utc);
    char buffer[32];
    const auto n = std::strftime(buffer, sizeof buffer, pattern, &utc);
    return std::string(buffer, n);
}

bool digits(std::string_view text, std::size_t at, std::size_t count, int* out) {
    int value = 0;
    for (std::size_t i = at; i < at + count; ++i) {
        if (i >= text.size() || text[i] < '0' || text[i] > '9') return false;
        value = value * 10 + (text[i] - '0');
    }
    *out = value;
    return true;
}

}  // namespace

std::string formatUtcIso8601(std::chrono::system_clock::time_point when) {
    return format(when, "%Y-%m-%dT%H:%M:%SZ");
}

std::string formatUtcCompact(std::chrono::system_clock::time_point when) {
    return format(when, "%Y%m%dT%H%M%SZ");
}

std::optional<std::chrono::system_clock::time_point> parseUtcIso8601(std::string_view text) {
    std::tm utc{};
    int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
    if (!digits(text, 0, 4, &year) || text.size() < 10 || text[4] != '-' ||
        !digits(text, 5, 2, &month) || text[7] != '-' || !digits(text, 8, 2, &day))
        return std::nullopt;
    if (text.size() != 10) {
        if (text.size() != 20 || text[10] != 'T' || !digits(text, 11, 2, &hour) ||
            text[13] != ':' || !digits(text, 14, 2, &minute) || text[16] != ':' ||
            !digits(text, 17, 2, &second) || text[19] != 'Z')
            return std::nullopt;
    }
    if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60)
        return std::nullopt;
    utc.tm_year = year - 1900;
    utc.tm_mon = month - 1;
    utc.tm_mday = day;
    utc.tm_hour = hour;
    utc.tm_min = minute;
    utc.tm_sec = second;
    return std::chrono::system_clock::from_time_t(timegm(&utc));
}

}  // namespace mpa
