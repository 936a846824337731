#pragma once
// The Event Log message table source (agent/platform/event_messages_win.mc), read the way windmc
// reads it: MessageId=N, then the message text after Language=... up to a line holding ".".
#include <map>
#include <string>

namespace mpa::test {

// id -> message text (lines joined with "\n"); empty when the file cannot be read.
std::map<unsigned, std::string> readMessageTable(const std::string& mcPath);

}  // namespace mpa::test
