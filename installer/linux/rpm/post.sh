# metalama-policy-agent %post ($1: 1 = install, 2 = upgrade): enable the service on install,
# start it (install) or restart it (upgrade) where systemd is running. An upgrade never reverts.
# The audit group's read access to the database, set again at every upgrade.
/usr/lib/metalama-policy-agent/audit-access
# Group Policy from AD through samba-gpupdate, where Samba's client is installed.
/usr/lib/metalama-policy-agent/samba-extension register || :
if [ -d /run/systemd/system ]; then
    systemctl --system daemon-reload >/dev/null 2>&1 || :
fi
if [ "$1" -eq 1 ]; then
    # `systemctl enable` works without a running manager (it only writes symlinks).
    systemctl enable metalama-policy-agent.service >/dev/null 2>&1 || :
    if [ -d /run/systemd/system ]; then
        systemctl start metalama-policy-agent.service >/dev/null 2>&1 || :
    fi
elif [ -d /run/systemd/system ]; then
    systemctl try-restart metalama-policy-agent.service >/dev/null 2>&1 || :
fi
