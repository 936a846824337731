#!/usr/bin/env bash
# Verifies the event history of a compliance database with sqlite3 and sha256sum only, without
# the agent's code: what an auditor runs to check the agent's own `verify` (the method is in
# docs/compliance-database.md). Opens the database read-only. Exit 0 when intact, 1 naming the
# first event that does not match, 2 on usage errors.
# Usage: scripts/verify-compliance-chain.sh /var/lib/metalama-policy-agent/compliance.db
set -euo pipefail
db=${1:?usage: verify-compliance-chain.sh DATABASE}
[ -r "$db" ] || { echo "$db: cannot read it" >&2; exit 2; }
sql() { sqlite3 -readonly -batch -noheader -separator $'\x1f' "$db" "$1"; }

# The chain starts at 64 zeros, or at the checkpoint retention left (the last pruned event).
prev=$(sql "SELECT last_pruned_hash FROM chain_checkpoint WHERE id = 1")
expected=$(sql "SELECT COALESCE((SELECT last_pruned_id FROM chain_checkpoint WHERE id = 1), 0) + 1")
[ -n "$prev" ] || prev=0000000000000000000000000000000000000000000000000000000000000000
count=0
# One row per event: the columns must agree with the hashed body (which holds everything), the
# previous hash must be the previous event's, and the hash must be sha256(prev_hash "\n" body).
# Bodies are one line of JSON without control characters, so \x1f separates the fields safely.
while IFS=$'\x1f' read -r id row_prev hash agrees body; do
    [ "$id" = "$expected" ] || { echo "event $id: expected event $expected here (deleted, inserted or renumbered)"; exit 1; }
    [ "$row_prev" = "$prev" ] || { echo "event $id: previous hash does not match the event before it"; exit 1; }
    [ "$agrees" = 1 ] || { echo "event $id: its columns (id, at, kind, run_id) differ from its body"; exit 1; }
    got=$(printf '%s\n%s' "$prev" "$body" | sha256sum | cut -d' ' -f1)
    [ "$got" = "$hash" ] || { echo "event $id: sha256 of its body is $got, stored $hash"; exit 1; }
    prev=$hash
    expected=$((id + 1))
    count=$((count + 1))
done < <(sql "SELECT id, prev_hash, hash,
                     json_extract(body, '\$.seq') = id AND json_extract(body, '\$.at') = at
                     AND json_extract(body, '\$.kind') = kind
                     AND json_extract(body, '\$.run') IS run_id,
                     body
                FROM events ORDER BY id")
echo "intact: $count events, head event $((expected - 1)) $prev"
