#!/usr/bin/env bash
# Reruns the performance budgets of README.md#performance with hyperfine.
#
#   bench/run.sh            # all of them; prints a Markdown table
#
# Needs hyperfine (Debian: apt-get install hyperfine). Takes about a minute. The data is the demo generator's: 10,000
# pending New Leads and 132,000 past ones spread over the 30-day rate window (about 100,000 of them
# decided, the rest lapsed or auto-quoted), at a fixed clock, so every run measures the same store.
set -euo pipefail
cd "$(dirname "$0")/.."

command -v hyperfine >/dev/null || { echo "bench/run.sh needs hyperfine: apt-get install hyperfine" >&2; exit 1; }
cargo build --release --quiet
bin=$PWD/target/release/leads
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

export LEADS_NOW=2026-11-23T12:00:00+08:00
export LEADS_CONFIG=$work/config.toml
: > "$LEADS_CONFIG"
big=$work/big

LEADS_DATA_DIR=$big "$bin" demo --count 10000 --history 132000 --no-show
LEADS_DATA_DIR=$big "$bin" list --json > "$work/pending-10k.json"
echo "store: $(wc -c < "$big/leads.db") bytes; New Leads in the rate window:" >&2
LEADS_DATA_DIR=$big "$bin" status --json | grep -E '^  "(responded|lapsed|pending)"' >&2

# Let the kernel finish writing the new store out, so it does not share the CPU with the runs.
sync
sleep 5

# Reads run without a shell in between (-N), so the figures are the command's own.
LEADS_DATA_DIR=$big hyperfine -N --warmup 5 --min-runs 40 --export-markdown "$work/read.md" \
  -n "leads list (10,000 pending, piped)" "$bin list" \
  -n "leads list --json" "$bin list --json" \
  -n "leads list --category moving --limit 20" "$bin list --category moving --limit 20" \
  -n "leads status" "$bin status"

hyperfine --warmup 1 --min-runs 10 --export-markdown "$work/import.md" \
  --prepare "rm -rf $work/fresh" \
  -n "leads import (10,000 leads, JSON, empty store)" "LEADS_DATA_DIR=$work/fresh $bin import $work/pending-10k.json"

# A filtered bulk rejection of all 10,000 pending leads, on a fresh copy of the store each run.
cp "$big/leads.db" "$work/template.db"
hyperfine --runs 5 --export-markdown "$work/reject.md" \
  --prepare "rm -rf $work/bulk && mkdir $work/bulk && cp $work/template.db $work/bulk/leads.db" \
  -n "leads reject --older-than 1m (10,000 leads)" \
  "LEADS_DATA_DIR=$work/bulk $bin reject --older-than 1m --reason service --yes > /dev/null 2>&1"

cat "$work/read.md"
tail -n +3 "$work/import.md"
tail -n +3 "$work/reject.md"
