// What a SIEM receives: the real agent's `apply` over a demo root, logging to journald's native
// protocol on a socket the test binds itself (METALAMA_JOURNAL_SOCKET changes only the socket
// path), and with --log-format json. Each compliance event must arrive with its documented
// MESSAGE_ID and fields, and its chain head must be the one the database records.
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <map>
#include <sstream>
#include <thread>
#include <vector>

#include "support/agent_process.hpp"
#include "support/scratch_dir.hpp"

namespace mpa::test {
namespace {

using Entry = std::map<std::string, std::string>;

// journald's native format: KEY=value lines, or KEY\n, a 64-bit little-endian length, the value
// and \n for values with a line break.
Entry parseEntry(const std::string& data) {
    Entry entry;
    std::size_t at = 0;
    while (at < data.size()) {
        const auto end = data.find('\n', at);
        const auto line = data.substr(at, end - at);
        const auto equals = line.find('=');
        if (equals != std::string::npos) {
            entry[line.substr(0, equals)] = line.substr(equals + 1);
            at = end + 1;
            continue;
        }
        std::uint64_t size = 0;
        for (int i = 7; i >= 0; --i)
            size = (size << 8) | static_cast<unsigned char>(data[end + 1 + i]);
        entry[line] = data.substr(end + 9, size);
        at = end + 9 + size + 1;
    }
    return entry;
}

class SiemLog : public ::testing::Test {
  protected:
    void SetUp() override {
        if (::geteuid() != 0) GTEST_SKIP() << "the demo root gives files to users: needs root";
        const auto made =
            runProcess({sourceDir() + "/scripts/make-demo-root.sh", scratch.abs("r")});
        ASSERT_EQ(made.exitCode, 0) << made.err;
    }
    std::string database() const {
        return scratch.abs("r/var/lib/metalama-policy-agent/compliance.db");
    }
    // "event N hash" of every event, as the database holds them.
    std::vector<std::string> recordedHeads() const {
        const auto out =
            runProcess({"/usr/bin/sqlite3", "-readonly", database(),
                        "SELECT 'event ' || id || ' ' || hash FROM events ORDER BY id"});
        std::vector<std::string> heads;
        std::istringstream lines(out.out);
        for (std::string line; std::getline(lines, line);) heads.push_back(line);
        return heads;
    }
    ScratchDir scratch;
};

TEST_F(SiemLog, JournalEntriesCarryAMessageIdAndTheEventsFields) {
    const auto socketPath = scratch.abs("journal.socket");
    const int fd = ::socket(AF_UNIX, SOCK_DGRAM, 0);
    ASSERT_GE(fd, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::strncpy(address.sun_path, socketPath.c_str(), sizeof address.sun_path - 1);
    ASSERT_EQ(::bind(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address), 0);
    int buffer = 4 * 1024 * 1024;  // the whole pass's entries wait here until read
    ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buffer, sizeof buffer);

    // Read while the agent sends, as journald does (the agent never waits for a full queue).
    std::vector<Entry> entries;
    std::atomic<bool> done{false};
    std::thread reader([&] {
        std::vector<char> datagram(256 * 1024);
        while (true) {
            pollfd p{fd, POLLIN, 0};
            if (::poll(&p, 1, 50) <= 0) {
                if (done) break;
                continue;
            }
            const auto n = ::recv(fd, datagram.data(), datagram.size(), 0);
            if (n > 0)
                entries.push_back(
                    parseEntry(std::string(datagram.data(), static_cast<std::size_t>(n))));
        }
    });
    const auto applied = runProcess({"/usr/bin/env", "METALAMA_JOURNAL_SOCKET=" + socketPath,
                                     agentBinary(), "--root", scratch.abs("r"), "--log-level",
                                     "information", "--log-destination", "journal", "apply"});
    done = true;
    reader.join();
    ::close(fd);
    ASSERT_EQ(applied.exitCode, 0) << applied.out << applied.err;
    EXPECT_EQ(applied.err, "") << "entries went to stderr: the socket was not used";
    ASSERT_FALSE(entries.empty());

    // The MESSAGE_IDs docs/logging.md lists, for the kinds this pass produces.
    const std::map<std::string, std::string> ids{
        {"policy changed", "956d9aff27184149b2a62a21631afc9c"},
        {"remediated", "7e179248a7b24aadb67964ff7074ddce"},
        {"repaired malformed file", "2e80b6c9e0c343428c87cf368f43b086"},
    };
    std::vector<std::string> heads;
    std::map<std::string, int> byKind;
    for (const auto& e : entries) {
        EXPECT_EQ(e.at("SYSLOG_IDENTIFIER"), "metalama-policy-agent");
        EXPECT_FALSE(e.at("MESSAGE").empty());
        EXPECT_TRUE(e.count("PRIORITY"));
        if (!e.count("METALAMA_EVENT_KIND")) continue;
        const auto kind = e.at("METALAMA_EVENT_KIND");
        ++byKind[kind];
        if (ids.count(kind)) {
            EXPECT_EQ(e.at("MESSAGE_ID"), ids.at(kind)) << kind;
        }
        EXPECT_EQ(e.at("MESSAGE_ID").size(), 32u) << kind;
        EXPECT_TRUE(e.count("METALAMA_SUBJECT")) << kind;
        EXPECT_TRUE(e.count("METALAMA_OUTCOME")) << kind;
        EXPECT_FALSE(e.at("METALAMA_PASS_ID").empty()) << kind;
        heads.push_back(e.at("METALAMA_CHAIN_HEAD"));
    }
    for (const auto& [kind, id] : ids) EXPECT_GT(byKind[kind], 0) << "no " << kind << " entry";
    // One entry per recorded event, in chain order, with the chain head the database holds.
    EXPECT_EQ(heads, recordedHeads());
    // A remediated file names what and the outcome.
    bool environment = false;
    for (const auto& e : entries)
        if (e.count("METALAMA_EVENT_KIND") && e.at("METALAMA_EVENT_KIND") == "remediated" &&
            e.at("METALAMA_SUBJECT") == "/etc/environment")
            environment = e.at("METALAMA_OUTCOME") == "remediated";
    EXPECT_TRUE(environment);
}

TEST_F(SiemLog, JsonLinesHaveTheDocumentedFields) {
    const auto applied =
        runAgent(scratch.abs("r"), {"--log-level", "information", "--log-format", "json", "apply"});
    ASSERT_EQ(applied.exitCode, 0) << applied.err;
    std::istringstream lines(applied.err);
    std::size_t events = 0, records = 0;
    std::vector<std::string> heads;
    for (std::string line; std::getline(lines, line);) {
        ++records;
        Poco::JSON::Object::Ptr o;
        ASSERT_NO_THROW(o = Poco::JSON::Parser().parse(line).extract<Poco::JSON::Object::Ptr>())
            << line;
        for (const char* key : {"time", "level", "logger", "message"})
            EXPECT_TRUE(o->has(key)) << key << " missing: " << line;
        if (!o->has("event_kind")) continue;
        ++events;
        for (const char* key :
             {"subject", "outcome", "pass_id", "event_id", "chain_head", "message_id"})
            EXPECT_TRUE(o->has(key)) << key << " missing: " << line;
        heads.push_back(o->getValue<std::string>("chain_head"));
    }
    EXPECT_GT(records, events);  // the pass summary line is not an event
    EXPECT_GT(events, 3u);
    EXPECT_EQ(heads, recordedHeads());
    const auto bad = runAgent(scratch.abs("r"), {"--log-format", "xml", "status"});
    EXPECT_EQ(bad.exitCode, 2);
    EXPECT_NE(bad.err.find("unknown log format 'xml' (text or json)"), std::string::npos)
        << bad.err;
}

// agent.yaml's log_destination and log_format, without options on the command line.
TEST_F(SiemLog, TheConfigurationChoosesTheLogFileAndFormat) {
    scratch.write("r/etc/metalama/agent.yaml",
                  "log_level: information\nlog_destination: file:" + scratch.abs("agent.log") +
                      "\nlog_format: json\n",
                  0644);
    const auto applied = runAgent(scratch.abs("r"), {"apply"});
    ASSERT_EQ(applied.exitCode, 0) << applied.err;
    EXPECT_EQ(applied.err, "");
    const auto log = scratch.read("agent.log");
    EXPECT_NE(log.find("{\"time\":"), std::string::npos) << log;
    EXPECT_NE(log.find("\"event_kind\":\"remediated\""), std::string::npos) << log;
}

}  // namespace
}  // namespace mpa::test
