# bench/lib.sh — shared by bench/run.sh, bench/crash.sh and bench/soak.sh (sourced).
# Only 127.0.0.1 is ever a target. Every server started here is stopped by its
# own pid (bench_cleanup runs on exit).

BIN="${ZHENDI_BIN:-build/zhendi}"
BENCH_PIDS=()

bench_cleanup() {
  local p
  for p in "${BENCH_PIDS[@]:-}"; do
    [[ -n "$p" ]] && kill "$p" 2>/dev/null || true
  done
  for p in "${BENCH_PIDS[@]:-}"; do
    [[ -n "$p" ]] && wait "$p" 2>/dev/null || true
  done
  BENCH_PIDS=()
}

# need_tools TOOL... : fail (with the apt-get line) when one is missing; as root, install it.
need_tools() {
  local missing=() t pkg
  for t in "$@"; do
    command -v "$t" >/dev/null 2>&1 || [[ -x "/usr/sbin/$t" ]] || missing+=("$t")
  done
  ((${#missing[@]} == 0)) && return 0
  if [[ "$(id -u)" -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
    echo "bench: installing ${missing[*]} (Debian packages)"
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null ||
      { apt-get update >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null; }
    return 0
  fi
  echo "bench: needs ${missing[*]}; install with:" >&2
  echo "  sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
  exit 1
}

tool() { command -v "$1" 2>/dev/null || echo "/usr/sbin/$1"; }

# start_server LOG ARGS... : zhendi serve on a free port of 127.0.0.1 (or the
# --listen given in ARGS); sets SRV_PID and SRV_PORT.
start_server() {
  local log="$1"
  shift
  local listen="127.0.0.1:0" a
  for a in "$@"; do [[ "$a" == 127.0.0.1:* ]] && listen="$a"; done
  if [[ "$listen" == "127.0.0.1:0" ]]; then
    "$BIN" serve --listen "$listen" --quiet "$@" >"$log" 2>&1 &
  else
    "$BIN" serve --quiet "$@" >"$log" 2>&1 &
  fi
  SRV_PID=$!
  disown "$SRV_PID" 2>/dev/null || true # no "Killed" job report after a kill -9
  BENCH_PIDS+=("$SRV_PID")
  SRV_PORT=""
  local i
  for i in $(seq 1 100); do
    SRV_PORT=$(sed -n 's/.*(port \([0-9]*\),.*/\1/p' "$log" | head -n 1)
    [[ -n "$SRV_PORT" ]] && return 0
    kill -0 "$SRV_PID" 2>/dev/null || break
    sleep 0.1
  done
  echo "bench: zhendi serve did not start:" >&2
  cat "$log" >&2
  return 1
}

# stop_server [SIGNAL] : stop SRV_PID and wait for it.
stop_server() {
  local sig="${1:-TERM}"
  [[ -n "${SRV_PID:-}" ]] || return 0
  kill -s "$sig" "$SRV_PID" 2>/dev/null || true
  local i
  for i in $(seq 1 100); do
    kill -0 "$SRV_PID" 2>/dev/null || break
    sleep 0.1
  done
  kill -9 "$SRV_PID" 2>/dev/null || true
  for i in $(seq 1 50); do
    kill -0 "$SRV_PID" 2>/dev/null || break
    sleep 0.1
  done
  SRV_PID=""
}

# rss_kb PID FIELD : VmRSS or VmHWM in KiB
rss_kb() { awk -v f="$2:" '$1 == f { print $2 }' "/proc/$1/status" 2>/dev/null || echo 0; }
mb() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }

# login PORT LOGIN PASSWORD : prints "zd_session=..." for a Cookie header
login() {
  curl -s --max-time 10 -D - -o /dev/null -H 'Content-Type: application/json' \
    -d "{\"login\":\"$2\",\"password\":\"$3\"}" "http://127.0.0.1:$1/api/v1/session" |
    sed -n 's/^[Ss]et-[Cc]ookie: \(zd_session=[^;]*\).*/\1/p' | head -n 1
}

# field LINE NAME : the value of NAME=... in a wrk RESULT line
field() { sed -n "s/.* $2=\([^ ]*\).*/\1/p" <<<" $1"; }

machine_line() {
  local cpu
  cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
  echo "host=$(hostname) cores=$(nproc) cpu=\"${cpu:-?}\" kernel=$(uname -r) debian=$(cat /etc/debian_version 2>/dev/null || echo '?') loadavg=\"$(cut -d' ' -f1-3 /proc/loadavg)\""
}
