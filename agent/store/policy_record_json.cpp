#include "store/policy_record_json.hpp"

#include <Poco/Dynamic/Var.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/JSONString.h>

#include <sstream>

namespace mpa {
namespace {

Status fromVar(const Poco::Dynamic::Var& var, const PolicyDefinition* definition,
               PolicyValue* out) {
    const auto want = definition ? definition->type
                                 : (var.isBoolean()   ? PolicyType::Boolean
                                    : var.isInteger() ? PolicyType::Integer
                                                      : PolicyType::String);
    try {
        switch (want) {
            case PolicyType::Boolean:
                if (!var.isBoolean()) break;
                *out = var.extract<bool>();
                return Status::success();
            case PolicyType::Integer:
                if (!var.isInteger() || var.isBoolean()) break;
                *out = static_cast<std::int64_t>(var.convert<Poco::Int64>());
                return Status::success();
            case PolicyType::Enum:
            case PolicyType::String:
                if (!var.isString()) break;
                *out = var.extract<std::string>();
                return Status::success();
        }
    } catch (const Poco::Exception& e) {
        return Status::failure(e.displayText());
    }
    return Status::failure(
        "stored value " + var.toString() + " is not " +
        (definition ? definition->describeType() : std::string("a policy value")));
}

// The parsed document beside a Status (failed when `json` is malformed).
Poco::Dynamic::Var parse(const std::string& json, Status* status) {
    try {
        Poco::JSON::Parser parser;
        return parser.parse(json);
    } catch (const Poco::Exception& e) {
        *status = Status::failure("stored JSON is malformed (" + e.displayText() + "): " + json);
        return {};
    }
}

std::string stringify(const Poco::Dynamic::Var& var) {
    std::ostringstream out;
    Poco::JSON::Stringifier::condense(var, out);
    return out.str();
}

}  // namespace

Poco::Dynamic::Var policyValueToVar(const PolicyValue& value) {
    if (const auto* b = std::get_if<bool>(&value)) return *b;
    if (const auto* i = std::get_if<std::int64_t>(&value)) return static_cast<Poco::Int64>(*i);
    return std::get<std::string>(value);
}

std::string policyValueToJson(const PolicyValue& value) {
    if (const auto* b = std::get_if<bool>(&value)) return *b ? "true" : "false";
    if (const auto* i = std::get_if<std::int64_t>(&value)) return std::to_string(*i);
    return Poco::toJSON(std::get<std::string>(value));
}

Status policyValueFromJson(const std::string& json, const PolicyDefinition* definition,
                           PolicyValue* out) {
    // Poco's parser takes only an object or an array at the top level: wrap the scalar.
    Status parsed;
    const auto var = parse("[" + json + "]", &parsed);
    if (!parsed) return parsed;
    try {
        const auto& array = var.extract<Poco::JSON::Array::Ptr>();
        if (array->size() != 1)
            return Status::failure("stored policy value is not one JSON value: " + json);
        return fromVar(array->get(0), definition, out);
    } catch (const Poco::Exception& e) {
        return Status::failure("stored policy value " + json + ": " + e.displayText());
    }
}

std::string toString(SourcePrecedence precedence) {
    return std::to_string(static_cast<int>(precedence));
}

bool policyLevelFromString(std::string_view text, PolicyLevel* out) {
    for (auto level : {PolicyLevel::Mandatory, PolicyLevel::Recommended})
        if (toString(level) == text) {
            *out = level;
            return true;
        }
    return false;
}

SourcePrecedence sourcePrecedenceFromInt(std::int64_t value) {
    switch (value) {
        case 0:
            return SourcePrecedence::PlatformChannel;
        case 1:
            return SourcePrecedence::GroupPolicyFile;
        case 9:
            return SourcePrecedence::LastKnownGood;
        default:
            return SourcePrecedence::EtcFile;
    }
}

std::string overriddenValuesToJson(const std::vector<OverriddenValue>& values) {
    Poco::JSON::Array array;
    for (const auto& v : values) {
        Poco::JSON::Object object(Poco::JSON_PRESERVE_KEY_ORDER);
        object.set("value", policyValueToVar(v.value));
        object.set("source", v.from.source);
        object.set("origin", v.from.origin);
        object.set("level", std::string(toString(v.from.level)));
        object.set("precedence", static_cast<int>(v.from.precedence));
        object.set("order", v.from.order);
        object.set("superseded", v.superseded);
        array.add(object);
    }
    return stringify(array);
}

Status overriddenValuesFromJson(const std::string& json, const PolicyDefinition* definition,
                                std::vector<OverriddenValue>* out) {
    Status parsed;
    const auto var = parse(json, &parsed);
    if (!parsed) return parsed;
    try {
        const auto& array = var.extract<Poco::JSON::Array::Ptr>();
        for (std::size_t i = 0; i < array->size(); ++i) {
            const auto object = array->getObject(static_cast<unsigned>(i));
            if (!object)
                return Status::failure("overridden value " + std::to_string(i) +
                                       " is not an object");
            OverriddenValue v;
            if (auto value = fromVar(object->get("value"), definition, &v.value); !value)
                return value;
            v.from.source = object->optValue<std::string>("source", "");
            v.from.origin = object->optValue<std::string>("origin", "");
            if (!policyLevelFromString(object->optValue<std::string>("level", ""), &v.from.level))
                return Status::failure("overridden value " + std::to_string(i) +
                                       " has no valid level");
            v.from.precedence = sourcePrecedenceFromInt(object->optValue<int>("precedence", 2));
            v.from.order = object->optValue<int>("order", 0);
            v.superseded = object->optValue<bool>("superseded", false);
            out->push_back(std::move(v));
        }
    } catch (const Poco::Exception& e) {
        return Status::failure("stored overridden values are not a JSON array of objects: " +
                               e.displayText());
    }
    return Status::success();
}

std::string stringListToJson(const std::vector<std::string>& list) {
    Poco::JSON::Array array;
    for (const auto& s : list) array.add(s);
    return stringify(array);
}

Status stringListFromJson(const std::string& json, std::vector<std::string>* out) {
    Status parsed;
    const auto var = parse(json, &parsed);
    if (!parsed) return parsed;
    try {
        const auto& array = var.extract<Poco::JSON::Array::Ptr>();
        for (std::size_t i = 0; i < array->size(); ++i)
            out->push_back(array->getElement<std::string>(static_cast<unsigned>(i)));
    } catch (const Poco::Exception& e) {
        return Status::failure("stored list is not a JSON array of strings: " + e.displayText());
    }
    return Status::success();
}

}  // namespace mpa
