#pragma once
// How policy values and their small companions are written into the compliance database: JSON
// text typed by the policy catalog (true, 30, "AuditOnly"), so a fleet tool or sqlite3 reads
// them without knowing the agent, and the agent reads them back exactly.
#include <string>
#include <vector>

#include "policy/policy_set.hpp"
#include "util/status.hpp"

// Declared only: the files that build JSON documents include Poco's header themselves, so
// Poco stays out of every other file that includes this one.
namespace Poco::Dynamic {
class Var;
}

namespace mpa {

std::string policyValueToJson(const PolicyValue& value);
Poco::Dynamic::Var policyValueToVar(const PolicyValue& value);  // for building JSON documents
// `definition` may be null (a policy this agent no longer knows): the JSON type decides then.
Status policyValueFromJson(const std::string& json, const PolicyDefinition* definition,
                           PolicyValue* out);

std::string toString(SourcePrecedence precedence);
bool policyLevelFromString(std::string_view text, PolicyLevel* out);
SourcePrecedence sourcePrecedenceFromInt(std::int64_t value);

// [{"value":true,"source":"...","origin":"...","level":"mandatory","precedence":2,"order":0,
//   "superseded":false}, ...]
std::string overriddenValuesToJson(const std::vector<OverriddenValue>& values);
Status overriddenValuesFromJson(const std::string& json, const PolicyDefinition* definition,
                                std::vector<OverriddenValue>* out);

std::string stringListToJson(const std::vector<std::string>& list);
Status stringListFromJson(const std::string& json, std::vector<std::string>* out);

}  // namespace mpa
