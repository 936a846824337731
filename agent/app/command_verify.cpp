// verify: recomputes the event history's hash chain. Exit 0 when intact; 3 naming the first
// event that does not match (edited, deleted, inserted or reordered rows, a broken checkpoint).
#include <Poco/JSON/Object.h>

#include <ostream>

#include "app/command.hpp"
#include "app/exit_codes.hpp"
#include "store/chain_verify.hpp"
#include "store/sqlite_compliance_store.hpp"

namespace mpa {

int runVerify(CommandEnv& env) {
    CommandArgs args(env.args, {"json"}, {"head"});
    if (!args.ok() || !args.positional().empty()) {
        env.err << "verify: "
                << (args.ok() ? "unexpected argument " + args.positional().front() : args.error())
                << "\n";
        return exit_code::kUsage;
    }
    std::string error;
    const auto& path = env.context.settings.database;
    auto store =
        SqliteComplianceStore::open(path, StoreMode::ReadOnly, *env.context.catalog, &error);
    if (!store) {
        env.err << "verify: " << error << "\n";
        return exit_code::kError;
    }
    const auto v = verifyEventChain(store->connection(), args.option("head"));
    if (args.flag("json")) {
        Poco::JSON::Object o(Poco::JSON_PRESERVE_KEY_ORDER);
        o.set("database", path);
        o.set("intact", v.intact);
        o.set("events_checked", static_cast<Poco::Int64>(v.eventsChecked));
        o.set("first_bad_event", static_cast<Poco::Int64>(v.firstBadEventId));
        o.set("head_event", static_cast<Poco::Int64>(v.headEventId));
        o.set("head_hash", v.headHash);
        o.set("message", v.message);
        o.stringify(env.out, 2);
        env.out << "\n";
    } else {
        env.out << path << ": " << v.message << "\n";
    }
    return v.intact ? exit_code::kCompliant : exit_code::kNonCompliant;
}

}  // namespace mpa
