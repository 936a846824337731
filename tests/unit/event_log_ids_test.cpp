// The Windows Event Log ids are a stable interface (Windows Event Forwarding subscriptions, SIEM
// rules): every id the code writes has a text in the message table linked into the executable
// and a row in docs/windows-event-log.md, in the range of its level. Runs on every platform; the
// Windows build also checks the table inside the built executable (agent_resources_win_test).
#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>

#include "platform/system_log.hpp"
#include "store/event_kinds.hpp"
#include "store/event_message_ids.hpp"
#include "support/message_table.hpp"

namespace mpa {
namespace {

namespace k = event_kind;
const char* const kAllKinds[] = {
    k::kPolicyChanged, k::kVerdictChanged,        k::kRemediated,     k::kDriftRepaired,
    k::kDriftDetected, k::kNonCompliant,          k::kPending,        k::kRestored,
    k::kFailed,        k::kRepairedMalformedFile, k::kDeviceIdReset,  k::kAgentStarted,
    k::kAgentStopped,  k::kAgentUpgraded,         k::kStoreRecovered, k::kHistoryPruned};
// The kinds the event log writes at warning level (store/event_log.cpp).
const std::set<std::string> kWarningKinds = {k::kFailed, k::kNonCompliant, k::kDriftDetected,
                                             k::kStoreRecovered};

std::set<unsigned> idsTheCodeWrites() {
    std::set<unsigned> ids = {1000, system_log_event::kChainHead, 2000, 3000};
    for (const auto* kind : kAllKinds) ids.insert(eventLogIdFor(kind));
    return ids;
}

const std::string kMessageTable =
    std::string(MPA_SOURCE_DIR) + "/agent/platform/event_messages_win.mc";

TEST(EventLogIds, EveryKindHasItsOwnIdInTheRangeOfItsLevel) {
    std::set<unsigned> seen;
    for (const auto* kind : kAllKinds) {
        const auto id = eventLogIdFor(kind);
        EXPECT_TRUE(seen.insert(id).second) << kind << " shares id " << id;
        if (kWarningKinds.count(kind))
            EXPECT_TRUE(id >= 2100 && id < 2200) << kind << ": " << id;
        else
            EXPECT_TRUE(id >= 1100 && id < 1200 && id != system_log_event::kChainHead)
                << kind << ": " << id;
    }
    EXPECT_EQ(eventLogIdFor("no such kind"), 0u);
}

TEST(EventLogIds, TheMessageTableHasATextForEveryIdAndNoOther) {
    const auto table = test::readMessageTable(kMessageTable);
    ASSERT_FALSE(table.empty()) << kMessageTable;
    const auto ids = idsTheCodeWrites();
    for (const auto id : ids) {
        const auto found = table.find(id);
        ASSERT_NE(found, table.end()) << "no message for id " << id << " in " << kMessageTable;
        // The insertion string is the agent's log line: the text must show it.
        EXPECT_NE(found->second.find("%1"), std::string::npos) << id;
    }
    for (const auto& [id, text] : table) EXPECT_TRUE(ids.count(id)) << id << " is never written";
}

TEST(EventLogIds, TheDocumentationListsEveryId) {
    std::ifstream in(std::string(MPA_SOURCE_DIR) + "/docs/windows-event-log.md");
    std::ostringstream doc;
    doc << in.rdbuf();
    for (const auto id : idsTheCodeWrites())
        EXPECT_NE(doc.str().find("\n| " + std::to_string(id) + " |"), std::string::npos)
            << "docs/windows-event-log.md has no row for " << id;
}

}  // namespace
}  // namespace mpa
