#!/usr/bin/python3
# Writes a Registry.pol with Samba's own PReg writer (the NDR marshalling of samba.dcerpc.preg),
# so the GPOs of the AD suite hold exactly what Samba's tools would write.
#   write_registry_pol.py OUT 'KEY|NAME|REG_DWORD|1' 'KEY|**del.NAME|REG_SZ|' ...
import sys

from samba.dcerpc import misc, preg
from samba.ndr import ndr_pack

TYPES = {'REG_SZ': misc.REG_SZ, 'REG_EXPAND_SZ': misc.REG_EXPAND_SZ,
         'REG_DWORD': misc.REG_DWORD, 'REG_BINARY': misc.REG_BINARY}


def main(out, specs):
    pol = preg.file()
    pol.header.signature = 'PReg'
    pol.header.version = 1
    entries = []
    for spec in specs:
        key, name, type_name, data = spec.split('|', 3)
        entry = preg.entry()
        entry.keyname = key
        entry.valuename = name
        entry.type = TYPES[type_name]
        if entry.type == misc.REG_DWORD:
            entry.data = int(data)
        elif entry.type == misc.REG_BINARY:
            entry.data = data.encode()
        else:
            entry.data = data
        entries.append(entry)
    pol.num_entries = len(entries)
    pol.entries = entries
    with open(out, 'wb') as f:
        f.write(ndr_pack(pol))


if __name__ == '__main__':
    main(sys.argv[1], sys.argv[2:])
