#include "support/admx_checks.hpp"

#include <Poco/AutoPtr.h>
#include <Poco/DOM/DOMParser.h>
#include <Poco/DOM/Document.h>
#include <Poco/DOM/Element.h>
#include <Poco/DOM/NamedNodeMap.h>
#include <Poco/DOM/Node.h>
#include <Poco/Exception.h>

#include <cstdlib>
#include <filesystem>
#include <functional>
#include <map>
#include <set>

#include "util/text.hpp"

namespace mpa::test {
namespace {

using Poco::XML::Element;
using Poco::XML::Node;

Poco::AutoPtr<Poco::XML::Document> parse(const std::string& xml, const std::string& what,
                                         std::vector<std::string>& problems) {
    try {
        Poco::XML::DOMParser parser;
        return parser.parseString(xml);
    } catch (const Poco::Exception& e) {
        problems.push_back(what + " is not well-formed: " + e.displayText());
        return {};
    }
}

void forEachElement(Node* node, const std::function<void(Element*)>& visit) {
    for (auto* n = node->firstChild(); n; n = n->nextSibling()) {
        if (n->nodeType() != Node::ELEMENT_NODE) continue;
        visit(static_cast<Element*>(n));
        forEachElement(n, visit);
    }
}

// All "$(kind.X)" references in the attributes of a document, with their counts.
std::map<std::string, int> references(Poco::XML::Document* doc, const std::string& kind) {
    std::map<std::string, int> out;
    const std::string open = "$(" + kind + ".";
    forEachElement(doc, [&](Element* e) {
        Poco::AutoPtr<Poco::XML::NamedNodeMap> attributes = e->attributes();
        for (unsigned long i = 0; i < attributes->length(); ++i) {
            const auto value = attributes->item(i)->nodeValue();
            // Each "$(kind." up to the next ")"; one without a ")" after it is no reference.
            for (auto at = value.find(open); at != std::string::npos; at = value.find(open, at)) {
                const auto name = at + open.size();
                const auto close = value.find(')', name);
                if (close == std::string::npos) break;
                ++out[value.substr(name, close - name)];
                at = close + 1;
            }
        }
    });
    return out;
}

bool isId(const std::string& s) {
    if (s.empty()) return false;
    for (char c : s)
        if (!isAsciiAlnum(c) && c != '_') return false;
    return true;
}

}  // namespace

std::string findAdmxSchema() {
    namespace fs = std::filesystem;
    const fs::path relative = fs::path("schemas") / "admx" / "PolicyDefinitionFiles.xsd";
    if (const char* env = std::getenv("MPA_SHARED_DIR"); env && *env)
        return fs::exists(fs::path(env) / relative) ? (fs::path(env) / relative).string() : "";
    for (fs::path dir = fs::path(MPA_SOURCE_DIR); !dir.empty(); dir = dir.parent_path()) {
        const auto candidate = dir / "shared" / relative;
        if (fs::exists(candidate)) return candidate.string();
        if (dir == dir.parent_path()) break;
    }
    return {};
}

std::vector<std::string> admxRuleViolations(const std::string& admx, const std::string& adml,
                                            const std::string& keyPrefix) {
    std::vector<std::string> problems;
    constexpr std::size_t kMaxBytes = 1024 * 1024;  // Intune "Import ADMX": 1 MB per file
    if (admx.size() >= kMaxBytes) problems.push_back("ADMX is 1 MB or more");
    if (adml.size() >= kMaxBytes) problems.push_back("ADML is 1 MB or more");
    auto admxDoc = parse(admx, "ADMX", problems);
    auto admlDoc = parse(adml, "ADML", problems);
    if (!admxDoc || !admlDoc) return problems;

    // Ids: element ids, names and references, both files.
    for (auto* doc : {admxDoc.get(), admlDoc.get()}) {
        forEachElement(doc, [&](Element* e) {
            for (const char* attribute : {"id", "refId", "ref", "name"}) {
                if (!e->hasAttribute(attribute)) continue;
                const auto value = e->getAttribute(attribute);
                if (!isId(value))
                    problems.push_back("<" + e->localName() + "> " + attribute + "=\"" + value +
                                       "\" is not [A-Za-z0-9_]");
            }
            if (e->localName() == "using")
                problems.push_back("ADMX uses namespace " + e->getAttribute("namespace") +
                                   ", which is not shipped with it");
            if (e->localName() == "comboBox")
                problems.push_back("ADML presentation " + e->getAttribute("refId") +
                                   " uses comboBox (Intune refuses it)");
            if (e->hasAttribute("key")) {
                const auto key = e->getAttribute("key");
                if (!startsWith(lowerAscii(key), lowerAscii(keyPrefix)))
                    problems.push_back("registry key " + key + " is not under " + keyPrefix);
                for (const char* refused :
                     {"software\\policies\\microsoft", "software\\microsoft", "system"})
                    if (startsWith(lowerAscii(key), refused))
                        problems.push_back("registry key " + key + " is one Intune refuses");
            }
        });
    }

    // Strings and presentations: defined exactly once in the ADML, all used by the ADMX.
    std::map<std::string, int> definedStrings, definedPresentations;
    forEachElement(admlDoc, [&](Element* e) {
        if (e->localName() == "string") ++definedStrings[e->getAttribute("id")];
        if (e->localName() == "presentation") ++definedPresentations[e->getAttribute("id")];
        for (auto* n = e->firstChild(); n; n = n->nextSibling())
            if (n->nodeType() == Node::TEXT_NODE &&
                n->nodeValue().find_first_of("<>") != std::string::npos)
                problems.push_back("ADML <" + e->localName() + " " + e->getAttribute("id") +
                                   "> text contains < or >");
    });
    const auto check = [&](const std::map<std::string, int>& used,
                           const std::map<std::string, int>& defined, const std::string& kind) {
        for (const auto& [id, count] : defined) {
            if (count != 1)
                problems.push_back(kind + " " + id + " is defined " + std::to_string(count) +
                                   " times in the ADML");
            if (!used.count(id)) problems.push_back(kind + " " + id + " is defined but never used");
        }
        for (const auto& [id, count] : used)
            if (!defined.count(id))
                problems.push_back("$(" + kind + "." + id +
                                   ") is used but not defined in the ADML");
    };
    check(references(admxDoc, "string"), definedStrings, "string");
    check(references(admxDoc, "presentation"), definedPresentations, "presentation");
    return problems;
}

}  // namespace mpa::test
