#include "app/log_fields.hpp"

#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/JSON/Object.h>
#include <Poco/Message.h>

#include <cctype>
#include <sstream>

#include "store/event_log.hpp"

namespace mpa {
namespace {

const char* levelName(Poco::Message::Priority priority) {
    switch (priority) {
        case Poco::Message::PRIO_FATAL:
            return "fatal";
        case Poco::Message::PRIO_CRITICAL:
            return "critical";
        case Poco::Message::PRIO_ERROR:
            return "error";
        case Poco::Message::PRIO_WARNING:
            return "warning";
        case Poco::Message::PRIO_NOTICE:
            return "notice";
        case Poco::Message::PRIO_INFORMATION:
            return "information";
        case Poco::Message::PRIO_DEBUG:
            return "debug";
        default:
            return "trace";
    }
}

// "event_kind" -> "METALAMA_EVENT_KIND"; message_id is journald's own MESSAGE_ID.
std::string journalName(const std::string& field) {
    if (field == log_field::kMessageId) return "MESSAGE_ID";
    std::string name = "METALAMA_";
    for (const char c : field)
        name += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return name;
}

void appendJournalField(std::string& entry, const std::string& name, const std::string& value) {
    if (value.find('\n') == std::string::npos) {
        entry += name + "=" + value + "\n";
        return;
    }
    // Binary-safe form: the name, a newline, the length as 64-bit little endian, the value.
    entry += name + "\n";
    auto size = static_cast<std::uint64_t>(value.size());
    for (int i = 0; i < 8; ++i, size >>= 8) entry += static_cast<char>(size & 0xff);
    entry += value + "\n";
}

}  // namespace

std::string logRecordToJson(const Poco::Message& message) {
    Poco::JSON::Object o(Poco::JSON_PRESERVE_KEY_ORDER);
    o.set("time", Poco::DateTimeFormatter::format(message.getTime(), "%Y-%m-%dT%H:%M:%S.%iZ"));
    o.set("level", std::string(levelName(message.getPriority())));
    o.set("logger", message.getSource());
    o.set("message", message.getText());
    for (const char* field : log_field::kAll)
        if (message.has(field)) o.set(field, message.get(field));
    std::ostringstream out;
    o.stringify(out);  // compact; a line break in a value is escaped as \n
    return out.str();
}

std::string logRecordToJournalEntry(const Poco::Message& message) {
    std::string entry;
    appendJournalField(entry, "MESSAGE", message.getText());
    // Poco's priority numbers 1-7 are syslog's (2 critical ... 7 debug); trace (8) is debug.
    const int priority = message.getPriority() > 7 ? 7 : static_cast<int>(message.getPriority());
    appendJournalField(entry, "PRIORITY", std::to_string(priority));
    appendJournalField(entry, "SYSLOG_IDENTIFIER", "metalama-policy-agent");
    appendJournalField(entry, "METALAMA_LOGGER", message.getSource());
    for (const char* field : log_field::kAll)
        if (message.has(field)) appendJournalField(entry, journalName(field), message.get(field));
    return entry;
}

}  // namespace mpa
