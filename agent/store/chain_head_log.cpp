#include "store/chain_head_log.hpp"

#include <Poco/Logger.h>

#include "platform/system_log.hpp"

namespace mpa {

std::string chainHeadLogLine(const ComplianceStore& store) {
    return "compliance chain head: " + store.chainHead();
}

void logChainHeadToSystemLog(const ComplianceStore& store) {
    const auto line = chainHeadLogLine(store);
    if (!writeSystemLog(SystemLogLevel::Info, line, system_log_event::kChainHead))
        Poco::Logger::get("store").warning(
            "the system log did not take the chain head (no syslog socket): %s; it is kept "
            "beside the database only",
            line);
}

}  // namespace mpa
