// report: the event history for auditors, one line per event (text, json or csv), between two
// times. Reads only.
#include <ostream>

#include "app/command.hpp"
#include "app/exit_codes.hpp"
#include "store/chain_verify.hpp"
#include "store/event_report.hpp"
#include "store/sqlite_compliance_store.hpp"
#include "util/time_text.hpp"

namespace mpa {
namespace {

// "2026-01-31" (midnight UTC) or "2026-01-31T12:00:00Z"; normalised to the second form, which
// the events' times use, so the text compares in time order.
bool parseBound(const std::string& text, std::string* out) {
    if (text.empty()) return true;
    const std::string full = text.size() == 10 ? text + "T00:00:00Z" : text;
    if (full.size() != 20 || !parseIsoUtc(full)) return false;
    *out = full;
    return true;
}

}  // namespace

int runReport(CommandEnv& env) {
    CommandArgs args(env.args, {}, {"since", "until", "format"});
    ReportFormat format = ReportFormat::Text;
    ReportContext context;
    context.database = env.context.settings.database;
    if (!args.ok() || !args.positional().empty()) {
        env.err << "report: "
                << (args.ok() ? "unexpected argument " + args.positional().front() : args.error())
                << "\n";
        return exit_code::kUsage;
    }
    if (!reportFormatFromString(args.option("format", "text"), &format)) {
        env.err << "report: --format must be text, json or csv\n";
        return exit_code::kUsage;
    }
    for (auto [name, bound] : {std::pair{"since", &context.since}, {"until", &context.until}})
        if (!parseBound(args.option(name), bound)) {
            env.err << "report: --" << name << " must be YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ (UTC), "
                    << "not \"" << args.option(name) << "\"\n";
            return exit_code::kUsage;
        }
    Status opened;
    auto store = SqliteComplianceStore::open(context.database, StoreMode::ReadOnly,
                                             *env.context.catalog, &opened);
    if (!store) {
        env.err << "report: " << opened.error << "\n";
        return exit_code::kError;
    }
    std::vector<ChainEvent> events;
    if (const auto read = readEvents(store->connection(), context.since, context.until, &events);
        !read) {
        env.err << "report: " << context.database << ": " << read.error << "\n";
        return exit_code::kError;
    }
    context.chainStatus = verifyEventChain(store->connection()).message;
    writeEventReport(env.out, events, context, format);
    return exit_code::kCompliant;
}

}  // namespace mpa
