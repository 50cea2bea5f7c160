#!/usr/bin/env bash
# Reruns the performance budgets of README.md#performance with hyperfine.
#
#   bench/run.sh            # all of them; prints a Markdown table
#
# Needs hyperfine (Debian: apt-get install hyperfine), GNU time (apt-get install time) and, for the
# comparison rows, taskwarrior (apt-get install taskwarrior). Takes about five minutes. The data is
# the demo generator's: 10,000 pending New Leads and 132,000 past ones spread over the 30-day rate
# window (about 100,000 of them decided, the rest lapsed or auto-quoted), at a fixed clock, so
# every run measures the same store. The scaling rows import bench/leads.py's files: 1,000
# pending leads with 1,000 or 1,000,000 past ones (a 740 MB NDJSON file).
set -euo pipefail
cd "$(dirname "$0")/.."

command -v hyperfine >/dev/null || { echo "bench/run.sh needs hyperfine: apt-get install hyperfine" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "bench/run.sh needs GNU time: apt-get install time" >&2; exit 1; }
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
LEADS_DATA_DIR=$big hyperfine -N --warmup 5 --min-runs 40 --export-markdown "$work/read.md" --export-json "$work/read.json" \
  -n "leads list (10,000 pending, piped)" "$bin list" \
  -n "leads list --json" "$bin list --json" \
  -n "leads list --category moving --limit 20" "$bin list --category moving --limit 20" \
  -n "leads status" "$bin status"

hyperfine --warmup 1 --min-runs 10 --export-markdown "$work/import.md" --export-json "$work/import.json" \
  --prepare "rm -rf $work/fresh" \
  -n "leads import (10,000 leads, JSON, empty store)" "LEADS_DATA_DIR=$work/fresh $bin import $work/pending-10k.json"

# A filtered bulk rejection of all 10,000 pending leads, on a fresh copy of the store each run.
cp "$big/leads.db" "$work/template.db"
hyperfine --runs 5 --export-markdown "$work/reject.md" --export-json "$work/reject.json" \
  --prepare "rm -rf $work/bulk && mkdir $work/bulk && cp $work/template.db $work/bulk/leads.db" \
  -n "leads reject --older-than 1m (10,000 leads)" \
  "LEADS_DATA_DIR=$work/bulk $bin reject --older-than 1m --reason service --yes > /dev/null 2>&1"

# Scaling: the same commands over a small and a very large history. The big file is imported once,
# timed with its peak memory; it is also the store `status` is measured on.
python3 bench/leads.py 1000 1000 2026-11-23T04:00:00Z > "$work/small.ndjson"
python3 bench/leads.py 1000 1000000 2026-11-23T04:00:00Z > "$work/huge.ndjson"
LEADS_DATA_DIR=$work/small "$bin" -q import "$work/small.ndjson"
sync
/usr/bin/time -f "%e %M" -o "$work/import-huge.txt" \
  env LEADS_DATA_DIR="$work/huge" "$bin" -q import "$work/huge.ndjson"
read -r huge_s huge_kb < "$work/import-huge.txt"
rm "$work/huge.ndjson"
sync
sleep 5
# One hyperfine per store, with the store in the environment: through `env` each run would also
# time a second program starting (about 1 ms here), which is not the command's own.
LEADS_DATA_DIR=$work/small hyperfine -N --warmup 5 --min-runs 40 --export-markdown "$work/scale-small.md" --export-json "$work/scale-small.json" \
  -n "leads status (1,000 past leads)" "$bin status"
LEADS_DATA_DIR=$work/huge hyperfine -N --warmup 5 --min-runs 40 --export-markdown "$work/scale-huge.md" --export-json "$work/scale-huge.json" \
  -n "leads status (1,000,000 past leads)" "$bin status" \
  -n "leads --help (process start)" "$bin --help"

# The comparison: taskwarrior over 10,000 pending tasks, in a data dir of its own.
if command -v task >/dev/null; then
  export TASKRC=$work/taskrc TASKDATA=$work/task
  printf 'data.location=%s\nconfirmation=off\nverbose=nothing\nrecurrence=off\n' "$TASKDATA" > "$TASKRC"
  python3 -c '
import json, random, uuid
rng = random.Random(7)
for i in range(10000):
    print(json.dumps({"uuid": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                      "description": f"Call back customer {i}", "status": "pending",
                      "entry": "20261123T000000Z", "project": rng.choice(["cleaning", "moving", "plumbing"])}))
' > "$work/tasks.json"
  task import "$work/tasks.json" >/dev/null 2>&1
  LEADS_DATA_DIR=$big hyperfine -N --warmup 3 --min-runs 20 --export-markdown "$work/task.md" --export-json "$work/task.json" \
    -n "task list (10,000 pending tasks)" "task list" \
    -n "leads list (10,000 pending leads)" "$bin list" \
    -n "task count" "task count" \
    -n "leads status" "$bin status"
fi

cat "$work/read.md"
tail -n +3 "$work/import.md"
tail -n +3 "$work/reject.md"
tail -n +3 "$work/scale-small.md"
tail -n +3 "$work/scale-huge.md"
echo "| \`leads import\` of 1,001,000 leads (740 MB NDJSON, empty store) | $huge_s s wall | peak RSS $((huge_kb / 1024)) MB | |"
[ -f "$work/task.md" ] && tail -n +3 "$work/task.md"

# Medians beside the means: on a shared VM a few runs take several times the others, and they
# pull the mean of a 10 ms command up by milliseconds.
echo
echo "| command | median | mean |"
echo "|:---|---:|---:|"
python3 - "$work"/read.json "$work"/import.json "$work"/reject.json "$work"/scale-small.json \
  "$work"/scale-huge.json $([ -f "$work/task.json" ] && echo "$work/task.json") <<'EOF'
import json, sys
for path in sys.argv[1:]:
    for r in json.load(open(path))["results"]:
        ms = lambda s: f"{s * 1000:.1f} ms" if s < 1 else f"{s:.2f} s"
        print(f"| `{r['command']}` | {ms(r['median'])} | {ms(r['mean'])} |")
EOF
