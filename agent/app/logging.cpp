#include "app/logging.hpp"

#include <Poco/AutoPtr.h>
#include <Poco/ConsoleChannel.h>
#include <Poco/FileChannel.h>
#include <Poco/FormattingChannel.h>
#include <Poco/Logger.h>
#include <Poco/PatternFormatter.h>
#if !defined(_WIN32)
#include <Poco/SyslogChannel.h>
#endif

#include "platform/journal_stream.hpp"

namespace mpa {

bool configureLogging(const std::string& level, const std::string& destination,
                      std::string* error) {
    Poco::AutoPtr<Poco::Channel> sink;
    std::string pattern = "%p: %t";
    if (destination == "console") {
        sink = new Poco::ConsoleChannel;
        // Poco's priority numbers 1-7 are syslog's (3 error, 4 warning, 6 information, 7
        // debug); journald reads a "<N>" prefix as the line's level (trace, 8, stays text).
        if (platform::standardErrorIsJournal()) pattern = "<%l>%t";
    } else if (destination == "syslog") {
#if defined(_WIN32)
        *error = "log destination syslog is not available on Windows (use the Event Log)";
        return false;
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
        *error = "unknown log destination '" + destination + "' (console, syslog or file:PATH)";
        return false;
    }
    Poco::AutoPtr<Poco::PatternFormatter> formatter = new Poco::PatternFormatter(pattern);
    Poco::AutoPtr<Poco::FormattingChannel> channel = new Poco::FormattingChannel(formatter, sink);
    auto& root = Poco::Logger::root();
    try {
        root.setLevel(level);
    } catch (const Poco::Exception&) {
        *error = "unknown log level '" + level +
                 "' (trace, debug, information, notice, warning, error, critical, none)";
        return false;
    }
    root.setChannel(channel);
    // Loggers created before this call keep their old channel unless updated.
    Poco::Logger::setChannel("", channel);
    Poco::Logger::setLevel("", root.getLevel());
    return true;
}

}  // namespace mpa
