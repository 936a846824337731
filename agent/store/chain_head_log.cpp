#include "store/chain_head_log.hpp"

#include "platform/system_log.hpp"

namespace mpa {

std::string chainHeadLogLine(const ComplianceStore& store) {
    return "compliance chain head: " + store.chainHead();
}

void logChainHeadToSystemLog(const ComplianceStore& store) {
    writeSystemLog(SystemLogLevel::Info, chainHeadLogLine(store), system_log_event::kChainHead);
}

}  // namespace mpa
