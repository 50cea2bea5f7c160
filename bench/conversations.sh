#!/usr/bin/env bash
# Reruns the follow-up budgets of docs/benchmarks.md with hyperfine:
#
#   bench/conversations.sh   # leads followups and leads report over 10,000 accepted leads
#                            # with 100,000 messages in all
#
# Needs hyperfine (Debian: apt-get install hyperfine) and python3 (to write the import file).
# Two stores: "spread", the 10,000 accepted leads over 90 days (as a year of a busy PRO looks,
# so followups reads only the recent ones), and "recent", every one of them active within the
# last three days (the worst case for followups: it reads all 10,000 and their messages).
set -euo pipefail
cd "$(dirname "$0")/.."

command -v hyperfine >/dev/null || { echo "bench/conversations.sh needs hyperfine: apt-get install hyperfine" >&2; exit 1; }
cargo build --release --quiet
bin=$PWD/target/release/leads
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

export LEADS_NOW=2026-11-23T12:00:00+08:00
export LEADS_CONFIG=$work/config.toml
: > "$LEADS_CONFIG"

# 10,000 accepted leads, ten messages each, alternating who wrote; some won, some lost.
make() { # $1: span in hours over which the leads arrived, $2: file
  python3 - "$1" "$2" <<'PY'
import json, sys, datetime as dt
span, path = int(sys.argv[1]), sys.argv[2]
now = dt.datetime(2026, 11, 23, 4, 0, tzinfo=dt.timezone.utc)
iso = lambda t: t.strftime("%Y-%m-%dT%H:%M:%SZ")
with open(path, "w") as f:
    for i in range(10_000):
        created = now - dt.timedelta(minutes=60 + (i * 7919) % (span * 60))
        accepted = created + dt.timedelta(minutes=30)
        gap = max((now - accepted).total_seconds() / 11, 60)
        msgs = [{"id": f"m{i}-{k}", "at": iso(accepted + dt.timedelta(seconds=gap * (k + 1))),
                 "from": "pro" if k % 2 == 0 else "customer", "channel": "platform",
                 "text": f"message {k} about the flat"} for k in range(10)]
        lead = {"id": f"c{i:05}", "kind": "new_lead", "status": "accepted",
                "service": "Deep home cleaning", "category": ["cleaning", "moving", "plumbing"][i % 3],
                "created_at": iso(created), "fee": {"amount": 18000 + (i % 5) * 1000, "currency": "TWD"},
                "customer": {"display_name": f"Customer {i}", "phone": None, "email": None},
                "answers": [], "message": "Please come soon",
                "decision": {"action": "accept", "decided_at": iso(accepted), "reason": None, "note": None},
                "messages": msgs}
        if i % 4 == 0:
            lead["outcome"] = {"result": "won" if i % 8 == 0 else "lost", "at": msgs[-1]["at"],
                               "value": {"amount": 300000, "currency": "TWD"} if i % 8 == 0 else None,
                               "reason": None}
        f.write(json.dumps(lead) + "\n")
PY
}
make $((90 * 24)) "$work/spread.ndjson"
make 60 "$work/recent.ndjson"
LEADS_DATA_DIR=$work/spread "$bin" import "$work/spread.ndjson"
LEADS_DATA_DIR=$work/recent "$bin" import "$work/recent.ndjson"
sync
sleep 3

for store in spread recent; do
  LEADS_DATA_DIR=$work/$store hyperfine -N --warmup 3 --min-runs 20 --export-markdown "$work/$store.md" \
    -n "leads followups ($store)" "$bin followups" \
    -n "leads report ($store)" "$bin report" \
    -n "leads status ($store)" "$bin status" >&2
done
cat "$work/spread.md"
tail -n +3 "$work/recent.md"
