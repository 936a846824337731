#include "store/pending_queue.hpp"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <sstream>

#include "platform/private_file.hpp"
#include "platform/process_identity.hpp"
#include "platform/safe_fs.hpp"
#include "store/compliance_store.hpp"
#include "store/pass_report_json.hpp"

namespace mpa {
namespace {

constexpr std::uint64_t kMaxQueueBytes = 512ull * 1024 * 1024;

std::string entryToJson(const QueuedEntry& entry) {
    Poco::JSON::Object o(Poco::JSON_PRESERVE_KEY_ORDER);
    switch (entry.kind) {
        case QueuedEntry::Kind::Record:
            o.set("op", "record");
            o.set("target", entry.prior.target);
            o.set("subject", entry.prior.subject);
            o.set("existed", entry.prior.existed);
            o.set("value", entry.prior.value);
            o.set("at", entry.prior.recordedAt);
            break;
        case QueuedEntry::Kind::Forget:
            o.set("op", "forget");
            o.set("target", entry.prior.target);
            o.set("subject", entry.prior.subject);
            break;
        case QueuedEntry::Kind::State:
            o.set("op", "state");
            o.set("key", entry.stateKey());
            o.set("value", entry.stateValue());
            break;
        case QueuedEntry::Kind::Pass:
            o.set("op", "pass");
            o.set("pass", entry.passJson());
            break;
    }
    std::ostringstream out;
    o.stringify(out);  // one line: Poco escapes control characters inside strings
    return out.str();
}

Status entryFromJson(const std::string& line, QueuedEntry* entry) {
    try {
        const auto o = Poco::JSON::Parser().parse(line).extract<Poco::JSON::Object::Ptr>();
        const auto op = o->getValue<std::string>("op");
        if (op == "record") {
            entry->kind = QueuedEntry::Kind::Record;
            entry->prior = {o->getValue<std::string>("target"), o->getValue<std::string>("subject"),
                            o->getValue<bool>("existed"), o->getValue<std::string>("value"),
                            o->getValue<std::string>("at")};
        } else if (op == "forget") {
            entry->kind = QueuedEntry::Kind::Forget;
            entry->prior.target = o->getValue<std::string>("target");
            entry->prior.subject = o->getValue<std::string>("subject");
        } else if (op == "state") {
            *entry = QueuedEntry::state(o->getValue<std::string>("key"),
                                        o->getValue<std::string>("value"));
        } else if (op == "pass") {
            *entry = QueuedEntry::pass(o->getValue<std::string>("pass"));
        } else {
            return Status::failure("unknown entry \"" + op + "\"");
        }
        return Status::success();
    } catch (const Poco::Exception& e) {
        return Status::failure(e.displayText());
    } catch (const std::exception& e) {
        return Status::failure(e.what());
    }
}

}  // namespace

QueuedEntry QueuedEntry::state(std::string key, std::string value) {
    QueuedEntry entry;
    entry.kind = Kind::State;
    entry.prior.subject = std::move(key);
    entry.prior.value = std::move(value);
    return entry;
}

QueuedEntry QueuedEntry::pass(std::string json) {
    QueuedEntry entry;
    entry.kind = Kind::Pass;
    entry.prior.value = std::move(json);
    return entry;
}

std::string pendingQueuePath(const std::string& databasePath) {
    return databasePath + ".pending";
}

PendingQueue::PendingQueue(const std::string& databasePath)
    : path_(pendingQueuePath(databasePath)) {}

bool PendingQueue::exists() const {
    return pathExists(path_);
}

Status PendingQueue::append(const std::vector<QueuedEntry>& entries) {
    if (entries.empty()) return Status::success();
    auto current = platform::readFileNoFollow(path_, kMaxQueueBytes);
    if (!current.status && !current.missing) return current.status;
    return write(std::move(current.data), entries, current.info);
}

Status PendingQueue::replace(const std::vector<QueuedEntry>& entries) {
    if (entries.empty()) return remove();
    return write({}, entries, platform::readFileNoFollow(path_, kMaxQueueBytes).info);
}

Status PendingQueue::write(std::string data, const std::vector<QueuedEntry>& entries,
                           const platform::FileInfo& current) {
    for (const auto& entry : entries) data += entryToJson(entry) + "\n";
    // Root-only whatever the directory gives: the queue holds prior values of users' files.
    const platform::Ownership owner{platform::effectiveUserId(),
                                    platform::isPrivileged() ? 0u : current.gid, 0600};
    return platform::writeFileAtomic(path_, data, owner);
}

std::vector<QueuedEntry> PendingQueue::read(std::vector<std::string>* problems) const {
    std::vector<QueuedEntry> entries;
    auto file = platform::readFileNoFollow(path_, kMaxQueueBytes);
    if (file.missing) return entries;
    if (!file.status) {
        problems->push_back(file.status.error);
        return entries;
    }
    std::size_t start = 0, lineNumber = 0;
    while (start < file.data.size()) {
        const auto end = file.data.find('\n', start);
        ++lineNumber;
        if (end == std::string::npos) {
            problems->push_back(path_ + ": line " + std::to_string(lineNumber) +
                                " is incomplete; skipped");
            break;
        }
        QueuedEntry entry;
        if (const auto read = entryFromJson(file.data.substr(start, end - start), &entry); read)
            entries.push_back(std::move(entry));
        else
            problems->push_back(path_ + ": line " + std::to_string(lineNumber) + ": " + read.error +
                                "; skipped");
        start = end + 1;
    }
    return entries;
}

Status PendingQueue::remove() {
    const auto slash = path_.find_last_of('/');
    Status opened;
    auto dir = platform::SafeDir::open(path_.substr(0, slash), &opened);
    if (!dir) return opened;
    return dir->removeFile(path_.substr(slash + 1));
}

Status drainPendingQueue(ComplianceStore& store, PendingQueue& queue, const PolicyCatalog& catalog,
                         std::vector<std::string>* notes) {
    if (!queue.exists()) return Status::success();
    std::vector<std::string> problems;
    const auto entries = queue.read(&problems);
    for (const auto& p : problems) notes->push_back("queued records: " + p);
    std::size_t ledgerChanges = 0;
    std::vector<PassReport> passes;
    std::vector<QueuedEntry> left;  // the passes still to record, as queued
    if (auto begun = store.beginBatch(); !begun) return begun;
    for (const auto& entry : entries) {
        Status ok;
        switch (entry.kind) {
            case QueuedEntry::Kind::Record:
                ok = store.record(entry.prior);
                break;
            case QueuedEntry::Kind::Forget:
                ok = store.forget(entry.prior.target, entry.prior.subject);
                break;
            case QueuedEntry::Kind::State:
                ok = store.setState(entry.stateKey(), entry.stateValue());
                break;
            case QueuedEntry::Kind::Pass: {
                PassReport report;
                if (const auto read = passReportFromJson(entry.passJson(), catalog, &report);
                    read) {
                    passes.push_back(std::move(report));
                    left.push_back(entry);
                } else
                    notes->push_back("queued records: " + queue.path() + ": a pass: " + read.error +
                                     "; skipped");
                continue;
            }
        }
        if (!ok) {
            store.commitBatch();  // ends the batch; the error above is the one reported
            return ok;
        }
        ++ledgerChanges;
    }
    if (auto committed = store.commitBatch(); !committed) return committed;
    if (auto replaced = queue.replace(left); !replaced) return replaced;
    for (const auto& pass : passes) {
        if (auto recorded = store.recordPass(pass); !recorded) {
            store.dropPendingPasses();  // the queue keeps it; recorded once, by a later drain
            return recorded;
        }
        left.erase(left.begin());
        if (auto replaced = queue.replace(left); !replaced) return replaced;
    }
    notes->push_back(
        "recorded what the store could not take earlier: " + std::to_string(passes.size()) +
        " pass(es) with their own times and " + std::to_string(ledgerChanges) +
        " prior-state change(s), from " + queue.path());
    return Status::success();
}

}  // namespace mpa
