// What the idle service gives back after a pass (platform::releaseMappedCode): the resident pages
// of its code and read-only data, and nothing the process wrote. Linux only: that is where the
// pages are taken out of the process; Windows trims its working set, which Wine does not model.
#include <gtest/gtest.h>

#include "platform/memory.hpp"

#if defined(__linux__)
#include <sys/mman.h>

#include <sstream>
#include <string>

#include "support/proc_smaps.hpp"

namespace mpa::platform {
namespace {

// Relocated at load: a position-independent binary keeps these pointers in a segment ld.so writes
// and then makes read-only (RELRO). Taking those pages back would bring the file's unrelocated
// bytes back.
const char* const kRelocatedNames[] = {"first", "second", "third"};
// Written at run time, in a writable segment.
int writtenAtRunTime = 0;
// Read-only data in pages of its own, for a test to write into as a debugger does.
alignas(4096) const unsigned char kReadOnlyPages[2 * 4096] = {1, 2, 3};

struct Resident {
    std::uint64_t readOnlyFileKb = 0;  // mappings of files the process cannot write
    std::uint64_t anonymousKb = 0;     // pages the process wrote, of any mapping
};

Resident residentNow() {
    Resident resident;
    for (const auto& mapping : test::readSmaps()) {
        if (mapping.isFile() && !mapping.writable()) resident.readOnlyFileKb += mapping.residentKb;
        resident.anonymousKb += mapping.anonymousKb;
    }
    return resident;
}

// Reads a byte of every page of every readable, unwritable file mapping, so that all of them are
// resident whatever this test process ran before. Not checked by AddressSanitizer: a page can
// start inside the poisoned red zone it puts around a global.
__attribute__((no_sanitize("address"))) void touchReadOnlyFileMappings() {
    volatile unsigned char sink = 0;
    for (const auto& mapping : test::readSmaps()) {
        if (!mapping.readable() || mapping.writable() || !mapping.isFile()) continue;
        for (auto page = mapping.begin; page < mapping.end; page += 4096)
            sink = sink + *reinterpret_cast<const volatile unsigned char*>(page);
    }
}

TEST(ReleaseMappedCode, GivesBackCodePagesAndKeepsWhatTheProcessWrote) {
    writtenAtRunTime = 42;
    touchReadOnlyFileMappings();
    const Resident before = residentNow();
    ASSERT_GT(before.readOnlyFileKb, 4096u) << "this test binary and its libraries map > 4 MB";

    releaseMappedCode();
    const Resident after = residentNow();

    // What runs after the release (reading smaps, this test) maps a little back in.
    EXPECT_LT(after.readOnlyFileKb, before.readOnlyFileKb / 4)
        << "before " << before.readOnlyFileKb << " kB, after " << after.readOnlyFileKb << " kB";
    // Pages the process wrote (relocations, data, heap, stacks) are all still there, and still
    // hold what was written.
    EXPECT_GE(after.anonymousKb + 64, before.anonymousKb)
        << "before " << before.anonymousKb << " kB, after " << after.anonymousKb << " kB";
    EXPECT_EQ(writtenAtRunTime, 42);
    EXPECT_STREQ(kRelocatedNames[1], "second");
    EXPECT_EQ(std::string(kRelocatedNames[2]) + kRelocatedNames[0], "thirdfirst");
}

// A debugger's breakpoint or a uprobe: a page of read-only code written into through the kernel,
// which gives the process its own copy. Dropping that copy would silently remove the breakpoint.
TEST(ReleaseMappedCode, KeepsAPageOfReadOnlyCodeTheProcessWroteInto) {
    auto* written = const_cast<unsigned char*>(kReadOnlyPages);
    const volatile unsigned char* untouched = kReadOnlyPages + 4096;
    ASSERT_EQ(::mprotect(written, 4096, PROT_READ | PROT_WRITE), 0);
    *reinterpret_cast<volatile unsigned char*>(written) = 0xCC;
    ASSERT_EQ(::mprotect(written, 4096, PROT_READ), 0);
    EXPECT_EQ(untouched[1], 0);  // mapped in

    releaseMappedCode();

    EXPECT_EQ(*reinterpret_cast<const volatile unsigned char*>(written), 0xCC);
    EXPECT_EQ(reinterpret_cast<const volatile unsigned char*>(written)[1], 2);
    EXPECT_EQ(untouched[1], 0);
}

TEST(ReleaseMappedCode, CodeRunsAgainAfterwards) {
    for (int round = 0; round < 3; ++round) {
        releaseMappedCode();
        // Formatting and the standard library's code, mapped back in from the file.
        std::ostringstream text;
        text << "round " << round << ' ' << 2.5;
        EXPECT_EQ(text.str(), "round " + std::to_string(round) + " 2.5");
    }
}

}  // namespace
}  // namespace mpa::platform
#endif
