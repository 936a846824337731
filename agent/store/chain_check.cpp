#include "store/chain_check.hpp"

#include <Poco/Logger.h>

#include <cstdlib>
#include <optional>

#include "util/time_text.hpp"

namespace mpa {
namespace {

std::optional<ChainPoint> readPoint(const SqliteComplianceStore& store) {
    const auto text = store.state(kChainVerifiedState);
    if (!text) return std::nullopt;
    const auto space = text->find(' ');
    if (space == std::string::npos || space == 0) return std::nullopt;
    char* end = nullptr;
    const auto id = std::strtoll(text->c_str(), &end, 10);
    if (end != text->c_str() + space || id <= 0) return std::nullopt;
    return ChainPoint{id, text->substr(space + 1)};
}

// Losing these to a power cut only costs a whole check at the next pass, so they are written
// without waiting for the disk, like a repeated pass (writePasses).
Status savePoint(SqliteComplianceStore& store, const ChainVerification& v,
                 const std::string* wholeCheckAt) {
    if (!store.writable()) return Status::success();
    SqliteConnection& db = store.connection();
    db.exec("PRAGMA synchronous=NORMAL");
    auto saved = store.setState(kChainVerifiedState,
                                v.intact ? std::to_string(v.headEventId) + " " + v.headHash : "");
    if (saved && wholeCheckAt) saved = store.setState(kChainCheckedAtState, *wholeCheckAt);
    db.exec("PRAGMA synchronous=FULL");
    return saved;
}

void keepPoint(SqliteComplianceStore& store, const ChainVerification& v,
               const std::string* wholeCheckAt) {
    // Not saved: the next pass checks more than it needs to, nothing is missed.
    if (const auto saved = savePoint(store, v, wholeCheckAt); !saved)
        Poco::Logger::get("store").warning("cannot keep the verified chain head: %s", saved.error);
}

}  // namespace

ChainCheck checkChainSinceVerified(SqliteComplianceStore& store,
                                   std::chrono::system_clock::time_point now) {
    ChainCheck check;
    const auto point = readPoint(store);
    const auto wholeAt = store.state(kChainCheckedAtState);
    if (point && wholeAt && !wholeAt->empty()) {
        if (auto since = verifyEventChainAfter(store.connection(), *point)) {
            check.verification = std::move(*since);
            check.wholeCheckAt = *wholeAt;
            // A broken event keeps the point where it was: every pass finds it again until
            // the whole check (or `verify`) names it.
            if (check.verification.intact && check.verification.headEventId != point->eventId)
                keepPoint(store, check.verification, nullptr);
            return check;
        }
    }
    check.verification = verifyEventChain(store.connection());
    check.whole = true;
    check.wholeCheckAt = isoUtc(now);
    keepPoint(store, check.verification, &check.wholeCheckAt);
    return check;
}

}  // namespace mpa
