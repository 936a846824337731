#!/usr/bin/python3
"""Writes a Registry.pol file with Samba's PReg writer (Debian python3-samba), as a GPO holds it:
the integration tests give the agent policy files that Samba, not our own code, produced.

Usage: /usr/bin/python3 write_registry_pol.py OUTPUT KEY NAME DWORD [KEY NAME DWORD ...]
Every value is a REG_DWORD (the boolean and integer policies).
"""

import sys

from samba.dcerpc import misc, preg
from samba.ndr import ndr_pack


def main():
    out, rest = sys.argv[1], sys.argv[2:]
    if not rest or len(rest) % 3:
        sys.exit("usage: write_registry_pol.py OUTPUT KEY NAME DWORD [KEY NAME DWORD ...]")
    entries = []
    for i in range(0, len(rest), 3):
        e = preg.entry()
        e.keyname = rest[i]
        e.valuename = rest[i + 1]
        e.type = misc.REG_DWORD
        e.data = int(rest[i + 2])
        entries.append(e)
    f = preg.file()
    f.entries = entries
    f.num_entries = len(entries)
    with open(out, "wb") as stream:
        stream.write(ndr_pack(f))


if __name__ == "__main__":
    main()
