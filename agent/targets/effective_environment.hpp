#pragma once
// What a process ends up with, not what the agent wrote: the value of one variable as each
// reader of the machine-wide environment computes it from every file it reads, and the file and
// line that decided it. Pure functions over file contents (the caller reads the files, in the
// reader's order), so each reader's rules are tested without a machine.
//
//   pam_env (PAM logins: console, ssh, su -l, display managers): /etc/environment, last line
//     wins; then /etc/security/pam_env.conf, whose rules Debian's login and su stacks apply again
//     after /etc/environment (a second pam_env line for /etc/default/locale), so a rule there
//     wins; then /etc/default/locale.
//   systemd's user manager (30-systemd-environment-d-generator): every *.conf in
//     /etc/environment.d, /run/environment.d, /usr/local/lib/environment.d,
//     /usr/lib/environment.d, a name in an earlier directory hiding the same name in a later
//     one, applied in name order; the last assignment wins.
//   systemd's system manager: DefaultEnvironment= in system.conf, then every drop-in of
//     system.conf.d in /etc, /run, /usr/local/lib, /usr/lib (same hiding and order); the last
//     assignment wins, an empty DefaultEnvironment= clears the list.
//   login shells: /etc/profile.d/*.sh in glob order; a later script that assigns, exports or
//     unsets the variable decides.
#include <optional>
#include <string>
#include <vector>

namespace mpa {

// One file as the reader sees it: the logical path (for messages) and its content.
struct EnvSourceFile {
    std::string path;
    std::string content;
};

struct EffectiveValue {
    std::optional<std::string> value;  // nullopt: not set (or unset)
    std::string origin;                // "path:line" of the line that decided, empty when unset
    bool computed = false;             // a shell or pam_env expression the agent does not evaluate
};

// Whether Metalama opts out with this value in every version: non-empty and not 0 / false
// (which stopped opting out in 2025.1). An expression counts as not opting out.
bool optsOutEverywhere(const EffectiveValue& v);

// Each reader, over files already in its order (see above). `key` is the variable.
// pam_env: any of the three may be absent.
struct PamEnvFiles {
    std::optional<EnvSourceFile> environment;  // /etc/environment
    std::optional<EnvSourceFile> conf;         // /etc/security/pam_env.conf
    std::optional<EnvSourceFile> locale;       // /etc/default/locale (Debian's second envfile)
};
EffectiveValue pamEnvValue(const PamEnvFiles& files, const std::string& key);
EffectiveValue environmentDValue(const std::vector<EnvSourceFile>& files, const std::string& key);
EffectiveValue systemdDefaultEnvironmentValue(const std::vector<EnvSourceFile>& files,
                                              const std::string& key);
EffectiveValue profileDValue(const std::vector<EnvSourceFile>& scripts, const std::string& key);

// The order systemd gives drop-ins: `dirs` in precedence order (first hides later), each with
// its sorted entry names; the result is (dir index, name) sorted by name.
struct DropInEntry {
    std::size_t dir;
    std::string name;
};
std::vector<DropInEntry> systemdDropInOrder(const std::vector<std::vector<std::string>>& names,
                                            const std::string& suffix);

// Shell glob order depends on the locale (bytewise in C, case-insensitive in most others): a
// script whose name sorts after `ours` in either order may run after it.
bool mayRunAfter(const std::string& script, const std::string& ours);

}  // namespace mpa
