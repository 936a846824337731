#include "templates/stable_uuid.hpp"

#include <Poco/SHA1Engine.h>
#include <Poco/UUID.h>
#include <Poco/UUIDGenerator.h>

namespace mpa {

std::string stableUuid(std::string_view name) {
    Poco::SHA1Engine sha1;
    Poco::UUIDGenerator generator;
    const auto uuid = generator.createFromName(Poco::UUID::dns(), std::string(name), sha1,
                                               Poco::UUID::UUID_NAME_BASED_SHA1);
    auto text = uuid.toString();
    for (auto& c : text)
        if (c >= 'a' && c <= 'f') c = static_cast<char>(c - 'a' + 'A');
    return text;
}

}  // namespace mpa
