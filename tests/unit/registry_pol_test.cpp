// The Registry.pol parser on hand-built input: every framing error, bad data, commands, limits.
// Files written by Samba are compared in registry_pol_samba_test.cpp.
#include "sources/registry_pol.hpp"

#include <gtest/gtest.h>

#include <cstring>

#include "support/registry_pol_builder.hpp"
#include "util/text.hpp"

namespace mpa {
namespace {

using test::dwordBytes;
using test::pregHeader;
using test::pregRecord;
using test::pregSz;
using test::utf16;

const char* kKey = "Software\\Policies\\PostSharp\\Metalama";

std::string validFile() {
    return pregHeader() + pregRecord(kKey, "TelemetryOptOut", kRegDword, dwordBytes(1)) +
           pregRecord(kKey, "DeviceIdResetToken", kRegSz, pregSz("abc")) +
           pregRecord(kKey, "List", kRegMultiSz, pregSz("a") + pregSz("b") + std::string(2, '\0')) +
           pregRecord(kKey, "**del.Gone", kRegSz, pregSz(" "));
}

bool mentions(const PregFile& file, const std::string& text) {
    for (const auto& e : file.errors)
        if (e.message.find(text) != std::string::npos) return true;
    return false;
}

TEST(RegistryPol, ParsesAValidFile) {
    const auto file = parseRegistryPol(validFile());
    EXPECT_TRUE(file.complete());
    EXPECT_TRUE(file.errors.empty());
    ASSERT_EQ(file.records.size(), 4u);
    EXPECT_EQ(file.records[0].offset, 8u);
    EXPECT_EQ(file.records[0].key, kKey);
    EXPECT_EQ(file.records[0].valueName, "TelemetryOptOut");
    EXPECT_EQ(file.records[0].data.number, 1u);
    EXPECT_EQ(file.records[1].data.text, "abc");
    EXPECT_EQ(file.records[2].data.strings, (std::vector<std::string>{"a", "b"}));
    EXPECT_EQ(file.records[3].command, PregCommand::DeleteValue);
    EXPECT_EQ(file.records[3].commandArgument, "Gone");
}

TEST(RegistryPol, HeaderOnlyIsAnEmptyValidFile) {
    const auto file = parseRegistryPol(pregHeader());
    EXPECT_TRUE(file.complete());
    EXPECT_TRUE(file.records.empty());
    EXPECT_TRUE(file.errors.empty());
}

TEST(RegistryPol, BadHeadersSkipTheFile) {
    for (const std::string& bytes :
         {std::string(), std::string("PReg"), std::string("PReg\x01\x00\x00", 7),
          std::string("REGEDIT4\r\n"), std::string("preg\x01\x00\x00\x00", 8),
          std::string("PReg\x02\x00\x00\x00", 8)}) {
        const auto file = parseRegistryPol(bytes + pregRecord(kKey, "A", kRegDword, dwordBytes(1)));
        EXPECT_FALSE(file.headerValid) << bytes;
        EXPECT_TRUE(file.records.empty());
        EXPECT_EQ(file.errors.size(), 1u);
    }
    EXPECT_EQ(parseRegistryPol(std::string("PReg\x02\x00\x00\x00", 8)).errors.at(0).offset, 4u);
    EXPECT_TRUE(mentions(parseRegistryPol("PRe"), "shorter than the 8-byte header"));
    EXPECT_TRUE(mentions(parseRegistryPol(std::string("XReg\x01\x00\x00\x00", 8)), "signature"));
}

TEST(RegistryPol, TruncationAtEveryOffsetKeepsEarlierRecordsAndNeverOverReads) {
    const auto whole = validFile();
    const auto full = parseRegistryPol(whole);
    ASSERT_EQ(full.records.size(), 4u);
    for (std::size_t cut = 0; cut < whole.size(); ++cut) {
        // A fresh heap copy of exactly `cut` bytes: under AddressSanitizer any read past the end
        // is reported.
        const std::string prefix = whole.substr(0, cut);
        const auto file = parseRegistryPol(prefix);
        if (cut < 8) {
            EXPECT_FALSE(file.headerValid) << cut;
            continue;
        }
        std::size_t wholeRecords = 0;
        for (const auto& r : full.records) {
            const auto next = &r == &full.records.back() ? whole.size() : (&r + 1)->offset;
            if (next <= cut) ++wholeRecords;
        }
        EXPECT_EQ(file.records.size(), wholeRecords) << "cut at " << cut;
        const bool atBoundary =
            cut == 8 || (wholeRecords > 0 && (wholeRecords == full.records.size()
                                                  ? cut == whole.size()
                                                  : full.records[wholeRecords].offset == cut));
        if (atBoundary) {
            EXPECT_TRUE(file.complete()) << cut;
        } else {
            ASSERT_TRUE(file.stoppedAt.has_value()) << cut;
            EXPECT_GE(*file.stoppedAt, full.records[wholeRecords].offset) << cut;
            EXPECT_LE(*file.stoppedAt, cut) << cut;
            EXPECT_FALSE(file.errors.empty());
        }
        for (std::size_t i = 0; i < file.records.size(); ++i)
            EXPECT_EQ(file.records[i].data.bytes, full.records[i].data.bytes);
    }
}

TEST(RegistryPol, OversizedSizeFieldsStopWithTheOffset) {
    const auto ok = pregRecord(kKey, "A", kRegDword, dwordBytes(1));
    // A size past the end of the file.
    auto file =
        parseRegistryPol(pregHeader() + ok + pregRecord(kKey, "B", kRegDword, dwordBytes(1), 5000));
    EXPECT_EQ(file.records.size(), 1u);
    ASSERT_TRUE(file.stoppedAt.has_value());
    EXPECT_TRUE(mentions(file, "runs past the end of the file"));
    // The size field sits after '[', key, ';', name, ';', type, ';'.
    const std::size_t sizeField =
        8 + ok.size() + 2 + (std::strlen(kKey) + 1) * 2 + 2 + 4 + 2 + 4 + 2;
    EXPECT_EQ(*file.stoppedAt, sizeField);
    // Sizes beyond the per-record limit, up to 0xFFFFFFFF, never allocate.
    for (const std::uint32_t size :
         {static_cast<std::uint32_t>(kMaxDataBytes + 1), 0x7FFFFFFFu, 0xFFFFFFFFu}) {
        file = parseRegistryPol(pregHeader() + pregRecord(kKey, "B", kRegBinary, "xy", size));
        EXPECT_TRUE(file.records.empty());
        EXPECT_TRUE(mentions(file, "exceeds the limit")) << size;
    }
}

TEST(RegistryPol, FilesOverTheSizeLimitAreNotRead) {
    std::string big = pregHeader();
    big.resize(kMaxFileBytes + 1, '\0');
    const auto file = parseRegistryPol(big);
    EXPECT_FALSE(file.headerValid);
    EXPECT_TRUE(mentions(file, "16 MiB"));
}

TEST(RegistryPol, OddByteCountsAndWrongSizedNumbersKeepTheRecordAsBytes) {
    const auto file =
        parseRegistryPol(pregHeader() + pregRecord(kKey, "Odd", kRegSz, std::string("a\0b", 3)) +
                         pregRecord(kKey, "Short", kRegDword, std::string("\x01\x00", 2)) +
                         pregRecord(kKey, "Long", kRegQword, dwordBytes(1)) +
                         pregRecord(kKey, "Next", kRegDword, dwordBytes(7)));
    EXPECT_TRUE(file.complete());
    ASSERT_EQ(file.records.size(), 4u);
    EXPECT_FALSE(file.records[0].data.decoded);
    EXPECT_FALSE(file.records[1].data.decoded);
    EXPECT_FALSE(file.records[2].data.decoded);
    EXPECT_EQ(file.records[0].data.describe(), "hex:61 00 62");
    EXPECT_EQ(file.records[3].data.number, 7u);
    EXPECT_TRUE(mentions(file, "odd byte count (3)"));
    EXPECT_TRUE(mentions(file, "REG_DWORD data is 2 bytes, expected 4"));
    EXPECT_TRUE(mentions(file, "REG_QWORD data is 4 bytes, expected 8"));
}

TEST(RegistryPol, AnOddByteCountInTheFramingStops) {
    // One stray byte after the last record: not a whole UTF-16 '['.
    const auto file = parseRegistryPol(validFile() + "x");
    EXPECT_EQ(file.records.size(), 4u);
    ASSERT_TRUE(file.stoppedAt.has_value());
    EXPECT_EQ(*file.stoppedAt, validFile().size());
    EXPECT_TRUE(mentions(file, "truncated record"));
}

TEST(RegistryPol, MissingTerminatorsAndSeparatorsStop) {
    const std::string key = utf16(kKey);
    const std::string nul(2, '\0');
    // Name without its NUL: runs into the rest of the record and fails on the next separator.
    auto file = parseRegistryPol(pregHeader() + utf16("[") + key + utf16(";") + utf16("A") + nul +
                                 utf16(";") + dwordBytes(4) + utf16(";") + dwordBytes(4) +
                                 utf16(";") + dwordBytes(1) + utf16("]"));
    EXPECT_TRUE(file.records.empty());
    EXPECT_TRUE(file.stoppedAt.has_value());
    // A value name without any NUL before the end of the file.
    file = parseRegistryPol(pregHeader() + utf16("[") + key + nul + utf16(";") + utf16("ABC"));
    EXPECT_TRUE(mentions(file, "value name has no NUL terminator"));
    // A record without its closing bracket.
    const auto rec = pregRecord(kKey, "A", kRegDword, dwordBytes(1));
    file = parseRegistryPol(pregHeader() + rec.substr(0, rec.size() - 2) + utf16(")"));
    EXPECT_TRUE(mentions(file, "expected ']' at the end of the record, found ')'"));
    EXPECT_EQ(*file.stoppedAt, 8 + rec.size() - 2);
    // Something other than '[' where a record starts.
    file = parseRegistryPol(pregHeader() + rec + utf16("X"));
    EXPECT_EQ(file.records.size(), 1u);
    EXPECT_TRUE(mentions(file, "expected '[' at the start of a record, found 'X'"));
    // A string value without its NUL is accepted as written (Windows and Samba read it).
    file = parseRegistryPol(pregHeader() + pregRecord(kKey, "S", kRegSz, utf16("abc")));
    ASSERT_EQ(file.records.size(), 1u);
    EXPECT_EQ(file.records[0].data.text, "abc");
}

TEST(RegistryPol, NameLengthLimits) {
    const std::string longest(kMaxValueNameChars, 'v');
    auto file =
        parseRegistryPol(pregHeader() + pregRecord(kKey, longest, kRegDword, dwordBytes(1)));
    ASSERT_EQ(file.records.size(), 1u);
    EXPECT_EQ(file.records[0].valueName, longest);
    file =
        parseRegistryPol(pregHeader() + pregRecord(kKey, longest + "v", kRegDword, dwordBytes(1)));
    EXPECT_TRUE(file.records.empty());
    EXPECT_TRUE(mentions(file, "value name is longer than 259 characters"));
    file = parseRegistryPol(pregHeader() + pregRecord(std::string(kMaxKeyChars + 1, 'k'), "A",
                                                      kRegDword, dwordBytes(1)));
    EXPECT_TRUE(mentions(file, "key is longer than 32767 characters"));
}

TEST(RegistryPol, UnpairedSurrogatesAreReportedNotFatal) {
    const std::string lone("\x00\xD8", 2);          // high surrogate, nothing after it
    const std::string lowFirst("\x00\xDC", 2);      // low surrogate on its own
    const std::string pair("\x3D\xD8\x00\xDE", 4);  // U+1F600
    const auto file = parseRegistryPol(
        pregHeader() +
        pregRecord(kKey, "S", kRegSz, utf16("a") + lone + utf16("b") + std::string(2, '\0')) +
        pregRecord(kKey, "T", kRegSz, lowFirst + pair + std::string(2, '\0')) +
        pregRecord(kKey, "M", kRegMultiSz, lone + std::string(4, '\0')));
    EXPECT_TRUE(file.complete());
    ASSERT_EQ(file.records.size(), 3u);
    EXPECT_EQ(file.records[0].data.text,
              "a\xEF\xBF\xBD"
              "b");
    EXPECT_EQ(file.records[1].data.text, "\xEF\xBF\xBD\xF0\x9F\x98\x80");
    EXPECT_EQ(file.records[2].data.strings, std::vector<std::string>{"\xEF\xBF\xBD"});
    ASSERT_EQ(file.errors.size(), 3u);
    EXPECT_NE(file.errors[0].message.find("unpaired UTF-16 surrogate 0xD800"), std::string::npos);
    // The offset is that of the surrogate itself: record start + framing + "a".
    const std::size_t dataStart = 8 + 2 + (std::strlen(kKey) + 1) * 2 + 2 + 4 + 2 + 4 + 2 + 4 + 2;
    EXPECT_EQ(file.errors[0].offset, dataStart + 2);
}

TEST(RegistryPol, UnknownTypesAreKeptAsBytes) {
    const auto file = parseRegistryPol(pregHeader() + pregRecord(kKey, "X", 0x1234, "\x01\x02"));
    ASSERT_EQ(file.records.size(), 1u);
    EXPECT_TRUE(file.records[0].data.decoded);
    EXPECT_EQ(file.records[0].data.describe(), "hex:01 02");
    EXPECT_EQ(registryTypeName(0x1234), "type 0x1234");
}

TEST(RegistryPol, BigEndianDword) {
    const auto file =
        parseRegistryPol(pregHeader() + pregRecord(kKey, "X", kRegDwordBigEndian,
                                                   std::string("\x00\x00\x01\x02", 4)));
    ASSERT_EQ(file.records.size(), 1u);
    EXPECT_EQ(file.records[0].data.number, 0x0102u);
}

const PregValue* valueOf(const PregState& state, const std::string& key, const std::string& name) {
    const auto* k = state.findKey(key);
    if (!k) return nullptr;
    const auto it = k->values.find(lowerAscii(name));
    return it == k->values.end() ? nullptr : &it->second;
}

TEST(RegistryPolApply, CommandsApplyInOrderIgnoringCase) {
    const auto file = parseRegistryPol(
        pregHeader() + pregRecord("K", "A", kRegDword, dwordBytes(1)) +
        pregRecord("K", "B", kRegDword, dwordBytes(2)) +
        pregRecord("K", "C", kRegDword, dwordBytes(3)) +
        pregRecord("k", "**DEL.a", kRegSz, pregSz(" ")) +
        pregRecord("K", "**deletevalues", kRegSz, pregSz("b; nothing;")) +
        pregRecord("K", "A", kRegDword, dwordBytes(9)) +  // set again after the delete
        pregRecord("L", "1", kRegSz, pregSz("x")) +
        pregRecord("L", "**DelVals.", kRegSz, pregSz(" ")) +
        pregRecord("L", "2", kRegSz, pregSz("y")) +
        pregRecord("P\\Q", "V", kRegDword, dwordBytes(1)) +
        pregRecord("P\\Q\\R", "V", kRegDword, dwordBytes(1)) +
        pregRecord("P\\QQ", "V", kRegDword, dwordBytes(1)) +
        pregRecord("P", "**DeleteKeys ", kRegSz, pregSz("q")) +
        pregRecord("S", "**SecureKey", kRegDword, dwordBytes(1)) +
        pregRecord("T", "**SecureKey=0", kRegSz, pregSz(" ")) + pregRecord("E", "", kRegNone, "") +
        pregRecord("U", "**soft.X", kRegSz, pregSz("z")));
    const auto state = applyRegistryPol(file);
    EXPECT_EQ(valueOf(state, "K", "a")->data.number, 9u);
    EXPECT_EQ(valueOf(state, "K", "B"), nullptr);
    EXPECT_EQ(valueOf(state, "K", "C")->data.number, 3u);
    EXPECT_EQ(valueOf(state, "L", "1"), nullptr);
    EXPECT_EQ(valueOf(state, "L", "2")->data.text, "y");
    EXPECT_EQ(state.findKey("P\\Q"), nullptr);
    EXPECT_EQ(state.findKey("P\\Q\\R"), nullptr);
    EXPECT_NE(state.findKey("p\\qq"), nullptr);  // a sibling sharing a prefix is kept
    EXPECT_EQ(state.findKey("S")->secured, std::optional<bool>(true));
    EXPECT_EQ(state.findKey("T")->secured, std::optional<bool>(false));
    ASSERT_NE(state.findKey("E"), nullptr);
    EXPECT_TRUE(state.findKey("E")->values.empty());
    EXPECT_EQ(state.findKey("U"), nullptr);  // unknown commands are not applied...
    EXPECT_TRUE(mentions(file, "unknown command value name \"**soft.X\""));  // ...but reported
}

// The zero-copy index is the same walk: at every truncation of a file with every kind of record,
// decoding its records gives exactly what the full parse gives, errors included.
TEST(RegistryPolIndex, DecodingTheIndexGivesTheFullParseAtEveryTruncation) {
    const auto whole = validFile() + pregRecord("Other\\Vendor", "Odd", kRegSz, "abc") +
                       pregRecord(kKey, "**Whatever", kRegSz, pregSz(" "));
    for (std::size_t cut = 0; cut <= whole.size(); ++cut) {
        const std::string prefix = whole.substr(0, cut);
        const auto full = parseRegistryPol(prefix);
        const auto index = indexRegistryPol(prefix);
        EXPECT_EQ(index.headerValid, full.headerValid);
        EXPECT_EQ(index.stoppedAt, full.stoppedAt);
        ASSERT_EQ(index.records.size(), full.records.size()) << cut;
        std::vector<PregError> errors;
        for (std::size_t i = 0; i < index.records.size(); ++i) {
            const auto record = decodeRecord(prefix, index.records[i], errors);
            EXPECT_EQ(record.offset, full.records[i].offset);
            EXPECT_EQ(record.key, full.records[i].key);
            EXPECT_EQ(record.valueName, full.records[i].valueName);
            EXPECT_EQ(record.data.bytes, full.records[i].data.bytes);
            EXPECT_EQ(record.data.describe(), full.records[i].data.describe());
            EXPECT_EQ(record.command, full.records[i].command);
        }
        for (const auto& e : index.errors) errors.push_back(e);
        ASSERT_EQ(errors.size(), full.errors.size()) << cut;
        for (std::size_t i = 0; i < errors.size(); ++i)
            EXPECT_EQ(errors[i].describe(), full.errors[i].describe());
    }
}

TEST(RegistryPolIndex, ARecordConcernsItsKeyItsAncestorsAndWhatLiesBelowIgnoringCase) {
    const auto concerns = [](const std::string& recordKey, const std::string& key) {
        const auto bytes = pregHeader() + pregRecord(recordKey, "A", kRegDword, dwordBytes(1));
        const auto index = indexRegistryPol(bytes);
        EXPECT_EQ(index.records.size(), 1u);
        return !index.records.empty() && recordConcernsKey(bytes, index.records[0], key);
    };
    EXPECT_TRUE(concerns(kKey, kKey));
    EXPECT_TRUE(concerns("SOFTWARE\\policies\\PostSharp\\METALAMA\\", kKey));
    EXPECT_TRUE(concerns("Software\\Policies", kKey));  // its **DeleteKeys can remove ours
    EXPECT_TRUE(concerns("", kKey));
    EXPECT_TRUE(concerns(std::string(kKey) + "\\Sub", kKey));
    EXPECT_FALSE(concerns("Software\\Policies\\PostSharp\\MetalamaX", kKey));
    EXPECT_FALSE(concerns("Software\\Policies\\PostShar", kKey));
    EXPECT_FALSE(concerns("Software\\Policies\\Vendor\\Product", kKey));
    EXPECT_FALSE(concerns("Software\\Policies\\PostSharp\\Metal\xc3\xa4ma", kKey));
}

TEST(RegistryPolIndex, ParsingForAKeyDecodesOnlyTheRecordsThatCanChangeIt) {
    const auto bytes =
        pregHeader() + pregRecord("Software\\Policies\\Other", "Odd", kRegSz, "abc") +
        pregRecord(kKey, "TelemetryOptOut", kRegDword, dwordBytes(1)) +
        pregRecord("Software\\Policies", "**DeleteKeys", kRegSz, pregSz("PostSharp")) +
        pregRecord(kKey, "DeviceIdResetToken", kRegSz, pregSz("abc")) +
        pregRecord(kKey, "Bad", kRegDword, "xy");
    const auto file = parseRegistryPolFor(bytes, {kKey});
    EXPECT_TRUE(file.complete());
    ASSERT_EQ(file.records.size(), 4u);
    EXPECT_EQ(file.records[1].command, PregCommand::DeleteKeys);
    // The other vendor's odd-sized string is not ours to decode or report; our bad DWORD is.
    ASSERT_EQ(file.errors.size(), 1u);
    EXPECT_NE(file.errors[0].message.find("REG_DWORD data is 2 bytes"), std::string::npos);
    // The ancestor's **DeleteKeys removed the first value; the later ones stand.
    const auto state = applyRegistryPol(file);
    const auto* key = state.findKey(kKey);
    ASSERT_NE(key, nullptr);
    EXPECT_EQ(key->values.count("telemetryoptout"), 0u);
    EXPECT_EQ(key->values.count("deviceidresettoken"), 1u);
    // A framing error anywhere still stops the file, whoever's record it is in.
    const auto cut = parseRegistryPolFor(bytes.substr(0, 20), {kKey});
    EXPECT_TRUE(cut.stoppedAt);
    EXPECT_EQ(cut.errors.size(), 1u);
}

}  // namespace
}  // namespace mpa
