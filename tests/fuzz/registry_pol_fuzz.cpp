// libFuzzer target for the Registry.pol parser: any bytes in, no crash, no out-of-bounds access,
// no undefined behaviour (built with -fsanitize=fuzzer,address,undefined), and the invariants the
// callers rely on. Run: scripts/run-fuzzers.sh (corpus: tests/fuzz/corpus/registry_pol/).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "sources/registry_pol.hpp"

namespace {

void check(bool condition) {
    if (!condition) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view bytes(reinterpret_cast<const char*>(data), size);
    const auto file = mpa::parseRegistryPol(bytes);
    // A file is either read to its end or stopped with an error at an offset inside it.
    check(!file.headerValid || file.complete() ||
          (*file.stoppedAt <= size && !file.errors.empty()));
    check(file.headerValid || file.records.empty());
    std::size_t previous = 0;
    for (const auto& record : file.records) {
        check(record.offset >= 8 && record.offset < size && record.offset >= previous);
        check(record.data.bytes.size() <= mpa::kMaxDataBytes);
        previous = record.offset;
        (void)record.data.describe();
    }
    for (const auto& error : file.errors) check(error.offset <= size);
    const auto state = mpa::applyRegistryPol(file);
    for (const auto& [id, key] : state.keys) check(key.values.size() <= file.records.size());
    // The zero-copy index is the same walk: same records, same stop; every view lies inside the
    // buffer; parsing for the Metalama key keeps a subset in order.
    const auto index = mpa::indexRegistryPol(bytes);
    check(index.records.size() == file.records.size() && index.stoppedAt == file.stoppedAt);
    for (std::size_t i = 0; i < index.records.size(); ++i) {
        const auto& view = index.records[i];
        check(view.offset == file.records[i].offset);
        check(view.keyBegin + 2 * view.keyUnits <= size &&
              view.nameBegin + 2 * view.nameUnits <= size);
        check(view.dataBegin + view.dataSize <= size);
    }
    const auto ours = mpa::parseRegistryPolFor(bytes, {"Software\\Policies\\PostSharp\\Metalama"});
    check(ours.records.size() <= file.records.size() && ours.stoppedAt == file.stoppedAt);
    return 0;
}
