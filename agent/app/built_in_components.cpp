#include "app/built_in_components.hpp"

namespace mpa {

const Components& builtInComponents() {
    static const Components components{makePolicySources, makeTargets};
    return components;
}

}  // namespace mpa
