#!/usr/bin/python3
"""Builds a scratch root with N login accounts for the apply benchmark.

Every account has a home; 80 % have Metalama settings in the current location (a realistic
telemetry.json of about 700 bytes with the user's own choices), 10 % also the old ~/.config/.metalama
generation, 10 % none yet. Names are not in the order of the uids (user00000 has uid 10000, the
next uid goes to a name far away in the alphabet), as on a machine whose accounts were made over
the years: a pass that relied on the two orders agreeing would be measured at its best here.
Usage: make-profiles-root.py DIR N
"""
import json
import math
import os
import shutil
import sys
import uuid

root, count = sys.argv[1], int(sys.argv[2])
shutil.rmtree(root, ignore_errors=True)
os.makedirs(f"{root}/etc/metalama/policies/managed")
os.makedirs(f"{root}/etc/skel")
os.makedirs(f"{root}/home")
with open(f"{root}/etc/metalama/policies/managed/10-telemetry.json", "w") as f:
    f.write('{"TelemetryOptOut": true}\n')
with open(f"{root}/etc/login.defs", "w") as f:
    # Every account below is a login account (uids from 10000): above 50,000 accounts the usual
    # UID_MAX of 60000 would leave the rest out of the login range.
    f.write(f"UID_MIN 1000\nUID_MAX {max(60000, 10000 + count)}\n")
with open(f"{root}/etc/environment", "w") as f:
    f.write('PATH="/usr/local/bin:/usr/bin:/bin"\n')


def settings(i):
    return json.dumps({
        "ExceptionReportingAction": i % 3, "PerformanceProblemReportingAction": 0,
        "UsageReportingAction": 1, "DeviceId": str(uuid.UUID(int=i + 1)),
        "LastUploadTime": "2026-10-02T08:15:00.1234567+02:00",
        "Issues": {f"MTL{n:04}": {"Count": n, "LastSeen": "2026-10-01T00:00:00Z"} for n in range(8)},
        "Sessions": {"s1": {"Start": "2026-10-01T00:00:00Z"}}, "version": 3}, indent=2)


with open(f"{root}/etc/passwd", "w") as passwd:
    passwd.write("root:x:0:0:root:/root:/bin/bash\n")
    for i in range(count):
        uid = 10000 + i
        # A stride coprime with N visits every name once, in an order unrelated to the uids'.
        name = f"user{(i * 7919) % count if math.gcd(7919, count) == 1 else i:05}"
        home = f"{root}/home/{name}"
        passwd.write(f"{name}:x:{uid}:{uid}::/home/{name}:/bin/bash\n")
        os.makedirs(home, mode=0o750)
        dirs = []
        if i % 10 != 9:
            dirs.append(f"{home}/.local/share/Metalama")
        if i % 10 == 0:
            dirs.append(f"{home}/.config/.metalama")
        for d in dirs:
            os.makedirs(d)
            with open(f"{d}/telemetry.json", "w") as f:
                f.write(settings(i))
        for dirpath, dirnames, filenames in os.walk(home):
            os.chown(dirpath, uid, uid)
            for n in filenames:
                os.chown(os.path.join(dirpath, n), uid, uid)
print(root)
