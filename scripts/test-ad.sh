#!/usr/bin/env bash
# Active Directory suite: the agent against a real Samba AD domain controller (tests/ad/
# domain-fixture.sh: provisioned by samba-tool, loopback only, in its own namespaces).
#   Group Policy: two conflicting GPOs created and linked with samba-tool, their Registry.pol
#   written with Samba's PReg writer; samba-gpupdate runs with the Metalama client-side extension
#   (installer/linux/samba/gp_metalama_ext.py); the agent must enforce the GPO that Windows'
#   precedence makes win (an OU link beats a domain link, an enforced link beats both), honour
#   `**del.`, and fall back to the next GPO, then to none, as links are removed.
# Ends with "N passed, N failed". Needs root. Outside CI a missing tool or kernel feature skips
# the suite (naming what is missing); with CI=true it fails.
set -uo pipefail
source "$(dirname "$0")/common.sh"
source "$MPA_ROOT/tests/ad/domain-fixture.sh"

passed=0
failed=0
ok() { passed=$((passed + 1)); echo "PASS: $1"; }
bad() { failed=$((failed + 1)); echo "FAIL: $1"; }
check() {  # check NAME COMMAND...
    local name=$1; shift
    if "$@"; then ok "$name"; else bad "$name"; fi
}
finish() {
    echo "$passed passed, $failed failed"
    [ "$failed" -eq 0 ]
    exit
}
unavailable() {  # a missing tool or kernel feature: a failure in CI, a skip elsewhere
    if [ "${CI:-}" = true ]; then
        bad "$1"
    else
        echo "SKIP: $1"
    fi
    finish
}

if [ "${MPA_AD_NAMESPACE:-}" != 1 ]; then
    [ "$(id -u)" -eq 0 ] || unavailable "the AD suite needs root (namespaces, a domain controller)"
    missing_packages=$(domain_fixture_missing)
    [ -z "$missing_packages" ] || unavailable "missing packages: $missing_packages (run scripts/setup.sh)"
    if [ ! -x "$MPA_ROOT/build/ci/metalama-policy-agent" ]; then
        build_preset ci --target metalama-policy-agent >/dev/null || { bad "agent build"; finish; }
    fi
    domain_fixture_enter "$0" "$@" || unavailable "no network/mount/UTS namespaces on this kernel"
fi

AGENT="$MPA_ROOT/build/ci/metalama-policy-agent"
EXT="$MPA_ROOT/installer/linux/samba/gp_metalama_ext.py"
PY=/usr/bin/python3  # Samba's python modules are installed for the system interpreter
check "the extension's ordering and delete commands (tests/ad/test_gp_metalama_ext.py)" \
    "$PY" "$MPA_ROOT/tests/ad/test_gp_metalama_ext.py"
domain_fixture_up || { bad "domain controller set-up"; finish; }
trap domain_fixture_down EXIT

ADMIN=(-U "Administrator%$AD_ADMIN_PASSWORD")
LDAP=(-H "ldap://$AD_DC" "${ADMIN[@]}")
DOMAIN_DN="DC=metalama,DC=test"
DC_OU="OU=Domain Controllers,$DOMAIN_DN"
KEY='SOFTWARE\Policies\PostSharp\Metalama'
SCRATCH=$(mktemp -d /tmp/mpa-ad.XXXXXX)
ROOT="$SCRATCH/root"
OUTPUT="$ROOT/etc/metalama/group-policy/samba-gpupdate.json"
mkdir -p "$ROOT/etc" && chmod 0755 "$SCRATCH" "$ROOT"
echo 'root:x:0:0:root:/root:/bin/bash' >"$ROOT/etc/passwd"
printf 'UID_MIN 1000\nUID_MAX 60000\n' >"$ROOT/etc/login.defs"

# The extension writes into the agent's scratch root (smb.conf's parametric option).
sed -i "/^\[global\]/a\\	metalama:policy file = $OUTPUT" /etc/samba/smb.conf
# Registered as the packages do it (installer/linux/samba-extension.sh, run by postinst).
export MPA_SAMBA_EXTENSION="$EXT"
REGISTER="$MPA_ROOT/installer/linux/samba-extension.sh"
check "the extension registers in Samba's gpext.conf" "$REGISTER" register
check "status reports it registered" bash -c "'$REGISTER' status | grep -qx registered"
check "gpext.conf names the extension" grep -q 'gp_metalama_ext' /var/lib/samba/gpext.conf

# A GPO with a Registry.pol written by Samba's PReg writer, uploaded to sysvol over SMB.
make_gpo() {  # make_gpo NAME RECORD... ; prints the GUID
    local name=$1 guid pol; shift
    guid=$(samba-tool gpo create "$name" "${LDAP[@]}" 2>/dev/null | grep -o '{[0-9A-F-]*}')
    [ -n "$guid" ] || return 1
    pol="$SCRATCH/$guid.pol"
    "$PY" "$MPA_ROOT/tests/ad/write_registry_pol.py" "$pol" "$@" || return 1
    smbclient "//$AD_DC/sysvol" "${ADMIN[@]}" \
        -c "put $pol $AD_DNS_DOMAIN\\Policies\\$guid\\MACHINE\\Registry.pol" >/dev/null 2>&1 || return 1
    echo "$guid"
}
GPO_A=$(make_gpo "Metalama A" "$KEY|TelemetryOptOut|REG_DWORD|0" "$KEY|DeviceIdRotationDays|REG_DWORD|30" \
    "$KEY\\Recommended|DisableExceptionReporting|REG_DWORD|1")
GPO_B=$(make_gpo "Metalama B" "$KEY|TelemetryOptOut|REG_DWORD|1" "$KEY|**del.DeviceIdRotationDays|REG_SZ| ")
check "two GPOs created with samba-tool, Registry.pol in sysvol" test -n "$GPO_A" -a -n "$GPO_B"
echo "GPO A $GPO_A, GPO B $GPO_B"

# shellcheck disable=SC2120  # called with --unapply and --force through check
gpupdate() { samba-gpupdate "$@" >"$SCRATCH/gpupdate.log" 2>&1 || { cat "$SCRATCH/gpupdate.log"; return 1; }; }
apply() {  # exit 0: compliant, 4: not managed (no policy in effect)
    local code=0
    "$AGENT" --root "$ROOT" apply >"$SCRATCH/apply.log" 2>&1 || code=$?
    [ "$code" -eq 0 ] || [ "$code" -eq 4 ] || { cat "$SCRATCH/apply.log"; return 1; }
}
status() { "$AGENT" --root "$ROOT" status 2>&1; }
opted_out() { grep -qx 'METALAMA_TELEMETRY_OPT_OUT=1' "$ROOT/etc/environment" 2>/dev/null; }
not_opted_out() { ! opted_out; }
status_has() { status | grep -qF -- "$1" || { status | sed 's/^/    /'; return 1; }; }
status_lacks() { ! status | grep -qF -- "$1"; }

# 1. A at the domain, B at the DCs' OU: the OU's GPO is applied after the domain's, so B wins
#    and its **del.DeviceIdRotationDays removes what A set.
samba-tool gpo setlink "$DOMAIN_DN" "$GPO_A" "${LDAP[@]}" >/dev/null 2>&1
samba-tool gpo setlink "$DC_OU" "$GPO_B" "${LDAP[@]}" >/dev/null 2>&1
check "samba-gpupdate runs with the extension" gpupdate
check "the extension wrote the agent's input" test -f "$OUTPUT"
check "agent apply" apply
check "OU link beats domain link: B's opt-out is enforced" opted_out
check "status names GPO B as the winner" status_has "TelemetryOptOut = true  (mandatory, Group Policy (samba-gpupdate)"
check "status shows A's value as overridden" status_has "'Metalama A' $GPO_A, rank 1"
check "B's **del. removed A's DeviceIdRotationDays" status_lacks "DeviceIdRotationDays ="
check "A's recommended value stands" status_has 'DisableExceptionReporting = true  (recommended'
samba-gpupdate --rsop >"$SCRATCH/rsop.txt" 2>&1
check "samba-gpupdate --rsop shows the Metalama settings" \
    bash -c "grep -A12 'CSE: gp_metalama_ext' '$SCRATCH/rsop.txt' | grep -q TelemetryOptOut"
grep -B3 -A10 'CSE: gp_metalama_ext' "$SCRATCH/rsop.txt" | grep -B3 -A10 'Metalama (' | head -40
cat "$OUTPUT"

# 2. A's domain link enforced: enforced links are applied last, so A wins (and its
#    DeviceIdRotationDays is no longer deleted by B, which now comes before it).
samba-tool gpo dellink "$DOMAIN_DN" "$GPO_A" "${LDAP[@]}" >/dev/null 2>&1
samba-tool gpo setlink "$DOMAIN_DN" "$GPO_A" --enforce "${LDAP[@]}" >/dev/null 2>&1
check "samba-gpupdate after enforcing A" gpupdate
check "agent apply" apply
check "an enforced link wins: A's TelemetryOptOut=0 is enforced" not_opted_out
check "status names GPO A as the winner" status_has "TelemetryOptOut = false  (mandatory, Group Policy (samba-gpupdate)"
check "A's DeviceIdRotationDays applies again" status_has "DeviceIdRotationDays = 30"

# 3. The winner unlinked: the next samba-gpupdate falls back to B.
samba-tool gpo dellink "$DOMAIN_DN" "$GPO_A" "${LDAP[@]}" >/dev/null 2>&1
check "samba-gpupdate after unlinking A" gpupdate
check "agent apply" apply
check "A unlinked: B's opt-out is enforced" opted_out
check "A's values are gone" status_lacks "$GPO_A"

# 4. B unlinked too: no Group Policy; the agent restores what it changed.
samba-tool gpo dellink "$DC_OU" "$GPO_B" "${LDAP[@]}" >/dev/null 2>&1
check "samba-gpupdate after unlinking B" gpupdate
check "agent apply" apply
check "no GPO left: the opt-out is restored away" not_opted_out
check "the extension's file lists no value" \
    "$PY" -c "import json,sys; d=json.load(open('$OUTPUT')); sys.exit(1 if d['values'] or d['gpos'] else 0)"

# 5. --unapply removes everything the extension applied; --force brings it back.
samba-tool gpo setlink "$DC_OU" "$GPO_B" "${LDAP[@]}" >/dev/null 2>&1
gpupdate && apply
check "B relinked: opted out" opted_out
check "samba-gpupdate --unapply" gpupdate --unapply
check "agent apply" apply
check "after --unapply: nothing applies" not_opted_out
check "samba-gpupdate --force" gpupdate --force
check "agent apply" apply
check "after --force: B applies again" opted_out

# 6. Directory users: winbind in nsswitch with enumeration off. A domain user is not listed by
#    getent passwd, yet logs in with su -l (pam_mkhomedir makes the home); the service finds the
#    account by its home under smb.conf's template homedir and enforces its telemetry.json.
check "samba-tool user create" samba-tool user create bob 'B0b!Metalama-Test' "${LDAP[@]}"
check "NSS (winbind) resolves METALAMA\\bob" getent passwd 'METALAMA\bob'
check "getent passwd does not enumerate bob (winbind enum users = no)" \
    bash -c "! getent passwd | grep -qi bob"
BOB_HOME=$(getent passwd 'METALAMA\bob' | cut -d: -f6)
check "bob's home follows template homedir" test "$BOB_HOME" = /home/METALAMA/bob
# The agent's root holds the machine's smb.conf and is /home for this namespace, so a real
# login's home lands where the agent looks.
mkdir -p "$ROOT/etc/samba" "$ROOT/home" && cp /etc/samba/smb.conf "$ROOT/etc/samba/smb.conf"
mount --bind "$ROOT/home" /home
cp /etc/pam.d/common-session "$SCRATCH/common-session"
echo 'session optional pam_mkhomedir.so umask=0077' >>"$SCRATCH/common-session"
mount --bind "$SCRATCH/common-session" /etc/pam.d/common-session
"$AGENT" --root "$ROOT" run --settle-ms 100 --log-level information >"$SCRATCH/service.log" 2>&1 &
SERVICE=$!
for _ in $(seq 1 100); do grep -q 'pass 1' "$SCRATCH/service.log" && break; sleep 0.1; done
check "the service started" grep -q 'pass 1' "$SCRATCH/service.log"
check "su -l METALAMA\\bob logs in (pam_winbind, pam_mkhomedir)" \
    su -l 'METALAMA\bob' -c 'test "$HOME" = /home/METALAMA/bob'
login_done=$(date +%s.%N)
BOB_TELEMETRY="$ROOT$BOB_HOME/.local/share/Metalama/telemetry.json"
for _ in $(seq 1 200); do [ -f "$BOB_TELEMETRY" ] && break; sleep 0.05; done
if [ -f "$BOB_TELEMETRY" ]; then
    ok "the service enforced bob's telemetry.json after the login"
    echo "figure: telemetry.json $(printf '%.2f' "$(echo "$(date +%s.%N) - $login_done" | bc)") s after su -l returned (polled every 50 ms)"
else
    bad "the service enforced bob's telemetry.json after the login"
    tail -20 "$SCRATCH/service.log"
fi
check "bob's telemetry.json belongs to bob" \
    test "$(stat -c %u "$BOB_TELEMETRY" 2>/dev/null)" = "$(id -u 'METALAMA\bob')"
kill "$SERVICE"; wait "$SERVICE" 2>/dev/null
check "users reports how bob was found" \
    bash -c "'$AGENT' --root '$ROOT' users | grep -F 'METALAMA\bob' | grep -qF 'home directory /home/METALAMA/bob'"
# An account known only by its login session (no home yet): /run/user/<uid>.
samba-tool user create carol 'C4rol!Metalama-Test' "${LDAP[@]}" >/dev/null 2>&1
CAROL_UID=$(id -u 'METALAMA\carol' 2>/dev/null)
mkdir -p "$ROOT/run/user/$CAROL_UID"
check "users reports carol by her login session" \
    bash -c "'$AGENT' --root '$ROOT' users | grep -F 'METALAMA\carol' | grep -qF 'login session /run/user/$CAROL_UID'"
umount /home /etc/pam.d/common-session

check "the extension unregisters" "$REGISTER" unregister
check "status reports it unregistered" bash -c "'$REGISTER' status | grep -qx 'not registered'"
check "samba-gpupdate runs without it" gpupdate
rm -rf "$SCRATCH"
finish
