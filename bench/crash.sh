#!/usr/bin/env bash
# bench/crash.sh — crash safety: kill -9 the server in the middle of a stream of
# public intakes, restart it, and prove that every acknowledged (201) case is
# there and the audit chain verifies. Repeated for several rounds on the same
# database, so later rounds also check the cases of the earlier ones.
#
#   bench/crash.sh [ROUNDS] [SECONDS]     defaults: 5 rounds of 6 s
#   CRASH_SYNC=normal|full                SQLite durability under test (normal)
#   make crash-short                      3 rounds of 3 s (CI)
#
# Each round: start zhendi (port fixed after the first start), fire intakes
# from 16 concurrent clients (bench/crash_client.mjs) for SECONDS, kill -9 the
# server at a random moment in the middle, start it again at once on the same
# port (the clients keep firing into the restarted server), then verify every
# case acknowledged so far through the public tracking API, count the rows,
# and run `zhendi audit verify`. Exit 1 on the first lost case or broken chain.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
. bench/lib.sh

ROUNDS="${1:-5}"
SECS="${2:-6}"
SYNC="${CRASH_SYNC:-normal}"
command -v node >/dev/null || { echo "crash: needs node" >&2; exit 1; }
[[ -x "$BIN" ]] || { echo "crash: $BIN is missing; run make first" >&2; exit 1; }

WORK="$(mktemp -d "${TMPDIR:-/tmp}/zhendi-crash.XXXXXX")"
CLIENT_PID=""
trap '[[ -n "$CLIENT_PID" ]] && kill "$CLIENT_PID" 2>/dev/null; bench_cleanup; rm -rf "$WORK"' EXIT
DB="$WORK/crash.db"
ACKS="$WORK/acks.txt"
: >"$ACKS"
"$BIN" init --db "$DB" --demo >/dev/null 2>&1
SERVE=(--db "$DB" --public-rate 1000000000 --sync "$SYNC")

echo "crash: $ROUNDS rounds of ${SECS}s, --sync $SYNC, kill -9 mid-stream, 16 concurrent clients"
PORT=""
for round in $(seq 1 "$ROUNDS"); do
  if [[ -z "$PORT" ]]; then
    start_server "$WORK/serve.log" "${SERVE[@]}"
    PORT="$SRV_PORT"
  else
    start_server "$WORK/serve.log" "${SERVE[@]}" --listen "127.0.0.1:$PORT"
  fi
  BASE="http://127.0.0.1:$PORT"
  before="$(wc -l <"$ACKS")"
  node bench/crash_client.mjs fire "$BASE" "$SECS" "$ACKS" 16 >"$WORK/client.out" 2>&1 &
  CLIENT_PID=$!
  # kill somewhere in the middle 30-70 % of the stream
  delay_ms=$((SECS * 300 + RANDOM % (SECS * 400 + 1)))
  sleep "$(awk -v m="$delay_ms" 'BEGIN { printf "%.3f", m / 1000 }')"
  stop_server KILL
  killed_at="$(wc -l <"$ACKS")"
  # restart at once on the same port; the clients are still firing
  up=""
  for try in 1 2 3 4 5 6 7 8 9 10; do
    if start_server "$WORK/serve.log" "${SERVE[@]}" --listen "127.0.0.1:$PORT" 2>/dev/null; then up=1; break; fi
    sleep 0.2
  done
  [[ -n "$up" ]] || { echo "crash: could not restart the server on port $PORT" >&2; cat "$WORK/serve.log" >&2; exit 1; }
  wait "$CLIENT_PID" || true
  CLIENT_PID=""
  fired="$(cat "$WORK/client.out" | tail -n 1)"
  verify="$(node bench/crash_client.mjs verify "$BASE" "$ACKS" 2>&1)" || {
    echo "crash: round $round: $verify" >&2
    exit 1
  }
  rows="$(sqlite3 "$DB" "SELECT count(*) FROM appeal WHERE content LIKE '崩溃测试%'")"
  audit="$("$BIN" audit verify --db "$DB" 2>&1 | tail -n 1)"
  stop_server
  echo "round $round: acknowledged $(( $(wc -l <"$ACKS") - before )) ($((killed_at - before)) before the kill -9 after ${delay_ms} ms); $fired; $verify; rows $rows; $audit"
  if ! [[ "$audit" == "audit chain intact"* ]]; then
    echo "crash: round $round: the audit chain does not verify" >&2
    exit 1
  fi
  if ((rows < $(wc -l <"$ACKS"))); then
    echo "crash: round $round: fewer rows ($rows) than acknowledged cases" >&2
    exit 1
  fi
done
echo "crash: PASS: $ROUNDS rounds, $(wc -l <"$ACKS") acknowledged cases all present after kill -9 and restart; audit chain intact"
