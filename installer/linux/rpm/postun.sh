# metalama-policy-agent %postun ($1: 0 = erase, 1 = upgrade). RPM has no purge: erasing removes
# the compliance database too, unless the revert failed (then it is the only record of the
# values to restore, and is kept).
if [ -d /run/systemd/system ]; then
    systemctl --system daemon-reload >/dev/null 2>&1 || :
fi
if [ "$1" -eq 0 ]; then
    if [ ! -e /var/lib/metalama-policy-agent/.revert-failed ]; then
        rm -rf /var/lib/metalama-policy-agent
        # The audit group was created by %post for the database, which is gone now.
        if getent group metalama-audit >/dev/null; then
            groupdel metalama-audit || :
        fi
    fi
    rm -rf /run/metalama-policy-agent
fi
