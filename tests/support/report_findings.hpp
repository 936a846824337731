#pragma once
// The findings of a pass report printed by `apply --json`, for tests that compare what passes
// say they did: "target subject" of each finding whose outcome is one of `outcomes`.
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>

#include <set>
#include <string>

namespace mpa::test {

inline std::set<std::string> findingsWithOutcome(const std::string& reportJson,
                                                 const std::set<std::string>& outcomes) {
    std::set<std::string> found;
    try {
        const auto report =
            Poco::JSON::Parser().parse(reportJson).extract<Poco::JSON::Object::Ptr>();
        const auto findings = report->getArray("findings");
        for (std::size_t i = 0; findings && i < findings->size(); ++i) {
            const auto f = findings->getObject(static_cast<unsigned>(i));
            if (outcomes.count(f->getValue<std::string>("outcome")))
                found.insert(f->getValue<std::string>("target") + " " +
                             f->getValue<std::string>("subject"));
        }
    } catch (const Poco::Exception& e) {
        ADD_FAILURE() << "not a JSON report: " << e.displayText() << "\n" << reportJson;
    }
    return found;
}

}  // namespace mpa::test
