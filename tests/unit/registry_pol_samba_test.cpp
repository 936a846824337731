// Our Registry.pol parser against Samba's (an independent implementation): every fixture written by
// tests/fixtures/registry_pol/make_fixtures.py must read exactly as Samba read it back. When
// Debian's /usr/bin/python3 has the samba package, the fixtures are also regenerated into a
// scratch directory and must equal the committed ones (so the committed files are Samba's output).
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iomanip>
#include <sstream>

#include "sources/registry_pol.hpp"
#include "support/scratch_dir.hpp"

namespace mpa {
namespace {

const std::string kFixtures = std::string(MPA_FIXTURES_DIR) + "/registry_pol/";
const char* const kNames[] = {"all_types", "commands", "metalama", "empty"};

std::string readAll(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read " + path);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

std::string hex(const std::vector<std::uint8_t>& bytes) {
    std::ostringstream out;
    for (const auto b : bytes) out << std::hex << std::setw(2) << std::setfill('0') << unsigned(b);
    return out.str();
}

class SambaFixture : public ::testing::TestWithParam<const char*> {};

TEST_P(SambaFixture, ParsesAsSambaDoes) {
    const std::string name = GetParam();
    const auto file = parseRegistryPol(readAll(kFixtures + name + ".pol"));
    EXPECT_TRUE(file.complete());
    for (const auto& e : file.errors) ADD_FAILURE() << e.describe();

    Poco::JSON::Parser parser;
    const auto root =
        parser.parse(readAll(kFixtures + name + ".samba.json")).extract<Poco::JSON::Object::Ptr>();
    const auto samba = root->getArray("records");
    ASSERT_EQ(file.records.size(), samba->size());
    for (std::size_t i = 0; i < samba->size(); ++i) {
        SCOPED_TRACE(name + " record " + std::to_string(i));
        const auto expected = samba->getObject(static_cast<unsigned>(i));
        const auto& ours = file.records[i];
        EXPECT_EQ(ours.key, expected->getValue<std::string>("key"));
        EXPECT_EQ(ours.valueName, expected->getValue<std::string>("value"));
        EXPECT_EQ(ours.data.type, expected->getValue<std::uint32_t>("type"));
        EXPECT_EQ(ours.data.bytes.size(), expected->getValue<std::size_t>("size"));
        ASSERT_TRUE(ours.data.decoded);
        switch (ours.data.type) {
            case kRegSz:
            case kRegExpandSz:
                EXPECT_EQ(ours.data.text, expected->getValue<std::string>("data"));
                break;
            case kRegDword:
            case kRegDwordBigEndian:
            case kRegQword:
                EXPECT_EQ(ours.data.number, expected->getValue<std::uint64_t>("data"));
                break;
            case kRegMultiSz: {
                const auto list = expected->getArray("data");
                ASSERT_EQ(ours.data.strings.size(), list->size());
                for (std::size_t j = 0; j < list->size(); ++j)
                    EXPECT_EQ(ours.data.strings[j],
                              list->getElement<std::string>(static_cast<unsigned>(j)));
                break;
            }
            default:
                EXPECT_EQ(hex(ours.data.bytes), expected->getValue<std::string>("data"));
        }
    }
}

TEST_P(SambaFixture, EveryTruncationKeepsAPrefixOfTheRecords) {
    const auto whole = readAll(kFixtures + std::string(GetParam()) + ".pol");
    const auto full = parseRegistryPol(whole);
    for (std::size_t cut = 0; cut < whole.size(); ++cut) {
        const std::string prefix = whole.substr(0, cut);  // exact-size heap copy for ASan
        const auto file = parseRegistryPol(prefix);
        ASSERT_LE(file.records.size(), full.records.size()) << cut;
        for (std::size_t i = 0; i < file.records.size(); ++i) {
            EXPECT_EQ(file.records[i].key, full.records[i].key) << cut;
            EXPECT_EQ(file.records[i].data.bytes, full.records[i].data.bytes) << cut;
        }
        const bool boundary =
            cut == 8 || std::any_of(full.records.begin(), full.records.end(),
                                    [&](const PregRecord& r) { return r.offset == cut; });
        if (cut < 8)
            EXPECT_FALSE(file.headerValid) << cut;
        else
            EXPECT_EQ(file.complete(), boundary) << cut;
    }
}

INSTANTIATE_TEST_SUITE_P(RegistryPol, SambaFixture, ::testing::ValuesIn(kNames));

TEST(RegistryPolSamba, CommandFixtureAppliesAsDocumented) {
    const auto state = applyRegistryPol(parseRegistryPol(readAll(kFixtures + "commands.pol")));
    const auto* cmd = state.findKey("software\\test\\cmd");
    ASSERT_NE(cmd, nullptr);
    ASSERT_EQ(cmd->values.size(), 1u);  // A, B deleted one by one, C by the list
    EXPECT_EQ(cmd->values.at("d").data.number, 4u);
    const auto* list = state.findKey("Software\\Test\\List");
    ASSERT_NE(list, nullptr);
    ASSERT_EQ(list->values.size(), 1u);
    EXPECT_EQ(list->values.at("1").data.text, "new first");
    EXPECT_EQ(state.findKey("Software\\Test\\Parent\\Child"), nullptr);
    EXPECT_EQ(state.findKey("Software\\Test\\Parent\\Child\\Grandchild"), nullptr);
    EXPECT_NE(state.findKey("Software\\Test\\Parent\\Other"), nullptr);
    EXPECT_EQ(state.findKey("Software\\Test\\Secure")->secured, std::optional<bool>(true));
    ASSERT_NE(state.findKey("Software\\Test\\Created"), nullptr);
    EXPECT_EQ(state.findKey("Software\\Test\\Mixed")->values.at("kept").data.text, "yes");
}

// Samba's Python package regenerates the fixtures: a Linux tool the Windows build (a Windows
// executable under Wine) cannot run, so this test is only in the Linux suite, where
// scripts/setup.sh installs python3-samba.
#ifndef _WIN32
bool sambaAvailable() {
    return std::system("/usr/bin/python3 -c 'import samba.dcerpc.preg' >/dev/null 2>&1") == 0;
}

TEST(RegistryPolSamba, CommittedFixturesAreWhatSambaWrites) {
    if (!sambaAvailable())
        GTEST_SKIP() << "/usr/bin/python3 has no samba package (Debian: python3-samba); using "
                        "the committed fixtures";
    test::ScratchDir scratch;
    const std::string command =
        "/usr/bin/python3 '" + kFixtures + "make_fixtures.py' '" + scratch.path() + "'";
    ASSERT_EQ(std::system(command.c_str()), 0) << command;
    for (const std::string name : kNames) {
        for (const std::string ext : {".pol", ".samba.json"}) {
            EXPECT_TRUE(scratch.read(name + ext) == readAll(kFixtures + name + ext))
                << name + ext << " differs from what make_fixtures.py writes now; rerun it";
        }
    }
}
#endif

}  // namespace
}  // namespace mpa
