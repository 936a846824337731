# shellcheck shell=bash
# A real Samba Active Directory domain controller for tests, sourced by the AD test suite.
#
# Everything runs in private namespaces (network: loopback only; mounts; host name), so the
# machine's own Samba, Kerberos, DNS and NSS configuration is never touched:
#   - tmpfs over /etc/samba, /var/lib/samba, /var/cache/samba, /var/log/samba, /run/samba, so the
#     domain lives at Samba's standard paths (samba-gpupdate, winbind's NSS module and PAM find it
#     where they would on a real machine);
#   - /etc/resolv.conf points at the DC's internal DNS on 127.0.0.1, /etc/krb5.conf is the
#     domain's, the host name is dc1 (the DC's own name, so provisioning is reproducible).
# The provisioned domain is cached (a tar with extended attributes: sysvol's NT ACLs live in
# them) under $MPA_CACHE_DIR/ad-domain/, keyed by Samba's version and this file, so only the
# first run pays for `samba-tool domain provision`.
#
#   domain_fixture_enter "$0" "$@"  re-executes the calling script inside the namespaces
#   domain_fixture_up               provisions or restores the domain, starts samba, waits for it
#   domain_fixture_down             stops samba
# Set-up timings are printed as "domain fixture: ... took N.N s".

AD_REALM=METALAMA.TEST
AD_DOMAIN=METALAMA
AD_DNS_DOMAIN=metalama.test
AD_DC=dc1.metalama.test
AD_ADMIN_PASSWORD='Adm1n!Metalama-Test'
AD_SAMBA_PID=

# The tools the fixture needs, by Debian package (scripts/setup.sh installs them).
domain_fixture_missing() {
    local tool missing=()
    for tool in samba:samba samba-tool:samba-common-bin samba-gpupdate:samba-common-bin \
        smbclient:smbclient unshare:util-linux ip:iproute2 kinit:krb5-user \
        wbinfo:winbind; do
        command -v "${tool%%:*}" >/dev/null 2>&1 || missing+=("${tool#*:}")
    done
    [ -d /usr/share/samba/setup/ad-schema ] || missing+=(samba-ad-provision)
    [ -e /lib/x86_64-linux-gnu/libnss_winbind.so.2 ] || [ -e /usr/lib/x86_64-linux-gnu/libnss_winbind.so.2 ] ||
        missing+=(libnss-winbind)
    echo "${missing[*]}"
}

# Re-executes "$@" (the calling script and its arguments) in new network, mount and UTS
# namespaces unless already inside them. Returns 1 with a reason when the kernel refuses.
domain_fixture_enter() {
    [ "${MPA_AD_NAMESPACE:-}" = 1 ] && return 0
    local reason
    if ! reason=$(unshare --net --mount --uts --fork true 2>&1); then
        echo "domain fixture: cannot create network/mount/UTS namespaces: $reason" >&2
        return 1
    fi
    MPA_AD_NAMESPACE=1 exec unshare --net --mount --uts --fork --propagation private "$@"
}

_fixture_now() { date +%s.%N; }
_fixture_took() { printf '%.1f' "$(echo "$(_fixture_now) - $1" | bc)"; }

_fixture_cache_file() {
    local key
    key=$( (samba -V; cat "${BASH_SOURCE[0]}") | sha256sum | cut -c1-16)
    echo "${MPA_CACHE_DIR:-/var/cache/mpa-build}/ad-domain/domain-$key.tar"
}

_fixture_dirs=(/etc/samba /var/lib/samba /var/cache/samba /var/log/samba /run/samba)

# Provisions the domain at Samba's standard paths (they are tmpfs in this namespace).
_fixture_provision() {
    rm -f /etc/samba/smb.conf
    samba-tool domain provision --realm="$AD_REALM" --domain="$AD_DOMAIN" \
        --server-role=dc --dns-backend=SAMBA_INTERNAL --use-rfc2307 \
        --adminpass="$AD_ADMIN_PASSWORD" --host-name=dc1 --host-ip=127.0.0.1 \
        --option="interfaces = lo" --option="bind interfaces only = yes" \
        --option="dns forwarder = 127.0.0.1" \
        --option="apply group policies = yes" \
        --option="template homedir = /home/%D/%U" --option="template shell = /bin/bash" \
        --option="winbind enum users = no" --option="winbind enum groups = no" \
        >/var/log/samba/provision.log 2>&1
}

domain_fixture_up() {
    [ "${MPA_AD_NAMESPACE:-}" = 1 ] || { echo "domain fixture: not in its namespace" >&2; return 1; }
    local start dir cache
    start=$(_fixture_now)
    ip link set lo up || return 1
    hostname dc1
    for dir in "${_fixture_dirs[@]}"; do
        mkdir -p "$dir" && mount -t tmpfs -o mode=0755 tmpfs "$dir" || return 1
    done
    cache=$(_fixture_cache_file)
    if [ -f "$cache" ]; then
        tar --xattrs --xattrs-include='*' --acls -C / -xf "$cache" || return 1
        echo "domain fixture: warm set-up (restored $(basename "$cache")) took $(_fixture_took "$start") s"
    else
        if ! _fixture_provision; then
            tail -20 /var/log/samba/provision.log >&2
            echo "domain fixture: samba-tool domain provision failed" >&2
            return 1
        fi
        mkdir -p "$(dirname "$cache")"
        tar --xattrs --xattrs-include='*' --acls -C / -cf "$cache.tmp.$$" \
            etc/samba var/lib/samba var/cache/samba && mv "$cache.tmp.$$" "$cache"
        # Domains provisioned by another Samba version or an older fixture are of no more use.
        find "$(dirname "$cache")" -maxdepth 1 -name 'domain-*.tar' ! -name "$(basename "$cache")" \
            -delete
        echo "domain fixture: cold set-up (samba-tool domain provision) took $(_fixture_took "$start") s"
    fi
    # Name resolution and Kerberos of this namespace: the DC's own DNS and realm.
    local etc
    etc=$(mktemp -d)
    echo "nameserver 127.0.0.1" >"$etc/resolv.conf"
    printf '127.0.0.1 localhost\n127.0.0.1 %s dc1\n' "$AD_DC" >"$etc/hosts"
    mount --bind "$etc/resolv.conf" /etc/resolv.conf || return 1
    mount --bind "$etc/hosts" /etc/hosts || return 1
    # Domain accounts through winbind (samba runs winbindd on a DC), as on a joined machine.
    sed -E 's/^(passwd|group):.*/\1: files winbind/' /etc/nsswitch.conf >"$etc/nsswitch.conf"
    mount --bind "$etc/nsswitch.conf" /etc/nsswitch.conf || return 1
    # The machine may have no /etc/krb5.conf to mount over; MIT Kerberos reads this instead.
    export KRB5_CONFIG=/var/lib/samba/private/krb5.conf
    start=$(_fixture_now)
    samba --foreground --no-process-group >/var/log/samba/samba.out 2>&1 &
    AD_SAMBA_PID=$!
    for _ in $(seq 1 120); do
        # Ready when both SMB (sysvol) and LDAP answer: samba starts its servers one by one.
        if smbclient "//$AD_DC/sysvol" -U "Administrator%$AD_ADMIN_PASSWORD" -c ls >/dev/null 2>&1 &&
            samba-tool user list -H "ldap://$AD_DC" -U "Administrator%$AD_ADMIN_PASSWORD" >/dev/null 2>&1; then
            echo "domain fixture: samba answering on loopback after $(_fixture_took "$start") s"
            # Samba registers no address record for a loopback-only DC; clients locating the DC
            # (samba-gpupdate's CLDAP look-up, winbind) need one for its host name.
            samba-tool dns add 127.0.0.1 "$AD_DNS_DOMAIN" dc1 A 127.0.0.1 \
                -U "Administrator%$AD_ADMIN_PASSWORD" >/dev/null 2>&1 || true
            return 0
        fi
        kill -0 "$AD_SAMBA_PID" 2>/dev/null || break
        sleep 0.5
    done
    tail -20 /var/log/samba/samba.out >&2
    echo "domain fixture: samba did not answer within 60 s" >&2
    return 1
}

domain_fixture_down() {
    [ -n "$AD_SAMBA_PID" ] || return 0
    kill "$AD_SAMBA_PID" 2>/dev/null
    wait "$AD_SAMBA_PID" 2>/dev/null
    AD_SAMBA_PID=
}
