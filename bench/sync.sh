#!/usr/bin/env bash
# Reruns the remote-source budgets of docs/benchmarks.md with hyperfine, against a real
# `leads serve` on loopback:
#
#   bench/sync.sh    # `leads sync` pulling 10,000 pending leads into an empty cache;
#                    # `leads sync` pushing 1,000 queued rejections (then pulling the other 9,000)
#
# Needs hyperfine (Debian: apt-get install hyperfine). Takes about a minute. Every run starts from
# the same stores: the server's is restored and the server restarted before each push run, so
# each run really decides 1,000 leads on the server.
set -euo pipefail
cd "$(dirname "$0")/.."

command -v hyperfine >/dev/null || { echo "bench/sync.sh needs hyperfine: apt-get install hyperfine" >&2; exit 1; }
cargo build --release --quiet
bin=$PWD/target/release/leads
work=$(mktemp -d)
server_pid=
trap '[ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null; rm -rf "$work"' EXIT

export LEADS_NOW=2026-11-23T12:00:00+08:00
export LEADS_TOKEN=bench-token-0123456789abcdef
export LEADS_SERVE_TOKENS=$LEADS_TOKEN
: > "$work/server.toml"

LEADS_CONFIG=$work/server.toml LEADS_DATA_DIR=$work/server "$bin" demo --count 10000 --history 0 --no-show
cp "$work/server/leads.db" "$work/server.db"

# Starts the server on a fixed free port (the same one every time, so the client config holds).
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat > "$work/start-server.sh" <<EOF
#!/usr/bin/env bash
[ -f "$work/server.pid" ] && kill "\$(cat "$work/server.pid")" 2>/dev/null && sleep 0.2
rm -f "$work/server/leads.db-wal" "$work/server/leads.db-shm"
cp "$work/server.db" "$work/server/leads.db"
LEADS_CONFIG=$work/server.toml LEADS_DATA_DIR=$work/server "$bin" serve --listen 127.0.0.1:$port 2>/dev/null &
echo \$! > "$work/server.pid"
until curl -s -o /dev/null "http://127.0.0.1:$port/v1/response-rate"; do sleep 0.05; done
EOF
chmod +x "$work/start-server.sh"
"$work/start-server.sh"
server_pid=$(cat "$work/server.pid")

cat > "$work/client.toml" <<EOF
source = "remote"
[remote]
url = "http://127.0.0.1:$port"
EOF
export LEADS_CONFIG=$work/client.toml

hyperfine --warmup 1 --min-runs 10 --export-markdown "$work/pull.md" \
  --prepare "rm -rf $work/client" \
  -n "leads sync (pull 10,000 pending into an empty cache)" "LEADS_DATA_DIR=$work/client $bin sync"

# A cache holding 1,000 rejections made offline, waiting to be sent.
LEADS_DATA_DIR=$work/queued "$bin" sync 2>/dev/null
LEADS_DATA_DIR=$work/queued "$bin" reject --offline --limit 1000 --reason busy --yes >/dev/null 2>&1 || [ $? = 9 ]
cp "$work/queued/leads.db" "$work/queued.db"

hyperfine --runs 5 --export-markdown "$work/push.md" \
  --prepare "$work/start-server.sh; rm -rf $work/push && mkdir $work/push && cp $work/queued.db $work/push/leads.db" \
  -n "leads sync (push 1,000 queued rejections, pull 9,000)" "LEADS_DATA_DIR=$work/push $bin sync"
server_pid=$(cat "$work/server.pid")

cat "$work/pull.md"
tail -n +3 "$work/push.md"
