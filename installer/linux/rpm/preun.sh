# metalama-policy-agent %preun ($1: 0 = erase, 1 = upgrade): on erase, stop and disable the
# service and restore everything the agent changed, so the machine is as it was before.
if [ "$1" -eq 0 ]; then
    # samba-gpupdate must not load an extension whose file is about to go.
    /usr/lib/metalama-policy-agent/samba-extension unregister || :
    if [ -d /run/systemd/system ]; then
        systemctl stop metalama-policy-agent.service >/dev/null 2>&1 || :
    fi
    systemctl disable metalama-policy-agent.service >/dev/null 2>&1 || :
    if ! /usr/sbin/metalama-policy-agent --log-level error revert; then
        echo "metalama-policy-agent: revert did not complete (see above); the database in" \
            "/var/lib/metalama-policy-agent is kept" >&2
        touch /var/lib/metalama-policy-agent/.revert-failed 2>/dev/null || :
    fi
fi
