// One small real use of each third-party library the agent links. Natively this checks the
// distribution packages; in the Windows cross build it checks the static libraries of the
// mingw-w64 sysroot and that they work under Wine.
#include <Poco/AutoPtr.h>
#include <Poco/DOM/DOMParser.h>
#include <Poco/DOM/Document.h>
#include <Poco/DOM/Element.h>
#include <Poco/DOM/NodeList.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Util/MapConfiguration.h>
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <yaml-cpp/yaml.h>

#include <array>
#include <chrono>
#include <filesystem>
#include <string>

namespace {

TEST(DependenciesSmoke, YamlCppLoadsMapAndSequence) {
    const YAML::Node doc = YAML::Load("name: telemetry\nlevels: [mandatory, recommended]\n");
    EXPECT_EQ(doc["name"].as<std::string>(), "telemetry");
    ASSERT_TRUE(doc["levels"].IsSequence());
    ASSERT_EQ(doc["levels"].size(), 2u);
    EXPECT_EQ(doc["levels"][1].as<std::string>(), "recommended");
}

// A scratch database file that is removed, with its WAL side files, at the end of the test.
class ScratchDatabase {
  public:
    ScratchDatabase()
        : path_(std::filesystem::temp_directory_path() /
                ("mpa_smoke_" +
                 std::to_string(std::chrono::steady_clock::now().time_since_epoch().count()) +
                 ".db")) {}
    ~ScratchDatabase() {
        std::error_code ignored;
        for (const char* suffix : {"", "-wal", "-shm"}) {
            std::filesystem::remove(path_.string() + suffix, ignored);
        }
    }
    ScratchDatabase(const ScratchDatabase&) = delete;
    ScratchDatabase& operator=(const ScratchDatabase&) = delete;
    std::string path() const { return path_.string(); }

  private:
    std::filesystem::path path_;
};

TEST(DependenciesSmoke, Sqlite3WalFileRoundTrip) {
    ScratchDatabase scratch;
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(scratch.path().c_str(), &db), SQLITE_OK) << scratch.path();

    sqlite3_stmt* stmt = nullptr;
    ASSERT_EQ(sqlite3_prepare_v2(db, "PRAGMA journal_mode=WAL", -1, &stmt, nullptr), SQLITE_OK);
    ASSERT_EQ(sqlite3_step(stmt), SQLITE_ROW);
    EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0)), "wal");
    sqlite3_finalize(stmt);

    ASSERT_EQ(sqlite3_exec(db, "CREATE TABLE events(id INTEGER PRIMARY KEY, what TEXT NOT NULL)",
                           nullptr, nullptr, nullptr),
              SQLITE_OK)
        << sqlite3_errmsg(db);
    ASSERT_EQ(sqlite3_prepare_v2(db, "INSERT INTO events(what) VALUES (?)", -1, &stmt, nullptr),
              SQLITE_OK);
    for (const char* what : {"observed", "changed"}) {
        sqlite3_bind_text(stmt, 1, what, -1, SQLITE_TRANSIENT);
        ASSERT_EQ(sqlite3_step(stmt), SQLITE_DONE) << sqlite3_errmsg(db);
        sqlite3_reset(stmt);
    }
    sqlite3_finalize(stmt);

    ASSERT_EQ(sqlite3_prepare_v2(db, "SELECT count(*), max(what) FROM events", -1, &stmt, nullptr),
              SQLITE_OK);
    ASSERT_EQ(sqlite3_step(stmt), SQLITE_ROW);
    EXPECT_EQ(sqlite3_column_int(stmt, 0), 2);
    EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(stmt, 1)), "observed");
    sqlite3_finalize(stmt);
    EXPECT_TRUE(std::filesystem::exists(scratch.path() + "-wal"));
    EXPECT_EQ(sqlite3_close(db), SQLITE_OK);
}

TEST(DependenciesSmoke, PocoJsonParses) {
    Poco::JSON::Parser parser;
    const Poco::Dynamic::Var result =
        parser.parse(R"({"optOut": true, "sources": ["registry", "gpo"], "version": 2})");
    const auto object = result.extract<Poco::JSON::Object::Ptr>();
    EXPECT_TRUE(object->getValue<bool>("optOut"));
    EXPECT_EQ(object->getValue<int>("version"), 2);
    ASSERT_EQ(object->getArray("sources")->size(), 2u);
    EXPECT_EQ(object->getArray("sources")->getElement<std::string>(1), "gpo");
}

TEST(DependenciesSmoke, PocoXmlDomParses) {
    Poco::XML::DOMParser parser;
    const Poco::AutoPtr<Poco::XML::Document> doc = parser.parseString(
        R"(<policyDefinitions revision="1.0"><policy name="TelemetryOptOut"/></policyDefinitions>)");
    Poco::XML::Element* root = doc->documentElement();
    ASSERT_NE(root, nullptr);
    EXPECT_EQ(root->nodeName(), "policyDefinitions");
    EXPECT_EQ(root->getAttribute("revision"), "1.0");
    const Poco::AutoPtr<Poco::XML::NodeList> policies = root->getElementsByTagName("policy");
    ASSERT_EQ(policies->length(), 1u);
    EXPECT_EQ(static_cast<Poco::XML::Element*>(policies->item(0))->getAttribute("name"),
              "TelemetryOptOut");
}

TEST(DependenciesSmoke, PocoUtilMapConfiguration) {
    Poco::AutoPtr<Poco::Util::MapConfiguration> config(new Poco::Util::MapConfiguration);
    config->setString("agent.interval", "900");
    config->setBool("agent.enabled", true);
    EXPECT_EQ(config->getInt("agent.interval"), 900);
    EXPECT_TRUE(config->getBool("agent.enabled"));
    EXPECT_EQ(config->getString("agent.missing", "fallback"), "fallback");
}

}  // namespace
