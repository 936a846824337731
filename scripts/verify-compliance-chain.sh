#!/usr/bin/env bash
# Verifies the event history of a compliance database with sqlite3 and sha256sum only, without
# the agent's code: what an auditor runs to check the agent's own `verify` (the method is in
# docs/compliance-database.md), and the sealed_state row fleet tools read against its seal. Opens
# the database read-only. Exit 0 when intact, 1 naming the first event (or the sealed row) that
# does not match, 2 on usage errors.
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

# The sealed state (schema 4 and later), what fleet tools read: its SHA-256, over each column as its length
# in bytes, a colon and its bytes, must be the one the last "state sealed" event carries.
sealed=$(sql "SELECT json_extract(body, '\$.data.snapshot') FROM events
               WHERE kind = 'state sealed' ORDER BY id DESC LIMIT 1")
if [ -n "$sealed" ]; then
    # Schema 5's per-tool verdicts (column tools) are hashed last, and only when not empty.
    tools="''"
    if [ "$(sql "SELECT count(*) FROM pragma_table_info('sealed_state') WHERE name = 'tools'")" = 1 ]; then
        tools="CASE WHEN tools = '' THEN '' ELSE length(CAST(tools AS BLOB)) || ':' || tools END"
    fi
    canonical=$(sql "SELECT $(for c in 'CAST(run_id AS TEXT)' finished_at mode verdict policy \
                                        policy_values findings; do
                                  printf "length(CAST(%s AS BLOB)) || ':' || %s || " "$c" "$c"
                              done) $tools
                       FROM sealed_state WHERE id = 1")
    [ -n "$canonical" ] || { echo "sealed_state: empty, but the last seal sealed a row"; exit 1; }
    got=$(printf '%s' "$canonical" | sha256sum | cut -d' ' -f1)
    [ "$got" = "$sealed" ] || { echo "sealed_state: sha256 is $got, the last seal holds $sealed (edited)"; exit 1; }
    echo "sealed_state: matches the last seal"
fi
echo "intact: $count events, head event $((expected - 1)) $prev"
