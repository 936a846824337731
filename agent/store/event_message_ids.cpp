#include "store/event_message_ids.hpp"

#include "store/event_kinds.hpp"

namespace mpa {

std::string_view messageIdFor(std::string_view eventKind) {
    namespace k = event_kind;
    static constexpr struct {
        const char* kind;
        const char* id;
    } kIds[] = {
        {k::kPolicyChanged, "956d9aff27184149b2a62a21631afc9c"},
        {k::kVerdictChanged, "89166c4a87d249f2ba8d64f4a765eea3"},
        {k::kRemediated, "7e179248a7b24aadb67964ff7074ddce"},
        {k::kDriftRepaired, "4d99cbac597c4e568ef65427853d33e2"},
        {k::kDriftDetected, "03aa9f8cd5ae4196af8797f24ab77349"},
        {k::kNonCompliant, "c64c1e5713b641c2b77d29b3b34a4e0b"},
        {k::kPending, "c6ccc0cae6bd48c9b543df68515f17e9"},
        {k::kRestored, "efb91bb43a4848c79947df5890f2a56f"},
        {k::kFailed, "a2b62cb9968844aab3bd4a212de559f4"},
        {k::kRepairedMalformedFile, "2e80b6c9e0c343428c87cf368f43b086"},
        {k::kDeviceIdReset, "a8136db5b2884048b664fc9239026a85"},
        {k::kAgentStarted, "a656ba1556f544b5bade276a41900246"},
        {k::kAgentStopped, "4e3d4093b5f74e4393d56f4c63ffca29"},
        {k::kAgentUpgraded, "575799aed409423098762e490772b648"},
        {k::kStoreRecovered, "583551890ec242218dd89ced2e21383f"},
        {k::kHistoryPruned, "bbf14f662dbb4fc5b56a3d1f1d1bed07"},
        {k::kStateSealed, "3f955bb85b184aae98981f6ca5565ddb"},
        {k::kHistoryLost, "9d1e745741744ba2b16ccbe432e7e819"},
        {k::kHistoryLossAcknowledged, "70dfa2e088b04ad6bdc998d2c31d0f0a"},
    };
    for (const auto& entry : kIds)
        if (eventKind == entry.kind) return entry.id;
    return {};
}

unsigned eventLogIdFor(std::string_view eventKind) {
    namespace k = event_kind;
    static constexpr struct {
        const char* kind;
        unsigned id;
    } kIds[] = {
        {k::kPolicyChanged, 1101},  {k::kVerdictChanged, 1102}, {k::kRemediated, 1103},
        {k::kDriftRepaired, 1104},  {k::kRestored, 1105},       {k::kRepairedMalformedFile, 1106},
        {k::kDeviceIdReset, 1107},  {k::kAgentStarted, 1108},   {k::kAgentStopped, 1109},
        {k::kAgentUpgraded, 1110},  {k::kHistoryPruned, 1111},  {k::kPending, 1112},
        {k::kDriftDetected, 2101},  {k::kNonCompliant, 2102},   {k::kFailed, 2103},
        {k::kStoreRecovered, 2104},
    };
    for (const auto& entry : kIds)
        if (eventKind == entry.kind) return entry.id;
    return 0;
}

}  // namespace mpa
