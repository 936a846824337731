#include "store/sha256.hpp"

#include <openssl/evp.h>

#include <memory>
#include <stdexcept>

namespace mpa {

namespace {

using DigestContext = std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)>;

DigestContext newSha256() {
    DigestContext ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
    if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1)
        throw std::runtime_error("OpenSSL SHA-256 failed");  // out of memory: not recoverable
    return ctx;
}

void update(EVP_MD_CTX* ctx, std::string_view data) {
    if (EVP_DigestUpdate(ctx, data.data(), data.size()) != 1)
        throw std::runtime_error("OpenSSL SHA-256 failed");
}

std::string finishHex(EVP_MD_CTX* ctx) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    if (EVP_DigestFinal_ex(ctx, digest, &length) != 1)
        throw std::runtime_error("OpenSSL SHA-256 failed");
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    out.reserve(length * 2);
    for (unsigned int i = 0; i < length; ++i) {
        out += kHex[digest[i] >> 4];
        out += kHex[digest[i] & 0x0f];
    }
    return out;
}

constexpr std::size_t kSpillBytes = 64 * 1024;

}  // namespace

std::string sha256Hex(std::string_view data) {
    auto ctx = newSha256();
    update(ctx.get(), data);
    return finishHex(ctx.get());
}

struct CanonicalFields::Digest {
    DigestContext ctx = newSha256();
};

CanonicalFields::CanonicalFields(Keep keep)
    : digest_(keep == Keep::DigestOnly ? std::make_unique<Digest>() : nullptr) {}

CanonicalFields::~CanonicalFields() = default;

void CanonicalFields::spill() {
    if (!digest_ || text_.size() < kSpillBytes) return;
    update(digest_->ctx.get(), text_);
    text_.clear();
}

std::string CanonicalFields::sha256() const {
    if (!digest_) return sha256Hex(text_);
    DigestContext copy(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
    if (!copy || EVP_MD_CTX_copy_ex(copy.get(), digest_->ctx.get()) != 1)
        throw std::runtime_error("OpenSSL SHA-256 failed");
    update(copy.get(), text_);
    return finishHex(copy.get());
}

CanonicalFields& CanonicalFields::add(std::string_view field) {
    text_ += std::to_string(field.size());
    text_ += ':';
    text_.append(field.data(), field.size());
    spill();
    return *this;
}

CanonicalFields& CanonicalFields::add(std::int64_t field) {
    return add(std::to_string(field));
}

}  // namespace mpa
