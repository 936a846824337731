#pragma once
// One KEY=VALUE line in a file shared with other packages (/etc/environment, read by pam_env):
// the agent owns that line only. Every other line, comment, blank line, line ending (LF or CRLF)
// and a missing final newline stay byte for byte.
//
// Compliant: exactly one line assigns the key, without `export` (or with it, for shell files:
// EnvLineSpec::exported), with the value (quotes around it allowed, as pam_env and shells strip
// them). Otherwise the first line assigning the key is replaced in
// place (keeping its line ending), further ones are removed (duplicates are reported), or the
// line is appended. The ledger keeps the prior lines, so restoring puts them back where the
// agent's line is, or removes the line the agent added (and the newline it had to add to the last
// line before it). A line someone changed since is theirs and left as found.
#include <memory>
#include <string>

#include "model/target.hpp"

namespace mpa {

struct EnvLineSpec {
    std::string target;  // target name, and the ledger's target key
    std::string path;    // logical absolute path ("/etc/environment")
    std::string key;
    std::string value;
    // Shell syntax (`export KEY=VALUE`, for a file shells source such as /etc/zshenv) instead
    // of pam_env's plain KEY=VALUE. Compliance then requires the export too.
    bool exported = false;
    // The finding's subject and the ledger's key: empty means `path` (Metalama's variable);
    // another variable's is "<path>#<KEY>" (targets/environment_variables.hpp).
    std::string subject = {};
    std::string tool = {};  // Finding::tool: empty for Metalama's variable, else the catalog id
    const std::string& subjectName() const { return subject.empty() ? path : subject; }
};

// wanted=false restores (see restoreEnvLine).
Finding reconcileEnvLine(TargetRun& run, const EnvLineSpec& spec, bool wanted);
// The target for such lines, one per variable of DesiredState::environment: /etc/environment on
// Linux, /etc/zshenv on macOS. `spec` names the file (key and value are those of each variable;
// the ones given are ignored). Each variable is its own line with its own ledger entry; a
// variable the policy no longer asks for is restored, the others stay. A pass reads the file once
// and writes it once, whatever the number of variables: each variable's change is made in memory
// to what the ones before it left, the prior states of the variables set for the first time go to
// the ledger in one batch before the write, and the restored ones are forgotten, in one batch,
// after it.
std::unique_ptr<Target> makeEnvLineTarget(EnvLineSpec spec);

// NotApplicable when the ledger holds nothing: never touch a variable the agent did not set.
Finding restoreEnvLine(TargetRun& run, const EnvLineSpec& spec);

}  // namespace mpa
