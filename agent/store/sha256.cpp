#include "store/sha256.hpp"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <memory>
#include <stdexcept>

#include "store/sha256_block.hpp"

namespace mpa {

namespace {

// Streaming SHA-256 (FIPS 180-4: padding with 0x80, zeros and the bit length) over the block
// function of sha256_block, which uses the CPU's SHA extensions where there are some. Poco's
// engine (the one before) is portable code only.
class Sha256 {
  public:
    void update(const char* bytes, std::size_t size) {
        const auto* data = reinterpret_cast<const unsigned char*>(bytes);
        total_ += size;
        if (buffered_ > 0) {
            const std::size_t take = std::min(size, sizeof buffer_ - buffered_);
            std::memcpy(buffer_ + buffered_, data, take);
            buffered_ += take;
            data += take;
            size -= take;
            if (buffered_ < sizeof buffer_) return;
            sha256_block::compress(state_, buffer_, 1);
            buffered_ = 0;
        }
        if (size >= 64) {
            sha256_block::compress(state_, data, size / 64);
            data += size / 64 * 64;
            size %= 64;
        }
        std::memcpy(buffer_, data, size);
        buffered_ = size;
    }

    std::string finishHex() {
        finish();
        static constexpr char kHex[] = "0123456789abcdef";
        std::string out;
        out.reserve(64);
        for (const std::uint32_t word : state_)
            for (int shift = 28; shift >= 0; shift -= 4) out += kHex[(word >> shift) & 0x0f];
        return out;
    }

    // The digest's first 64 bits, big-endian as in the hex form.
    std::uint64_t finishFirst64() {
        finish();
        return static_cast<std::uint64_t>(state_[0]) << 32 | state_[1];
    }

  private:
    void finish() {
        const std::uint64_t bits = total_ * 8;
        unsigned char tail[72] = {0x80};
        const std::size_t padding = (buffered_ < 56 ? 56 : 120) - buffered_;
        for (int i = 0; i < 8; ++i)
            tail[padding + static_cast<std::size_t>(i)] =
                static_cast<unsigned char>(bits >> (56 - 8 * i));
        update(reinterpret_cast<const char*>(tail), padding + 8);
    }

    std::uint32_t state_[8] = {sha256_block::kInitialState[0], sha256_block::kInitialState[1],
                               sha256_block::kInitialState[2], sha256_block::kInitialState[3],
                               sha256_block::kInitialState[4], sha256_block::kInitialState[5],
                               sha256_block::kInitialState[6], sha256_block::kInitialState[7]};
    unsigned char buffer_[64] = {};
    std::size_t buffered_ = 0;
    std::uint64_t total_ = 0;
};

constexpr std::size_t kSpillBytes = 64 * 1024;

}  // namespace

std::string sha256Hex(std::string_view data) {
    Sha256 hash;
    hash.update(data.data(), data.size());
    return hash.finishHex();
}

std::uint64_t canonicalDigest64(std::initializer_list<std::string_view> fields) {
    Sha256 hash;
    char length[24];
    for (const auto field : fields) {
        const int written = std::snprintf(length, sizeof length, "%zu:", field.size());
        hash.update(length, static_cast<std::size_t>(written));
        hash.update(field.data(), field.size());
    }
    return hash.finishFirst64();
}

// The digest of a DigestOnly list is finished once and kept: sha256() is the last call on such
// a list (adding after it is a programming error).
struct CanonicalFields::Digest {
    Sha256 engine;
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
        digest_->finished = digest_->engine.finishHex();
    }
    return digest_->finished;
}

CanonicalFields& CanonicalFields::add(std::string_view field) {
    beginField(field.size());
    text_.append(field.data(), field.size());
    spill();
    return *this;
}

CanonicalFields& CanonicalFields::beginField(std::uint64_t length) {
    if (digest_ && !digest_->finished.empty())
        throw std::logic_error("CanonicalFields: field added after its digest was taken");
    // "<length>:" without a string made for the number: two per field of every finding, twice
    // a pass (the pass fingerprint and the summary's check of the seal).
    char digits[24];
    const auto end = std::to_chars(digits, digits + sizeof digits - 1, length).ptr;
    *end = ':';
    text_.append(digits, static_cast<std::size_t>(end - digits) + 1);
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
