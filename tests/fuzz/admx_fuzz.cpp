// libFuzzer target for the ADMX reader (docs/policies.md and the round-trip checks read ADMX
// with it): any bytes in, no crash or undefined behaviour; a file it cannot use is an
// AdmxParseError, never another exception.
#include <cstddef>
#include <cstdint>
#include <string>

#include "templates/admx_reader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string xml(reinterpret_cast<const char*>(data), size);
    try {
        const auto model = mpa::parseAdmx(xml);
        for (const auto& policy : model.policies) (void)model.categoryPath(policy);
    } catch (const mpa::AdmxParseError&) {
        // The documented way to refuse a file.
    }
    return 0;
}
