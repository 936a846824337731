#include "store/sha256.hpp"

#include <openssl/evp.h>

#include <memory>
#include <stdexcept>

namespace mpa {

std::string sha256Hex(std::string_view data) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
    if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1 ||
        EVP_DigestUpdate(ctx.get(), data.data(), data.size()) != 1 ||
        EVP_DigestFinal_ex(ctx.get(), digest, &length) != 1)
        throw std::runtime_error("OpenSSL SHA-256 failed");  // out of memory: not recoverable
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    out.reserve(length * 2);
    for (unsigned int i = 0; i < length; ++i) {
        out += kHex[digest[i] >> 4];
        out += kHex[digest[i] & 0x0f];
    }
    return out;
}

CanonicalFields& CanonicalFields::add(std::string_view field) {
    text_ += std::to_string(field.size());
    text_ += ':';
    text_.append(field.data(), field.size());
    return *this;
}

CanonicalFields& CanonicalFields::add(std::int64_t field) {
    return add(std::to_string(field));
}

}  // namespace mpa
