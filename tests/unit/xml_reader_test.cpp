// The ADMX reader's XML reader (templates/xml_reader.hpp): every document below is also given to
// xmllint, so the verdict each case expects (well-formed or not) is libxml2's, not ours.
#include "templates/xml_reader.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "support/agent_process.hpp"
#include "support/scratch_dir.hpp"

namespace mpa {
namespace {

// True when xmllint reads `xml` without an error (a namespace error is printed with exit code 0,
// so the message counts too).
bool xmllintAccepts(const std::string& xml) {
    test::ScratchDir dir;
    dir.write("case.xml", xml);
    const auto result = test::runProcess({"/usr/bin/xmllint", "--noout", dir.abs("case.xml")});
    return result.exitCode == 0 && result.err.find("error") == std::string::npos;
}

struct BadCase {
    const char* xml;
    const char* error;  // a part of the message, with its line and column
};

TEST(XmlReader, RefusesWhatXmllintRefusesNamingLineAndColumn) {
    const std::vector<BadCase> cases = {
        {"", "line 1, column 1: no root element"},
        {"<a>\n  <b>\n</a>", "line 3, column 1: end tag </a> does not match <b>"},
        {"<a>\n<b>", "line 2, column 1: element <b> is not closed"},
        {"<a b=\"1\" b=\"2\"/>", "column 10: attribute b appears twice"},
        {"<a b=1/>", "expected a quoted attribute value"},
        {"<a b=\"x<y\"/>", "'<' in an attribute value"},
        {"<a b=\"1\"c=\"2\"/>", "expected white space before an attribute"},
        {"<a/><b/>", "column 5: content after the root element"},
        {"<a/>text", "content after the root element"},
        {"text<a/>", "expected the root element"},
        {"<a>&nbsp;</a>", "unknown entity &nbsp;"},
        {"<a>AT&T</a>", "'&' that starts no reference"},
        {"<a b=\"&#0;\"/>", "character reference &#0; names no XML character"},
        {"<a>&#xD800;</a>", "character reference &#xD800; names no XML character"},
        {"<a>&#1114112;</a>", "names no XML character"},
        {"<a>]]></a>", "']]>' in text"},
        {"<a><!-- x -- y --></a>", "'--' inside a comment"},
        {"<a><!-- x </a>", "comment not closed"},
        {"<a><![CDATA[ x </a>", "CDATA section not closed"},
        {"<a>\x01</a>", "column 4: control character 1 is not allowed in XML"},
        {"<a>\xC3\x28</a>", "column 4: not valid UTF-8"},
        {"<a>\xEF\xBF\xBF</a>", "not valid UTF-8 (or not an XML character)"},
        {" <?xml version=\"1.0\"?><a/>", "an XML declaration is only allowed at the very start"},
        {"<?xml encoding=\"UTF-8\"?><a/>", "the XML declaration has no version"},
        {"<a><x:b/></a>", "namespace prefix x of x:b is not declared"},
        {"<a x:c=\"1\"/>", "namespace prefix x of x:c is not declared"},
        {"<a><1b/></a>", "'<' not followed by a name"},
        {"<a></a ", "malformed end tag"},
        {"<a", "tag <a> is not closed"},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.xml);
        EXPECT_FALSE(xmllintAccepts(c.xml)) << "the case is well-formed to xmllint";
        Status status;
        EXPECT_FALSE(parseXml(c.xml, &status));
        EXPECT_FALSE(status.ok);
        EXPECT_NE(status.error.find(c.error), std::string::npos) << status.error;
    }
}

// Well-formed to xmllint, refused on purpose: nothing expands, and only UTF-8 is read.
TEST(XmlReader, RefusesADocumentTypeAndOtherEncodings) {
    const std::vector<BadCase> cases = {
        {"<!DOCTYPE a [<!ENTITY e \"x\">]><a>&e;</a>",
         "a document type declaration is not "
         "accepted"},
        {"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><a/>",
         "encoding ISO-8859-1 is not read: only UTF-8"},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.xml);
        EXPECT_TRUE(xmllintAccepts(c.xml));
        Status status;
        EXPECT_FALSE(parseXml(c.xml, &status));
        EXPECT_NE(status.error.find(c.error), std::string::npos) << status.error;
    }
}

TEST(XmlReader, ReadsElementsAttributesAndReferencesAsXmllintDoes) {
    const std::string xml =
        "\xEF\xBB\xBF<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
        "<!-- generated -->\n"
        "<?stylesheet href=\"x\"?>\n"
        "<p:root xmlns:p=\"urn:p\" xmlns=\"urn:d\" revision='1.0'>\n"
        "  <item name=\"a &amp; b &lt;c&gt; &quot;d&quot; &apos;e&apos;\" code=\"&#65;&#x42;\"/>\n"
        "  text &amp; <![CDATA[ <not-an-element> ]]> more\n"
        "  <p:group spaced=\"x\ty\r\nz\"><leaf/><?pi data?><!-- c --><leaf id=\"2\"></leaf "
        "></p:group>\n"
        "</p:root >\n"
        "<!-- after -->\n";
    ASSERT_TRUE(xmllintAccepts(xml));
    Status status;
    const auto root = parseXml(xml, &status);
    ASSERT_TRUE(root) << status.error;
    EXPECT_EQ(root->name, "p:root");
    EXPECT_EQ(root->localName, "root");
    EXPECT_EQ(root->attribute("revision"), "1.0");
    EXPECT_EQ(root->findAttribute("missing"), nullptr);
    EXPECT_EQ(root->attribute("missing"), "");
    ASSERT_EQ(root->children.size(), 2u);
    const auto& item = root->children[0];
    EXPECT_EQ(item.localName, "item");
    EXPECT_EQ(item.attribute("name"), "a & b <c> \"d\" 'e'");
    EXPECT_EQ(item.attribute("code"), "AB");
    const auto& group = root->children[1];
    EXPECT_EQ(group.name, "p:group");
    EXPECT_EQ(group.localName, "group");
    EXPECT_EQ(group.attribute("spaced"), "x y z");  // XML 1.0 3.3.3, as xmllint reads it
    ASSERT_EQ(group.children.size(), 2u);
    EXPECT_EQ(group.children[1].attribute("id"), "2");
    EXPECT_TRUE(group.children[0].children.empty());
}

// The tree is freed recursively, so its depth is bounded: 256 levels, libxml2's own limit (an
// ADMX file is six deep).
TEST(XmlReader, NestingDeeperThanXmllintAllowsIsRefused) {
    const auto nested = [](int depth) {
        std::string xml;
        for (int i = 0; i < depth; ++i) xml += "<a>";
        for (int i = 0; i < depth; ++i) xml += "</a>";
        return xml;
    };
    EXPECT_TRUE(xmllintAccepts(nested(200)));
    Status status;
    EXPECT_TRUE(parseXml(nested(200), &status)) << status.error;
    EXPECT_FALSE(xmllintAccepts(nested(300)));
    EXPECT_FALSE(parseXml(nested(300), &status));
    EXPECT_NE(status.error.find("column 769: elements nested deeper than 256 levels"),
              std::string::npos)
        << status.error;
}

}  // namespace
}  // namespace mpa
