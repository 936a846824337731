// The agent's own YAML read without yaml-cpp's parser (policy/yaml_subset.hpp): what the subset
// reads must be node for node what yaml-cpp reads, and what it does not read is left to yaml-cpp.
#include "policy/yaml_subset.hpp"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "policy/definitions.hpp"
#include "policy/telemetry_catalog.hpp"

namespace mpa {

std::string_view mpa_embedded_definitions();
std::string_view mpa_embedded_telemetry_catalog();

namespace {

// The subset reads `text`, to the same tree as yaml-cpp.
void expectSameAsYamlCpp(const std::string& text) {
    SCOPED_TRACE(text);
    const auto subset = readYamlSubset(text);
    ASSERT_TRUE(subset.has_value()) << "outside the subset";
    EXPECT_TRUE(sameYamlTree(*subset, YAML::Load(text)));
}

void expectOutside(const std::string& text) {
    EXPECT_FALSE(readYamlSubset(text).has_value()) << text;
}

TEST(YamlSubset, ReadsTheEmbeddedDefinitionsAsYamlCppDoes) {
    for (const auto text : {mpa_embedded_definitions(), mpa_embedded_telemetry_catalog()})
        expectSameAsYamlCpp(std::string(text));
}

TEST(YamlSubset, ReadsMappingsSequencesAndScalarsAsYamlCppDoes) {
    expectSameAsYamlCpp("a: 1\nb: two words\nc: \"quoted \\\"x\\\" \\\\ \\n \\t /\"\nd: 'it''s'\n");
    expectSameAsYamlCpp("# heading\n\nkey: value # a comment\nother: C# and url https://x/y\n");
    expectSameAsYamlCpp("list:\n  - one\n  - \"two\"\n  -   three\nnext: x\n");
    expectSameAsYamlCpp("list:\n- compact\n- sequence\nnext: x\n");
    expectSameAsYamlCpp(
        "tools:\n  - id: a\n    name: A\n    env:\n      - name: X\n        value: \"1\"\n"
        "  - id: b\n    name: B\n");
    expectSameAsYamlCpp("empty:\nafter: x\n");
    expectSameAsYamlCpp("nested:\n  deeper:\n    deepest: -1\n  back: true\n");
    expectSameAsYamlCpp("crlf: yes\r\nsecond: no\r\n");
    expectSameAsYamlCpp("- top\n- level\n- sequence\n");
    expectSameAsYamlCpp("utf8: \xC3\xA9t\xC3\xA9 \xE2\x82\xAC\n");
}

TEST(YamlSubset, ReadsBlockScalarsAsYamlCppDoes) {
    expectSameAsYamlCpp(
        "a: >-\n  folded line one\n  line two\n\n  second paragraph\n\n\n  third\n"
        "b: x\n");
    expectSameAsYamlCpp("a: >\n  clip keeps one line break\n\n\nb: x\n");
    expectSameAsYamlCpp("a: |\n  literal\n  lines\n\n  kept\nb: x\n");
    expectSameAsYamlCpp("a: |-\n  literal # not a comment\n  stripped\n");
    expectSameAsYamlCpp("- >-\n  in a sequence\n  folded\n- after\n");
    expectSameAsYamlCpp("a: > # header comment\n  text\n");
    expectSameAsYamlCpp("a: >-\n  text\n# a comment after the block\nb: c\n");
}

TEST(YamlSubset, LeavesEverythingElseToYamlCpp) {
    expectOutside("");
    expectOutside("# only a comment\n");
    expectOutside("just a scalar\n");
    expectOutside("flow: [a, b]\n");
    expectOutside("flow: {a: b}\n");
    expectOutside("anchor: &a x\nalias: *a\n");
    expectOutside("tag: !!str 1\n");
    expectOutside("---\na: b\n");
    expectOutside("%YAML 1.2\n---\na: b\n");
    expectOutside("a: b\n...\n");
    expectOutside("a: b: c\n");
    expectOutside("a: multi\n  line plain\n");
    expectOutside("a: \"open\n  quote\"\n");
    expectOutside("a: \"\\u00e9\"\n");
    expectOutside("a: 'x' trailing\n");
    expectOutside("\ta: tab indent\n");
    expectOutside("a:\n\t- tab\n");
    expectOutside("- a\n\t \n");  // a blank line that starts with a tab (the fuzzer's)
    expectOutside("a: tab\tinside\n");
    expectOutside("a: |+\n  keep\n");
    expectOutside("a: |2\n  indicator\n");
    expectOutside("a: >\n\n  leading blank\n");
    expectOutside("a: >\n  text\n    more indented\n");
    expectOutside("a: >\n  text\n     \n  spaces past the indentation\n");
    expectOutside("a: >-\nb: empty block\n");
    expectOutside("a: 1\na: duplicate\n");
    expectOutside("\"quoted key\": x\n");
    expectOutside("a: ~\n");
    expectOutside("a: null\n");
    expectOutside("null: a null key\n");  // found by the fuzzer
    expectOutside("- - nested\n");
    expectOutside("a: x\n  b: more indented\n");
    expectOutside("a:\n  - x\n b: between\n");
    expectOutside(
        "\xEF\xBB\xBF"
        "a: bom\n");
    expectOutside("a: \xC2\x85 next line\n");
    expectOutside("a: \xFF not utf-8\n");
    expectOutside(std::string("a: nul\0x\n", 9));
    expectOutside("a: lone\rcr\n");
    expectOutside("? complex\n: key\n");
    expectOutside("a: no line break at the end");
    expectOutside("a: >-\n  text\n  ");  // found by the fuzzer: yaml-cpp reads "text "
}

// The loaders read the subset's nodes, and an error in them is said with its line, as yaml-cpp's
// nodes say it.
TEST(YamlSubset, LoaderErrorsStillNameTheLine) {
    try {
        loadTelemetryCatalog(
            "tools:\n  - id: a\n    name: A\n    vendor: V\n    environment:\n"
            "      - name: lower\n        value: \"1\"\n");
        FAIL() << "accepted a lower-case variable";
    } catch (const TelemetryCatalogError& e) {
        EXPECT_NE(std::string(e.what()).find("line 6"), std::string::npos) << e.what();
    }
}

}  // namespace
}  // namespace mpa
