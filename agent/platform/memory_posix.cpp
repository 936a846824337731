// glibc keeps freed memory in its arenas until asked; other C libraries (macOS's) return it on
// their own schedule, so there is nothing to do there. Linux keeps a file's pages mapped into a
// process once it touched them, however long ago; only the process can say it is done with them.
#include <stdlib.h>  // defines __GLIBC__ where it applies

#include <cstdint>
#include <cstdio>
#include <utility>
#include <vector>

#include "platform/memory.hpp"

#if defined(__GLIBC__)
#include <malloc.h>
#endif
#if defined(__linux__)
#include <fcntl.h>
#include <link.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <unistd.h>
#endif

namespace mpa::platform {

void releaseFreedMemory() {
#if defined(__GLIBC__)
    ::malloc_trim(0);
#endif
}

#if defined(__linux__)
namespace {

struct Segments {
    std::uintptr_t pageSize;
    std::uintptr_t vdso;
    std::vector<std::pair<std::uintptr_t, std::uintptr_t>> ranges;
};

// Every loadable segment the process cannot write, of every loaded object but the vDSO (a
// kernel page, not a file). A writable segment is never taken: its relocated pointers (RELRO,
// read-only only after ld.so wrote them) and its data exist only in this process, and dropping
// them would bring back the file's bytes. Each range is rounded inwards, so a page that a
// read-only segment shares with a writable one stays. Only collected here: dropping a segment
// while the walk still reads the program headers in it would map it straight back in.
int collectReadOnlySegments(dl_phdr_info* info, std::size_t, void* context) {
    auto& segments = *static_cast<Segments*>(context);
    if (info->dlpi_addr == segments.vdso) return 0;
    const std::uintptr_t mask = ~(segments.pageSize - 1);
    for (ElfW(Half) i = 0; i < info->dlpi_phnum; ++i) {
        const ElfW(Phdr)& segment = info->dlpi_phdr[i];
        if (segment.p_type != PT_LOAD || (segment.p_flags & PF_W) != 0) continue;
        const std::uintptr_t begin = info->dlpi_addr + segment.p_vaddr;
        const std::uintptr_t first = (begin + segments.pageSize - 1) & mask;
        const std::uintptr_t end = (begin + segment.p_memsz) & mask;
        if (end > first) segments.ranges.emplace_back(first, end);
    }
    return 0;
}

// Drops the pages of [first, end) that are the file's, runs at a time. A page of a read-only
// segment can still be the process's own: a debugger's breakpoint and a uprobe are written into
// a private copy of the page, and dropping it would silently remove them. /proc/self/pagemap
// tells those apart (present but not a file page, or swapped out); they stay. Without pagemap,
// nothing is dropped.
void dropFilePages(int pagemap, std::uintptr_t first, std::uintptr_t end, std::uintptr_t pageSize,
                   std::vector<std::uint64_t>& entries) {
    constexpr std::uint64_t kPresent = 1ULL << 63;
    constexpr std::uint64_t kSwapped = 1ULL << 62;
    constexpr std::uint64_t kFilePage = 1ULL << 61;
    const std::size_t pages = (end - first) / pageSize;
    entries.resize(pages);
    const auto bytes = static_cast<ssize_t>(pages * sizeof(std::uint64_t));
    const auto at = static_cast<off_t>(first / pageSize * sizeof(std::uint64_t));
    if (pagemap < 0 ||
        ::pread(pagemap, entries.data(), static_cast<std::size_t>(bytes), at) != bytes)
        return;
    // The loader gives each object's place as an integer (dlpi_addr), so the pages' address is one.
    const auto drop = [](std::uintptr_t from, std::uintptr_t to) {
        if (to <= from) return;
        void* const start = reinterpret_cast<void*>(from);  // NOLINT(performance-no-int-to-ptr)
        ::madvise(start, to - from, MADV_DONTNEED);
    };
    std::uintptr_t run = first;
    for (std::size_t i = 0; i < pages; ++i) {
        const std::uint64_t entry = entries[i];
        const bool own =
            (entry & kSwapped) != 0 || ((entry & kPresent) != 0 && (entry & kFilePage) == 0);
        if (!own) continue;
        const std::uintptr_t page = first + i * pageSize;
        drop(run, page);
        run = page + pageSize;
    }
    drop(run, end);
}

}  // namespace
#endif

void releaseMappedCode() {
#if defined(__linux__)
    Segments segments{static_cast<std::uintptr_t>(::sysconf(_SC_PAGESIZE)),
                      static_cast<std::uintptr_t>(::getauxval(AT_SYSINFO_EHDR)),
                      {}};
    segments.ranges.reserve(64);
    ::dl_iterate_phdr(collectReadOnlySegments, &segments);
    const int pagemap = ::open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
    std::vector<std::uint64_t> entries;
    for (const auto& [first, end] : segments.ranges)
        dropFilePages(pagemap, first, end, segments.pageSize, entries);
    if (pagemap >= 0) ::close(pagemap);
#else
    // macOS's madvise(MADV_DONTNEED) only lowers the pages' priority; the system drops clean code
    // pages of its own accord when memory is short.
#endif
}

std::optional<std::uint64_t> unwrittenFileBytes() {
#if defined(__linux__)
    // The kernel's own file, not under the agent's --root: it describes this machine.
    std::FILE* meminfo = std::fopen("/proc/meminfo", "re");
    if (!meminfo) return std::nullopt;
    std::uint64_t total = 0;
    int found = 0;
    char line[256];
    while (found < 2 && std::fgets(line, sizeof line, meminfo)) {
        unsigned long long kb = 0;
        if (std::sscanf(line, "Dirty: %llu kB", &kb) == 1 ||
            std::sscanf(line, "Writeback: %llu kB", &kb) == 1) {
            total += kb * 1024;
            ++found;
        }
    }
    std::fclose(meminfo);
    if (found < 2) return std::nullopt;
    return total;
#else
    return std::nullopt;
#endif
}

}  // namespace mpa::platform
