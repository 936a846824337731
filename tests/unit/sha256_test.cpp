// SHA-256 of the store (event chain, pass fingerprint, sealed row) against the known answers of
// FIPS 180-2 / NIST's examples: the chain's hashes must stay what any sha256 tool computes, so an
// auditor can check them with sqlite3 and sha256sum.
#include "store/sha256.hpp"

#include <Poco/SHA2Engine.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "store/sha256_block.hpp"

namespace mpa {
namespace {

TEST(Sha256, NistKnownAnswers) {
    EXPECT_EQ(sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    EXPECT_EQ(sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    EXPECT_EQ(sha256Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
              "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    // The 896-bit message of FIPS 180-2's SHA-512 example (three SHA-256 blocks; hashlib).
    EXPECT_EQ(sha256Hex("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnop"
                        "jklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu"),
              "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
    EXPECT_EQ(sha256Hex(std::string(1000000, 'a')),
              "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

std::string pocoSha256(const std::string& data) {
    Poco::SHA2Engine engine(Poco::SHA2Engine::SHA_256);
    engine.update(data.data(), data.size());
    return Poco::DigestEngine::digestToHex(engine.digest());
}

TEST(Sha256, AgreesWithPocoAtEveryLengthAroundTheBlockAndPaddingEdges) {
    // Every length from 0 to 300 bytes (the padding's one- and two-block cases, 55/56/63/64)
    // and a few large ones, against an independent implementation.
    std::mt19937 random(19);
    std::string data;
    for (std::size_t size = 0; size <= 300; ++size) {
        EXPECT_EQ(sha256Hex(data), pocoSha256(data)) << size << " bytes";
        data += static_cast<char>(random() & 0xff);
    }
    for (std::size_t size : {4095u, 65536u, 65537u, 1000003u}) {
        std::string large(size, '\0');
        for (auto& c : large) c = static_cast<char>(random() & 0xff);
        EXPECT_EQ(sha256Hex(large), pocoSha256(large)) << size << " bytes";
    }
}

TEST(Sha256, TheCpuExtensionsAndThePortableCodeCompressAlike) {
    std::mt19937 random(7);
    std::vector<unsigned char> blocks(64 * 37);
    for (auto& b : blocks) b = static_cast<unsigned char>(random() & 0xff);
    std::uint32_t portable[8], accelerated[8];
    std::copy(std::begin(sha256_block::kInitialState), std::end(sha256_block::kInitialState),
              portable);
    std::copy(std::begin(portable), std::end(portable), accelerated);
    sha256_block::compressPortable(portable, blocks.data(), 37);
    if (!sha256_block::compressAccelerated(accelerated, blocks.data(), 37))
        GTEST_SKIP() << "this CPU (or build) has no SHA extensions; the portable code is used";
    EXPECT_TRUE(std::equal(std::begin(portable), std::end(portable), std::begin(accelerated)));
}

TEST(Sha256, CanonicalFieldsAreLengthPrefixed) {
    CanonicalFields fields;
    fields.add("ab").add(std::int64_t{-7}).add("");
    EXPECT_EQ(fields.text(), "2:ab2:-70:");
    // printf %s "2:ab2:-70:" | sha256sum
    EXPECT_EQ(fields.sha256(), sha256Hex("2:ab2:-70:"));
    EXPECT_EQ(fields.sha256(), "945831527d7137415576b118c550ab28039bcdbff31180bb4a9802772ac2bab3");
}

// The sealed findings are hashed as one field given in pieces: the same bytes as add() of the
// whole field, across the spills of a digest-only list.
TEST(Sha256, AFieldGivenInPiecesHashesAsTheWholeField) {
    std::string whole;
    for (int i = 0; i < 30'000; ++i) whole += "[\"row " + std::to_string(i) + "\"],";
    ASSERT_GT(whole.size(), 3u * 64 * 1024);
    CanonicalFields once(CanonicalFields::Keep::DigestOnly);
    once.add("before").add(whole).add("after");
    CanonicalFields pieces(CanonicalFields::Keep::DigestOnly);
    pieces.add("before").beginField(whole.size());
    for (std::size_t at = 0; at < whole.size(); at += 7'001)
        pieces.appendToField(std::string_view(whole).substr(at, 7'001));
    pieces.add("after");
    EXPECT_EQ(pieces.sha256(), once.sha256());
    CanonicalFields text;
    text.add("x").beginField(3).appendToField("ab").appendToField("c").add("");
    EXPECT_EQ(text.text(), "1:x3:abc0:");
}

TEST(Sha256, DigestOnlyHashesWhatTextWouldAcrossItsSpills) {
    // More than the 64 KiB the digest-only list keeps before hashing it away, several times.
    CanonicalFields text;
    CanonicalFields digest(CanonicalFields::Keep::DigestOnly);
    const std::string field(10'000, 'x');
    for (int i = 0; i < 40; ++i) {
        text.add(field).add(std::int64_t{i});
        digest.add(field).add(std::int64_t{i});
    }
    EXPECT_EQ(digest.sha256(), text.sha256());
    EXPECT_EQ(digest.sha256(), sha256Hex(text.text()));  // asked twice: the same digest
    // Poco's engine cannot be copied: a digest-only list is finished by its digest.
    EXPECT_THROW(digest.add("late"), std::logic_error);
}

}  // namespace
}  // namespace mpa
