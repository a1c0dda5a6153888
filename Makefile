# Hearth: the two commands a newcomer needs are `make run` and `make test`.
SHELL := /bin/bash
export PATH := $(PATH):/usr/local/go/bin
BIN := bin/hearth
GO ?= go

.PHONY: run build test bench fuzz lint schema deps-postgres deps-browser clean

## run: build and start Hearth with demo data on a private PostgreSQL under ./.hearth
run: deps-postgres build
	$(BIN) seed --demo --if-empty
	$(BIN) serve

build:
	$(GO) build -o $(BIN) ./cmd/hearth

## test: every test, with the race detector, on real PostgreSQL and Chromium
test:
	$(GO) vet ./...
	@unformatted=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	  if [ -n "$$unformatted" ]; then echo "gofmt needed:"; echo "$$unformatted"; exit 1; fi
	$(GO) test -race -count=1 -timeout 20m ./...

## bench: the benchmarks the issues name; figures go to docs/BENCHMARKS.md
bench: deps-postgres build
	$(BIN) bench
	$(GO) test -run '^$$' -bench . -benchmem ./housing/lottery/ ./housing/feeds/

## fuzz: every fuzz target (in *_fuzz_test.go files) in turn for FUZZTIME; make
## test runs their seeds. A failing input lands in the package's testdata/fuzz: keep it.
## A FUZZTIME of a few seconds can end while go replays its cached corpus, which
## fails with "context deadline exceeded"; that is not a finding.
FUZZTIME ?= 30s
fuzz:
	@set -e; for pkg in $$($(GO) list -f '{{.ImportPath}} {{.TestGoFiles}} {{.XTestGoFiles}}' ./... | grep _fuzz_test.go | cut -d' ' -f1); do \
	  for name in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz' || true); do \
	    echo "== $$pkg $$name ($(FUZZTIME))"; \
	    $(GO) test $$pkg -run '^$$' -fuzz "^$$name\$$" -fuzztime $(FUZZTIME); \
	  done; \
	done

lint:
	gofmt -l .
	$(GO) vet ./...

## schema: rewrite migrations/schema.sql, the whole schema the migrations make (needs pg_dump of the server's version)
schema:
	$(GO) test ./app/ -run '^TestSchemaSnapshot$$' -count=1 -args -update-schema

# The embedded default needs the PostgreSQL server binaries (initdb, pg_ctl).
# Install them with apt-get when they are missing and we may.
deps-postgres:
	@if command -v initdb >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then exit 0; fi; \
	if command -v apt-get >/dev/null 2>&1; then \
	  echo "Installing PostgreSQL server binaries with apt-get..."; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq postgresql postgresql-contrib; \
	else \
	  echo "Hearth needs PostgreSQL 15 or newer: install its server binaries (macOS: brew install postgresql@15), or set DATABASE_URL."; exit 1; \
	fi

# Browser tests drive Debian's Chromium headless.
deps-browser:
	@if command -v chromium >/dev/null 2>&1; then exit 0; fi; \
	SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium

clean:
	rm -rf bin
