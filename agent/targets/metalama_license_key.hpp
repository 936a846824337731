#pragma once
// What a Metalama license key says about the license audit, read from the key itself. A key is
// "<id>-<payload>": the id in decimal (or a GUID in the same base-32), the payload a base-32
// encoding (Metalama's own alphabet, least significant bits first) of: a version byte, the
// license id (int32, little endian), the license type and product bytes, then fields, each a
// one-byte index and its value, up to the index 255. Field 19 ("Auditable", a boolean) false is
// the audit waiver; without it the audit applies (Metalama: Auditable ?? true).
//
// The signature is not verified: a key edited to claim the waiver would be read as waived here,
// while Metalama would reject it. So "waived" means "the key says so", and the agent reports it
// as such. Anything the reader does not know exactly (an unknown must-understand field, a field
// whose width changed between versions) makes the answer Unknown, never a guess.
#include <cstdint>
#include <string>

namespace mpa {

enum class AuditWaiver { Waived, NotWaived, Unknown };

struct LicenseKeyAudit {
    AuditWaiver waiver = AuditWaiver::Unknown;
    std::int32_t licenseId = 0;
    std::string detail;  // why Unknown
};

LicenseKeyAudit readLicenseKeyAudit(const std::string& key);

// The base-32 of Metalama keys (exposed for tests that build keys).
std::string metalamaBase32Encode(const std::string& bytes);

}  // namespace mpa
