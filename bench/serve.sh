#!/usr/bin/env bash
# Load-tests `leads serve` on loopback with wrk (Debian: apt-get install wrk): requests per second
# and latency percentiles for GET /v1/leads pages and for decisions. Prints wrk's reports.
set -euo pipefail
cd "$(dirname "$0")/.."

command -v wrk >/dev/null || { echo "bench/serve.sh needs wrk: apt-get install wrk" >&2; exit 1; }
cargo build --release --quiet
bin=$PWD/target/release/leads
work=$(mktemp -d)
trap 'kill "$server" 2>/dev/null || true; rm -rf "$work"' EXIT

export LEADS_NOW=2026-11-23T12:00:00+08:00
export LEADS_CONFIG=$work/config.toml
export LEADS_DATA_DIR=$work/store
export LEADS_SERVE_TOKENS=bench-token-0123456789abcdef
: > "$LEADS_CONFIG"
# 40,000 pending leads: more than the decision run can use up.
"$bin" demo --count 40000 --history 10000 --no-show
sync
port=18473
"$bin" serve --listen 127.0.0.1:$port 2> "$work/serve.log" &
server=$!
sleep 1
auth="Authorization: Bearer $LEADS_SERVE_TOKENS"

echo "## GET /v1/leads?status=pending&limit=100 (pages of 100 leads)"
wrk -t2 -c16 -d10s --latency -H "$auth" "http://127.0.0.1:$port/v1/leads?status=pending&limit=100"
echo
echo "## POST /v1/leads/{id}/reject (each request a different lead, committed with fsync)"
wrk -t2 -c16 -d5s --latency -H "$auth" -s bench/reject.lua "http://127.0.0.1:$port"
echo
grep -c ' 200 ' "$work/serve.log" | xargs echo "requests answered 200:"
grep -vc ' 200 \|listening' "$work/serve.log" | xargs echo "other answers:" || true
