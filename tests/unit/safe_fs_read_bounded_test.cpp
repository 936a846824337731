// detail::readBounded: when a short read may end the reading (the size fstat reported is
// reached) and when it must read on to the end (the file changed size, or its size says
// nothing), fed by a scripted reader so each case is exact on every platform.
#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "platform/safe_fs_detail.hpp"

namespace mpa::platform::detail {
namespace {

// Hands out `chunks` one per call (each at most the caller's buffer), then 0; counts the calls.
struct ScriptedReader {
    std::vector<std::string> chunks;
    std::size_t calls = 0;
    std::ptrdiff_t operator()(char* buffer, std::size_t size, Status*) {
        if (calls >= chunks.size()) {
            ++calls;
            return 0;
        }
        const auto& chunk = chunks[calls++];
        EXPECT_LE(chunk.size(), size);
        std::memcpy(buffer, chunk.data(), chunk.size());
        return static_cast<std::ptrdiff_t>(chunk.size());
    }
};

// The pieces appended to *data; each must come with the size the file was opened with.
FilePieces appendTo(std::string* data, std::uint64_t statSize) {
    return [data, statSize](std::string_view piece, std::uint64_t openedSize) {
        EXPECT_EQ(openedSize, statSize);
        data->append(piece);
    };
}

// The path a message names; asked for only when there is a message.
std::string fileNamed() {
    return "file";
}

Status run(ScriptedReader& reader, std::uint64_t statSize, std::string* data) {
    return readBounded([&](char* b, std::size_t n, Status* s) { return reader(b, n, s); },
                       fileNamed, 1 << 20, statSize, appendTo(data, statSize));
}

TEST(SafeFsReadBounded, AShortReadThatReachesTheStatSizeIsTheEnd) {
    ScriptedReader reader{{std::string(161, 'a')}};
    std::string data;
    ASSERT_TRUE(run(reader, 161, &data));
    EXPECT_EQ(data, std::string(161, 'a'));
    EXPECT_EQ(reader.calls, 1u);  // no second read for the 0
}

TEST(SafeFsReadBounded, AFileThatChangedSizeSinceItsStatIsReadToTheEnd) {
    // 100 bytes at fstat time, 161 by the first read, more by the second: read on to the 0.
    ScriptedReader reader{{std::string(161, 'a'), std::string(39, 'b')}};
    std::string data;
    ASSERT_TRUE(run(reader, 100, &data));
    EXPECT_EQ(data, std::string(161, 'a') + std::string(39, 'b'));
    EXPECT_EQ(reader.calls, 3u);
    // Shrunk (truncated and rewritten shorter): also read on.
    ScriptedReader shrunk{{std::string(50, 'c')}};
    std::string small;
    ASSERT_TRUE(run(shrunk, 100, &small));
    EXPECT_EQ(small, std::string(50, 'c'));
    EXPECT_EQ(shrunk.calls, 2u);
}

TEST(SafeFsReadBounded, APseudoFileWhoseSizeSaysNothingIsReadToTheEnd) {
    ScriptedReader reader{{"cpu 1 2 3\n", "cpu0 1 2 3\n"}};
    std::string data;
    ASSERT_TRUE(run(reader, 0, &data));  // /proc-like: size 0, content anyway
    EXPECT_EQ(data, "cpu 1 2 3\ncpu0 1 2 3\n");
    EXPECT_EQ(reader.calls, 3u);
}

TEST(SafeFsReadBounded, AFullBufferAtTheStatSizeStillLooksForMore) {
    // Exactly one buffer's worth: the read was not short, so only the 0 says it is the end.
    ScriptedReader reader{{std::string(16384, 'a')}};
    std::string data;
    ASSERT_TRUE(run(reader, 16384, &data));
    EXPECT_EQ(data.size(), 16384u);
    EXPECT_EQ(reader.calls, 2u);
}

TEST(SafeFsReadBounded, GrowingBeyondTheLimitWhileReadIsStillRefused) {
    ScriptedReader reader{{std::string(16384, 'a'), std::string(16384, 'a')}};
    std::string data;
    const auto status =
        readBounded([&](char* b, std::size_t n, Status* s) { return reader(b, n, s); }, fileNamed,
                    20000, 100, appendTo(&data, 100));
    EXPECT_FALSE(status);
    EXPECT_EQ(status.error.rfind("file: grew beyond the 20000 bytes", 0), 0u) << status.error;
    EXPECT_EQ(data.size(), 16384u);  // the piece past the limit is never handed over
}

}  // namespace
}  // namespace mpa::platform::detail
