#!/usr/bin/env bash
# bench/run.sh — `make bench`: zhendi against nginx on this machine, in one run.
#
# For each scale (township: the demo's 8 villages; county: 300 villages,
# 30,000 matters, 20,000 Party members) it builds a database with
# `zhendi init --demo` + `zhendi bench-data`, starts nginx (2 workers, a
# 100-byte static file) and zhendi on 127.0.0.1, and runs wrk for a bounded
# time on:
#   nginx  GET of the 100-byte file (the yardstick)
#   a      public case tracking  GET /api/v1/public/appeals/{number}?code=
#   b      a village cadre's work list, 20 rows, logged in  GET /appeals
#   d      the heaviest page a township administrator opens (measured here
#          among the candidates, then loaded)
#   c      public intake  POST /api/v1/public/appeals (case + timeline + audit
#          entry in one transaction), --public-rate raised for the run, on a
#          fresh copy of the database, at --sync normal and --sync full
# It prints req/s, p50 and p99 latency and the ratio to nginx for each, and
# resident memory (idle, after the loads, after PDF rendering), and appends the
# lines to bench/results.txt.
#
# Settings (environment): BENCH_SECONDS (10) BENCH_CONNECTIONS (64)
# BENCH_THREADS (2) BENCH_SCALES ("township county") BENCH_RESULTS
# (bench/results.txt) BENCH_DATA (build/bench: databases kept between runs;
# BENCH_REGEN=1 rebuilds them) ZHENDI_BIN (build/zhendi).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
. bench/lib.sh

SECS="${BENCH_SECONDS:-10}"
CONNS="${BENCH_CONNECTIONS:-64}"
THREADS="${BENCH_THREADS:-2}"
SCALES="${BENCH_SCALES:-township county}"
RESULTS="${BENCH_RESULTS:-bench/results.txt}"
DATA="${BENCH_DATA:-build/bench}"
PW="zhendi-demo"

need_tools wrk nginx curl
[[ -x "$BIN" ]] || { echo "bench: $BIN is missing; run make first" >&2; exit 1; }

WORK="$(mktemp -d "${TMPDIR:-/tmp}/zhendi-bench.XXXXXX")"
chmod 755 "$WORK" # nginx workers (user nobody) read the static file from here
trap 'bench_cleanup; rm -rf "$WORK"' EXIT
mkdir -p "$DATA" "$(dirname "$RESULTS")"

STAMP="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
REV="$(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet HEAD -- src 2>/dev/null || echo '+')"
out() { echo "$*"; echo "$*" >>"$RESULTS"; }

out ""
out "# $STAMP zhendi $REV  wrk -t$THREADS -c$CONNS -d${SECS}s  $(machine_line)"
out "# other work may have been running on this machine during the run (see loadavg)"

# ---- nginx: 2 workers, a 100-byte file, keep-alive without a request cap -----
head -c 100 /dev/zero | tr '\0' 'z' >"$WORK/static.txt"
chmod 644 "$WORK/static.txt"
NGX_PORT=""
for try in 1 2 3 4 5 6 7 8 9 10; do
  p=$((20000 + RANDOM % 30000))
  (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null && continue
  NGX_PORT=$p
  break
done
mkdir -p "$WORK/ngx"
cat >"$WORK/nginx.conf" <<EOF
worker_processes 2;
pid $WORK/ngx/nginx.pid;
error_log $WORK/ngx/error.log;
events { worker_connections 1024; }
http {
  access_log off;
  keepalive_requests 1000000;
  server {
    listen 127.0.0.1:$NGX_PORT;
    root $WORK;
    location / { }
  }
}
EOF
"$(tool nginx)" -c "$WORK/nginx.conf" -p "$WORK/ngx" -g 'daemon off;' 2>"$WORK/ngx/stderr" &
NGX_PID=$!
BENCH_PIDS+=("$NGX_PID")
for i in $(seq 1 50); do
  curl -s -o /dev/null --max-time 2 "http://127.0.0.1:$NGX_PORT/static.txt" && break
  sleep 0.1
done

# wrk_run URL SCRIPT ARGS... : one bounded wrk run; prints its RESULT line
wrk_run() {
  local url="$1" script="$2"
  shift 2
  timeout $((SECS + 30)) wrk -t"$THREADS" -c"$CONNS" -d"${SECS}s" --timeout 5s -s "$script" "$url" -- "$@" |
    grep '^RESULT' || echo "RESULT requests=0 rps=0 p50_ms=0 p99_ms=0 errors=1"
}

nginx_run() {
  local r
  r="$(wrk_run "http://127.0.0.1:$NGX_PORT" bench/wrk/get.lua /static.txt)"
  NGX_RPS="$(field "$r" rps)"
  out "$STAMP scale=$1 test=nginx-static-100B rps=$NGX_RPS p50_ms=$(field "$r" p50_ms) p99_ms=$(field "$r" p99_ms) errors=$(field "$r" errors)"
}

# report SCALE TEST RESULT RATIO_TARGET P99_TARGET|- EXTRA
report() {
  local scale="$1" test="$2" r="$3" target="$4" p99t="$5" extra="${6:-}"
  local rps p99 ratio verdict=""
  rps="$(field "$r" rps)"
  p99="$(field "$r" p99_ms)"
  ratio="$(awk -v a="$rps" -v b="$NGX_RPS" 'BEGIN { printf "%.3f", (b > 0 ? a / b : 0) }')"
  if [[ "$target" != "-" ]]; then
    verdict="target_ratio>=$target:$(awk -v r="$ratio" -v t="$target" 'BEGIN { print (r >= t ? "met" : "MISSED") }')"
  fi
  if [[ "$p99t" != "-" ]]; then
    verdict="$verdict p99<=${p99t}ms:$(awk -v p="$p99" -v t="$p99t" 'BEGIN { print (p <= t ? "met" : "MISSED") }')"
  fi
  [[ "$(field "$r" errors)" == "0" ]] || verdict="$verdict ERRORS"
  out "$STAMP scale=$scale test=$test rps=$rps p50_ms=$(field "$r" p50_ms) p99_ms=$p99 errors=$(field "$r" errors) ratio=$ratio $verdict $extra"
}

make_data() { # make_data SCALE DB CODES
  local scale="$1" db="$2" codes="$3"
  if [[ -f "$db" && -f "$codes" && -z "${BENCH_REGEN:-}" && "$db" -nt "$BIN" ]]; then
    echo "  (reusing $db; BENCH_REGEN=1 rebuilds it)"
    return 0
  fi
  rm -f "$db" "$db-wal" "$db-shm" "$codes"
  "$BIN" init --db "$db" --demo --demo-password "$PW" >/dev/null
  case "$scale" in
    township) "$BIN" bench-data --db "$db" --villages 8 --appeals 1000 --members 600 --codes "$codes" ;;
    county) "$BIN" bench-data --db "$db" --villages 300 --appeals 30000 --members 20000 --codes "$codes" ;;
  esac
}

heaviest_page() { # heaviest_page PORT COOKIE : the slowest township page, by the median of 15 requests
  local port="$1" cookie="$2" number best="" bestt=0 p t
  number="$(awk '$3 == "renhe" { print $1; exit }' "$CODES")"
  for p in / /gai /guan /yong /v/renhe /v/renhe/shuoshi /appeals "/appeals?open=1" "/appeals/$number" /o/zhanerxiang/users /me; do
    t="$(for i in $(seq 1 15); do
      curl -s -o /dev/null -b "$cookie" --max-time 10 -w '%{http_code} %{time_total}\n' "http://127.0.0.1:$port$p"
    done | awk '$1 == 200 { print $2 }' | sort -n | awk '{ a[NR] = $1 } END { print NR ? a[int((NR + 1) / 2)] : 0 }')"
    echo "    candidate $p median ${t}s" >&2
    if awk -v a="$t" -v b="$bestt" 'BEGIN { exit !(a > b) }'; then best="$p"; bestt="$t"; fi
  done
  echo "$best"
}

for scale in $SCALES; do
  DB="$DATA/$scale.db"
  CODES="$DATA/$scale-codes.txt"
  echo "== $scale: data"
  make_data "$scale" "$DB" "$CODES"
  rows="$(sqlite3 "$DB" "SELECT (SELECT count(*) FROM org WHERE kind IN ('village','community')) || ' villages, ' || (SELECT count(*) FROM appeal) || ' matters, ' || (SELECT count(*) FROM users) || ' users, ' || (SELECT count(*) FROM audit) || ' audit entries'" 2>/dev/null || echo '?')"
  out "$STAMP scale=$scale data: $rows, $(du -m "$DB" | cut -f1) MB"

  echo "== $scale: nginx"
  nginx_run "$scale"

  echo "== $scale: zhendi (reads)"
  start_server "$WORK/serve-$scale.log" --db "$DB" --public-rate 1000000000
  sleep 1
  IDLE_KB="$(rss_kb "$SRV_PID" VmRSS)"
  BASE="http://127.0.0.1:$SRV_PORT"
  CADRE="$(login "$SRV_PORT" renhe-cadre "$PW")"
  TOWN="$(login "$SRV_PORT" township "$PW")"
  [[ -n "$CADRE" && -n "$TOWN" ]] || { echo "bench: cannot log in" >&2; exit 1; }

  r="$(wrk_run "$BASE" bench/wrk/track.lua "$CODES")"
  report "$scale" a-public-tracking "$r" 0.5 10
  r="$(wrk_run "$BASE" bench/wrk/get.lua /appeals "$CADRE")"
  report "$scale" b-cadre-list-20 "$r" 0.2 10 "user=renhe-cadre"
  echo "  choosing the heaviest township page (township administrator):"
  HEAVY="$(heaviest_page "$SRV_PORT" "$TOWN")"
  r="$(wrk_run "$BASE" bench/wrk/get.lua "$HEAVY" "$TOWN")"
  report "$scale" "d-heaviest-township-page" "$r" - - "path=$HEAVY user=township"
  LOAD_KB="$(rss_kb "$SRV_PID" VmRSS)"
  HWM_KB="$(rss_kb "$SRV_PID" VmHWM)"
  # PDF: pango/cairo load the CJK fonts (tens of MB mapped), reported apart
  for i in $(seq 1 10); do
    curl -s -o /dev/null --max-time 20 "$BASE/v/renhe/appeal-poster.pdf"
    curl -s -o /dev/null --max-time 20 -b "$TOWN" "$BASE/v/renhe/shuoshi.pdf"
  done
  PDF_KB="$(rss_kb "$SRV_PID" VmRSS)"
  out "$STAMP scale=$scale test=memory rss_idle_mb=$(mb "$IDLE_KB") rss_after_load_mb=$(mb "$LOAD_KB") peak_mb=$(mb "$HWM_KB") rss_after_20_pdfs_mb=$(mb "$PDF_KB") target_idle<=20:$(awk -v k="$IDLE_KB" 'BEGIN { print (k <= 20480 ? "met" : "MISSED") }') target_load<=100:$(awk -v k="$HWM_KB" 'BEGIN { print (k <= 102400 ? "met" : "MISSED") }')"
  stop_server

  for sync in normal full; do
    echo "== $scale: zhendi intake, --sync $sync"
    cp "$DB" "$WORK/intake.db"
    rm -f "$WORK/intake.db-wal" "$WORK/intake.db-shm"
    start_server "$WORK/intake-$scale-$sync.log" --db "$WORK/intake.db" --public-rate 1000000000 --sync "$sync"
    sleep 0.5
    villages="$(awk '{ print $3 }' "$CODES" | sort -u | head -n 40 | paste -sd, -)"
    before="$(sqlite3 "$WORK/intake.db" 'SELECT count(*) FROM appeal')"
    r="$(wrk_run "http://127.0.0.1:$SRV_PORT" bench/wrk/intake.lua "$villages")"
    stop_server
    after="$(sqlite3 "$WORK/intake.db" 'SELECT count(*) FROM appeal')"
    audit="$("$BIN" audit verify --db "$WORK/intake.db" 2>&1 | head -n 1)"
    report "$scale" "c-public-intake-sync-$sync" "$r" "$([[ $sync == normal ]] && echo 0.1 || echo -)" - \
      "created=$((after - before)) audit=\"$audit\""
    rm -f "$WORK/intake.db" "$WORK/intake.db-wal" "$WORK/intake.db-shm"
  done
done
echo "results appended to $RESULTS"
