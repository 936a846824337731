#!/bin/sh
# Gives the compliance database read-only to the audit group, from the packages' postinst and
# %post at every install and upgrade (unpacking resets the directory to the package's 0700
# root:root). The agent itself keeps the group on files it creates later (a new or recovered
# database): it follows the directory's group. Layout (docs/compliance-database.md):
#   /var/lib/metalama-policy-agent                 0751 root:metalama-audit
#   compliance.db, compliance.db-wal, -shm         0640 root:metalama-audit
#   summary.json                                   0644 root:root (counts only, for everyone)
# Add an auditor with `usermod -aG metalama-audit NAME`.
set -e
GROUP=metalama-audit
STATE=/var/lib/metalama-policy-agent

# groupadd (passwd, priority required on Debian; shadow-utils on RPM distributions).
if ! getent group "$GROUP" >/dev/null; then
    groupadd --system "$GROUP"
fi
chgrp "$GROUP" "$STATE"
chmod 0751 "$STATE"
for f in compliance.db compliance.db-wal compliance.db-shm; do
    # Never through a link planted in the directory (it is root's, but be exact).
    if [ -f "$STATE/$f" ] && [ ! -L "$STATE/$f" ]; then
        chgrp "$GROUP" "$STATE/$f"
        chmod 0640 "$STATE/$f"
    fi
done
