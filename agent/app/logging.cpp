#include "app/logging.hpp"

#include <Poco/AutoPtr.h>
#include <Poco/Channel.h>
#include <Poco/ConsoleChannel.h>
#include <Poco/FileChannel.h>
#include <Poco/Formatter.h>
#include <Poco/FormattingChannel.h>
#include <Poco/Logger.h>
#include <Poco/PatternFormatter.h>
#include <Poco/SplitterChannel.h>
#if !defined(_WIN32)
#include <Poco/SyslogChannel.h>
#endif

#include <cstdlib>
#include <iostream>

#include "app/log_fields.hpp"
#include "platform/journal_socket.hpp"
#include "platform/journal_stream.hpp"
#include "platform/system_log.hpp"
#include "store/event_log.hpp"
#include "store/event_message_ids.hpp"

namespace mpa {
namespace {

class JsonLineFormatter final : public Poco::Formatter {
  public:
    void format(const Poco::Message& message, std::string& text) override {
        text = logRecordToJson(message);
    }
};

// journald's native protocol, so that each entry keeps its fields (MESSAGE_ID, the event's kind,
// subject, pass and chain head). If journald cannot be reached the line goes to standard error,
// which under systemd is the journal too, with its level prefix: nothing is lost, only fields.
class JournalChannel final : public Poco::Channel {
  public:
    explicit JournalChannel(std::string socketPath) : socketPath_(std::move(socketPath)) {}
    void log(const Poco::Message& message) override {
        if (platform::sendJournalDatagram(socketPath_, logRecordToJournalEntry(message))) return;
        std::cerr << "<" << (message.getPriority() > 7 ? 7 : message.getPriority()) << ">"
                  << message.getText() << "\n";
    }

  private:
    std::string socketPath_;
};

// Every warning and error also goes to the system log (the Windows Event Log), with the id of
// its event kind when it is a compliance event, else the id of its level
// (docs/windows-event-log.md).
class SystemLogChannel final : public Poco::Channel {
  public:
    void log(const Poco::Message& message) override {
        if (message.getPriority() > Poco::Message::PRIO_WARNING) return;
        const auto level = message.getPriority() == Poco::Message::PRIO_WARNING
                               ? SystemLogLevel::Warning
                               : SystemLogLevel::Error;
        unsigned id = system_log_event::kByLevel;
        if (message.has(log_field::kEventKind))
            if (const auto kindId = eventLogIdFor(message.get(log_field::kEventKind)); kindId != 0)
                id = kindId;
        writeSystemLog(level, message.getText(), id);
    }
};

// METALAMA_JOURNAL_SOCKET changes only where the entries are sent (docs/logging.md): the tests
// bind their own socket there and read what the agent sends.
std::string journalSocketPath() {
    const char* path = std::getenv("METALAMA_JOURNAL_SOCKET");
    return path && *path ? path : platform::kJournalSocket;
}

}  // namespace

Status configureLogging(const std::string& level, const std::string& destination,
                        const std::string& format) {
    if (format != "text" && format != "json") {
        return Status::failure("unknown log format '" + format + "' (text or json)");
    }
    Poco::AutoPtr<Poco::Channel> sink;
    std::string pattern = "%p: %t";
    bool journal = destination == "journal";
    if (destination == "console") {
        // Under systemd (stderr is the journal) the native protocol keeps the fields.
        journal = platform::standardErrorIsJournal();
        sink = new Poco::ConsoleChannel;
    } else if (destination == "journal") {
#if defined(_WIN32)
        return Status::failure(
            "log destination journal is not available on Windows (use the Event Log)");
#endif
    } else if (destination == "syslog") {
#if defined(_WIN32)
        return Status::failure(
            "log destination syslog is not available on Windows (use the Event Log)");
#else
        Poco::AutoPtr<Poco::SyslogChannel> syslog = new Poco::SyslogChannel;
        syslog->setProperty("name", "metalama-policy-agent");
        syslog->setProperty("facility", "SYSLOG_DAEMON");
        sink = syslog;
        pattern = "%t";
#endif
    } else if (destination.rfind("file:", 0) == 0 && destination.size() > 5) {
        Poco::AutoPtr<Poco::FileChannel> file = new Poco::FileChannel(destination.substr(5));
        file->setProperty("rotation", "10 M");
        file->setProperty("archive", "number");
        file->setProperty("purgeCount", "3");
        sink = file;
        pattern = "%Y-%m-%dT%H:%M:%SZ %p: %t";
    } else {
        return Status::failure("unknown log destination '" + destination +
                               "' (console, syslog, journal or file:PATH)");
    }
    Poco::AutoPtr<Poco::Channel> channel;
    if (journal) {
        channel = new JournalChannel(journalSocketPath());
    } else {
        Poco::AutoPtr<Poco::Formatter> formatter;
        if (format == "json")
            formatter = new JsonLineFormatter;
        else
            formatter = new Poco::PatternFormatter(pattern);
        channel = new Poco::FormattingChannel(formatter, sink);
    }
    if (systemLogMirrorsWarnings()) {
        Poco::AutoPtr<Poco::SplitterChannel> both = new Poco::SplitterChannel;
        both->addChannel(channel);
        both->addChannel(new SystemLogChannel);
        channel = both;
    }
    auto& root = Poco::Logger::root();
    try {
        root.setLevel(level);
    } catch (const Poco::Exception&) {
        return Status::failure(
            "unknown log level '" + level +
            "' (trace, debug, information, notice, warning, error, critical, none)");
    }
    root.setChannel(channel);
    // Loggers created before this call keep their old channel unless updated.
    Poco::Logger::setChannel("", channel);
    Poco::Logger::setLevel("", root.getLevel());
    return Status::success();
}

}  // namespace mpa
