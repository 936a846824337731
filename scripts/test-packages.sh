#!/usr/bin/env bash
# The Linux packages, end to end: builds the .deb and .rpm (CPack, in build/ci), checks what they
# hold, runs lintian, checks the systemd unit (`systemd-analyze verify`, and the exposure score of
# `systemd-analyze security`), then installs the .deb into a throwaway Debian 12 root (debootstrap,
# cached under $MPA_CACHE_DIR: see scripts/debian-test-root.sh), lets the agent enforce a policy
# there, upgrades, removes and purges the package, and checks that everything the agent wrote is
# gone; then the same with the .rpm in the same root. Needs root (chroot, mount). Ends with "N passed, N failed"; exits non-zero on a failure.
#   MPA_MAX_EXPOSURE  highest acceptable `systemd-analyze security` exposure (default 2.0)
set -uo pipefail
source "$(dirname "$0")/common.sh"
cd "$MPA_ROOT"

BUILD_DIR=$MPA_ROOT/build/ci
UNIT=metalama-policy-agent.service
MAX_EXPOSURE=${MPA_MAX_EXPOSURE:-2.0}
# lintian warnings we accept, each explained in docs/packaging.md. Any other warning, and any
# error, fails the test: the documentation must say why a warning is there.
LINTIAN_ACCEPTED=(
    "initial-upload-closes-no-bugs [usr/share/doc/metalama-policy-agent/changelog.Debian.gz:1]"
    "non-standard-dir-perm 0700 != 0755 [var/lib/metalama-policy-agent/]"
)

passed=0
failed=0
failures=()
work=$(mktemp -d "${TMPDIR:-/var/tmp}/mpa-packages.XXXXXX")
chroot_dir=
proc_mounted=

service_pid=
cleanup() {
    # A service left running by a failed check would keep the root busy.
    if [ -n "$service_pid" ] && kill -0 "$service_pid" 2>/dev/null; then
        kill -KILL "$service_pid"
        wait "$service_pid" 2>/dev/null
    fi
    if [ -n "$proc_mounted" ]; then umount "$chroot_dir/proc" || umount -l "$chroot_dir/proc"; fi
    # --one-file-system: never descend into a mount that failed to come off.
    rm -rf --one-file-system "$work"
}
trap cleanup EXIT

pass() { passed=$((passed + 1)); echo "  ok    $1"; }
fail() { failed=$((failed + 1)); failures+=("$1"); echo "  FAIL  $1${2:+: $2}"; }
# check NAME COMMAND...: passes when the command succeeds.
check() { local name=$1; shift; if "$@"; then pass "$name"; else fail "$name"; fi; }
# logged NAME COMMAND...: like check, with the command's output shown only when it fails.
logged() {
    local name=$1; shift
    if "$@" >"$work/step.log" 2>&1; then pass "$name"; return 0; fi
    fail "$name"
    sed 's/^/    /' "$work/step.log" | tail -40
    return 1
}

phase_start=0
phases=()
phase() {  # phase NAME: ends the previous phase (printing its time) and starts the next
    end_phase
    phase_name=$1
    phase_start=$(date +%s.%N)
    echo "== $phase_name"
}
end_phase() {
    [ "$phase_start" = 0 ] && return
    local took
    took=$(echo "$(date +%s.%N) - $phase_start" | bc)
    phases+=("$(printf '%-28s %6.1f s' "$phase_name" "$took")")
    phase_start=0
}
finish() {
    end_phase
    echo
    echo "== timings"
    printf '  %s\n' "${phases[@]}"
    if [ "$failed" -gt 0 ]; then
        echo "== failed:"
        printf '  %s\n' "${failures[@]}"
    fi
    echo "$passed passed, $failed failed"
    [ "$failed" -eq 0 ]
    exit
}

if [ "$(id -u)" -ne 0 ]; then
    fail "runs as root (chroot, mount, package ownership)"
    finish
fi

# --- Build ----------------------------------------------------------------------------------------
phase "build and cpack"
rm -f "$BUILD_DIR"/metalama-policy-agent*.deb "$BUILD_DIR"/metalama-policy-agent*.rpm
if build_preset ci >"$work/build.log" 2>&1 &&
    (cd "$BUILD_DIR" && cpack -G "DEB;RPM") >"$work/cpack.log" 2>&1; then
    pass "packages build"
else
    tail -30 "$work/build.log" "$work/cpack.log"
    fail "packages build"
    finish
fi
deb=$(ls "$BUILD_DIR"/metalama-policy-agent_*_amd64.deb "$BUILD_DIR"/metalama-policy-agent_*.deb 2>/dev/null | head -1)
rpm=$(ls "$BUILD_DIR"/metalama-policy-agent-*.rpm 2>/dev/null | head -1)
version=$(sed -nE 's/^project\(metalama-policy-agent VERSION ([0-9.]+).*/\1/p' CMakeLists.txt)
echo "  $(basename "$deb"): $(stat -c %s "$deb") bytes; $(basename "$rpm"): $(stat -c %s "$rpm") bytes"

# --- Content ---------------------------------------------------------------------------------------
phase "package content"
dpkg-deb -c "$deb" | awk '{print $1, $2, $6}' | sed 's# \./# /#' >"$work/deb.list"
has_deb() {  # has_deb MODE PATH: the .deb holds PATH with that mode string (ls -l style)
    grep -qxF -- "$1 root/root $2" "$work/deb.list"
}
for f in /usr/sbin/metalama-policy-agent /usr/lib/metalama-policy-agent/audit-access \
    /usr/lib/metalama-policy-agent/samba-extension; do
    check "deb: $f (0755)" has_deb -rwxr-xr-x "$f"
done
for f in /lib/systemd/system/$UNIT /usr/lib/metalama-policy-agent/samba/gp_metalama_ext.py /etc/metalama/policies/managed/README \
    /etc/metalama/policies/recommended/README /usr/share/man/man8/metalama-policy-agent.8.gz \
    /usr/share/doc/metalama-policy-agent/copyright \
    /usr/share/doc/metalama-policy-agent/changelog.Debian.gz \
    /usr/share/doc/metalama-policy-agent/policies.md \
    /usr/share/metalama-policy-agent/admx/Metalama.admx \
    /usr/share/metalama-policy-agent/admx/en-US/Metalama.adml \
    /usr/share/metalama-policy-agent/examples/managed/metalama.json; do
    check "deb: $f" has_deb -rw-r--r-- "$f"
done
check "deb: /var/lib/metalama-policy-agent/ is 0700" \
    has_deb drwx------ /var/lib/metalama-policy-agent/
check "deb: nothing under /usr/lib/systemd (Debian 12 wants /lib)" \
    bash -c "! grep -q ' /usr/lib/systemd' '$work/deb.list'"
dpkg-deb -f "$deb" Depends >"$work/depends"
for lib in libpocofoundation80 libsqlite3-0 libyaml-cpp0.7 libstdc++6 libc6; do
    check "deb: Depends (dpkg-shlibdeps) has $lib" grep -q "$lib" "$work/depends"
done
check "deb: version is the project's ($version)" \
    test "$(dpkg-deb -f "$deb" Version)" = "$version-1"
dpkg-deb --ctrl-tarfile "$deb" | tar -xO ./conffiles >"$work/conffiles"
check "deb: the READMEs under /etc are conffiles" \
    test "$(sort "$work/conffiles" | tr '\n' ' ')" = \
    "/etc/metalama/policies/managed/README /etc/metalama/policies/recommended/README "
changelog_version=$(dpkg-deb --fsys-tarfile "$deb" |
    tar -xO ./usr/share/doc/metalama-policy-agent/changelog.Debian.gz | gzip -dc |
    sed -nE '1s/^metalama-policy-agent \(([^)]+)\).*/\1/p')
check "deb: changelog.Debian.gz names the package version" test "$changelog_version" = "$version-1"

rpm -qpl "$rpm" >"$work/rpm.list" 2>/dev/null
for f in /usr/sbin/metalama-policy-agent /usr/lib/metalama-policy-agent/audit-access \
    /usr/lib/metalama-policy-agent/samba-extension \
    /usr/lib/metalama-policy-agent/samba/gp_metalama_ext.py /usr/lib/systemd/system/$UNIT \
    /etc/metalama/policies/managed/README /etc/metalama/policies/recommended/README \
    /usr/share/man/man8/metalama-policy-agent.8.gz /usr/share/metalama-policy-agent/admx/Metalama.admx \
    /usr/share/doc/metalama-policy-agent/policies.md /var/lib/metalama-policy-agent; do
    check "rpm: $f" grep -qxF "$f" "$work/rpm.list"
done
check "rpm: owns no shared system directory (/etc, /usr/lib/systemd/system, ...)" \
    bash -c "! grep -qxE '/etc|/var|/var/lib|/usr|/usr/sbin|/usr/lib/systemd/system|/usr/share/man/man8' '$work/rpm.list'"
check "rpm: /var/lib/metalama-policy-agent is 0700" \
    bash -c "rpm -qp --dump '$rpm' 2>/dev/null | grep -q '^/var/lib/metalama-policy-agent .* 040700 '"
check "rpm: the READMEs are %config" \
    test "$(rpm -qpc "$rpm" 2>/dev/null | sort | tr '\n' ' ')" = \
    "/etc/metalama/policies/managed/README /etc/metalama/policies/recommended/README "
check "rpm: requires the agent's libraries (AutoReq)" \
    bash -c "rpm -qpR '$rpm' 2>/dev/null | grep -q 'libPocoFoundation.so.80'"
check "rpm: preun reverts on erase" \
    bash -c "rpm -qp --scripts '$rpm' 2>/dev/null | grep -q 'metalama-policy-agent --log-level error revert'"
check "rpm: version is the project's ($version)" \
    test "$(rpm -qp --qf '%{VERSION}-%{RELEASE}' "$rpm" 2>/dev/null)" = "$version-1"

# --- lintian ---------------------------------------------------------------------------------------
phase "lintian"
lintian --display-info "$deb" 2>/dev/null | grep -v '^N:' >"$work/lintian.txt"
sed 's/^/  lintian: /' "$work/lintian.txt"
check "lintian: no errors" bash -c "! grep -q '^E:' '$work/lintian.txt'"
unexpected=$(grep '^W:' "$work/lintian.txt" | sed 's/^W: metalama-policy-agent: //' |
    grep -vxF -f <(printf '%s\n' "${LINTIAN_ACCEPTED[@]}") || true)
if [ -z "$unexpected" ]; then
    pass "lintian: only the warnings docs/packaging.md explains"
else
    fail "lintian: warnings not explained in docs/packaging.md" "$unexpected"
fi

# --- The unit ------------------------------------------------------------------------------------
phase "systemd unit"
# `verify` checks the unit as installed: that ExecStart and ExecReload exist, the man page of
# Documentation= opens, every directive is known. It resolves paths against --root, which needs
# the package's files next to the system's units and /bin/kill: compose such a root.
vroot=$work/verify-root
mkdir -p "$vroot/usr/lib/systemd" "$vroot/bin"
dpkg-deb -x "$deb" "$vroot"
cp -a /usr/lib/systemd/system "$vroot/usr/lib/systemd/"
cp -a /bin/kill "$vroot/bin/kill"
verify_out=$(MANPATH=$vroot/usr/share/man systemd-analyze --root="$vroot" verify \
    "$vroot/lib/systemd/system/$UNIT" 2>&1)
verify_code=$?
echo "  systemd-analyze verify: exit $verify_code${verify_out:+; }$verify_out"
if [ "$verify_code" -eq 0 ] && [ -z "$verify_out" ]; then
    pass "systemd-analyze verify: no error, no warning"
else
    fail "systemd-analyze verify" "$verify_out"
fi
# verify only warns about an unknown directive: make sure a typo is caught by the test above.
sed 's/^ProtectClock=/ProtectClok=/' "$vroot/lib/systemd/system/$UNIT" \
    >"$vroot/lib/systemd/system/mpa-typo.service"
typo_out=$(MANPATH=$vroot/usr/share/man systemd-analyze --root="$vroot" verify \
    "$vroot/lib/systemd/system/mpa-typo.service" 2>&1)
check "systemd-analyze verify reports a misspelt directive (control)" \
    grep -q "Unknown key 'ProtectClok'" <<<"$typo_out"
# `security` normally asks the running systemd; --offline=true scores the file itself.
systemd-analyze security --offline=true --no-pager "$vroot/lib/systemd/system/$UNIT" \
    >"$work/security.txt" 2>&1
exposure=$(sed -nE 's/.*Overall exposure level for [^:]+: ([0-9.]+) .*/\1/p' "$work/security.txt")
echo "  systemd-analyze security --offline=true: exposure ${exposure:-?} (0 = best, 10 = worst)"
grep '✗' "$work/security.txt" | sed -E 's/^✗ ([^ ]+) .*/  exposed: \1/'
if [ -n "$exposure" ] && [ "$(echo "$exposure <= $MAX_EXPOSURE" | bc)" = 1 ]; then
    pass "systemd-analyze security: exposure $exposure <= $MAX_EXPOSURE"
else
    fail "systemd-analyze security: exposure ${exposure:-unknown} > $MAX_EXPOSURE"
fi

# --- Throwaway Debian 12 root ------------------------------------------------------------------------
phase "debian root (cache)"
# The root gets exactly what the package depends on (dpkg-shlibdeps' list, versions dropped).
runtime_packages=$(dpkg-deb -f "$deb" Depends | sed -E 's/ *\([^)]*\)//g; s/ *, */,/g')
echo "  runtime packages: $runtime_packages"
if ! tarball=$("$MPA_ROOT/scripts/debian-test-root.sh" "$runtime_packages"); then
    fail "a Debian 12 root from debootstrap"
    finish
fi
chroot_dir=$work/root
mkdir -p "$chroot_dir"
tar -C "$chroot_dir" -xf "$tarball"
mount -t proc proc "$chroot_dir/proc" && proc_mounted=1
pass "Debian 12 root ready ($(basename "$tarball"))"

# in_root COMMAND...: runs in the throwaway root as an administrator would (clean environment).
in_root() {
    env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin LC_ALL=C \
        DEBIAN_FRONTEND=noninteractive HOME=/root chroot "$chroot_dir" "$@"
}
R=$chroot_dir
ALICE_SETTINGS=home/alice/.local/share/Metalama/telemetry.json
# snapshot FILE: every path with type, mode, owner and (files) content hash, except the package
# managers' own bookkeeping (dpkg's, and rpm's in /root/.rpmdb on Debian), the backups groupadd
# and groupdel leave of the account files (/etc/group- ...: the audit group comes and goes with
# the package) and the kernel's and temporary file systems.
snapshot() {
    (cd "$R" && find . -xdev \( -path ./proc -o -path ./tmp -o -path ./run -o -path ./var/lib/dpkg \
        -o -path ./var/log -o -path ./var/cache -o -path ./root/.rpmdb -o -path './etc/*-' \) -prune -o \
        -printf '%p %y %m %u:%g %l\n' | sort) >"$1"
    (cd "$R" && find . -xdev \( -path ./proc -o -path ./tmp -o -path ./run -o -path ./var/lib/dpkg \
        -o -path ./var/log -o -path ./var/cache -o -path ./root/.rpmdb -o -path './etc/*-' \) -prune -o -type f -print0 |
        sort -z |
        xargs -0 sha256sum) >>"$1"
}
same_tree() {  # same_tree BEFORE AFTER: prints the difference when there is one
    diff -u "$1" "$2" >"$work/tree.diff" && return 0
    sed -n '3,40p' "$work/tree.diff" | sed 's/^/    /'
    return 1
}

phase "install, purge, no pass"
# The machine before the package: a user with Metalama settings of her own, one without any.
in_root useradd -m -s /bin/bash alice
in_root useradd -m -s /bin/bash carol
mkdir -p "$R/home/alice/.local/share/Metalama"
printf '{\n  "UsageReportingAction": 1,\n  "DeviceId": "6f1b1a53-3c1e-4f55-9f0e-0d2c3f6b9a10",\n  "version": 7\n}\n' \
    >"$R/$ALICE_SETTINGS"
in_root chown -R alice:alice /home/alice/.local
cp "$deb" "$R/tmp/agent.deb"
cp "$R/$ALICE_SETTINGS" "$work/alice-before.json"
in_root stat -c '%U %a' "/$ALICE_SETTINGS" >"$work/alice-before.stat"
snapshot "$work/before.txt"
# Installed and purged before any pass: revert has nothing to do and must not fail.
logged "dpkg -i (no network: the root has the libraries)" in_root dpkg -i /tmp/agent.deb || finish
logged "dpkg -P right after install" in_root dpkg -P metalama-policy-agent
snapshot "$work/after-quick.txt"
check "install then purge leaves the root as it was" same_tree "$work/before.txt" "$work/after-quick.txt"

phase "install and enforce"
logged "dpkg -i" in_root dpkg -i /tmp/agent.deb || finish
check "postinst enabled the service (multi-user.target.wants)" \
    test -L "$R/etc/systemd/system/multi-user.target.wants/$UNIT"
check "the state directory is 0751 root:metalama-audit" \
    test "$(in_root stat -c '%a %U:%G' /var/lib/metalama-policy-agent)" = "751 root:metalama-audit"
check "the installed agent runs (--version)" \
    test "$(in_root metalama-policy-agent --version)" = "metalama-policy-agent $version"
# The plain opt-out, as IT would write it. No DeviceIdResetToken: a device id reset is one-way
# on purpose (restoring the old id would re-identify the user), so it would stay after removal.
cat >"$R/etc/metalama/policies/managed/50-it.json" <<'JSON'
{
  "TelemetryOptOut": true,
  "DisableUsageReporting": true,
  "DisableExceptionReporting": true,
  "DisablePerformanceProblemReporting": true
}
JSON
chmod 0644 "$R/etc/metalama/policies/managed/50-it.json"
# The unit's ExecStart, as systemd would run it (in the foreground; env and chroot exec, so $! is
# the agent; not through the in_root function, whose subshell would be $!): it enforces at
# start, holds the one-instance lock, and stops on SIGTERM.
env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LC_ALL=C chroot "$R" metalama-policy-agent run \
    >"$work/run.txt" 2>&1 &
service_pid=$!
wait_for() {  # wait_for SECONDS COMMAND...: polls every 0.1 s
    local deadline=$(($(date +%s%N) + $1 * 1000000000)); shift
    until "$@"; do
        [ "$(date +%s%N)" -gt "$deadline" ] && return 1
        sleep 0.1
    done
}
check "run (ExecStart) enforces the policy within 10 s" \
    wait_for 10 grep -qx 'METALAMA_TELEMETRY_OPT_OUT=1' "$R/etc/environment"
in_root metalama-policy-agent run >"$work/second-run.txt" 2>&1
check "a second run exits 5 (already running)" test $? -eq 5
kill -TERM "$service_pid"
check "run stops within 2 s of SIGTERM" wait_for 2 bash -c "! kill -0 $service_pid 2>/dev/null"
wait "$service_pid"
run_code=$?
check "run exits 0 after SIGTERM (exit $run_code)" test "$run_code" -eq 0
[ "$run_code" -eq 0 ] || sed 's/^/    /' "$work/run.txt" | tail -20
in_root metalama-policy-agent apply >"$work/apply.txt" 2>&1
apply_code=$?
check "apply then finds the machine compliant (exit 0)" test "$apply_code" -eq 0
[ "$apply_code" -eq 0 ] || sed 's/^/    /' "$work/apply.txt" | head -40
check "/etc/environment has the opt-out" grep -qx 'METALAMA_TELEMETRY_OPT_OUT=1' "$R/etc/environment"
check "/etc/profile.d/zz-metalama-telemetry.sh exists" test -f "$R/etc/profile.d/zz-metalama-telemetry.sh"
check "alice's telemetry.json now turns usage reporting off (UsageReportingAction 1 -> 2)" \
    grep -q '"UsageReportingAction": 2' "$R/$ALICE_SETTINGS"
check "carol got a telemetry.json, owned by her" \
    test "$(in_root stat -c %U /home/carol/.local/share/Metalama/telemetry.json 2>/dev/null)" = carol
check "the compliance database exists" test -s "$R/var/lib/metalama-policy-agent/compliance.db"
logged "status says compliant" in_root metalama-policy-agent status
cp "$R/etc/environment" "$work/enforced-environment"
STATE=/var/lib/metalama-policy-agent
modes() {  # modes PATH...: "mode owner:group" of each, one line
    in_root stat -c '%a %U:%G' "$@" | tr '\n' ' '
}
check "the database and its -wal and -shm are 0640 root:metalama-audit" \
    test "$(modes $STATE/compliance.db $STATE/compliance.db-wal $STATE/compliance.db-shm)" = \
    "640 root:metalama-audit 640 root:metalama-audit 640 root:metalama-audit "
check "the published summary is 0644 and has no user name" \
    bash -c "[ \"\$(stat -c %a '$R$STATE/summary.json')\" = 644 ] && ! grep -qE 'alice|carol|/home' '$R$STATE/summary.json'"
# An auditor: a system account in the audit group, and nothing else.
in_root useradd --system -M -N -G metalama-audit -s /bin/sh auditor
as_user() {  # as_user NAME COMMAND...: in the root, as that account (util-linux's runuser)
    local name=$1; shift
    in_root runuser -u "$name" -- "$@"
}
audit_reads() {  # the auditor reads the database itself, not just the summary
    [ "$(as_user auditor head -c 15 $STATE/compliance.db)" = "SQLite format 3" ] &&
        as_user auditor metalama-policy-agent compliance --format text >"$work/audit.txt" 2>&1 &&
        grep -q 'Event history: *intact' "$work/audit.txt"
}
check "the auditor reads the database (compliance --format text)" audit_reads
check "an account outside the group cannot read the database" \
    bash -c "! chroot '$R' runuser -u carol -- head -c 1 $STATE/compliance.db >/dev/null 2>&1"
cp installer/intune/discovery-linux.sh "$R/tmp/discovery-linux.sh"
check "the Intune discovery script as carol reports a healthy agent (from summary.json)" \
    bash -c "chroot '$R' runuser -u carol -- /bin/bash /tmp/discovery-linux.sh | grep -q '\"AgentHealthy\":true'"

phase "upgrade keeps enforcement"
logged "dpkg -i over the installed version (upgrade path)" in_root dpkg -i /tmp/agent.deb
check "the upgrade did not revert /etc/environment" cmp -s "$R/etc/environment" "$work/enforced-environment"
check "the upgrade kept the database" test -s "$R/var/lib/metalama-policy-agent/compliance.db"
check "the upgrade kept the audit group's access (0751, 0640 root:metalama-audit)" \
    test "$(modes $STATE $STATE/compliance.db $STATE/compliance.db-wal)" = \
    "751 root:metalama-audit 640 root:metalama-audit 640 root:metalama-audit "
check "after the upgrade the auditor still reads the database" audit_reads

phase "recovery keeps the audit group"
# A corrupt database is moved aside and a new one started by the agent: it gets the group too.
# The real one (it holds the prior values that removal restores) is put back afterwards.
mkdir -p "$work/state-backup"
cp -a "$R$STATE/." "$work/state-backup/"
# A damaged database keeps SQLite's header (a file without it is not the agent's: refused).
{ printf 'SQLite format 3\000'; printf 'damaged %08188d' 0; } >"$R$STATE/compliance.db"
rm -f "$R$STATE/compliance.db-wal" "$R$STATE/compliance.db-shm"
in_root metalama-policy-agent apply >"$work/recovered.txt" 2>&1
check "apply recovered the store" grep -q 'corrupt' "$work/recovered.txt"
check "the new database is 0640 root:metalama-audit" \
    test "$(modes $STATE/compliance.db $STATE/compliance.db-wal)" = \
    "640 root:metalama-audit 640 root:metalama-audit "
check "after the recovery the auditor reads the database" audit_reads
rm -rf "${R:?}$STATE"/compliance.db*
cp -a "$work/state-backup/." "$R$STATE/"
in_root userdel auditor

phase "remove reverts, purge cleans"
logged "dpkg -r" in_root dpkg -r metalama-policy-agent
check "/etc/environment back byte for byte" \
    bash -c "[ \"\$(cd '$R' && sha256sum ./etc/environment)\" = \"\$(grep -E '  \./etc/environment\$' '$work/before.txt')\" ]"
# Her settings come back as they were, except Metalama's write counter "version": every write
# increments it, the agent's restore included, so running Metalama processes see the change
# (shared/reference/metalama.md).
without_version() { sed -E 's/("version": )[0-9]+/\1N/' "$1"; }
check "alice's telemetry.json back byte for byte, but for the write counter" \
    cmp -s <(without_version "$work/alice-before.json") <(without_version "$R/$ALICE_SETTINGS")
diff <(without_version "$work/alice-before.json") <(without_version "$R/$ALICE_SETTINGS") |
    sed 's/^/    /' | head -20
check "alice's write counter went up (7 -> $(sed -nE 's/.*"version": ([0-9]+).*/\1/p' "$R/$ALICE_SETTINGS"))" \
    test "$(sed -nE 's/.*"version": ([0-9]+).*/\1/p' "$R/$ALICE_SETTINGS")" -gt 7
check "alice's telemetry.json still hers, mode kept" \
    test "$(in_root stat -c '%U %a' "/$ALICE_SETTINGS")" = "$(cat "$work/alice-before.stat")"
check "carol's Metalama directory is gone" test ! -e "$R/home/carol/.local/share/Metalama"
check "remove keeps the database until purge" test -s "$R/var/lib/metalama-policy-agent/compliance.db"
check "remove keeps the administrator's policy file" test -f "$R/etc/metalama/policies/managed/50-it.json"
rm -f "$R/etc/metalama/policies/managed/50-it.json"  # the administrator takes the policy away
logged "dpkg -P" in_root dpkg -P metalama-policy-agent
check "purge removed the database" test ! -e "$R/var/lib/metalama-policy-agent"
snapshot "$work/after.txt"
# alice's settings differ by their write counter only, checked above.
sed -i "\#  ./$ALICE_SETTINGS\$#d" "$work/before.txt" "$work/after.txt"
check "after purge the root is as it was before the package (paths, modes, owners, content)" \
    same_tree "$work/before.txt" "$work/after.txt"

# The same life cycle with the .rpm and its scriptlets, in the same (now clean) root. rpm runs the
# scriptlets chrooted into it. --nodeps: the root's libraries are dpkg's, unknown to rpm.
phase "rpm: install, enforce, upgrade, erase"
rpm_in_root() {  # rpm's exit status, without Debian's "use Alien" notice
    rpm --root "$R" "$@" 2>&1 | { grep -v -e 'use Alien instead' -e 'assuming you know' || true; }
    return "${PIPESTATUS[0]}"
}
rpm --root "$R" --initdb
cp "$R/$ALICE_SETTINGS" "$work/alice-before.json"
snapshot "$work/before-rpm.txt"
cp "$rpm" "$R/tmp/agent.rpm"
logged "rpm -i" rpm_in_root -i --nodeps "$R/tmp/agent.rpm" || finish
check "rpm: the unit is in /usr/lib/systemd/system" test -f "$R/usr/lib/systemd/system/$UNIT"
check "rpm: the state directory is 0751 root:metalama-audit" \
    test "$(in_root stat -c '%a %U:%G' /var/lib/metalama-policy-agent)" = "751 root:metalama-audit"
cat >"$R/etc/metalama/policies/managed/50-it.json" <<'JSON'
{ "TelemetryOptOut": true, "DisableUsageReporting": true }
JSON
chmod 0644 "$R/etc/metalama/policies/managed/50-it.json"
logged "rpm: apply enforces the policy" in_root metalama-policy-agent apply
check "rpm: /etc/environment has the opt-out" \
    grep -qx 'METALAMA_TELEMETRY_OPT_OUT=1' "$R/etc/environment"
cp "$R/etc/environment" "$work/enforced-environment"
logged "rpm -U --replacepkgs (the upgrade scriptlets)" rpm_in_root -U --replacepkgs --nodeps "$R/tmp/agent.rpm"
check "rpm: the upgrade did not revert /etc/environment" \
    cmp -s "$R/etc/environment" "$work/enforced-environment"
check "rpm: the upgrade kept the audit group's access" \
    test "$(modes $STATE $STATE/compliance.db)" = "751 root:metalama-audit 640 root:metalama-audit "
logged "rpm -e" rpm_in_root -e metalama-policy-agent
check "rpm: /etc/environment back byte for byte" \
    bash -c "[ \"\$(cd '$R' && sha256sum ./etc/environment)\" = \"\$(grep -E '  \./etc/environment\$' '$work/before-rpm.txt')\" ]"
check "rpm: alice's telemetry.json back, but for the write counter" \
    cmp -s <(without_version "$work/alice-before.json") <(without_version "$R/$ALICE_SETTINGS")
check "rpm: erase removed the database" test ! -e "$R/var/lib/metalama-policy-agent"
# The administrator takes the policy away. rpm, which has no purge, left the directories that
# still held it at erase time: they go with it.
rm -f "$R/etc/metalama/policies/managed/50-it.json"
(cd "$R" && rmdir -p --ignore-fail-on-non-empty etc/metalama/policies/managed)
snapshot "$work/after-rpm.txt"
sed -i "\\#  ./$ALICE_SETTINGS\$#d" "$work/before-rpm.txt" "$work/after-rpm.txt"
check "rpm: after erase the root is as it was before the package" \
    same_tree "$work/before-rpm.txt" "$work/after-rpm.txt"

finish
