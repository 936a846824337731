#include "store/sha256.hpp"

#include <Poco/SHA2Engine.h>

#include <memory>
#include <stdexcept>

namespace mpa {

namespace {

// Poco Foundation's SHA-256 (already linked for JSON and XML): the agent needs no other
// cryptography, and OpenSSL's libcrypto was 3.4 MB of the idle service's resident memory.
std::string hex(const Poco::DigestEngine::Digest& digest) {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    out.reserve(digest.size() * 2);
    for (const unsigned char byte : digest) {
        out += kHex[byte >> 4];
        out += kHex[byte & 0x0f];
    }
    return out;
}

constexpr std::size_t kSpillBytes = 64 * 1024;

}  // namespace

std::string sha256Hex(std::string_view data) {
    Poco::SHA2Engine engine(Poco::SHA2Engine::SHA_256);
    engine.update(data.data(), data.size());
    return hex(engine.digest());
}

// Poco's engine cannot be copied, so the digest of a DigestOnly list is finished once and kept:
// sha256() is the last call on such a list (adding after it is a programming error).
struct CanonicalFields::Digest {
    Poco::SHA2Engine engine{Poco::SHA2Engine::SHA_256};
    std::string finished;  // hex, once sha256() was called
};

CanonicalFields::CanonicalFields(Keep keep)
    : digest_(keep == Keep::DigestOnly ? std::make_unique<Digest>() : nullptr) {}

CanonicalFields::~CanonicalFields() = default;

void CanonicalFields::spill() {
    if (!digest_ || text_.size() < kSpillBytes) return;
    digest_->engine.update(text_.data(), text_.size());
    text_.clear();
}

std::string CanonicalFields::sha256() const {
    if (!digest_) return sha256Hex(text_);
    if (digest_->finished.empty()) {
        digest_->engine.update(text_.data(), text_.size());
        digest_->finished = hex(digest_->engine.digest());
    }
    return digest_->finished;
}

CanonicalFields& CanonicalFields::add(std::string_view field) {
    if (digest_ && !digest_->finished.empty())
        throw std::logic_error("CanonicalFields: field added after its digest was taken");
    text_ += std::to_string(field.size());
    text_ += ':';
    text_.append(field.data(), field.size());
    spill();
    return *this;
}

CanonicalFields& CanonicalFields::beginField(std::uint64_t length) {
    if (digest_ && !digest_->finished.empty())
        throw std::logic_error("CanonicalFields: field added after its digest was taken");
    text_ += std::to_string(length);
    text_ += ':';
    return *this;
}

CanonicalFields& CanonicalFields::appendToField(std::string_view bytes) {
    text_.append(bytes.data(), bytes.size());
    spill();
    return *this;
}

CanonicalFields& CanonicalFields::add(std::int64_t field) {
    return add(std::to_string(field));
}

}  // namespace mpa
