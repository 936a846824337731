// libFuzzer target for the reader of the agent's own YAML (policy/yaml_subset.hpp), against
// yaml-cpp: any bytes in, no crash or undefined behaviour, and whatever the subset reads, yaml-cpp
// parses to the same tree (kinds, tags, scalars, keys and entries in order). What the subset does
// not read goes to yaml-cpp in the agent, so it is not compared.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "policy/yaml_subset.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    const auto subset = mpa::readYamlSubset(text);
    if (!subset) return 0;
    YAML::Node reference;
    try {
        reference = YAML::Load(text);
    } catch (const YAML::Exception&) {
        std::abort();  // the subset read what yaml-cpp refuses
    }
    if (!mpa::sameYamlTree(*subset, reference)) std::abort();
    return 0;
}
