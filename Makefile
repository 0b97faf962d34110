# zhendi — build, run, test. `make run` and `make test` are the whole set-up.
.DEFAULT_GOAL := build/zhendi
.DELETE_ON_ERROR:

CC      ?= cc
PKGS    := libmicrohttpd sqlite3 jansson libsodium libpq cairo pangocairo libqrencode libjpeg libwebp fontconfig libpng xlsxwriter
CFLAGS  ?= -O2 -g
override CFLAGS += -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Isrc -Ibuild/gen
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lpthread -lm
B       ?= build

SRC     := $(wildcard src/platform/*.c) $(wildcard src/modules/*/*.c) src/routes.c
OBJ     := $(patsubst src/%.c,$(B)/obj/%.o,$(SRC)) $(B)/obj/gen/assets.o
ASSETS  := $(sort $(wildcard static/*)) $(sort $(wildcard sql/*.sql)) $(sort $(wildcard sql/pg/*.sql)) $(sort $(wildcard po/*.po))
UNIT    := $(patsubst tests/unit/%.c,$(B)/tests/%,$(wildcard tests/unit/test_*.c))

DB      ?= zhendi.db
LISTEN  ?= 127.0.0.1:8080
DEMO_PW ?= zhendi-demo

# V=1 shows the full compiler commands
Q := $(if $(V),,@)

$(B)/zhendi: $(OBJ) $(B)/obj/main.o
	@echo "  LINK $@"
	$(Q)$(CC) $(CFLAGS) -o $@ $^ $(PKG_LIBS) $(LDFLAGS)

$(B)/obj/%.o: src/%.c $(wildcard src/*.h src/platform/*.h src/modules/*/*.h)
	@mkdir -p $(dir $@)
	@echo "  CC   $<"
	$(Q)$(CC) $(CFLAGS) $(PKG_CFLAGS) -c -o $@ $<

$(B)/obj/gen/assets.o: $(B)/gen/assets.c
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(CFLAGS) -Wno-overlength-strings -c -o $@ $<

# The embed tool is built without sanitizers: it only runs at build time.
build/embed: tools/embed.c
	@mkdir -p build
	cc -O1 -std=c11 -Wall -Wextra -Werror -o $@ $<

$(B)/gen/assets.c: build/embed $(ASSETS)
	@mkdir -p $(dir $@)
	$(Q)build/embed $@ $(ASSETS)

$(B)/tests/%: tests/unit/%.c $(OBJ)
	@mkdir -p $(dir $@)
	@echo "  TEST $@"
	$(Q)$(CC) $(CFLAGS) $(PKG_CFLAGS) -o $@ $^ $(PKG_LIBS) -lcmocka $(LDFLAGS)

.PHONY: deps run test test-unit test-http test-browser test-pg test-asan clean screenshot
deps:
	@scripts/deps.sh

run: deps $(B)/zhendi
	@$(B)/zhendi init --db $(DB) --demo --demo-password $(DEMO_PW)
	@echo ""
	@echo "  zhendi is starting on http://$(LISTEN)  (Ctrl-C stops it)"
	@echo "  Demo logins: see 'Demo users' in README.md; password: $(DEMO_PW)"
	@echo ""
	@exec $(B)/zhendi serve --db $(DB) --listen $(LISTEN)

test-unit: $(UNIT)
	@fail=0; for t in $(UNIT); do echo "== $$t"; $$t || fail=1; done; exit $$fail

test-http: $(B)/zhendi
	ZHENDI_BIN=$(B)/zhendi node --test --test-reporter=spec tests/http/

test-browser: $(B)/zhendi
	ZHENDI_BIN=$(B)/zhendi node --test --test-reporter=spec tests/browser/

# The integration and browser suites run on SQLite, then on PostgreSQL: on the
# server named by ZHENDI_TEST_PG, or else on a throwaway local cluster that
# scripts/pgtest.sh starts and stops (PostgreSQL from Debian, see scripts/deps.sh).
test: deps
	@$(MAKE) --no-print-directory test-unit test-http test-browser
	@$(MAKE) --no-print-directory test-pg

test-pg: $(B)/zhendi
	@if [ -n "$$ZHENDI_TEST_PG" ]; then \
	  echo "== PostgreSQL suite on $$ZHENDI_TEST_PG"; \
	  ZHENDI_BIN=$(B)/zhendi node --test --test-reporter=spec tests/http/ tests/browser/; \
	else \
	  url=$$(scripts/pgtest.sh start) || exit 1; \
	  echo "== PostgreSQL suite on a throwaway cluster ($$url)"; \
	  ZHENDI_TEST_PG=$$url ZHENDI_BIN=$(B)/zhendi node --test --test-reporter=spec tests/http/ tests/browser/; \
	  rc=$$?; scripts/pgtest.sh stop; exit $$rc; \
	fi

# The same suite under AddressSanitizer + UndefinedBehaviorSanitizer.
test-asan: deps
	@LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0 ZHENDI_SANITIZED=1 \
	$(MAKE) --no-print-directory B=build-asan CC=gcc \
	  CFLAGS="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" \
	  LDFLAGS="-fsanitize=address,undefined" test-unit test-http

clean:
	rm -rf build build-asan build-fuzz

# ---- benchmarks, fault tests and fuzzing (issue 8; see docs/performance.md) ---------
# make bench        wrk against nginx on 127.0.0.1 at township and county scale; appends to
#                   bench/results.txt (installs wrk and nginx as root, else names them)
# make crash-short  kill -9 mid-stream of intakes, restart, every 201 present, chain intact (CI)
# make fuzz         each libFuzzer target for FUZZ_SECONDS (60); fuzz-short: 10 s each (CI)
# bench/crash.sh (5 rounds) and bench/soak.sh (10 minutes) are run by hand.
FUZZ_CC      ?= clang-14
FUZZ_SECONDS ?= 60
FUZZ_B       := build-fuzz
FUZZ_TARGETS := $(patsubst fuzz/fuzz_%.c,%,$(wildcard fuzz/fuzz_*.c))
FUZZ_CFLAGS  := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all

.PHONY: bench crash crash-short soak fuzz fuzz-short fuzz-build fuzz-run
bench: $(B)/zhendi
	bench/run.sh

crash: $(B)/zhendi
	ZHENDI_BIN=$(B)/zhendi bench/crash.sh 5 6

crash-short: $(B)/zhendi
	ZHENDI_BIN=$(B)/zhendi bench/crash.sh 3 3

soak: $(B)/zhendi
	ZHENDI_BIN=$(B)/zhendi bench/soak.sh

# The objects are built again by clang with ASan+UBSan and libFuzzer's coverage
# (in $(FUZZ_B)/); each fuzz/fuzz_NAME.c links with them into $(FUZZ_B)/fuzz/NAME.
fuzz-build:
	@command -v $(FUZZ_CC) >/dev/null || { echo "fuzz: needs $(FUZZ_CC) and libclang-rt-14-dev (scripts/deps.sh installs them)"; exit 1; }
	@$(MAKE) --no-print-directory B=$(FUZZ_B) CC=$(FUZZ_CC) CFLAGS="$(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link" \
	  $(addprefix $(FUZZ_B)/fuzz/,$(FUZZ_TARGETS))

$(B)/fuzz/%: fuzz/fuzz_%.c $(OBJ)
	@mkdir -p $(dir $@)
	@echo "  FUZZ $@"
	$(Q)$(CC) $(CFLAGS) $(PKG_CFLAGS) -fsanitize=fuzzer -o $@ $^ $(PKG_LIBS)

# Runs every target for FUZZ_SECONDS; new inputs go to $(FUZZ_B)/corpus/NAME (the
# seeds in fuzz/corpus/NAME are only read), crashes to $(FUZZ_B)/crashes/. A crash
# fails the target: fix it and add its input to tests/unit/test_fuzz_regress.c.
fuzz-run:
	@mkdir -p $(FUZZ_B)/crashes
	@fail=0; for t in $(FUZZ_TARGETS); do \
	  mkdir -p $(FUZZ_B)/corpus/$$t fuzz/corpus/$$t; \
	  echo "== fuzz $$t for $(FUZZ_SECONDS) s"; \
	  $(FUZZ_B)/fuzz/$$t -max_total_time=$(FUZZ_SECONDS) -timeout=10 -rss_limit_mb=2048 -max_len=8192 \
	    -print_final_stats=1 -artifact_prefix=$(FUZZ_B)/crashes/$$t- $(FUZZ_B)/corpus/$$t fuzz/corpus/$$t \
	    >$(FUZZ_B)/$$t.log 2>&1; rc=$$?; \
	  grep -E '^(#[0-9]+ *DONE|stat::number_of_executed_units|stat::new_units_added|Done)' $(FUZZ_B)/$$t.log | tr '\n' ' '; echo; \
	  if [ $$rc -ne 0 ]; then fail=1; echo "fuzz $$t FAILED (exit $$rc); the log is $(FUZZ_B)/$$t.log:"; \
	    grep -A30 -m1 -E 'ERROR|runtime error|deadly signal' $(FUZZ_B)/$$t.log; fi; \
	done; exit $$fail

fuzz: fuzz-build
	@$(MAKE) --no-print-directory fuzz-run

fuzz-short: fuzz-build
	@$(MAKE) --no-print-directory fuzz-run FUZZ_SECONDS=10
