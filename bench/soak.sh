#!/usr/bin/env bash
# bench/soak.sh — soak test: 10 minutes at 64 connections of mixed traffic
# (bench/wrk/mixed.lua) against one zhendi on the county-scale database. Pass:
# no errors (no socket error, no status >= 400) and resident memory flat after
# the warm-up: the largest RSS sampled after the first minute is within 10 % of
# the RSS at the end of that minute. Not in CI; run by hand, and its result is
# appended to bench/soak-results.txt.
#
# Before the mixed traffic, SOAK_FILL seconds of public tracking alone (a quiet
# evening of reading) fill the readers' page caches to their bound, as a day's
# traffic would. Under mixed traffic SQLite empties a reader's cache after
# every write, so the caches would otherwise reach their bound only after the
# rarest long pause between writes, and resident memory would creep towards
# it for hours: a bounded cache, not a leak, but the test could not tell them
# apart. After the fill, what grows is not a cache.
#
#   bench/soak.sh                 SOAK_SECONDS (600) SOAK_WARMUP (60) SOAK_CONNECTIONS (64) SOAK_FILL (30)
#   BENCH_DATA (build/bench)      the county database of `make bench` is reused when there
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
. bench/lib.sh

SECS="${SOAK_SECONDS:-600}"
WARM="${SOAK_WARMUP:-60}"
FILL="${SOAK_FILL:-30}"
CONNS="${SOAK_CONNECTIONS:-64}"
DATA="${BENCH_DATA:-build/bench}"
RESULTS="${SOAK_RESULTS:-bench/soak-results.txt}"
PW="zhendi-demo"
need_tools wrk curl
[[ -x "$BIN" ]] || { echo "soak: $BIN is missing; run make first" >&2; exit 1; }

WORK="$(mktemp -d "${TMPDIR:-/tmp}/zhendi-soak.XXXXXX")"
trap 'bench_cleanup; rm -rf "$WORK"' EXIT
mkdir -p "$DATA"
SRC="$DATA/county.db"
CODES="$DATA/county-codes.txt"
if [[ ! -f "$SRC" || ! -f "$CODES" ]]; then
  echo "soak: building the county database (300 villages, 30,000 matters, 20,000 members)"
  rm -f "$SRC" "$CODES"
  "$BIN" init --db "$SRC" --demo --demo-password "$PW" >/dev/null 2>&1
  "$BIN" bench-data --db "$SRC" --villages 300 --appeals 30000 --members 20000 --codes "$CODES"
fi
cp "$SRC" "$WORK/soak.db" # intakes go into a copy
start_server "$WORK/serve.log" --db "$WORK/soak.db" --public-rate 1000000000
BASE="http://127.0.0.1:$SRV_PORT"
CADRE="$(login "$SRV_PORT" renhe-cadre "$PW")"
TOWN="$(login "$SRV_PORT" township "$PW")"
IDLE_KB="$(rss_kb "$SRV_PID" VmRSS)"
STAMP="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
echo "soak: ${SECS}s at $CONNS connections, warm-up ${WARM}s, server pid $SRV_PID, idle RSS $(mb "$IDLE_KB") MB"
lines_touched() {
  curl -s --max-time 5 "$BASE/metrics" | awk '/^zhendi_sqlite_page_lines_bytes\{kind="touched"\}/ { printf "%.1f", $2 / 1048576 }'
}
fill_errors=0
if ((FILL > 0)); then
  fr="$(timeout $((FILL + 30)) wrk -t2 -c"$CONNS" -d"${FILL}s" --timeout 5s -s bench/wrk/track.lua "$BASE" -- "$CODES" 2>&1 | grep '^RESULT' || echo 'RESULT errors=1')"
  fill_errors="$(field "$fr" errors)"
  echo "  fill: ${FILL}s of tracking, errors $fill_errors; RSS $(mb "$(rss_kb "$SRV_PID" VmRSS)") MB, page lines $(lines_touched) MB"
fi

timeout $((SECS + 60)) wrk -t2 -c"$CONNS" -d"${SECS}s" --timeout 5s -s bench/wrk/mixed.lua "$BASE" -- "$CODES" "$CADRE" "$TOWN" \
  >"$WORK/wrk.out" 2>&1 &
WRK_PID=$!
BENCH_PIDS+=("$WRK_PID")
: >"$WORK/rss.csv"
: >"$WORK/parts.csv"
t=0
while kill -0 "$WRK_PID" 2>/dev/null; do
  sleep 10
  t=$((t + 10))
  echo "$t $(rss_kb "$SRV_PID" VmRSS)" >>"$WORK/rss.csv"
  # what the RSS is made of: the C heap in use, and SQLite's page lines ever used (resident)
  m="$(curl -s --max-time 5 "$BASE/metrics" || true)"
  heap="$(awk '/^zhendi_heap_bytes\{kind="in_use"\}/ { printf "%.1f", $2 / 1048576 }' <<<"$m")"
  lines="$(awk '/^zhendi_sqlite_page_lines_bytes\{kind="touched"\}/ { printf "%.1f", $2 / 1048576 }' <<<"$m")"
  echo "$t ${heap:-?} ${lines:-?}" >>"$WORK/parts.csv"
  ((t % 60 == 0)) && echo "  ${t}s RSS $(mb "$(rss_kb "$SRV_PID" VmRSS)") MB (heap in use ${heap:-?} MB, page lines ${lines:-?} MB)"
done
wait "$WRK_PID" || true
r="$(grep '^RESULT' "$WORK/wrk.out" || echo 'RESULT requests=0 errors=1')"
alive="$(kill -0 "$SRV_PID" 2>/dev/null && echo yes || echo no)"
audit="$("$BIN" audit verify --db "$WORK/soak.db" 2>&1 | tail -n 1)"
stop_server
read -r warm_kb max_kb end_kb < <(awk -v w="$WARM" '$1 <= w { warm = $2 } $1 > w && $2 > max { max = $2 } { last = $2 } END { print warm + 0, max + 0, last + 0 }' "$WORK/rss.csv")
growth="$(awk -v a="$warm_kb" -v b="$max_kb" 'BEGIN { printf "%.1f", (a > 0 ? (b - a) * 100 / a : 0) }')"
flat="$(awk -v g="$growth" 'BEGIN { print (g <= 10 ? "met" : "MISSED") }')"
errors="$(field "$r" errors)"
verdict="PASS"
[[ "$errors" == "0" && "$fill_errors" == "0" && "$flat" == "met" && "$alive" == "yes" && "$audit" == "audit chain intact"* ]] || verdict="FAIL"
samples="$(awk '{ printf "%s%s:%.0f", (NR > 1 ? " " : ""), $1, $2 / 1024 }' "$WORK/rss.csv")"
parts="$(awk '$1 % 60 == 0 { printf "%s%s:%s/%s", (n++ ? " " : ""), $1, $2, $3 }' "$WORK/parts.csv" 2>/dev/null)"
line="$STAMP soak ${SECS}s c=$CONNS fill=${FILL}s rev=$(git rev-parse --short HEAD 2>/dev/null || echo '?') requests=$(field "$r" requests) rps=$(field "$r" rps) p50_ms=$(field "$r" p50_ms) p99_ms=$(field "$r" p99_ms) max_ms=$(field "$r" max_ms) errors=$errors (connect=$(field "$r" connect) read=$(field "$r" read) write=$(field "$r" write) status=$(field "$r" status) timeout=$(field "$r" timeout)) rss_idle_mb=$(mb "$IDLE_KB") rss_after_warmup_mb=$(mb "$warm_kb") rss_max_after_warmup_mb=$(mb "$max_kb") rss_end_mb=$(mb "$end_kb") growth=${growth}% flat<=10%:$flat server_alive=$alive audit=\"$audit\" $verdict"
{
  echo ""
  echo "# $(machine_line); other work may have been running"
  echo "$line"
  echo "# RSS samples (s:MB): $samples"
  echo "# heap in use / SQLite page lines ever used (s:MB/MB): $parts"
} | tee -a "$RESULTS"
[[ "$verdict" == "PASS" ]]
