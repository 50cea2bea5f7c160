#!/usr/bin/env bash
# Decisions per second and latency (p50, p99) of `leads serve` three ways, on loopback:
#   1. one server on the SQLite store (as bench/serve.sh),
#   2. one server on PostgreSQL,
#   3. two servers on one PostgreSQL database behind Caddy's round-robin.
# Each decision rejects a different lead with its own idempotency key (bench/reject.lua), so every
# request is a committed write. PostgreSQL runs with its default durability (fsync and
# synchronous_commit on), as the SQLite store commits with synchronous=FULL.
# The load generator, the servers, Caddy and the database all share this machine's cores.
# Needs wrk, caddy and postgresql (Debian: apt-get install wrk caddy postgresql). ~2 minutes.
set -euo pipefail
cd "$(dirname "$0")/.."

for tool in wrk caddy; do
  command -v "$tool" >/dev/null || { echo "bench/pg.sh needs $tool: apt-get install $tool" >&2; exit 1; }
done
pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -x "$pgbin/initdb" ] || { echo "bench/pg.sh needs PostgreSQL: apt-get install postgresql" >&2; exit 1; }
duration=${DURATION:-5s}

cargo build --release --quiet
bin=$PWD/target/release/leads
work=$(mktemp -d)
chmod 755 "$work"
pids=()
as_pg=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  [ -f "$work/pg/data/postmaster.pid" ] &&
    "${as_pg[@]}" "$pgbin/pg_ctl" stop -D "$work/pg/data" -m fast -w >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

export LEADS_NOW=2026-11-23T12:00:00+08:00
export LEADS_CONFIG=$work/config.toml
export LEADS_DATA_DIR=$work/store
export LEADS_SERVE_TOKENS=bench-token-0123456789abcdef
: > "$LEADS_CONFIG"
# More pending leads than any run can decide in its time.
"$bin" demo --count 25000 --history 2000 --no-show

# A PostgreSQL cluster of its own. initdb refuses root: as root it runs as the package's user.
mkdir "$work/pg"
if [ "$(id -u)" = 0 ]; then as_pg=(runuser -u postgres --); chown postgres: "$work/pg"; fi
export PGPASSWORD=bench-pw-$RANDOM$RANDOM
printf %s "$PGPASSWORD" > "$work/pg/pw"
chmod 644 "$work/pg/pw"
(cd / && "${as_pg[@]}" "$pgbin/initdb" -D "$work/pg/data" -U leads -A scram-sha-256 \
  --pwfile="$work/pg/pw" >/dev/null)
pgport=18490
(cd / && "${as_pg[@]}" "$pgbin/pg_ctl" start -w -D "$work/pg/data" -l "$work/pg/log" \
  -o "-p $pgport -k $work/pg -c listen_addresses=127.0.0.1" >/dev/null)
psql() { "$pgbin/psql" -X -q -h 127.0.0.1 -p $pgport -U leads "$@"; }
psql -d postgres -c "CREATE DATABASE one"
url=postgres://leads@127.0.0.1:$pgport
# The demo store, decisions and conversations included, copied into the database; a second
# database from it for the two-server run, so each run decides fresh leads.
"$bin" import --database "$url/one" --from-store
psql -d postgres -c "CREATE DATABASE two TEMPLATE one"

serve() { # port [database]
  if [ -n "${2:-}" ]; then
    "$bin" serve --listen "127.0.0.1:$1" --database "$2" 2>>"$work/serve.log" &
  else
    "$bin" serve --listen "127.0.0.1:$1" 2>>"$work/serve.log" &
  fi
  pids+=($!)
  for _ in $(seq 50); do
    curl -fs "http://127.0.0.1:$1/readyz" >/dev/null 2>&1 && return
    sleep 0.1
  done
  echo "the server on port $1 did not come up" >&2; exit 1
}
auth="Authorization: Bearer $LEADS_SERVE_TOKENS"
results=()
run() { # name url
  echo "## $1"
  out=$(wrk -t2 -c16 -d"$duration" --latency -H "$auth" -s bench/reject.lua "$2")
  echo "$out"
  echo
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
  p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
  results+=("| $1 | $rps | $p50 | $p99 |")
}

serve 18491
run "one server, SQLite" "http://127.0.0.1:18491"
serve 18492 "$url/one"
run "one server, PostgreSQL" "http://127.0.0.1:18492"
serve 18493 "$url/two"
serve 18494 "$url/two"
cat > "$work/Caddyfile" <<CADDY
{
	admin off
	auto_https off
}
:18495 {
	reverse_proxy 127.0.0.1:18493 127.0.0.1:18494 {
		lb_policy round_robin
	}
}
CADDY
XDG_DATA_HOME=$work XDG_CONFIG_HOME=$work caddy run --config "$work/Caddyfile" --adapter caddyfile \
  >"$work/caddy.log" 2>&1 &
pids+=($!)
up=
for _ in $(seq 50); do curl -fs http://127.0.0.1:18495/healthz >/dev/null 2>&1 && { up=1; break; }; sleep 0.1; done
[ -n "$up" ] || { echo "caddy did not come up:" >&2; cat "$work/caddy.log" >&2; exit 1; }
run "two servers, one PostgreSQL, behind Caddy" "http://127.0.0.1:18495"

echo "| store | decisions/s | p50 | p99 |"
echo "|---|---:|---:|---:|"
printf '%s\n' "${results[@]}"
answered=$(grep -c ' 200 ' "$work/serve.log" || true)
other=$(grep -v ' 200 \|listening' "$work/serve.log" | grep -c . || true)
echo "requests answered 200: $answered; other answers: $other"
psql -d two -At -c "SELECT 'two-server run: ' || count(*) || ' decisions committed' FROM decisions
  WHERE origin = 'local'"
