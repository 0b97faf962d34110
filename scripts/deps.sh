#!/usr/bin/env bash
# deps.sh — make sure this Debian 12 machine has what zhendi needs to build,
# run and test. `make run` and `make test` call it first, so it must be quick
# when nothing is missing: one dpkg-query call, no output, exit 0.
#
# Missing Debian packages: as root it runs apt-get; otherwise it prints the
# exact command to run and exits 1. Then, when package.json exists and
# node_modules/playwright-core does not, it installs the npm packages (the
# browser tests drive Debian's chromium through playwright-core).
set -euo pipefail

# Debian 12 packages zhendi needs. Add new ones here (one list, one dpkg-query call).
#   build: build-essential (gcc with its ASan/UBSan runtimes, make), pkg-config, and one -dev
#          package per pkg-config name in the Makefile's PKGS (libpq-dev: PostgreSQL engine;
#          cairo, pango, fontconfig, qrencode: PDF posters and QR codes; jpeg, png, webp:
#          photos; xlsxwriter: Excel exports)
#   tests: sqlite3; libcmocka-dev (unit); postgresql (the suites run on PostgreSQL too, on a
#          throwaway cluster from scripts/pgtest.sh); chromium + fonts-noto-cjk (browser tests,
#          Chinese glyphs); poppler-utils (pdftoppm: test photos from our PDFs); clang-14 + libclang-rt-14-dev (libFuzzer: `make fuzz-short`)
#   (`make bench` and bench/soak.sh also need wrk and nginx; bench/lib.sh installs or names them)
PACKAGES="build-essential pkg-config libmicrohttpd-dev libsqlite3-dev libjansson-dev libsodium-dev libpq-dev libcairo2-dev libpango1.0-dev libfontconfig-dev libqrencode-dev libjpeg-dev libpng-dev libwebp-dev libxlsxwriter-dev sqlite3 libcmocka-dev postgresql chromium fonts-noto-cjk poppler-utils clang-14 libclang-rt-14-dev"
# Only when `node` is not on PATH already (a newer Node.js may be installed another way).
NODE_PACKAGES="nodejs npm"

cd "$(dirname "${BASH_SOURCE[0]}")/.."

read -r -a wanted <<<"$PACKAGES"
if ! command -v node >/dev/null 2>&1; then
  read -r -a extra <<<"$NODE_PACKAGES"
  wanted+=("${extra[@]}")
fi

missing=()
if command -v dpkg-query >/dev/null 2>&1; then
  # One call for all. Packages dpkg has never heard of print nothing on stdout
  # (and exit 1), so "missing" is: wanted and not reported as installed.
  installed=" $(dpkg-query -W -f='${Package} ${Status}\n' "${wanted[@]}" 2>/dev/null |
    awk '$NF == "installed" && $(NF-1) == "ok" { printf "%s ", $1 }' || true) "
  for p in "${wanted[@]}"; do
    [[ "$installed" == *" $p "* ]] || missing+=("$p")
  done
else
  echo "deps.sh: no dpkg-query: not a Debian system; make sure these (or their equivalents) are installed:" >&2
  echo "  ${wanted[*]}" >&2
fi

if ((${#missing[@]})); then
  if [[ "$(id -u)" -eq 0 ]]; then
    echo "deps.sh: installing missing Debian packages: ${missing[*]}"
    apt-get update
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
  else
    echo "zhendi needs these Debian packages, which are not installed: ${missing[*]}" >&2
    echo "Install them with:" >&2
    echo "" >&2
    echo "  sudo apt-get update && sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
    echo "" >&2
    echo "then run the make command again." >&2
    exit 1
  fi
fi

if [[ -f package.json && ! -d node_modules/playwright-core ]]; then
  if ! command -v npm >/dev/null 2>&1; then
    echo "deps.sh: npm is not on PATH; install it (Debian package npm) to run the browser tests." >&2
    exit 1
  fi
  if [[ -f package-lock.json ]]; then
    echo "deps.sh: installing npm packages (npm ci)"
    npm ci --no-audit --no-fund
  else
    echo "deps.sh: installing npm packages (npm install)"
    npm install --no-audit --no-fund
  fi
fi
