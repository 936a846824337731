#pragma once
// Whether standard error is connected to the systemd journal (a service started by systemd with
// the default StandardError=journal): then each line may start with a syslog priority "<N>" and
// journald records that level instead of one level for everything.
namespace mpa::platform {

bool standardErrorIsJournal();

}  // namespace mpa::platform
