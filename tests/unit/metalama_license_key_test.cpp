// Reading the audit waiver from Metalama license keys built here byte by byte in the key format
// (the vendor's keys are signed and none is public): which fields are skipped, the waiver flag,
// the int32 form some keys gave booleans, and "unknown" for what the reader does not know.
#include "targets/metalama_license_key.hpp"

#include <gtest/gtest.h>

#include <cctype>

namespace mpa::test {
namespace {

std::string header(std::int32_t id) {
    std::string b;
    b += '\x02';  // format version
    for (int i = 0; i < 4; ++i)
        b += static_cast<char>((static_cast<std::uint32_t>(id) >> (8 * i)) & 0xFF);
    b += '\x03';  // license type
    b += '\x0d';  // product
    return b;
}

std::string key(std::int32_t id, const std::string& fields) {
    return std::to_string(id) + "-" + metalamaBase32Encode(header(id) + fields + "\xff");
}

// Licensee "ACME", valid to a date, a signature key id, a 3-byte signature, an optional field.
const std::string kCommonFields = std::string(
                                      "\x04\x04"
                                      "ACME",
                                      6) +
                                  std::string("\x03\x10\x27", 3) + std::string("\x0b\x01", 2) +
                                  std::string("\x0a\x03\xaa\xbb\xcc", 5) +
                                  std::string("\xc8\x02\x01\x02", 4);

TEST(MetalamaLicenseKey, NoAuditableFieldMeansTheAuditApplies) {
    const auto a = readLicenseKeyAudit(key(123456, kCommonFields));
    EXPECT_EQ(a.waiver, AuditWaiver::NotWaived) << a.detail;
    EXPECT_EQ(a.licenseId, 123456);
}

TEST(MetalamaLicenseKey, AuditableFalseIsTheWaiverInBothEncodings) {
    EXPECT_EQ(readLicenseKeyAudit(key(7, kCommonFields + std::string("\x13\x00", 2))).waiver,
              AuditWaiver::Waived);
    // Written as an int32 by some issuers: the value byte then three zero bytes.
    EXPECT_EQ(
        readLicenseKeyAudit(key(7, std::string("\x13\x00\x00\x00\x00", 5) + kCommonFields)).waiver,
        AuditWaiver::Waived);
    EXPECT_EQ(readLicenseKeyAudit(key(7, kCommonFields + std::string("\x13\x01", 2))).waiver,
              AuditWaiver::NotWaived);
}

TEST(MetalamaLicenseKey, WhatTheReaderDoesNotKnowIsUnknown) {
    // Field 12 changed width between versions.
    auto a = readLicenseKeyAudit(key(9, std::string("\x0c\x01\x02\x03\x04", 5)));
    EXPECT_EQ(a.waiver, AuditWaiver::Unknown);
    EXPECT_NE(a.detail.find("field 12"), std::string::npos) << a.detail;
    // A must-understand field nobody knows.
    EXPECT_EQ(readLicenseKeyAudit(key(9, std::string("\x80\x01", 2))).waiver, AuditWaiver::Unknown);
    // The prefix and the id inside disagree.
    auto mismatched = key(9, "");
    mismatched[0] = '8';
    EXPECT_EQ(readLicenseKeyAudit(mismatched).waiver, AuditWaiver::Unknown);
    EXPECT_EQ(readLicenseKeyAudit("erin-license-key-id").waiver, AuditWaiver::Unknown);
    EXPECT_EQ(readLicenseKeyAudit("12345").waiver, AuditWaiver::Unknown);
    // Cut short.
    const auto whole = key(9, kCommonFields);
    EXPECT_EQ(readLicenseKeyAudit(whole.substr(0, whole.size() - 6)).waiver, AuditWaiver::Unknown);
}

TEST(MetalamaLicenseKey, DashesAndCaseInThePayloadAreIgnored) {
    auto k = key(42, kCommonFields + std::string("\x13\x00", 2));
    const auto dash = k.find('-');
    std::string spaced = k.substr(0, dash + 1);
    for (std::size_t i = dash + 1; i < k.size(); ++i) {
        spaced += static_cast<char>(std::tolower(static_cast<unsigned char>(k[i])));
        if ((i - dash) % 5 == 0) spaced += '-';
    }
    EXPECT_EQ(readLicenseKeyAudit(spaced).waiver, AuditWaiver::Waived);
}

}  // namespace
}  // namespace mpa::test
