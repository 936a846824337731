#!/usr/bin/env bash
# Authenticode-signs Windows files (metalama-policy-agent.exe, the MSI) in place with osslsigncode
# (Debian package osslsigncode). cmake/BuildMsi.cmake runs it on the executable it packages and on
# the MSI whenever a certificate is set; it can also be run by hand:
#   scripts/sign-windows.sh FILE...
# The certificate comes from the environment, never from the repository:
#   MPA_SIGN_PKCS12=cert.pfx   a PKCS#12 file with the key and the chain, or
#   MPA_SIGN_CERT=chain.pem MPA_SIGN_KEY=key.pem   PEM certificate chain and private key;
#   MPA_SIGN_PASSWORD          the password of the PKCS#12 file or the key (optional; passed to
#                              osslsigncode in a private file, never on its command line);
#   MPA_SIGN_TIMESTAMP_URL     an RFC 3161 timestamp server (optional here, needed for release:
#                              without a timestamp the signature is invalid once the certificate
#                              expires); MPA_SIGN_DESCRIPTION, MPA_SIGN_URL (shown by Windows).
# Signs with SHA-256. Exit code 0 when every file was signed. docs/building.md ("Signing").
set -euo pipefail

say() { echo "[sign-windows] $*" >&2; }
[ $# -gt 0 ] || { say "usage: $0 FILE..."; exit 2; }
command -v osslsigncode >/dev/null || { say "osslsigncode is not installed (Debian package osslsigncode)"; exit 1; }

args=()
if [ -n "${MPA_SIGN_PKCS12:-}" ]; then
    args+=(-pkcs12 "$MPA_SIGN_PKCS12")
elif [ -n "${MPA_SIGN_CERT:-}" ] && [ -n "${MPA_SIGN_KEY:-}" ]; then
    args+=(-certs "$MPA_SIGN_CERT" -key "$MPA_SIGN_KEY")
else
    say "no certificate: set MPA_SIGN_PKCS12, or MPA_SIGN_CERT and MPA_SIGN_KEY"
    exit 1
fi
private=$(mktemp -d)
trap 'rm -rf "$private"' EXIT
if [ -n "${MPA_SIGN_PASSWORD:-}" ]; then
    (umask 077 && printf '%s' "$MPA_SIGN_PASSWORD" >"$private/password")
    args+=(-readpass "$private/password")
fi
args+=(-h sha256 -n "${MPA_SIGN_DESCRIPTION:-Metalama Policy Agent}")
[ -z "${MPA_SIGN_URL:-}" ] || args+=(-i "$MPA_SIGN_URL")
[ -z "${MPA_SIGN_TIMESTAMP_URL:-}" ] || args+=(-ts "$MPA_SIGN_TIMESTAMP_URL")

for file in "$@"; do
    # Written next to the file, then renamed over it: a failed signing leaves the file as it was.
    tmp="$file.signing.$$"
    if ! osslsigncode sign "${args[@]}" -in "$file" -out "$tmp" >"$private/log" 2>&1; then
        cat "$private/log" >&2
        rm -f "$tmp"
        say "signing $file failed"
        exit 1
    fi
    mv -f "$tmp" "$file"
    say "signed $file"
done
