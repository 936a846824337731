#include "templates/admx_reader.hpp"

#include <Poco/AutoPtr.h>
#include <Poco/DOM/DOMParser.h>
#include <Poco/DOM/Document.h>
#include <Poco/DOM/Element.h>
#include <Poco/DOM/Node.h>
#include <Poco/Exception.h>
#include <Poco/SAX/InputSource.h>

#include <sstream>

#include "util/text.hpp"

namespace mpa {
namespace {

using Poco::XML::Element;
using Poco::XML::Node;

std::vector<Element*> children(const Node* parent, const std::string& localName) {
    std::vector<Element*> out;
    if (!parent) return out;
    for (auto* n = parent->firstChild(); n; n = n->nextSibling())
        if (n->nodeType() == Node::ELEMENT_NODE && n->localName() == localName)
            out.push_back(static_cast<Element*>(n));
    return out;
}

Element* child(const Node* parent, const std::string& localName) {
    const auto all = children(parent, localName);
    return all.empty() ? nullptr : all.front();
}

std::optional<std::int64_t> number(const Element* e, const std::string& attribute) {
    if (!e || !e->hasAttribute(attribute)) return std::nullopt;
    long long v = 0;
    if (!parseDecimal(e->getAttribute(attribute), &v))
        throw AdmxParseError("attribute " + attribute + " of <" + e->localName() +
                             "> is not a number: " + e->getAttribute(attribute));
    return static_cast<std::int64_t>(v);
}

// <enabledValue><decimal value="1"/></enabledValue>
std::optional<std::int64_t> decimalValue(const Element* valueElement) {
    return number(child(valueElement, "decimal"), "value");
}

AdmxElementModel readElement(Element* e) {
    AdmxElementModel m;
    m.kind = e->localName();
    m.id = e->getAttribute("id");
    m.key = e->getAttribute("key");
    m.valueName = e->getAttribute("valueName");
    if (m.kind == "decimal") {
        m.minValue = number(e, "minValue").value_or(0);
        m.maxValue = number(e, "maxValue").value_or(9999);  // the schema's defaults
    } else if (m.kind == "text") {
        m.maxLength = number(e, "maxLength").value_or(1023);
    } else if (m.kind == "enum") {
        for (auto* item : children(e, "item")) {
            const auto v = decimalValue(child(item, "value"));
            if (!v) throw AdmxParseError("enum " + m.id + ": an item without a decimal value");
            m.items.push_back({item->getAttribute("displayName"), *v});
        }
    }
    return m;
}

AdmxPolicyModel readPolicy(Element* e) {
    AdmxPolicyModel p;
    p.name = e->getAttribute("name");
    p.policyClass = e->getAttribute("class");
    p.key = e->getAttribute("key");
    p.valueName = e->getAttribute("valueName");
    p.displayName = e->getAttribute("displayName");
    p.explainText = e->getAttribute("explainText");
    p.presentation = e->getAttribute("presentation");
    if (auto* parent = child(e, "parentCategory")) p.parentCategory = parent->getAttribute("ref");
    if (auto* supported = child(e, "supportedOn")) p.supportedOn = supported->getAttribute("ref");
    p.enabledValue = decimalValue(child(e, "enabledValue"));
    p.disabledValue = decimalValue(child(e, "disabledValue"));
    if (auto* elements = child(e, "elements"))
        for (auto* n = elements->firstChild(); n; n = n->nextSibling())
            if (n->nodeType() == Node::ELEMENT_NODE)
                p.elements.push_back(readElement(static_cast<Element*>(n)));
    return p;
}

}  // namespace

const AdmxCategoryModel* AdmxModel::findCategory(const std::string& name) const {
    for (const auto& c : categories)
        if (c.name == name) return &c;
    return nullptr;
}

std::vector<std::string> AdmxModel::categoryPath(const AdmxPolicyModel& policy) const {
    std::vector<std::string> path;
    for (auto name = policy.parentCategory; !name.empty();) {
        const auto* category = findCategory(name);
        if (!category || path.size() > categories.size())
            throw AdmxParseError("policy " + policy.name + ": category '" + name +
                                 "' is not defined (or the categories form a cycle)");
        path.insert(path.begin(), category->name);
        name = category->parent;
    }
    return path;
}

AdmxModel parseAdmx(const std::string& xml) {
    Poco::AutoPtr<Poco::XML::Document> doc;
    try {
        Poco::XML::DOMParser parser;
        parser.setFeature(Poco::XML::DOMParser::FEATURE_FILTER_WHITESPACE, true);
        doc = parser.parseString(xml);
    } catch (const Poco::Exception& e) {
        throw AdmxParseError("ADMX is not well-formed XML: " + e.displayText());
    }
    const auto* root = doc->documentElement();
    if (!root || root->localName() != "policyDefinitions")
        throw AdmxParseError("ADMX root element is not <policyDefinitions>");
    AdmxModel model;
    model.revision = root->getAttribute("revision");
    if (auto* namespaces = child(root, "policyNamespaces")) {
        if (auto* target = child(namespaces, "target")) {
            model.targetPrefix = target->getAttribute("prefix");
            model.targetNamespace = target->getAttribute("namespace");
        }
        for (auto* u : children(namespaces, "using"))
            model.usingNamespaces.push_back(u->getAttribute("namespace"));
    }
    if (auto* definitions = child(child(root, "supportedOn"), "definitions"))
        for (auto* d : children(definitions, "definition"))
            model.supportedOnDefinitions.push_back(d->getAttribute("name"));
    for (auto* c : children(child(root, "categories"), "category")) {
        AdmxCategoryModel category{c->getAttribute("name"), c->getAttribute("displayName"), {}};
        if (auto* parent = child(c, "parentCategory"))
            category.parent = parent->getAttribute("ref");
        model.categories.push_back(std::move(category));
    }
    for (auto* p : children(child(root, "policies"), "policy"))
        model.policies.push_back(readPolicy(p));
    return model;
}

}  // namespace mpa
