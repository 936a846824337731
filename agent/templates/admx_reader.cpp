#include "templates/admx_reader.hpp"

#include "templates/xml_reader.hpp"
#include "util/text.hpp"

namespace mpa {
namespace {

using Element = XmlElement;

std::vector<const Element*> children(const Element* parent, const std::string& localName) {
    std::vector<const Element*> out;
    if (!parent) return out;
    for (const auto& c : parent->children)
        if (c.localName == localName) out.push_back(&c);
    return out;
}

const Element* child(const Element* parent, const std::string& localName) {
    if (parent)
        for (const auto& c : parent->children)
            if (c.localName == localName) return &c;
    return nullptr;
}

std::optional<std::int64_t> number(const Element* e, const std::string& attribute) {
    const auto* text = e ? e->findAttribute(attribute) : nullptr;
    if (!text) return std::nullopt;
    long long v = 0;
    if (!parseDecimal(*text, &v))
        throw AdmxParseError("attribute " + attribute + " of <" + e->localName +
                             "> is not a number: " + *text);
    return static_cast<std::int64_t>(v);
}

// <enabledValue><decimal value="1"/></enabledValue>
std::optional<std::int64_t> decimalValue(const Element* valueElement) {
    return number(child(valueElement, "decimal"), "value");
}

AdmxElementModel readElement(const Element* e) {
    AdmxElementModel m;
    m.kind = e->localName;
    m.id = e->attribute("id");
    m.key = e->attribute("key");
    m.valueName = e->attribute("valueName");
    if (m.kind == "decimal") {
        m.minValue = number(e, "minValue").value_or(0);
        m.maxValue = number(e, "maxValue").value_or(9999);  // the schema's defaults
    } else if (m.kind == "text") {
        m.maxLength = number(e, "maxLength").value_or(1023);
    } else if (m.kind == "enum") {
        for (const auto* item : children(e, "item")) {
            const auto v = decimalValue(child(item, "value"));
            if (!v) throw AdmxParseError("enum " + m.id + ": an item without a decimal value");
            m.items.push_back({item->attribute("displayName"), *v});
        }
    }
    return m;
}

AdmxPolicyModel readPolicy(const Element* e) {
    AdmxPolicyModel p;
    p.name = e->attribute("name");
    p.policyClass = e->attribute("class");
    p.key = e->attribute("key");
    p.valueName = e->attribute("valueName");
    p.displayName = e->attribute("displayName");
    p.explainText = e->attribute("explainText");
    p.presentation = e->attribute("presentation");
    if (const auto* parent = child(e, "parentCategory"))
        p.parentCategory = parent->attribute("ref");
    if (const auto* supported = child(e, "supportedOn"))
        p.supportedOn = supported->attribute("ref");
    p.enabledValue = decimalValue(child(e, "enabledValue"));
    p.disabledValue = decimalValue(child(e, "disabledValue"));
    if (const auto* elements = child(e, "elements"))
        for (const auto& element : elements->children) p.elements.push_back(readElement(&element));
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
    Status status;
    const auto document = parseXml(xml, &status);
    if (!document) throw AdmxParseError("ADMX is not well-formed XML: " + status.error);
    const auto* root = &*document;
    if (root->localName != "policyDefinitions")
        throw AdmxParseError("ADMX root element is not <policyDefinitions>");
    AdmxModel model;
    model.revision = root->attribute("revision");
    if (const auto* namespaces = child(root, "policyNamespaces")) {
        if (const auto* target = child(namespaces, "target")) {
            model.targetPrefix = target->attribute("prefix");
            model.targetNamespace = target->attribute("namespace");
        }
        for (const auto* u : children(namespaces, "using"))
            model.usingNamespaces.push_back(u->attribute("namespace"));
    }
    if (const auto* definitions = child(child(root, "supportedOn"), "definitions"))
        for (const auto* d : children(definitions, "definition"))
            model.supportedOnDefinitions.push_back(d->attribute("name"));
    for (const auto* c : children(child(root, "categories"), "category")) {
        AdmxCategoryModel category{c->attribute("name"), c->attribute("displayName"), {}};
        if (const auto* parent = child(c, "parentCategory"))
            category.parent = parent->attribute("ref");
        model.categories.push_back(std::move(category));
    }
    for (const auto* p : children(child(root, "policies"), "policy"))
        model.policies.push_back(readPolicy(p));
    return model;
}

}  // namespace mpa
