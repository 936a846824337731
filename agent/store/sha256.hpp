#pragma once
// SHA-256 (store/sha256_block: the CPU's SHA extensions where there are some) over a canonical,
// unambiguous serialisation: each field is written as its byte length, a colon, and its bytes, so
// no two different field lists hash alike. Used for the pass fingerprint (deduplication of no-op
// passes) and the event hash chain.
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>

namespace mpa {

std::string sha256Hex(std::string_view data);

// The first 64 bits of the SHA-256 of `fields` serialised as CanonicalFields does: a compact
// identity for comparing findings without holding them (store/current_findings_update). Two
// different field lists share it with probability 2^-64, and no one can make them do so on
// purpose.
std::uint64_t canonicalDigest64(std::initializer_list<std::string_view> fields);

class CanonicalFields {
  public:
    // DigestOnly hashes as it goes and keeps no text: the pass fingerprint covers every finding
    // of a pass, which over ten thousand profiles would otherwise be a 15 MB string.
    enum class Keep { Text, DigestOnly };
    explicit CanonicalFields(Keep keep = Keep::Text);
    ~CanonicalFields();
    CanonicalFields(const CanonicalFields&) = delete;
    CanonicalFields& operator=(const CanonicalFields&) = delete;

    CanonicalFields& add(std::string_view field);
    CanonicalFields& add(std::int64_t field);
    // One field given in parts, for a field too large to hold (the sealed findings of a large
    // machine): its length in bytes first, then its bytes, which must add up to that length.
    // Hashed exactly as add() of the whole field.
    CanonicalFields& beginField(std::uint64_t length);
    CanonicalFields& appendToField(std::string_view bytes);
    const std::string& text() const { return text_; }  // Keep::Text only
    // DigestOnly: the digest is finished by the first call; no field may be added after it.
    std::string sha256() const;

  private:
    struct Digest;
    void spill();
    std::string text_;
    std::unique_ptr<Digest> digest_;  // DigestOnly
};

}  // namespace mpa
