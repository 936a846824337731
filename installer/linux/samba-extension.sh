#!/bin/sh
# Registers (or unregisters) the Metalama client-side extension with samba-gpupdate, in Samba's
# gpext.conf, through Samba's own register_gp_extension. Run by the packages: postinst/%post
# registers when Samba's Group Policy client is installed, prerm/%preun unregisters on removal.
# Does nothing, successfully, where Samba's python modules are absent (not an AD-joined machine).
#   samba-extension register|unregister|status
set -u
EXTENSION=${MPA_SAMBA_EXTENSION:-/usr/lib/metalama-policy-agent/samba/gp_metalama_ext.py}
PYTHON=/usr/bin/python3  # Samba's modules are installed for the system interpreter

case "${1:-}" in
    register|unregister|status) ;;
    *) echo "usage: $0 register|unregister|status" >&2; exit 2 ;;
esac
if ! [ -x "$PYTHON" ] || ! "$PYTHON" -c 'import samba.gp.gpclass' 2>/dev/null; then
    [ "$1" = status ] && echo "samba-gpupdate is not installed (python3-samba)"
    exit 0
fi
if [ "$1" = status ]; then
    "$PYTHON" "$EXTENSION" --status
    exit 0
fi
if ! "$PYTHON" "$EXTENSION" "--$1"; then
    echo "metalama-policy-agent: could not $1 the samba-gpupdate extension (gpext.conf)" >&2
    exit 1
fi
exit 0
