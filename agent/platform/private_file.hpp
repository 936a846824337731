#pragma once
// Files only the agent's account may change: the compliance database and its directory. Root
// acts on what they hold, so a file or directory that another account could write (or that
// another account owns) is refused, with a message naming the path and the reason.
#include <string>

#include "util/status.hpp"

namespace mpa {

// Creates the directory of `filePath` when missing (mode 0700; missing ancestors 0755) and the
// file itself (mode 0600, never through a symbolic link), then checks both with
// checkPrivateFile's rules. Also checks SQLite's companion files (-wal, -shm) when present.
Status preparePrivateFile(const std::string& filePath);

// The file (and its directory) must exist, be owned by the running account, not be a symbolic
// link, and not be writable by group or others.
Status checkPrivateFile(const std::string& filePath);

// The audit group: when the file's directory belongs to a group other than root's that may read
// it but not write it (the packages make /var/lib/metalama-policy-agent 0751
// root:metalama-audit), the file and its -wal and -shm get that group, read-only (0640), so
// auditors keep read access whatever created the file (a new database, a recovery). A directory
// of root's group leaves them private (0600). Windows: nothing to do here, the files inherit the
// directory's ACL (docs/compliance-database.md).
Status shareWithDirectoryGroup(const std::string& filePath);

// The audit group an administrator names (agent.yaml `audit_group`): the database's directory
// is given read access for that group, so that shareWithDirectoryGroup then shares the files
// with it too. POSIX: the directory gets the group and mode 0751 (a group that does not exist is
// an error naming it). Windows: the directory's protected ACL gains an inherited read-and-execute
// entry for the account or group, looked up by name ("CONTOSO\\Metalama Auditors"); entries
// that let others write are still refused by checkPrivateFile.
Status grantDirectoryToAuditGroup(const std::string& directory, const std::string& group);

// True when something exists at path (not following a final symbolic link).
bool pathExists(const std::string& path);

}  // namespace mpa
