#pragma once
// Exit codes are part of the product's interface: scripts, Intune detection rules and
// Configuration Manager baselines rely on them. Documented in --help and the README.
namespace mpa::exit_code {
inline constexpr int kCompliant = 0;     // success; for status/apply: the machine is compliant
inline constexpr int kError = 1;         // the command failed (message on stderr)
inline constexpr int kUsage = 2;         // bad command line
inline constexpr int kNonCompliant = 3;  // the machine is not compliant (or verify found tampering)
inline constexpr int kNotManaged = 4;    // no policy in effect: nothing is enforced
inline constexpr int kAlreadyRunning = 5;  // run: another instance holds the lock
}  // namespace mpa::exit_code
