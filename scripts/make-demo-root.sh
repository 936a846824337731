#!/usr/bin/env bash
# Builds the built-in demo: a scratch root with sample policy files and sample users, used by
# scripts/demo.sh and by the integration tests. Usage: make-demo-root.sh DIR (DIR is replaced).
#   alice  existing Metalama settings (new generation) with her own choices and extra keys
#   bob    both generations (old ~/.config/.metalama and new ~/.local/share/Metalama)
#   carol  no Metalama directory yet
#   dave   a malformed telemetry.json (a comment: Metalama would ignore the whole file)
#   erin   a registered license key (the license audit applies to her)
set -euo pipefail
dir=${1:?usage: make-demo-root.sh DIR}
case "$dir" in /|"") echo "refusing to use '$dir' as the demo root" >&2; exit 2 ;; esac
rm -rf -- "$dir"
mkdir -p "$dir"/{etc/skel,etc/profile.d,etc/environment.d,etc/systemd/system.conf.d,home,run,var/lib}
mkdir -p "$dir"/etc/metalama/policies/{managed,recommended}

cat >"$dir/etc/passwd" <<'PASSWD'
root:x:0:0:root:/root:/bin/bash
daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin
jenkins:x:998:998:Jenkins:/var/lib/jenkins:/bin/bash
alice:x:1001:1001:Alice:/home/alice:/bin/bash
bob:x:1002:1002:Bob:/home/bob:/bin/bash
carol:x:1003:1003:Carol:/home/carol:/bin/zsh
dave:x:1004:1004:Dave:/home/dave:/bin/bash
erin:x:1005:1005:Erin:/home/erin:/bin/bash
nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin
PASSWD
printf 'MAIL_DIR /var/mail\nUID_MIN 1000\nUID_MAX 60000\n' >"$dir/etc/login.defs"
printf 'PATH="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"\nLANG=en_US.UTF-8\n' \
    >"$dir/etc/environment"

cat >"$dir/etc/metalama/policies/managed/10-telemetry.json" <<'JSON'
{
  "TelemetryOptOut": true,
  "DeviceIdResetToken": "2026-11"
}
JSON
cat >"$dir/etc/metalama/policies/recommended/50-defaults.yaml" <<'YAML'
# Recommended values: users may change these.
DisableUsageReporting: true
YAML

home() {  # home NAME UID
    mkdir -p "$dir/home/$1"
    chmod 0750 "$dir/home/$1"
}
own() {  # own UID PATH... : give a tree to a user, as if they had created it
    local uid=$1; shift
    chown -R "$uid:$uid" "$@"
}
settings() {  # settings NAME RELDIR CONTENT
    mkdir -p "$dir/home/$1/$2"
    printf '%s\n' "$3" >"$dir/home/$1/$2/telemetry.json"
}

home alice 1001
settings alice .local/share/Metalama '{
  "ExceptionReportingAction": 1,
  "PerformanceProblemReportingAction": 0,
  "UsageReportingAction": 1,
  "DeviceId": "6f1b1a53-3c1e-4f55-9f0e-0d2c3f6b9a10",
  "LastUploadTime": "2026-10-02T08:15:00.1234567+02:00",
  "Issues": {"MTL0001": {"Count": 2}},
  "Sessions": {},
  "version": 7
}'
own 1001 "$dir/home/alice"

home bob 1002
settings bob .config/.metalama '{"UsageReportingAction": 0, "DeviceId": "1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f"}'
settings bob .local/share/Metalama '{"ExceptionReportingAction": 2, "PerformanceProblemReportingAction": 2, "UsageReportingAction": 2}'
own 1002 "$dir/home/bob"

home carol 1003
own 1003 "$dir/home/carol"

home dave 1004
settings dave .local/share/Metalama '{
  // edited by hand
  "UsageReportingAction": 2,
}'
own 1004 "$dir/home/dave"

home erin 1005
settings erin .local/share/Metalama '{"ExceptionReportingAction": 0, "DeviceId": null}'
printf '{"licenses": ["erin-license-key-id"]}\n' >"$dir/home/erin/.local/share/Metalama/licensing.json"
own 1005 "$dir/home/erin"

echo "$dir"
