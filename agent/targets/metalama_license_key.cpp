#include "targets/metalama_license_key.hpp"

#include <cctype>
#include <cstring>
#include <optional>
#include <vector>

namespace mpa {
namespace {

constexpr const char* kAlphabet = "QAZ2WSX3EDC4RFV5TGB6YHN7UJM8K9LP";

std::optional<std::string> base32Decode(const std::string& text) {
    std::string s;
    for (char c : text)
        if (c != '-') s += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    std::vector<int> values;
    for (char c : s) {
        const char* at = std::strchr(kAlphabet, c);
        if (!at || c == '\0') return std::nullopt;
        values.push_back(static_cast<int>(at - kAlphabet));
    }
    if (values.size() < 2) return std::nullopt;
    const std::size_t count = values.size() * 5 / 8;
    std::string out(count, '\0');
    std::uint32_t buffer = static_cast<std::uint32_t>(values[0] | (values[1] << 5));
    int bits = 10;
    std::size_t next = 2;
    for (std::size_t i = 0; i < count; ++i) {
        out[i] = static_cast<char>(buffer & 0xFF);
        buffer >>= 8;
        bits -= 8;
        while (bits < 8 && next < values.size()) {
            buffer |= static_cast<std::uint32_t>(values[next++]) << bits;
            bits += 5;
        }
    }
    return out;
}

class Reader {
  public:
    explicit Reader(const std::string& data) : data_(data) {}
    bool has(std::size_t n) const { return pos_ + n <= data_.size(); }
    bool atEnd() const { return pos_ >= data_.size(); }
    std::uint8_t byte() { return static_cast<std::uint8_t>(data_[pos_++]); }
    std::uint8_t peek() const { return static_cast<std::uint8_t>(data_[pos_]); }
    void skip(std::size_t n) { pos_ += n; }

  private:
    const std::string& data_;
    std::size_t pos_ = 0;
};

LicenseKeyAudit unknown(std::string why) {
    LicenseKeyAudit a;
    a.detail = std::move(why);
    return a;
}

}  // namespace

std::string metalamaBase32Encode(const std::string& bytes) {
    std::string out;
    std::uint32_t buffer = 0;
    int bits = 0;
    for (unsigned char b : bytes) {
        buffer |= static_cast<std::uint32_t>(b) << bits;
        bits += 8;
        while (bits >= 5) {
            out += kAlphabet[buffer & 31];
            buffer >>= 5;
            bits -= 5;
        }
    }
    if (bits > 0) out += kAlphabet[buffer & 31];
    return out;
}

LicenseKeyAudit readLicenseKeyAudit(const std::string& key) {
    const auto dash = key.find('-');
    if (dash == std::string::npos || dash == 0) return unknown("no '-' after the license id");
    const std::string prefix = key.substr(0, dash);
    const bool numeric = prefix.find_first_not_of("0123456789") == std::string::npos;
    const auto payload = base32Decode(key.substr(dash + 1));
    if (!payload) return unknown("not a Metalama license key (base-32)");
    Reader r(*payload);
    if (!r.has(7)) return unknown("too short");
    r.byte();  // format version
    std::uint32_t id = 0;
    for (int i = 0; i < 4; ++i) id |= static_cast<std::uint32_t>(r.byte()) << (8 * i);
    r.skip(2);  // license type, product
    LicenseKeyAudit result;
    result.licenseId = static_cast<std::int32_t>(id);
    if (numeric && prefix != std::to_string(result.licenseId))
        return unknown("the id in the key does not match its prefix");
    std::optional<bool> auditable;
    while (true) {
        if (!r.has(1)) return unknown("no end marker");
        const std::uint8_t index = r.byte();
        if (index == 255) break;
        std::size_t width = 0;
        bool lengthPrefixed = false;
        switch (index) {
            case 11:
            case 15:
            case 16:
            case 17:  // byte fields
                width = 1;
                break;
            case 19:
            case 20:
            case 21: {  // booleans; some keys wrote them as an int32
                if (!r.has(1)) return unknown("truncated");
                const bool value = r.byte() != 0;
                if (!r.atEnd() && r.peek() == 0) {
                    if (!r.has(3)) return unknown("truncated");
                    r.skip(3);
                }
                if (index == 19) auditable = value;
                continue;
            }
            case 2:
            case 3:
            case 18:
            case 9:  // dates (days since 2010), int16
                width = 2;
                break;
            case 4:
            case 5:
            case 8:
            case 10:
            case 254:  // strings and byte arrays
                lengthPrefixed = true;
                break;
            default:
                if (index > 21 && index < 254) {  // optional fields carry their length
                    lengthPrefixed = true;
                    break;
                }
                // 1 and 12 changed width between versions; anything else is unknown.
                return unknown("field " + std::to_string(index) + " is not read by the agent");
        }
        if (lengthPrefixed) {
            if (!r.has(1)) return unknown("truncated");
            width = r.byte();
        }
        if (!r.has(width)) return unknown("truncated");
        r.skip(width);
    }
    result.waiver =
        auditable.has_value() && !*auditable ? AuditWaiver::Waived : AuditWaiver::NotWaived;
    return result;
}

}  // namespace mpa
