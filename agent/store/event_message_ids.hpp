#pragma once
// A journald MESSAGE_ID for each event kind (store/event_kinds.hpp), so that
// `journalctl MESSAGE_ID=4d99cbac597c4e568ef65427853d33e2` finds every drift repair on a
// machine. Generated once, random, 128 bits; never change one that has shipped
// (docs/logging.md lists them for SIEM rules).
#include <string_view>

namespace mpa {

// 32 lowercase hex digits, or empty for a kind without one.
std::string_view messageIdFor(std::string_view eventKind);

// The Windows Event Log id of an event kind (docs/windows-event-log.md; the message table
// agent/platform/event_messages_win.mc has a text for each), or 0 for a kind without one. The
// range follows the level the kind is logged at: 11xx information, 21xx warning. Never change
// one that has shipped: Windows Event Forwarding subscriptions and SIEM rules select on them.
unsigned eventLogIdFor(std::string_view eventKind);

}  // namespace mpa
