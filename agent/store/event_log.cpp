#include "store/event_log.hpp"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Logger.h>
#include <Poco/Message.h>

#include <string_view>

#include "store/event_chain.hpp"
#include "store/event_kinds.hpp"
#include "store/event_message_ids.hpp"

namespace mpa {
namespace {

Poco::Message::Priority priorityFor(std::string_view kind) {
    namespace k = event_kind;
    if (kind == k::kFailed || kind == k::kNonCompliant || kind == k::kDriftDetected ||
        kind == k::kStoreRecovered)
        return Poco::Message::PRIO_WARNING;
    return Poco::Message::PRIO_INFORMATION;
}

// The finding's outcome for pass events (data.outcome), else the new verdict of a verdict
// change, else the kind itself ("agent started").
std::string outcomeOf(const EventDraft& event) {
    try {
        const auto data = Poco::JSON::Parser().parse(event.data).extract<Poco::JSON::Object::Ptr>();
        if (data && data->has("outcome")) return data->getValue<std::string>("outcome");
        if (data && event.kind == event_kind::kVerdictChanged && data->has("new"))
            return data->getValue<std::string>("new");
    } catch (const Poco::Exception&) {
    }
    return event.kind;
}

}  // namespace

std::int64_t newestEventId(const SqliteConnection& db) {
    Status read;
    const auto head = readChainHead(db, &read);
    return head ? head->eventId : 0;
}

void logEventsAfter(const SqliteConnection& db, std::int64_t afterId) {
    auto& log = Poco::Logger::get("event");
    if (!log.warning()) return;  // nothing of this would be logged: skip the read
    SqliteStatement s;
    if (const auto prepared =
            db.prepare("SELECT body, hash, kind FROM events WHERE id > ? ORDER BY id", &s);
        !prepared) {
        log.warning("cannot read the new events for the log: %s", prepared.error);
        return;
    }
    s.bind(1, afterId);
    while (s.step()) {
        // An event the logger would drop is not parsed or made into a message: a first pass
        // writes an event a changed file, and each message asked the kernel for the pid.
        if (!log.is(priorityFor(s.textView(2)))) continue;
        std::int64_t id = 0;
        EventDraft event;
        if (!parseEventBody(s.text(0), &id, &event)) continue;  // verify reports such a body
        const auto text = event.kind + (event.subject.empty() ? "" : " " + event.subject) +
                          (event.details.empty() ? "" : ": " + event.details);
        Poco::Message message("event", text, priorityFor(event.kind));  // the body's kind
        message.set(log_field::kEventKind, event.kind);
        message.set(log_field::kSubject, event.subject);
        message.set(log_field::kOutcome, outcomeOf(event));
        message.set(log_field::kDetails, event.details);
        if (event.runId) message.set(log_field::kPassId, std::to_string(*event.runId));
        message.set(log_field::kEventId, std::to_string(id));
        message.set(log_field::kChainHead, "event " + std::to_string(id) + " " + s.text(1));
        if (const auto messageId = messageIdFor(event.kind); !messageId.empty())
            message.set(log_field::kMessageId, std::string(messageId));
        log.log(message);  // the logger drops it below its level
    }
    if (s.failed()) log.warning("cannot read the new events for the log: %s", s.errorMessage());
}

}  // namespace mpa
