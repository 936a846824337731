// verify: recomputes the event history's hash chain, then checks what readers read against it
// (store/sealed_state.hpp). Exit 0 when both hold; 3 naming the first event that does not match
// (edited, deleted, inserted or reordered rows, a broken checkpoint) or the table and row that
// disagree with the sealed state.
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <ostream>

#include "app/command.hpp"
#include "app/exit_codes.hpp"
#include "platform/process_identity.hpp"
#include "store/chain_head_sidecar.hpp"
#include "store/chain_verify.hpp"
#include "store/sealed_state.hpp"
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
    Status opened;
    const auto& path = env.context.settings.database;
    auto store =
        SqliteComplianceStore::open(path, StoreMode::ReadOnly, *env.context.catalog, &opened);
    if (!store) {
        env.err << "verify: " << opened.error << "\n";
        return exit_code::kError;
    }
    auto v = verifyEventChain(store->connection(), args.option("head"));
    // The head kept beside the database, checked by default: a cut tail or a rewritten history
    // no longer holds it. What this cannot see: root rewriting the database and the sidecar
    // together (the system log's heads, checked with --head, are the anchor for that).
    Status sidecarRead;
    const auto sidecar = readChainHeadSidecar(path, &sidecarRead);
    const std::string& sidecarError = sidecarRead.error;
    std::string sidecarNote;
    if (sidecar) {
        const auto withSidecar = verifyEventChain(store->connection(), sidecar->hash);
        if (v.intact && !withSidecar.intact)
            v = withSidecar;
        else if (withSidecar.intact && sidecar->eventId > v.headEventId)
            v.intact = false;
        if (!v.intact && v.message.find(sidecar->hash) == std::string::npos)
            v.message += "; the chain head kept in " + chainHeadSidecarPath(path) + " is " +
                         chainHeadText(*sidecar);
        sidecarNote =
            "checked against " + chainHeadSidecarPath(path) + " (" + chainHeadText(*sidecar) + ")";
    } else if (!sidecarError.empty() && !platform::isPrivileged()) {
        // The sidecar is root-only: an auditor's account checks the chain alone, and is told.
        sidecarNote = "the chain head beside the database is not readable by this account (" +
                      sidecarError + "): a cut tail is only seen as root or with --head";
    } else if (!sidecarError.empty()) {
        v.intact = false;
        v.message += "; " + sidecarError;
    } else {
        sidecarNote = "no chain head beside the database (" + chainHeadSidecarPath(path) +
                      "): a cut tail is only seen with --head";
    }
    // The rows status, Intune and fleet tools read must agree with what the chain sealed.
    std::optional<std::string> latest;
    if (const auto pass = store->lastPass()) latest = passFingerprint(pass->report);
    const auto sealed = verifySealedState(store->connection(), latest);
    if (args.flag("json")) {
        Poco::JSON::Object o(Poco::JSON_PRESERVE_KEY_ORDER);
        o.set("database", path);
        o.set("intact", v.intact && sealed.intact);
        o.set("chain_intact", v.intact);
        o.set("events_checked", static_cast<Poco::Int64>(v.eventsChecked));
        o.set("first_bad_event", static_cast<Poco::Int64>(v.firstBadEventId));
        o.set("head_event", static_cast<Poco::Int64>(v.headEventId));
        o.set("head_hash", v.headHash);
        o.set("message", v.message);
        o.set("sidecar", sidecarNote);
        o.set("sealed_state_intact", sealed.intact);
        Poco::JSON::Array problems;
        for (const auto& p : sealed.problems) problems.add(p);
        o.set("sealed_state", sealed.message);
        o.set("sealed_state_problems", problems);
        o.stringify(env.out, 2);
        env.out << "\n";
    } else {
        env.out << path << ": " << v.message << "\n";
        if (!sidecarNote.empty()) env.out << sidecarNote << "\n";
        if (sealed.intact)
            env.out << "sealed state: " << sealed.message << "\n";
        else
            for (const auto& p : sealed.problems)
                env.out << "sealed state: does not match the chain: " << p << "\n";
    }
    return v.intact && sealed.intact ? exit_code::kCompliant : exit_code::kNonCompliant;
}

}  // namespace mpa
