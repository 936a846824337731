// Strict JSON: what System.Text.Json would reject must be rejected here too, with a position; and
// a rewrite must leave every member it does not touch byte-for-byte as it was.
#include "util/json_document.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

namespace mpa::json {
namespace {

struct InvalidCase {
    const char* name;
    std::string text;
    std::size_t line, column;
    const char* message;  // a substring of the message
};

std::string nested(int depth) {
    return std::string(static_cast<std::size_t>(depth), '[') +
           std::string(static_cast<std::size_t>(depth), ']');
}

std::string nestedObject(int depth) {
    std::string text;
    for (int i = 0; i < depth; ++i) text += "{\"a\":";
    text += "1";
    for (int i = 0; i < depth; ++i) text += "}";
    return text;
}

TEST(JsonValidate, AcceptsValidDocuments) {
    const std::string valid[] = {
        "{}",
        " \t\r\n{ } \n",
        "{\"a\":1}",
        "{\"a\": [1, -2, 3.25, 1e3, 1E+3, -0.5e-7, 0, -0]}",
        "{\"s\": \"quote \\\" slash \\/ back \\\\ \\b\\f\\n\\r\\t \\u00e9 \\uD83D\\uDE00\"}",
        "{\"utf8\": \"h\xC3\xA9llo \xE2\x82\xAC \xF0\x9F\x98\x80\"}",
        "{\"t\": true, \"f\": false, \"n\": null, \"o\": {\"x\": {}}, \"e\": []}",
        "\xEF\xBB\xBF{\"bom\": 1}",
        "{\"dup\": 1, \"dup\": 2}",
        nestedObject(64),
    };
    for (const std::string& text : valid) {
        ParseError error;
        EXPECT_TRUE(ObjectDocument::parse(text, &error)) << text << "\n" << error.describe();
    }
    // validate() takes any value at the top level.
    for (const std::string text : {"[1,2]", "\"s\"", "0", "-1.5e10", "true", "null", " 7 "}) {
        ParseError error;
        EXPECT_TRUE(validate(text, &error)) << text << "\n" << error.describe();
    }
    EXPECT_TRUE(validate(nested(64), nullptr));
}

TEST(JsonValidate, RejectsInvalidDocumentsWithPosition) {
    const InvalidCase cases[] = {
        {"empty", "", 1, 1, "empty input"},
        {"only whitespace", " \n ", 2, 2, "empty input"},
        {"only BOM", "\xEF\xBB\xBF", 1, 1, "empty input"},
        {"top-level array", "[1]", 1, 1, "must be an object"},
        {"top-level number", "42", 1, 1, "must be an object"},
        {"line comment", "{\n  \"a\": 1 // on\n}", 2, 10, "comments are not allowed"},
        {"block comment", "/* c */ {}", 1, 1, "comments are not allowed"},
        {"comment before key", "{\n/*x*/\"a\":1}", 2, 1, "comments are not allowed"},
        {"trailing comma object", "{\n  \"a\": 1,\n  \"b\": 2,\n}", 3, 9, "trailing comma"},
        {"trailing comma array", "{\"a\": [1, 2, ]}", 1, 12, "trailing comma"},
        {"single-quoted value", "{\"a\": 'x'}", 1, 7, "single-quoted"},
        {"single-quoted key", "{'a': 1}", 1, 2, "single-quoted"},
        {"unquoted key", "{a: 1}", 1, 2, "property name"},
        {"NaN", "{\"a\": NaN}", 1, 7, "NaN and Infinity"},
        {"Infinity", "{\"a\": Infinity}", 1, 7, "NaN and Infinity"},
        {"-Infinity", "{\"a\": -Infinity}", 1, 7, "NaN and Infinity"},
        {"leading zero", "{\"a\": 01}", 1, 7, "leading zeros"},
        {"negative leading zero", "{\"a\": -007}", 1, 8, "leading zeros"},
        {"plus sign", "{\"a\": +1}", 1, 7, "'+'"},
        {"bare decimal point", "{\"a\": 1.}", 1, 9, "decimal point"},
        {"leading decimal point", "{\"a\": .5}", 1, 7, "unexpected character '.'"},
        {"empty exponent", "{\"a\": 1e}", 1, 9, "exponent"},
        {"hex number", "{\"a\": 0x10}", 1, 8, "unexpected character 'x'"},
        {"bad escape", "{\"a\": \"\\x\"}", 1, 8, "invalid escape '\\x'"},
        {"short unicode escape", "{\"a\": \"\\u12\"}", 1, 10, "4 hex digits"},
        {"lone high surrogate", "{\"a\": \"\\uD83D\"}", 1, 8, "lone high surrogate"},
        {"high surrogate then letter", "{\"a\": \"\\uD83Dx\"}", 1, 8, "lone high surrogate"},
        {"two high surrogates", "{\"a\": \"\\uD83D\\uD83D\"}", 1, 8, "lone high surrogate"},
        {"lone low surrogate", "{\"a\": \"\\uDE00\"}", 1, 8, "lone low surrogate"},
        {"raw control character", "{\"a\": \"x\ty\"}", 1, 9, "control character"},
        {"raw newline in string", "{\"a\": \"x\ny\"}", 1, 9, "control character"},
        {"invalid UTF-8 byte", "{\"a\": \"\xFF\"}", 1, 8, "invalid UTF-8"},
        {"truncated UTF-8", "{\"a\": \"\xC3\"}", 1, 8, "invalid UTF-8"},
        {"overlong UTF-8", "{\"a\": \"\xC0\xAF\"}", 1, 8, "invalid UTF-8"},
        {"UTF-8 surrogate", "{\"a\": \"\xED\xA0\x80\"}", 1, 8, "invalid UTF-8"},
        {"above U+10FFFF", "{\"a\": \"\xF4\x90\x80\x80\"}", 1, 8, "invalid UTF-8"},
        {"invalid UTF-8 in key", "{\"\xFE\": 1}", 1, 3, "invalid UTF-8"},
        {"unterminated string", "{\"a\": \"abc", 1, 7, "unterminated string"},
        {"unterminated object", "{\"a\": 1", 1, 8, "end of input"},
        {"missing colon", "{\"a\" 1}", 1, 6, "':'"},
        {"missing comma", "{\"a\": 1 \"b\": 2}", 1, 9, "',' or '}'"},
        {"double comma", "{\"a\": 1,, \"b\": 2}", 1, 9, "property name"},
        {"bad literal", "{\"a\": tru}", 1, 7, "invalid literal"},
        {"capitalised literal", "{\"a\": True}", 1, 7, "unexpected character 'T'"},
        {"data after object", "{} {}", 1, 4, "after the top-level value"},
        {"comment after object", "{}\n// done", 2, 1, "comments are not allowed"},
        {"BOM twice", "\xEF\xBB\xBF\xEF\xBB\xBF{}", 1, 1, "must be an object"},
        {"too deep", nestedObject(65), 1, 321, "deeper than 64"},
    };
    for (const InvalidCase& c : cases) {
        ParseError error;
        EXPECT_FALSE(ObjectDocument::parse(c.text, &error)) << c.name;
        EXPECT_EQ(error.line, c.line) << c.name << ": " << error.describe();
        EXPECT_EQ(error.column, c.column) << c.name << ": " << error.describe();
        EXPECT_NE(error.message.find(c.message), std::string::npos)
            << c.name << ": " << error.describe();
    }
    ParseError error;
    EXPECT_FALSE(validate(nested(65), &error));
    EXPECT_EQ(error.column, 65u);
    EXPECT_FALSE(validate("[1,]", &error));
    EXPECT_EQ(error.describe(), "line 1, column 3: trailing comma");
}

const char kTelemetry[] =
    "{\n"
    "  \"ExceptionReportingAction\": 0,\n"
    "  \"PerformanceProblemReportingAction\" : 1,\n"
    "  \"UsageReportingAction\":1,\n"
    "  \"DeviceId\": \"6f9619ff-8b86-d011-b42d-00c04fc964ff\",\n"
    "  \"LastUploadTime\": \"2025-03-04T10:11:12.1234567+01:00\",\n"
    "  \"Issues\": {\n"
    "    \"Metalama.Framework.Engine.AspectWeavers.Exception\": \"2025-02-01T00:00:00\",\n"
    "    \"nested\": {\"deep\": [1, 2, {\"x\": null}]}\n"
    "  },\n"
    "  \"Sessions\": {\"vs-17.9\":   {\"Count\": 12, \"Last\": \"2025-03-01\"}},\n"
    "  \"Salt\": 1.50,\n"
    "  \"RetentionPeriodInDays\": 1e3,\n"
    "  \"Note\": \"caf\\u00e9 \\\"quoted\\\" \\uD83D\\uDE00\",\n"
    "  \"version\": 41\n"
    "}\n";

TEST(ObjectDocument, RoundTripChangesOnlyTheKeySet) {
    ParseError error;
    std::optional<ObjectDocument> document = ObjectDocument::parse(kTelemetry, &error);
    ASSERT_TRUE(document) << error.describe();
    const std::vector<ObjectDocument::Member> before = document->members();
    ASSERT_EQ(before.size(), 11u);
    EXPECT_EQ(before[6].key, "Sessions");
    EXPECT_EQ(before[6].rawValue, "{\"vs-17.9\":   {\"Count\": 12, \"Last\": \"2025-03-01\"}}");
    EXPECT_EQ(before[7].rawValue, "1.50");
    EXPECT_EQ(before[8].rawValue, "1e3");

    document->setInteger("UsageReportingAction", 2);
    const std::string rewritten = document->serialize();
    std::optional<ObjectDocument> reparsed = ObjectDocument::parse(rewritten, &error);
    ASSERT_TRUE(reparsed) << error.describe() << "\n" << rewritten;
    const std::vector<ObjectDocument::Member>& after = reparsed->members();
    ASSERT_EQ(after.size(), before.size());
    for (std::size_t i = 0; i < before.size(); ++i) {
        EXPECT_EQ(after[i].key, before[i].key);
        if (before[i].key == "UsageReportingAction") {
            EXPECT_EQ(after[i].rawValue, "2");
        } else {
            EXPECT_EQ(after[i].rawValue, before[i].rawValue) << before[i].key;
        }
    }
    EXPECT_EQ(reparsed->getInteger("UsageReportingAction"), 2);
    EXPECT_EQ(reparsed->getString("Note"), "caf\xC3\xA9 \"quoted\" \xF0\x9F\x98\x80");
    // A second round trip is a fixed point.
    EXPECT_EQ(reparsed->serialize(), rewritten);
}

TEST(ObjectDocument, SerializeFormat) {
    ObjectDocument document = *ObjectDocument::parse("{\"b\":[1,\n2],\"a\\n\":\"x\"}", nullptr);
    EXPECT_EQ(document.serialize(), "{\n  \"b\": [1,\n2],\n  \"a\\n\": \"x\"\n}\n");
    EXPECT_TRUE(document.remove("b"));
    EXPECT_TRUE(document.remove("A\n"));
    EXPECT_EQ(document.serialize(), "{}\n");
}

TEST(ObjectDocument, GettersAreTypeStrict) {
    ObjectDocument document = *ObjectDocument::parse(
        "{\"i\": -12, \"f\": 2.0, \"e\": 1e2, \"s\": \"2\", \"big\": 9223372036854775808, "
        "\"max\": 9223372036854775807, \"n\": null}",
        nullptr);
    EXPECT_EQ(document.getInteger("i"), -12);
    EXPECT_EQ(document.getInteger("f"), std::nullopt);
    EXPECT_EQ(document.getInteger("e"), std::nullopt);
    EXPECT_EQ(document.getInteger("s"), std::nullopt);
    EXPECT_EQ(document.getInteger("big"), std::nullopt);
    EXPECT_EQ(document.getInteger("max"), INT64_MAX);
    EXPECT_EQ(document.getString("s"), "2");
    EXPECT_EQ(document.getString("i"), std::nullopt);
    EXPECT_EQ(document.getString("n"), std::nullopt);
    EXPECT_EQ(document.getString("absent"), std::nullopt);
    EXPECT_FALSE(document.has("absent"));
}

TEST(ObjectDocument, CaseInsensitiveLookupAndSetKeepTheOriginalSpelling) {
    ObjectDocument document =
        *ObjectDocument::parse("{\"usagereportingaction\": 1, \"DeviceId\": null}", nullptr);
    EXPECT_TRUE(document.has("UsageReportingAction"));
    EXPECT_EQ(document.getInteger("USAGEREPORTINGACTION"), 1);
    document.setInteger("UsageReportingAction", 2);
    document.setString("deviceid", "abc");
    document.setInteger("ExceptionReportingAction", 2);  // absent: appended
    EXPECT_EQ(document.serialize(),
              "{\n  \"usagereportingaction\": 2,\n  \"DeviceId\": \"abc\",\n"
              "  \"ExceptionReportingAction\": 2\n}\n");
}

TEST(ObjectDocument, DuplicatesAreAllUpdatedAndTheLastOneIsRead) {
    ObjectDocument document = *ObjectDocument::parse("{\"A\": 1, \"b\": true, \"a\": 3}", nullptr);
    EXPECT_EQ(document.getInteger("a"), 3);  // the deserializer keeps the last one
    EXPECT_EQ(document.find("A")->key, "a");
    document.setInteger("a", 2);
    ASSERT_EQ(document.members().size(), 3u);
    EXPECT_EQ(document.members()[0].rawValue, "2");
    EXPECT_EQ(document.members()[2].rawValue, "2");
    EXPECT_TRUE(document.remove("A"));
    EXPECT_EQ(document.members().size(), 1u);
    EXPECT_FALSE(document.remove("a"));
}

TEST(ObjectDocument, SetRawRefusesInvalidJson) {
    ObjectDocument document = *ObjectDocument::parse("{}", nullptr);
    EXPECT_THROW(document.setRaw("a", "01"), std::invalid_argument);
    EXPECT_THROW(document.setRaw("a", "[1,]"), std::invalid_argument);
    EXPECT_THROW(document.setRaw("a", ""), std::invalid_argument);
    document.setRaw("a", "{\"x\": [true]}");
    EXPECT_EQ(document.members().at(0).rawValue, "{\"x\": [true]}");
}

TEST(Quote, EscapesWhatJsonRequires) {
    EXPECT_EQ(quote("plain"), "\"plain\"");
    EXPECT_EQ(quote("a\"b\\c/d"), "\"a\\\"b\\\\c/d\"");
    EXPECT_EQ(quote("\b\f\n\r\t"), "\"\\b\\f\\n\\r\\t\"");
    EXPECT_EQ(quote(std::string("\x01\x1F", 2)), "\"\\u0001\\u001F\"");
    EXPECT_EQ(quote(std::string("nul\0", 4)), "\"nul\\u0000\"");
    EXPECT_EQ(quote("h\xC3\xA9 \xF0\x9F\x98\x80"), "\"h\xC3\xA9 \xF0\x9F\x98\x80\"");
    EXPECT_EQ(quote("bad\xFF"), "\"bad\xEF\xBF\xBD\"");
    // Whatever goes in, what comes out is valid and decodes back.
    for (const std::string s : {"x\"y", "\x7F", "tab\there", "\xE2\x80\xA8"}) {
        ObjectDocument document = *ObjectDocument::parse("{}", nullptr);
        document.setString("k", s);
        ParseError error;
        ASSERT_TRUE(validate(document.serialize(), &error)) << error.describe();
        EXPECT_EQ(document.getString("k"), s);
    }
}

// appendQuoted copies runs of plain characters at once: escapes and UTF-8 at the start, the end
// and between runs come out as quote() gives them alone, appended after what the text held.
TEST(Quote, AppendedAfterTextAndBetweenRunsAsAlone) {
    for (const std::string s :
         {"", "\"", "a", "\"start", "end\\", "mid\ndle", "\xC3\xA9tude", "caf\xC3\xA9", "x\xFFy",
          "\x01\x7F/", "/home/user01/.local/share/Metalama/telemetry.json"}) {
        std::string out = "[1,";
        appendQuoted(out, s);
        EXPECT_EQ(out, "[1," + quote(s)) << s;
        ParseError error;
        EXPECT_TRUE(validate(out.substr(3), &error)) << s << ": " << error.describe();
    }
    EXPECT_EQ(quote("ab\"cd\\ef\x02gh"), "\"ab\\\"cd\\\\ef\\u0002gh\"");
}

}  // namespace
}  // namespace mpa::json

namespace mpa::json {
namespace {

TEST(UniqueKeyObject, RejectsARepeatedKeyAtTheRepeatWithItsFirstLine) {
    ParseError error;
    EXPECT_FALSE(parseObjectWithUniqueKeys("{\n  \"A\": 1,\n  \"B\": 2,\n  \"A\": 3\n}", &error));
    EXPECT_EQ(error.describe(), "line 4, column 3: duplicate key \"A\" (first at line 2)");
    // Keys differing in case are different keys for a configuration file.
    EXPECT_TRUE(parseObjectWithUniqueKeys("{\"a\": 1, \"A\": 2}", nullptr));
}

TEST(UniqueKeyObject, IsAsStrictAsTheDocumentAndLocatesEachKey) {
    ParseError error;
    EXPECT_FALSE(parseObjectWithUniqueKeys("{\"TelemetryOptOut\": true,}", &error));
    EXPECT_EQ(error.describe(), "line 1, column 25: trailing comma");
    EXPECT_FALSE(parseObjectWithUniqueKeys("null", &error));
    EXPECT_FALSE(parseObjectWithUniqueKeys("", &error));
    const auto members =
        parseObjectWithUniqueKeys("\xEF\xBB\xBF{\"x\": \"a\\u00e9\",\n \"y\": [1]}", &error);
    ASSERT_TRUE(members) << error.describe();
    ASSERT_EQ(members->size(), 2u);
    EXPECT_EQ((*members)[0].line, 1u);
    EXPECT_EQ((*members)[0].column, 2u);
    EXPECT_EQ((*members)[1].line, 2u);
    EXPECT_EQ((*members)[1].column, 2u);
    EXPECT_EQ(decodeStringValue((*members)[0].rawValue), "a\xC3\xA9");
    EXPECT_EQ(decodeStringValue((*members)[1].rawValue), std::nullopt);
}

}  // namespace
}  // namespace mpa::json
