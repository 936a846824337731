#pragma once
// SHA-256 (OpenSSL EVP) over a canonical, unambiguous serialisation: each field is written as
// its byte length, a colon, and its bytes, so no two different field lists hash alike. Used for
// the pass fingerprint (deduplication of no-op passes) and the event hash chain.
#include <cstdint>
#include <string>
#include <string_view>

namespace mpa {

std::string sha256Hex(std::string_view data);

class CanonicalFields {
  public:
    CanonicalFields& add(std::string_view field);
    CanonicalFields& add(std::int64_t field);
    const std::string& text() const { return text_; }
    std::string sha256() const { return sha256Hex(text_); }

  private:
    std::string text_;
};

}  // namespace mpa
